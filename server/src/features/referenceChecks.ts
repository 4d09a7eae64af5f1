// Checks of one reference against the corpus: unknown, newer-release, revoked, deprecated, malformed,
// and (Elastic) a name that is not the ID's name. Each finding carries what its quick-fix needs.
import { distance } from 'fastest-levenshtein';
import type { Corpus, MissingIdVerdict } from '../corpus/corpus';
import { parseAttackId } from '../corpus/ids';
import { type AttackObject, OBJECT_KIND_LABEL, type ObjectKind } from '../corpus/model';
import type { AttackReference, RuleDocument } from '../formats/model';
import type { DiagnosticCode } from '../settings';
import { findTactic, tacticKey } from './resolve';
import { writtenFormFor } from './writtenForm';
import { t, translated } from '../l10n/l10n';
import { byCodeUnits } from '../order';

export interface Finding {
  code: DiagnosticCode;
  range: AttackReference['range'];
  message: string;
  /** Replacements offered as quick-fixes, best first; `all` marks the one "fix all" may apply. */
  replacements?: { range: AttackReference['range']; text: string; title: string }[];
  /** Set when the first replacement is unambiguous, so "fix all" and source.fixAll may apply it. */
  autoFix?: boolean;
  /** Lines to insert (missing tactic tags). */
  insertions?: { text: string; title: string }[];
  /** Range to delete (duplicate reference). */
  deletion?: AttackReference['range'];
  /** The deletion's quick-fix title, when it is not "Remove the duplicate". */
  deletionTitle?: string;
}

const label = (object: AttackObject) => `${object.id} ${object.name}`;

/** Close IDs of the same kind, live ones only, nearest first: edit distance ≤ 2 (a slip of one or
 *  two characters), ties broken by numeric closeness; when nothing is that close, the nearest at
 *  distance 3 (T9999 still gets its nearest IDs). */
export function suggestIds(corpus: Corpus, reference: AttackReference): AttackObject[] {
  const parsed = parseAttackId(reference.id);
  if (!parsed) return [];
  const scored: [number, number, AttackObject][] = [];
  const wanted = parsed.sub === undefined ? parsed.number : parsed.number + parsed.sub / 1000;
  for (const object of corpus.ofKind(parsed.kind)) {
    if (object.revoked || object.deprecated || !object.id) continue;
    const d = distance(object.id, parsed.id);
    if (d > 3) continue;
    const candidate = parseAttackId(object.id);
    const number = candidate ? candidate.number + (candidate.sub ?? 0) / 1000 : 0;
    scored.push([d, Math.abs(number - wanted), object]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1] - b[1] || byCodeUnits(a[2].id, b[2].id));
  const closest = scored.filter(([d]) => d <= Math.max(2, scored[0]?.[0] ?? 0));
  const suggestions = closest.slice(0, 3).map(([, , object]) => object);
  if (reference.name?.text) {
    const byName = corpus.find(reference.name.text, { kinds: [parsed.kind], limit: 1 })[0]?.object;
    if (byName && !suggestions.includes(byName)) suggestions.unshift(byName);
  }
  if (parsed.parentId) {
    const parent = corpus.get(parsed.parentId);
    if (parent && !parent.revoked && !suggestions.includes(parent)) suggestions.push(parent);
  }
  return suggestions.slice(0, 4);
}

const tacticSuggestions = new WeakMap<Corpus, Map<string, AttackObject[]>>();

export function suggestTactics(corpus: Corpus, written: string): AttackObject[] {
  const key = tacticKey(written);
  let cache = tacticSuggestions.get(corpus);
  if (!cache) tacticSuggestions.set(corpus, (cache = new Map()));
  let suggestions = cache.get(key);
  if (!suggestions) cache.set(key, (suggestions = nearestTactics(corpus, key)));
  return suggestions;
}

function nearestTactics(corpus: Corpus, key: string): AttackObject[] {
  return corpus
    .tacticShortnames()
    .map((shortname) => [distance(tacticKey(shortname), key), corpus.tacticsNamed(shortname)[0]] as const)
    .filter(([d]) => d <= Math.max(2, Math.floor(key.length / 5)))
    .sort((a, b) => a[0] - b[0])
    .slice(0, 2)
    .map(([, tactic]) => tactic);
}

/** What a word that is no tactic may have meant, by name: techniques, tactics, groups and software
 *  for a Sigma tag (`attack.powers` → attack.t1059.001 PowerShell); tactics only where the place
 *  holds tactics (Sentinel `tactics`, MaxPatrol tactic keys). */
export function suggestByName(corpus: Corpus, reference: AttackReference): AttackObject[] {
  const words = reference.id.replace(/[-_]+/g, ' ').trim();
  if (words.length < 3) return [];
  const kinds: ObjectKind[] = reference.form === 'sigmaTag' ? ['technique', 'tactic', 'group', 'software'] : ['tactic'];
  return corpus.find(words, { kinds, limit: 3 }).map((result) => result.object);
}

export function checkReference(corpus: Corpus, rule: RuleDocument, reference: AttackReference): Finding[] {
  // The common case first, with nothing built: a well-written ID of a live object (no name to compare).
  if (!reference.malformed && !reference.name && reference.kind !== 'tactic' && reference.kind !== 'unknown') {
    const object = corpus.get(reference.id);
    if (object && object.kind === reference.kind && !object.revoked && !object.deprecated) return [];
  }
  const version = corpus.versionLabel;
  const replaceWith = (object: AttackObject, title: string) => ({ range: reference.range, text: writtenFormFor(reference, rule.format, object), title });

  if (reference.kind === 'tactic' && !/^TA\d{4}$/i.test(reference.id)) return checkTacticName(corpus, rule, reference);
  if (reference.kind === 'unknown') {
    return [{ code: 'ttp.unknown-id', range: reference.range, message: t("{0} is not an ATT&CK reference: Sigma's attack.* tags name techniques (attack.t1059), tactics (attack.execution), groups, software, data sources and mitigations.", reference.written) }];
  }
  const findings: Finding[] = [];
  const object = corpus.get(reference.id);
  if (!object || object.kind !== reference.kind) {
    const verdict = corpus.classifyMissing(reference.id);
    if (verdict.kind === 'newer') return [{ code: 'ttp.newer-id', range: reference.range, message: newerMessage(reference.id, verdict) }];
    const suggestions = suggestIds(corpus, reference);
    return [{
      code: 'ttp.unknown-id',
      range: reference.range,
      message: unknownIdMessage(reference, version, verdict.reason, suggestions.map(label)),
      replacements: suggestions.map((s) => replaceWith(s, t('Change to {0} ({1})', writtenFormFor(reference, rule.format, s), s.name))),
    }];
  }
  if (object.revoked) {
    const successor = corpus.revokedSuccessor(object)?.successor;
    // A split (several revoked-by): each successor is offered, none applied by "fix all".
    const successors = successor ? [successor] : corpus.revokedSuccessors(object);
    // The successor already in the same list: replacing would make a duplicate, so the fix removes it.
    const listed = successor && listsId(rule, reference, successor);
    findings.push({
      code: 'ttp.revoked',
      range: reference.range,
      message: successor ? (listed ? t('{0} is revoked in {1}: use {2}, which this list already has.', label(object), version, label(successor)) : t('{0} is revoked in {1}: use {2}.', label(object), version, label(successor)))
        : successors.length ? t('{0} is revoked in {1} and split into {2}: use the one this rule detects.', label(object), version, successors.map(label).join(t(' and ')))
        : t('{0} is revoked in {1} and has no successor.', label(object), version),
      replacements: successors.length && !listed ? successors.map((s) => replaceWith(s, t('Replace with {0} ({1})', writtenFormFor(reference, rule.format, s), s.name))) : undefined,
      deletion: listed ? reference.range : undefined,
      deletionTitle: listed ? t('Remove it ({0} is already listed)', successor.id) : undefined,
      autoFix: !!successor,
    });
  } else if (object.deprecated) {
    findings.push({ code: 'ttp.deprecated', range: reference.range, message: t('{0} is deprecated in {1}; ATT&CK no longer maintains it and names no replacement.', label(object), version) });
  }
  if (reference.malformed && !object.revoked) {
    const fixed = writtenFormFor(reference, rule.format, object);
    findings.push({ code: 'ttp.malformed', range: reference.range, message: t('{0} is written the wrong way ({1}): write {2}.', reference.written, translated(reference.malformed), fixed), replacements: [{ range: reference.range, text: fixed, title: t('Write {0}', fixed) }], autoFix: true });
  }
  if (reference.name && reference.name.text !== object.name && !object.revoked) {
    findings.push({
      code: 'ttp.name-mismatch',
      range: reference.name.range,
      message: t('The name of {0} is "{1}" in {2}, not "{3}".', object.id, object.name, version, reference.name.text),
      replacements: [{ range: reference.name.range, text: object.name, title: t('Change the name to "{0}"', object.name) }],
      autoFix: true,
    });
  }
  return findings;
}

/** Which IDs each list of a rule holds (by document, key and tactic), built once per parsed rule. */
const listsOf = new WeakMap<RuleDocument, Map<string, Set<string>>>();
const listKey = (r: AttackReference) => `${r.documentIndex ?? 0}\u0000${r.key}\u0000${r.tactic ?? ''}`;

/** Whether the list `reference` is in also holds `object`. */
function listsId(rule: RuleDocument, reference: AttackReference, object: AttackObject): boolean {
  let lists = listsOf.get(rule);
  if (!lists) {
    lists = new Map();
    for (const r of rule.references) {
      const key = listKey(r);
      let ids = lists.get(key);
      if (!ids) lists.set(key, (ids = new Set()));
      ids.add(`${r.kind}:${r.id}`);
    }
    listsOf.set(rule, lists);
  }
  return lists.get(listKey(reference))?.has(`${object.kind}:${object.id}`) === true;
}

function checkTacticName(corpus: Corpus, rule: RuleDocument, reference: AttackReference): Finding[] {
  const found = findTactic(corpus, reference.id);
  if (found) {
    const expected = writtenFormFor(reference, rule.format, found.tactic);
    // Each format has one spelling of a tactic name (attack.defense-evasion, DefenseEvasion, defense-evasion).
    if (reference.written !== expected) {
      return [{ code: 'ttp.malformed', range: reference.range, message: t('{0} is written the wrong way: the tactic {1} is written {2} here.', reference.written, found.tactic.name, expected), replacements: [{ range: reference.range, text: expected, title: t('Write {0}', expected) }], autoFix: true }];
    }
    return [];
  }
  const version = corpus.versionLabel;
  const verdict = corpus.classifyMissing(reference.id);
  if (verdict.kind === 'newer') return [{ code: 'ttp.newer-tactic', range: reference.range, message: newerMessage(reference.written, verdict, true) }];
  const nearMisses = suggestTactics(corpus, reference.id);
  const suggestions = nearMisses.length ? nearMisses : suggestByName(corpus, reference);
  const forms = suggestions.map((s) => writtenFormFor(reference, rule.format, s));
  const didYouMean = suggestions.length ? ` ${t('Did you mean {0}?', suggestions.map((s, i) => `${forms[i]} (${s.name})`).join(t(', or ')))}` : '';
  return [{
    code: 'ttp.unknown-tactic',
    range: reference.range,
    message: (reference.form === 'sigmaTag' ? t('{0} is not an ATT&CK tactic or ID in {1}, nor one of a newer release.', reference.written, version) : t('{0} is not an ATT&CK tactic in {1}, nor one of a newer release.', reference.written, version)) + didYouMean,
    replacements: suggestions.map((s, i) => ({ range: reference.range, text: forms[i], title: t('Change to {0} ({1})', forms[i], s.name) })),
  }];
}

/** "T1685 is not in the loaded ATT&CK v18.1 (its highest technique is T1681); it is likely from a
 *  newer ATT&CK release." — the one wording of the verdict, for diagnostics, hovers and the CLI. */
export function newerMessage(written: string, verdict: Extract<MissingIdVerdict, { kind: 'newer' }>, tactic = false, howToLoad = 'ttpLens.attack.stixPath'): string {
  const loaded = verdict.reason ? `${verdict.loadedVersion} (${verdict.reason})` : verdict.loadedVersion;
  return tactic
    ? t('{0} is not a tactic in the loaded {1}; it is likely from a newer ATT&CK release. Load that release ({2}) to check it.', written, loaded, howToLoad)
    : t('{0} is not in the loaded {1}; it is likely from a newer ATT&CK release. Load that release ({2}) to check it.', written, loaded, howToLoad);
}

export function unknownIdMessage(reference: Pick<AttackReference, 'id' | 'kind'>, version: string, reason: string | undefined, suggestions: string[]): string {
  const kind = reference.kind === 'unknown' ? t('ID') : translated(OBJECT_KIND_LABEL[reference.kind]).toLowerCase();
  const didYouMean = suggestions.length ? ` ${t('Did you mean {0}?', suggestions.join(t(', or ')))}` : '';
  return `${reason ? t('{0} is not an ATT&CK {1} in {2}, and {3}.', reference.id, kind, version, reason) : t('{0} is not an ATT&CK {1} in {2}.', reference.id, kind, version)}${didYouMean}`;
}

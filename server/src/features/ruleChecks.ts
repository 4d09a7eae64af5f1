// Checks across a rule's references: techniques filed under a tactic they do not belong to, techniques
// without any of their tactics tagged, duplicates, and the coverage check (can the rule's log source
// observe the technique it claims?).
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';
import type { AttackReference, RuleDocument } from '../formats/model';
import type { Finding } from './referenceChecks';
import { findTactic, resolveReference } from './resolve';
import { sigmaTagFor } from '../formats/sigmaTags';
import { tacticNameFor } from './writtenForm';
import { t } from '../l10n/l10n';

const live = (o: AttackObject | undefined): o is AttackObject => !!o && !o.revoked && !o.deprecated;

function liveTechnique(corpus: Corpus, reference: AttackReference): AttackObject | undefined {
  if (reference.kind !== 'technique') return undefined;
  const object = corpus.get(reference.id);
  return object?.kind === 'technique' && live(object) ? object : undefined;
}

function tacticList(corpus: Corpus, technique: AttackObject): string {
  return (technique.tactics ?? []).map((s) => corpus.tacticsNamed(s)[0]?.name ?? s).join(', ');
}

/** Formats that file techniques under a tactic (MaxPatrol tactic keys, Elastic threat blocks). */
export function checkFiledTactics(corpus: Corpus, rule: RuleDocument): Finding[] {
  const findings: Finding[] = [];
  let tactics: Map<string, AttackObject | undefined> | undefined; // most rules file nothing under a tactic
  for (const reference of rule.references) {
    if (!reference.tactic) continue;
    tactics ??= new Map();
    const technique = liveTechnique(corpus, reference);
    if (!tactics.has(reference.tactic)) tactics.set(reference.tactic, findTactic(corpus, reference.tactic)?.tactic);
    const tactic = tactics.get(reference.tactic);
    if (!technique || !tactic?.shortname || technique.tactics?.includes(tactic.shortname)) continue;
    findings.push({
      code: 'ttp.wrong-tactic',
      range: reference.range,
      message: t('{0} {1} does not belong to {2} ({3}) in {4}; its tactics are {5}.', technique.id, technique.name, tactic.name, tactic.id, corpus.versionLabel, tacticList(corpus, technique)),
    });
  }
  return findings;
}

/** Formats with a flat list of tactics next to the techniques (Sigma tags, Sentinel `tactics`).
 *  Linear in the references: each distinct tactic is resolved once, and the tactics the rule's
 *  techniques belong to are collected once. */
export function checkTacticTags(corpus: Corpus, rule: RuleDocument): Finding[] {
  if (rule.format !== 'sigma' && rule.format !== 'sentinel') return [];
  const tacticRefs: AttackReference[] = [];
  const techniqueRefs: AttackReference[] = [];
  for (const r of rule.references) {
    if (r.kind === 'tactic') tacticRefs.push(r);
    else if (r.kind === 'technique') techniqueRefs.push(r);
  }
  if (!techniqueRefs.length) return [];
  const resolved = new Map<string, AttackObject | undefined>();
  const tacticOf = (reference: AttackReference) => {
    if (!resolved.has(reference.id)) {
      const resolution = resolveReference(corpus, reference);
      resolved.set(reference.id, resolution.status === 'found' && resolution.object.shortname ? resolution.object : undefined);
    }
    return resolved.get(reference.id);
  };
  const tagged = new Set<string>();
  let unresolvedTactic = false;
  for (const reference of tacticRefs) {
    const tactic = tacticOf(reference);
    if (tactic) tagged.add(tactic.shortname!);
    else unresolvedTactic = true;
  }
  const liveById = new Map<string, AttackObject | undefined>();
  const techniques = techniqueRefs.map((r) => {
    if (!liveById.has(r.id)) liveById.set(r.id, liveTechnique(corpus, r));
    return [r, liveById.get(r.id)] as const;
  });
  const findings: Finding[] = [];

  // A tactic no technique of the rule belongs to — judged only when every technique and tactic is
  // known: a rule that uses a newer release's tactics (attack.stealth) was written against that
  // release, whose technique-to-tactic assignments differ.
  if (!unresolvedTactic && techniques.every(([, t]) => t)) {
    const ofTechniques = new Set<string>();
    for (const [, technique] of techniques) for (const shortname of technique!.tactics ?? []) ofTechniques.add(shortname);
    for (const reference of tacticRefs) {
      const tactic = tacticOf(reference)!;
      if (ofTechniques.has(tactic.shortname!)) continue;
      findings.push({
        code: 'ttp.wrong-tactic',
        range: reference.range,
        message: t("None of this rule's techniques belongs to {0} in {1}.", tactic.name, corpus.versionLabel),
      });
    }
  }

  // A technique none of whose tactics is tagged. A tactic tag the loaded release does not know
  // (e.g. a newer release's attack.stealth) may be the one that fits, so then we do not judge.
  if (unresolvedTactic) return findings;
  const judged = new Set<string>();
  for (const [reference, technique] of techniques) {
    if (!technique || judged.has(technique.id)) continue;
    judged.add(technique.id);
    if (!technique.tactics?.length || technique.tactics.some((s) => tagged.has(s))) continue;
    const candidates = technique.tactics.map((s) => corpus.tacticsNamed(s)[0]).filter(live);
    const forms = candidates.map((t) => (rule.format === 'sigma' ? sigmaTagFor(t.shortname ?? '') : tacticNameFor(t, rule.format)));
    findings.push({
      code: 'ttp.missing-tactic',
      range: reference.range,
      message: rule.format === 'sigma'
        ? t('{0} {1} has no tactic tag in this rule: add {2}.', technique.id, technique.name, forms.join(t(' or ')))
        : t('{0} {1} has no tactic in `tactics` in this rule: add {2}.', technique.id, technique.name, forms.join(t(' or '))),
      // Sigma keeps tactics and techniques in one `tags` list, so the fix can add the tag there.
      insertions: rule.format === 'sigma' && rule.insertion ? forms.map((text) => ({ text, title: t('Add {0}', text) })) : undefined,
      // With one tactic there is nothing to choose: Fix All (and check --fix) may add it.
      autoFix: rule.format === 'sigma' && !!rule.insertion && forms.length === 1,
    });
  }
  return findings;
}

/** The same reference twice in one list: the repeats are flagged, with a fix that removes them.
 *  Lists are told apart by document, key and tactic; within one, references by kind and ID (tactic
 *  names in any case). Nested maps keyed by the parser's own strings: nothing to build per reference. */
export function checkDuplicates(rule: RuleDocument): Finding[] {
  const references = rule.references;
  if (references.length < 2) return [];
  if (references.length <= FEW_REFERENCES) return checkFewDuplicates(references);
  const lists = new Map<string, Map<string, Map<number, Map<string, Set<string>>>>>();
  const findings: Finding[] = [];
  const messages = new Map<string, string>();
  for (const reference of rule.references) {
    const seen = nested(nested(nested(lists, reference.key, () => new Map()), reference.tactic ?? '', () => new Map()), reference.documentIndex ?? 0, () => new Map());
    const ids = nested(seen, reference.kind, () => new Set<string>());
    const id = reference.kind === 'tactic' || reference.kind === 'unknown' ? reference.id.toLowerCase() : reference.id;
    if (!ids.has(id)) {
      ids.add(id);
      continue;
    }
    // One message per written text (a tactic-filed one names its tactic, so it is not shared).
    let message = reference.tactic ? undefined : messages.get(reference.written);
    if (message === undefined) {
      message = reference.tactic ? t('{0} is already listed under {1}.', reference.written, reference.tactic) : t('{0} is already listed.', reference.written);
      if (!reference.tactic) messages.set(reference.written, message);
    }
    findings.push({ code: 'ttp.duplicate', range: reference.range, message, deletion: reference.range, autoFix: true });
  }
  return findings;
}

/** Up to this many references, comparing each with those before it is cheaper than building maps. */
const FEW_REFERENCES = 16;

/** checkDuplicates by pairwise comparison: the same findings, in the same order. */
function checkFewDuplicates(references: readonly AttackReference[]): Finding[] {
  const findings: Finding[] = [];
  const idOf = (r: AttackReference) => (r.kind === 'tactic' || r.kind === 'unknown' ? r.id.toLowerCase() : r.id);
  for (let i = 1; i < references.length; i++) {
    const reference = references[i];
    const id = idOf(reference);
    let repeated = false;
    for (let j = 0; j < i && !repeated; j++) {
      const other = references[j];
      repeated = other.kind === reference.kind && other.key === reference.key && (other.tactic ?? '') === (reference.tactic ?? '') && (other.documentIndex ?? 0) === (reference.documentIndex ?? 0) && idOf(other) === id;
    }
    if (!repeated) continue;
    const message = reference.tactic ? t('{0} is already listed under {1}.', reference.written, reference.tactic) : t('{0} is already listed.', reference.written);
    findings.push({ code: 'ttp.duplicate', range: reference.range, message, deletion: reference.range, autoFix: true });
  }
  return findings;
}

function nested<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}

/** What a rule's log sources provide, as data-component names, or undefined when none is mapped. */
export type RuleComponents = (rule: RuleDocument) => { components: string[]; describe: string } | undefined;

export type ObservabilityCheck = (technique: AttackObject, components: string[]) => { observable: boolean; techniqueComponents: string[] } | undefined;

export function checkObservable(corpus: Corpus, rule: RuleDocument, ruleComponents: RuleComponents, check: ObservabilityCheck): Finding[] {
  const provided = ruleComponents(rule);
  if (!provided) return [];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const reference of rule.references) {
    const technique = liveTechnique(corpus, reference);
    if (!technique || seen.has(technique.id)) continue;
    seen.add(technique.id);
    const verdict = check(technique, provided.components);
    if (!verdict || verdict.observable) continue;
    const listed = verdict.techniqueComponents.slice(0, 6).join(', ') + (verdict.techniqueComponents.length > 6 ? ', …' : '');
    findings.push({
      code: 'ttp.unobservable',
      range: reference.range,
      message: t("This rule's log source ({0}) cannot observe {1} {2}: {3} lists {4} for it.", provided.describe, technique.id, technique.name, corpus.versionLabel, listed),
    });
  }
  return findings;
}

// A release diff applied to rules: per rule file, every reference whose meaning changes from A to B,
// at its exact range, with what replaces it — and the counts per kind over a set of rules.
import type { Range } from 'vscode-languageserver-types';
import type { AttackObject } from '../corpus/model';
import type { AttackReference, RuleDocument, RuleFormat } from '../formats/model';
import { type ChangeKind, type ObjectChange, type ReleaseDiff, tacticsOf } from './releaseDiff';

export type ReferenceChangeKind = ChangeKind | 'name-mismatch';

/** Report order, and the words for each kind. */
export const CHANGE_KINDS: readonly ReferenceChangeKind[] = [
  'revoked',
  'deprecated',
  'data-source-deprecated',
  'removed',
  'tactics-changed',
  'tactic-renamed',
  'renamed',
  'name-mismatch',
  'new-subtechniques',
  'tactic-new',
  'introduced',
];

export const CHANGE_KIND_LABEL: Record<ReferenceChangeKind, string> = {
  revoked: 'Revoked',
  deprecated: 'Deprecated',
  'data-source-deprecated': 'Data sources deprecated',
  removed: 'Removed',
  'tactics-changed': "Technique's tactics changed",
  'tactic-renamed': 'Tactics renamed',
  renamed: 'Renamed',
  'name-mismatch': 'Names that no longer match (Elastic)',
  'new-subtechniques': 'New sub-techniques under a claimed technique',
  'tactic-new': 'Tactics new in the target release',
  introduced: 'IDs new in the target release',
};

export interface ObjectRef {
  id: string;
  name: string;
}

export interface ReferenceChange {
  kind: ReferenceChangeKind;
  reference: AttackReference;
  /** The reference's range, or its written name's for `name-mismatch`. */
  range: Range;
  /** The canonical ID, or the tactic name as written. */
  id: string;
  message: string;
  successors?: ObjectRef[];
  subtechniques?: ObjectRef[];
  /** Data source deprecated: the data components that carry on its components, and the detection
   *  strategies of B that read them for the techniques this rule claims. */
  components?: ObjectRef[];
  detectionStrategies?: ObjectRef[];
  tactics?: { before: ObjectRef[]; after: ObjectRef[] };
  name?: { before: string; after: string };
}

export interface RuleChanges {
  uri: string;
  format: RuleFormat;
  title?: string;
  changes: ReferenceChange[];
}

export type ChangeCounts = Partial<Record<ReferenceChangeKind, { references: number; files: number; ids: string[] }>>;

const ref = (o: AttackObject): ObjectRef => ({ id: o.id, name: o.name });
const label = (o: AttackObject) => `${o.id} ${o.name}`;
const names = (list: readonly AttackObject[]) => list.map((o) => o.name).join(', ') || 'none';
const list = (objects: readonly AttackObject[], max = 8) => objects.slice(0, max).map(label).join(', ') + (objects.length > max ? `, … (${objects.length} in all)` : '');

/** The techniques a rule claims, as B has them (a revoked one's successors). */
function claimedInB(diff: ReleaseDiff, rule: RuleDocument): AttackObject[] {
  const result = new Map<string, AttackObject>();
  for (const reference of rule.references) {
    if (reference.kind !== 'technique') continue;
    const object = diff.to.get(reference.id);
    if (object?.kind !== 'technique') continue;
    const targets = object.revoked ? diff.to.revokedSuccessors(object) : object.deprecated ? [] : [object];
    for (const t of targets) result.set(t.id, t);
  }
  return [...result.values()];
}

export function changesForRule(diff: ReleaseDiff, rule: RuleDocument): ReferenceChange[] {
  const a = diff.from.versionLabel;
  const b = diff.to.versionLabel;
  const changes: ReferenceChange[] = [];
  let claimed: AttackObject[] | undefined;
  for (const reference of rule.references) {
    if (reference.kind === 'unknown') continue;
    const byName = reference.kind === 'tactic' && !/^TA\d{4}$/i.test(reference.id);
    const objectChanges = byName ? diff.tacticNameChanges(reference.id) : diff.changesOf(reference.id, reference.kind);
    for (const change of objectChanges) {
      changes.push(describe(change, reference, a, b, () => (claimed ??= claimedInB(diff, rule)), diff));
    }
    // Elastic writes each ID's name next to it: a rename (or a tactic's) makes the name stale.
    const after = byName ? undefined : diff.to.get(reference.id);
    const before = byName ? undefined : diff.from.get(reference.id);
    if (reference.name && after && before && !after.revoked && reference.name.text === before.name && after.name !== before.name) {
      changes.push({
        kind: 'name-mismatch',
        reference,
        range: reference.name.range,
        id: reference.id,
        message: `The name "${reference.name.text}" of ${reference.id} no longer matches: ${b} names it "${after.name}".`,
        name: { before: reference.name.text, after: after.name },
      });
    }
  }
  return changes;
}

function describe(change: ObjectChange, reference: AttackReference, a: string, b: string, claimed: () => AttackObject[], diff: ReleaseDiff): ReferenceChange {
  const base = { kind: change.kind, reference, range: reference.range, id: reference.id };
  const before = change.before;
  const after = change.after;
  switch (change.kind) {
    case 'revoked': {
      const successors = change.successors ?? [];
      const message = successors.length === 1
        ? `${label(before!)} is revoked in ${b}: replaced by ${label(successors[0])}.`
        : successors.length
          ? `${label(before!)} is revoked in ${b} and split into ${successors.map(label).join(' and ')}: the rule must say which it detects.`
          : `${label(before!)} is revoked in ${b} with no successor.`;
      return { ...base, message, successors: successors.map(ref) };
    }
    case 'deprecated':
      return { ...base, message: `${label(before!)} is deprecated in ${b}; ATT&CK names no replacement.` };
    case 'data-source-deprecated': {
      const components = change.components ?? [];
      const wanted = new Set(components.map((c) => c.index));
      const strategies = new Map<string, AttackObject>();
      for (const technique of claimed()) {
        for (const observation of diff.to.observersOf(technique)) {
          if (observation.detectionStrategy && wanted.has(observation.component.index)) strategies.set(observation.detectionStrategy.id, observation.detectionStrategy);
        }
      }
      const detectionStrategies = [...strategies.values()].sort((x, y) => x.id.localeCompare(y.id));
      const message = `${label(before!)} is deprecated in ${b}: its data components are ${components.length ? list(components) : 'not in it'}` +
        (detectionStrategies.length ? `; for this rule's techniques they are read by ${list(detectionStrategies, 5)}.` : '.');
      return { ...base, message, components: components.map(ref), detectionStrategies: detectionStrategies.map(ref) };
    }
    case 'removed':
      return { ...base, message: `${before ? label(before) : reference.id} is not in ${b}.` };
    case 'tactics-changed': {
      const { before: was, after: now } = change.tactics!;
      const filed = reference.tactic ? ` (filed here under ${reference.tactic})` : '';
      return { ...base, message: `${label(after!)} moves from ${names(was)} to ${names(now)} in ${b}${filed}.`, tactics: { before: was.map(ref), after: now.map(ref) } };
    }
    case 'tactic-renamed':
      return { ...base, message: `The tactic ${before!.id} ${before!.name} (${before!.shortname}) is ${after!.name} (${after!.shortname}) in ${b}: ${reference.written} must be rewritten.`, name: { before: before!.name, after: after!.name } };
    case 'renamed':
      return { ...base, message: `${before!.id} is renamed in ${b}: "${before!.name}" → "${after!.name}".`, name: { before: before!.name, after: after!.name } };
    case 'new-subtechniques': {
      const subs = change.subtechniques ?? [];
      return { ...base, message: `${label(after!)} has ${subs.length} new sub-technique${subs.length === 1 ? '' : 's'} in ${b}: ${list(subs)}. Does this rule detect one of them?`, subtechniques: subs.map(ref) };
    }
    case 'tactic-new':
      return { ...base, message: `${reference.written} is new in ${b} (${after!.id} ${after!.name}; ${a} has no such tactic).` };
    case 'introduced': {
      const tactics = after!.kind === 'technique' ? ` (${names(tacticsOf(diff.to, after!))})` : '';
      return { ...base, message: `${label(after!)} is new in ${b}${tactics}; ${a} does not have it.` };
    }
  }
}

/** Changes per rule file (only files with changes, by URI), with counts per kind. */
export function changesForRules(diff: ReleaseDiff, rules: Iterable<RuleDocument>): { files: RuleChanges[]; counts: ChangeCounts } {
  const files: RuleChanges[] = [];
  const counts: ChangeCounts = {};
  const idSets = new Map<ReferenceChangeKind, Set<string>>();
  for (const rule of rules) {
    if (rule.format === 'text') continue;
    const changes = changesForRule(diff, rule);
    if (!changes.length) continue;
    files.push({ uri: rule.uri, format: rule.format, title: rule.identity.title, changes });
    const kindsHere = new Set<ReferenceChangeKind>();
    for (const change of changes) {
      const count = (counts[change.kind] ??= { references: 0, files: 0, ids: [] });
      count.references++;
      kindsHere.add(change.kind);
      let ids = idSets.get(change.kind);
      if (!ids) idSets.set(change.kind, (ids = new Set()));
      ids.add(change.id);
    }
    for (const kind of kindsHere) counts[kind]!.files++;
  }
  for (const [kind, ids] of idSets) counts[kind]!.ids = [...ids].sort();
  files.sort((x, y) => x.uri.localeCompare(y.uri));
  return { files, counts };
}

// One model for every rule format: what a rule claims (ATT&CK references with exact ranges), what
// it reads (log sources), who it is (identity) and what went wrong while reading it (problems).
// Every feature — hover, completion, diagnostics, fixes, coverage — works on this model only.
import type { Range } from 'vscode-languageserver-types';
import type { ObjectKind } from '../corpus/model';

export type RuleFormat = 'sigma' | 'splunk' | 'elastic' | 'sentinel' | 'xp' | 'text';

export const RULE_FORMATS: readonly RuleFormat[] = ['sigma', 'splunk', 'elastic', 'sentinel', 'xp', 'text'];

export const FORMAT_LABEL: Record<RuleFormat, string> = {
  sigma: 'Sigma',
  splunk: 'Splunk ESCU',
  elastic: 'Elastic',
  sentinel: 'Microsoft Sentinel',
  xp: 'MaxPatrol SIEM',
  text: 'Text',
};

/** How a reference is written. */
export type ReferenceForm =
  /** Sigma tag: `attack.t1059.001`, `attack.execution`, `attack.g0007`. */
  | 'sigmaTag'
  /** A bare ID in a list, a key's value or prose: `T1059.001`, `TA0002`. */
  | 'bareId'
  /** A tactic written by name as a map key (MaxPatrol `ContentRelations.Implements.ATTACK.<tactic>`)
   *  or list value (Sentinel `tactics: [Execution]`). */
  | 'tacticName';

export interface AttackReference {
  /** Canonical ID ("T1059.001", "TA0002", "G0007"); for tactics written by name, the name as written
   *  after any `attack.` prefix ("execution", "defense_evesion", "CommandAndControl"). For a malformed
   *  reference, the best-effort canonical ID ("T1059.001" for `attack.t1059-001`). */
  id: string;
  /** The kind the written form names; 'unknown' when it names none (`attack.foo`). */
  kind: ObjectKind | 'unknown';
  /** The exact source text of the reference, e.g. `attack.t1059.001` (without quotes). */
  written: string;
  form: ReferenceForm;
  /** Range of `written`, exactly. */
  range: Range;
  /** Dotted path of the key the reference sits under: "tags", "rule.threat.technique.id",
   *  "tags.mitre_attack_id", "relevantTechniques", "ContentRelations.Implements.ATTACK.execution". */
  key: string;
  /** The tactic this reference is filed under, when the format groups techniques by tactic
   *  (MaxPatrol tactic keys, Elastic `[[rule.threat]]` blocks): a TA ID or a tactic name as written. */
  tactic?: string;
  /** Elastic: the `name` written next to the ID; it must be the ID's name. */
  name?: { text: string; range: Range };
  /** Elastic: the `reference` URL written next to the ID (attack.mitre.org's page of the ID). */
  url?: { text: string; range: Range };
  /** Why the written form is not well-formed (`attack.T1059`: upper case; `attack.t1059-001`: dash). */
  malformed?: string;
  /** Index of the YAML document in a multi-document file. */
  documentIndex?: number;
}

/** What a rule reads. Sigma rules declare category/product/service; other formats name their
 *  sources (Splunk `data_source`, MaxPatrol `ExpertContext.DataSources`, Sentinel connectors). */
export interface LogSource {
  category?: string;
  product?: string;
  service?: string;
  /** A named source as written: Splunk `data_source` ("Sysmon EventID 1", "Windows Event Log
   *  Security 4688"), a Sentinel data connector's data type ("SecurityEvent"). */
  name?: string;
  /** MaxPatrol `ExpertContext.DataSources`: the event provider and one of its event IDs. */
  provider?: string;
  eventId?: number;
  range: Range;
  /** Sigma: the whole `logsource` block (the key's value), where a hover on its fields goes. */
  span?: Range;
}

export interface RuleIdentity {
  /** The rule's own ID (Sigma/Splunk/Sentinel `id`, Elastic `rule_id`, MaxPatrol `ObjectId`). */
  id?: string;
  title?: string;
  /** Sigma `status` (stable, test, experimental, …). */
  status?: string;
  /** Sigma `level`. */
  level?: string;
  /** MaxPatrol: the rule folder (holding rule.co, i18n/, tests/), which is the rule's identity. */
  folder?: string;
  /** MaxPatrol: the rule's `Description` per language, from its i18n/i18n_<lang>.yaml files. */
  descriptions?: Partial<Record<'en' | 'ru', string>>;
}

export interface ParseProblem {
  message: string;
  range: Range;
  severity: 'error' | 'warning' | 'information';
}

/** Where an edit that adds a reference goes (for "add the missing tactic tag" and snippets). */
export interface InsertionPoint {
  /** Position at which a new list item line is inserted (the start of the line after the last item). */
  position: { line: number; character: number };
  /** The text that precedes an item on its line, e.g. "    - ". */
  itemPrefix: string;
  /** Whether the list is a flow sequence (`tags: [a, b]`), where an item is inserted as ", item". */
  flow: boolean;
}

export interface RuleDocument {
  uri: string;
  format: RuleFormat;
  identity: RuleIdentity;
  references: AttackReference[];
  logSources: LogSource[];
  problems: ParseProblem[];
  /** Where new ATT&CK tags/IDs go, when the format has one list for them. */
  insertion?: InsertionPoint;
}

/** The reference `template` at another range — built property by property, in one order, so every
 *  reference has the same shape (object spread makes slow, dictionary-mode objects, and 100,000 of
 *  them slowed every check that reads references). */
export function referenceWithRange(template: AttackReference, range: Range): AttackReference {
  const reference: AttackReference = { id: template.id, kind: template.kind, written: template.written, form: template.form, range, key: template.key };
  if (template.tactic !== undefined) reference.tactic = template.tactic;
  if (template.name !== undefined) reference.name = template.name;
  if (template.malformed !== undefined) reference.malformed = template.malformed;
  if (template.documentIndex !== undefined) reference.documentIndex = template.documentIndex;
  return reference;
}

export function emptyRuleDocument(uri: string, format: RuleFormat): RuleDocument {
  return { uri, format, identity: {}, references: [], logSources: [], problems: [] };
}

/** Strings shared by the rules kept in the workspace index (tags, tactics, log-source names recur
 *  thousands of times): one copy of each. Bounded, so a hostile workspace cannot grow it forever. */
const KEPT = new Map<string, string>();
const MAX_KEPT = 50_000;

/** The string, sharing no memory with the text it was cut from. V8 keeps a substring as a view into
 *  its whole source text, so a rule kept in the index through any of its strings would keep its
 *  file's text alive (SigmaHQ: 4 MB of the index's 13 MB heap; ten times that for a large
 *  repository). Short strings are copied by V8 anyway; a concatenation, flattened by slice(), is a
 *  new string. */
export function copiedString(value: string): string {
  return value.length < 13 ? value : (` ${value}`).slice(1);
}

/** copiedString, one copy per distinct value: for strings that recur across rules (tags, products). */
export function keptString(value: string): string {
  let kept = KEPT.get(value);
  if (kept === undefined) {
    if (KEPT.size >= MAX_KEPT) KEPT.clear();
    kept = copiedString(value);
    KEPT.set(kept, kept);
  }
  return kept;
}

/** A rule about to be kept after its text is gone (the workspace index), read by a parser: every
 *  string it holds replaced by a copy. (The Sigma scanner copies as it reads, more cheaply.) */
export function detachFromText(rule: RuleDocument): RuleDocument {
  for (const reference of rule.references) {
    reference.id = keptString(reference.id);
    reference.written = keptString(reference.written);
    reference.key = keptString(reference.key);
    if (reference.tactic !== undefined) reference.tactic = keptString(reference.tactic);
    if (reference.malformed !== undefined) reference.malformed = keptString(reference.malformed);
    if (reference.name) reference.name = { text: keptString(reference.name.text), range: reference.name.range };
    if (reference.url) reference.url = { text: keptString(reference.url.text), range: reference.url.range };
  }
  const identity = rule.identity;
  for (const field of ['id', 'title', 'status', 'level', 'folder'] as const) {
    const value = identity[field];
    if (value !== undefined) identity[field] = copiedString(value);
  }
  if (identity.descriptions) for (const [language, text] of Object.entries(identity.descriptions)) identity.descriptions[language as 'en' | 'ru'] = copiedString(text);
  for (const source of rule.logSources) {
    if (source.category !== undefined) source.category = keptString(source.category);
    if (source.product !== undefined) source.product = keptString(source.product);
    if (source.service !== undefined) source.service = keptString(source.service);
    if (source.name !== undefined) source.name = keptString(source.name);
    if (source.provider !== undefined) source.provider = keptString(source.provider);
  }
  for (const problem of rule.problems) problem.message = copiedString(problem.message);
  if (rule.insertion) rule.insertion.itemPrefix = keptString(rule.insertion.itemPrefix);
  return rule;
}

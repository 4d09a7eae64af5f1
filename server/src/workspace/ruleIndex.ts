// The workspace's rules, by URI, with the ID → rules aggregation (techniques, groups, software, …)
// kept current per file: setting or deleting one rule touches only that rule's entries.
import { parseAttackId } from '../corpus/ids';
import type { AttackReference, RuleDocument } from '../formats/model';
import { byText } from '../order';

export interface IndexChange {
  uri: string;
  kind: 'set' | 'delete';
  /** Whether what coverage views show of the rule changed: false for a re-parse that moved nothing
   *  but text inside lines (a keystroke in a description), so views need not refresh. */
  coverageChanged: boolean;
}

export class RuleIndex {
  private readonly rules = new Map<string, RuleDocument>();
  /** Canonical ID → URIs of the rules referencing it; the key is prefixed by the kind ("technique:T1059").
   *  A rule's keys are not kept: when it changes they are found again from the rule it replaces
   *  (rules never change), which spares the index a Set per rule. */
  private readonly byId = new Map<string, Set<string>>();
  private readonly listeners: ((change: IndexChange) => void)[] = [];
  /** Increases with every change; lets callers cache derived views. */
  generation = 0;

  get size(): number {
    return this.rules.size;
  }

  get(uri: string): RuleDocument | undefined {
    return this.rules.get(uri);
  }

  all(): IterableIterator<RuleDocument> {
    return this.rules.values();
  }

  /** Technique IDs (canonical, as written in rules) referenced anywhere in the workspace. */
  techniqueIds(): string[] {
    return [...this.byId.keys()].filter((key) => key.startsWith('technique:')).map((key) => key.slice('technique:'.length)).sort();
  }

  /** Rules that reference an ID (exactly that ID; sub-techniques are their own IDs). Techniques by
   *  default; other kinds by passing the kind. */
  rulesFor(id: string, kind = kindOfId(id)): RuleDocument[] {
    const uris = this.byId.get(`${kind}:${id.toUpperCase()}`);
    return uris ? [...uris].map((uri) => this.rules.get(uri)!).sort(byTitle) : [];
  }

  countFor(id: string, kind = kindOfId(id)): number {
    return this.byId.get(`${kind}:${id.toUpperCase()}`)?.size ?? 0;
  }

  set(rule: RuleDocument): void {
    const uri = rule.uri;
    const previous = this.rules.get(uri);
    const coverageChanged = !previous || coverageSignature(previous) !== coverageSignature(rule);
    if (previous) this.removeEntries(previous);
    this.rules.set(uri, rule);
    // A rule's repeated IDs add its URI again, which changes nothing: no set of its keys is made.
    for (const reference of rule.references) {
      const key = indexKey(reference.kind, reference.id);
      if (key === null) continue;
      let uris = this.byId.get(key);
      if (!uris) this.byId.set(key, (uris = new Set()));
      uris.add(uri);
    }
    this.changed(uri, 'set', coverageChanged);
  }

  delete(uri: string): boolean {
    const previous = this.rules.get(uri);
    if (!previous) return false;
    this.removeEntries(previous);
    this.rules.delete(uri);
    this.changed(uri, 'delete', true);
    return true;
  }

  /** Deletes every rule whose URI starts with a prefix (a deleted or renamed folder). */
  deleteUnder(uriPrefix: string): number {
    const prefix = uriPrefix.endsWith('/') ? uriPrefix : `${uriPrefix}/`;
    let count = 0;
    for (const uri of [...this.rules.keys()]) if (uri.startsWith(prefix) && this.delete(uri)) count++;
    return count;
  }

  onChange(listener: (change: IndexChange) => void): { dispose(): void } {
    this.listeners.push(listener);
    return { dispose: () => this.listeners.splice(this.listeners.indexOf(listener), 1) };
  }

  private removeEntries(previous: RuleDocument): void {
    for (const reference of previous.references) {
      const key = indexKey(reference.kind, reference.id);
      const uris = key === null ? undefined : this.byId.get(key);
      if (uris === undefined) continue;
      uris.delete(previous.uri);
      if (uris.size === 0) this.byId.delete(key!);
    }
  }

  private changed(uri: string, kind: IndexChange['kind'], coverageChanged: boolean): void {
    this.generation++;
    if (this.listeners.length === 0) return;
    const change: IndexChange = { uri, kind, coverageChanged };
    for (const listener of this.listeners) listener(change);
  }
}

export function techniqueReferences(rule: RuleDocument): AttackReference[] {
  return rule.references.filter((r) => r.kind === 'technique');
}

/** What the coverage views show of a rule: its format and identity, its references (with the line
 *  each is on, where "open the rule at the reference" goes) and its log sources. */
function coverageSignature(rule: RuleDocument): string {
  let signature = signatures.get(rule);
  if (signature === undefined) {
    const references = rule.references.map((r) => `${r.kind}:${r.id}:${r.tactic ?? ''}:${r.range.start.line}`).join(',');
    const sources = rule.logSources.map((l) => `${l.category ?? ''}/${l.product ?? ''}/${l.service ?? ''}/${l.name ?? ''}/${l.provider ?? ''}/${l.eventId ?? ''}`).join(',');
    const { id, title, status, level, folder, descriptions } = rule.identity;
    signature = JSON.stringify([rule.format, id, title, status, level, folder, descriptions, references, sources]);
    signatures.set(rule, signature);
  }
  return signature;
}

// A parsed rule never changes (a new parse is a new object), so its signature is computed once: an
// edit of a file with 100,000 references costs one pass over it, not four.
const signatures = new WeakMap<RuleDocument, string>();

/** Index keys by kind and ID (null: not a well-formed ID), made and checked once for all rules: a
 *  repository references a few thousand distinct IDs, each from many rules. Bounded. */
const INDEX_KEYS = new Map<string, Map<string, string | null>>();
let indexKeyCount = 0;
const MAX_INDEX_KEYS = 50_000;

/** The index key of a reference: its kind and ID, or null when it names no well-formed ID (an
 *  unknown tag, a tactic written by name). */
function indexKey(kind: string, id: string): string | null {
  if (kind === 'unknown') return null;
  let ofKind = INDEX_KEYS.get(kind);
  if (ofKind === undefined) INDEX_KEYS.set(kind, (ofKind = new Map()));
  let key = ofKind.get(id);
  if (key === undefined) {
    if (indexKeyCount >= MAX_INDEX_KEYS) {
      for (const map of INDEX_KEYS.values()) map.clear();
      indexKeyCount = 0;
    }
    key = parseAttackId(id) ? `${kind}:${id}` : null;
    ofKind.set(id, key);
    indexKeyCount++;
  }
  return key;
}

function kindOfId(id: string): string {
  return parseAttackId(id)?.kind ?? 'technique';
}

function byTitle(a: RuleDocument, b: RuleDocument): number {
  return byText(a.identity.title ?? a.uri, b.identity.title ?? b.uri);
}

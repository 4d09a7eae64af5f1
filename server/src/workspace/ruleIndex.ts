// The workspace's rules, by URI, with the technique → rules aggregation kept current per file:
// setting or deleting one rule touches only that rule's entries.
import type { AttackReference, RuleDocument } from '../formats/model';

export interface IndexChange {
  uri: string;
  kind: 'set' | 'delete';
}

export class RuleIndex {
  private readonly rules = new Map<string, RuleDocument>();
  private readonly byTechnique = new Map<string, Set<string>>();
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
    return [...this.byTechnique.keys()].sort();
  }

  /** Rules that reference a technique ID (exactly that ID; sub-techniques are their own IDs). */
  rulesFor(techniqueId: string): RuleDocument[] {
    const uris = this.byTechnique.get(techniqueId.toUpperCase());
    return uris ? [...uris].map((uri) => this.rules.get(uri)!).sort(byTitle) : [];
  }

  countFor(techniqueId: string): number {
    return this.byTechnique.get(techniqueId.toUpperCase())?.size ?? 0;
  }

  set(rule: RuleDocument): void {
    this.removeEntries(rule.uri);
    this.rules.set(rule.uri, rule);
    for (const id of techniqueIdsOf(rule)) {
      let uris = this.byTechnique.get(id);
      if (!uris) this.byTechnique.set(id, (uris = new Set()));
      uris.add(rule.uri);
    }
    this.changed({ uri: rule.uri, kind: 'set' });
  }

  delete(uri: string): boolean {
    if (!this.rules.has(uri)) return false;
    this.removeEntries(uri);
    this.rules.delete(uri);
    this.changed({ uri, kind: 'delete' });
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

  private removeEntries(uri: string): void {
    const previous = this.rules.get(uri);
    if (!previous) return;
    for (const id of techniqueIdsOf(previous)) {
      const uris = this.byTechnique.get(id);
      uris?.delete(uri);
      if (uris?.size === 0) this.byTechnique.delete(id);
    }
  }

  private changed(change: IndexChange): void {
    this.generation++;
    for (const listener of this.listeners) listener(change);
  }
}

export function techniqueReferences(rule: RuleDocument): AttackReference[] {
  return rule.references.filter((r) => r.kind === 'technique');
}

function techniqueIdsOf(rule: RuleDocument): Set<string> {
  return new Set(techniqueReferences(rule).map((r) => r.id));
}

function byTitle(a: RuleDocument, b: RuleDocument): number {
  return (a.identity.title ?? a.uri).localeCompare(b.identity.title ?? b.uri);
}

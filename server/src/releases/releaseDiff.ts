// What changed between two ATT&CK releases, object by object: revoked (with the successor or, for a
// split, successors), deprecated, renamed, a technique's tactics, a tactic renamed or new, new
// sub-techniques under a technique, a data source deprecated with the data components that replace
// it, objects introduced or removed. Objects are matched by ATT&CK ID, tactics by TA ID (a renamed
// tactic is the same tactic), data components across the v17/v18 models by name.
import type { Corpus } from '../corpus/corpus';
import type { AttackObject, ObjectKind } from '../corpus/model';
import { findTactic } from '../features/resolve';

export type ChangeKind =
  | 'revoked'
  | 'deprecated'
  | 'renamed'
  | 'tactics-changed'
  | 'tactic-renamed'
  | 'tactic-new'
  | 'new-subtechniques'
  | 'data-source-deprecated'
  | 'introduced'
  | 'removed';

export interface ObjectChange {
  kind: ChangeKind;
  /** The object in release A (absent for `introduced` and `tactic-new`). */
  before?: AttackObject;
  /** The object in release B (absent for `removed`). */
  after?: AttackObject;
  /** revoked: the live objects in B that replace it (several for a split). */
  successors?: AttackObject[];
  /** tactics-changed: the technique's tactics in A and in B (tactic objects of each release). */
  tactics?: { before: AttackObject[]; after: AttackObject[] };
  /** new-subtechniques: sub-techniques of B that A does not have. */
  subtechniques?: AttackObject[];
  /** data-source-deprecated: B's data components that carry on the data source's components. */
  components?: AttackObject[];
}

export interface ReleaseSummaryRow {
  kind: ObjectKind;
  revoked: number;
  deprecated: number;
  renamed: number;
  introduced: number;
  tacticsChanged: number;
}

/** The tactics a technique belongs to in its corpus, as tactic objects of its own domain. */
export function tacticsOf(corpus: Corpus, technique: AttackObject): AttackObject[] {
  const result: AttackObject[] = [];
  for (const shortname of technique.tactics ?? []) {
    const candidates = corpus.tacticsNamed(shortname);
    const tactic = candidates.find((t) => t.domains.some((d) => technique.domains.includes(d))) ?? candidates[0];
    if (tactic && !result.includes(tactic)) result.push(tactic);
  }
  return result;
}

const live = (o: AttackObject | undefined): o is AttackObject => !!o && !o.revoked && !o.deprecated;
const sameIds = (a: AttackObject[], b: AttackObject[]) => a.length === b.length && a.every((x) => b.some((y) => y.id === x.id));

export class ReleaseDiff {
  private readonly memo = new Map<string, ObjectChange[]>();
  private readonly tacticNameMemo = new Map<string, ObjectChange[]>();
  private componentsByName?: Map<string, AttackObject>;

  constructor(
    readonly from: Corpus,
    readonly to: Corpus,
  ) {}

  /** The object of a kind with this ID in a corpus (the same ID of another kind does not count). */
  private lookup(corpus: Corpus, id: string, kind: ObjectKind): AttackObject | undefined {
    const object = corpus.get(id);
    return object?.kind === kind ? object : undefined;
  }

  /** What changed for the object with this ATT&CK ID, A → B; empty when nothing did. */
  changesOf(id: string, kind: ObjectKind): ObjectChange[] {
    const key = `${kind}:${id.toUpperCase()}`;
    let changes = this.memo.get(key);
    if (!changes) this.memo.set(key, (changes = this.compute(id, kind)));
    return changes;
  }

  private compute(id: string, kind: ObjectKind): ObjectChange[] {
    const before = this.lookup(this.from, id, kind);
    const after = this.lookup(this.to, id, kind);
    if (!before && !after) return [];
    if (!after) return [{ kind: 'removed', before }];
    if (!before) return live(after) ? [{ kind: kind === 'tactic' ? 'tactic-new' : 'introduced', after }] : [];
    const changes: ObjectChange[] = [];
    if (after.revoked && !before.revoked) {
      changes.push({ kind: 'revoked', before, after, successors: this.to.revokedSuccessors(after) });
      return changes;
    }
    if (after.deprecated && !before.deprecated) {
      changes.push(kind === 'dataSource' ? { kind: 'data-source-deprecated', before, after, components: this.replacingComponents(before) } : { kind: 'deprecated', before, after });
      return changes;
    }
    if (!live(after)) return changes;
    if (before.name !== after.name || (kind === 'tactic' && before.shortname !== after.shortname)) changes.push({ kind: kind === 'tactic' ? 'tactic-renamed' : 'renamed', before, after });
    if (kind === 'technique') {
      const tacticsBefore = tacticsOf(this.from, before);
      const tacticsAfter = tacticsOf(this.to, after);
      if (!sameIds(tacticsBefore, tacticsAfter)) changes.push({ kind: 'tactics-changed', before, after, tactics: { before: tacticsBefore, after: tacticsAfter } });
      const added = this.to.subtechniquesOf(after).filter((sub) => live(sub) && !this.lookup(this.from, sub.id, 'technique'));
      if (added.length) changes.push({ kind: 'new-subtechniques', before, after, subtechniques: added });
    }
    return changes;
  }

  /** A tactic written by name (`attack.defense-evasion`, `DefenseEvasion`): renamed (A knows the name,
   *  B names that tactic otherwise), new (only B knows it), or removed. */
  tacticNameChanges(name: string): ObjectChange[] {
    const key = name.toLowerCase();
    let changes = this.tacticNameMemo.get(key);
    if (changes) return changes;
    const inA = findTactic(this.from, name)?.tactic;
    const inB = findTactic(this.to, name)?.tactic;
    changes = [];
    if (inA && !inB) {
      const renamed = this.lookup(this.to, inA.id, 'tactic');
      changes.push(live(renamed) ? { kind: 'tactic-renamed', before: inA, after: renamed } : { kind: 'removed', before: inA });
    } else if (!inA && inB) {
      changes.push({ kind: 'tactic-new', after: inB });
    } else if (inA && inB && inA.id !== inB.id) {
      changes.push({ kind: 'tactic-renamed', before: inA, after: inB });
    }
    this.tacticNameMemo.set(key, changes);
    return changes;
  }

  /** The tactic a tactic reference means in B: by its written name or ID, or — when only A knows the
   *  name — the same tactic (TA ID) under its new name. */
  tacticInB(nameOrId: string): { tactic: AttackObject; renamed: boolean } | undefined {
    const inB = findTactic(this.to, nameOrId)?.tactic;
    if (inB) return { tactic: inB, renamed: false };
    const inA = findTactic(this.from, nameOrId)?.tactic;
    const same = inA ? this.lookup(this.to, inA.id, 'tactic') : undefined;
    return live(same) ? { tactic: same, renamed: true } : undefined;
  }

  /** B's data components that continue A's components of a data source (same ID when A's have IDs,
   *  else the same name: v17 components have no DC IDs, v18's keep their names). */
  private replacingComponents(dataSource: AttackObject): AttackObject[] {
    if (!this.componentsByName) {
      this.componentsByName = new Map();
      for (const component of this.to.ofKind('dataComponent')) if (live(component)) this.componentsByName.set(component.name.toLowerCase(), component);
    }
    const result: AttackObject[] = [];
    for (const component of this.from.componentsOf(dataSource)) {
      const byId = component.id ? this.lookup(this.to, component.id, 'dataComponent') : undefined;
      const match = live(byId) ? byId : this.componentsByName.get(component.name.toLowerCase());
      if (match && !result.includes(match)) result.push(match);
    }
    return result.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Release-level counts per object kind (objects with an ATT&CK ID), A → B. */
  summary(): ReleaseSummaryRow[] {
    const rows = new Map<ObjectKind, ReleaseSummaryRow>();
    const row = (kind: ObjectKind) => {
      let r = rows.get(kind);
      if (!r) rows.set(kind, (r = { kind, revoked: 0, deprecated: 0, renamed: 0, introduced: 0, tacticsChanged: 0 }));
      return r;
    };
    const seen = new Set<string>();
    for (const corpus of [this.from, this.to]) {
      for (const object of corpus.objects) {
        if (!object.id || seen.has(`${object.kind}:${object.id}`)) continue;
        seen.add(`${object.kind}:${object.id}`);
        for (const change of this.changesOf(object.id, object.kind)) {
          const r = row(object.kind);
          if (change.kind === 'revoked') r.revoked++;
          else if (change.kind === 'deprecated' || change.kind === 'data-source-deprecated') r.deprecated++;
          else if (change.kind === 'renamed' || change.kind === 'tactic-renamed') r.renamed++;
          else if (change.kind === 'introduced' || change.kind === 'tactic-new') r.introduced++;
          else if (change.kind === 'tactics-changed') r.tacticsChanged++;
        }
      }
    }
    return [...rows.values()].filter((r) => r.revoked + r.deprecated + r.renamed + r.introduced + r.tacticsChanged > 0);
  }
}

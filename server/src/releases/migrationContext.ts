// The state and the edit primitives a migration of one rule file shares across its steps
// (migrate.ts: revoked → successor; migrateTactics.ts: flat tactic lists; migrateFiled.ts: Elastic
// blocks and MaxPatrol keys): the edits made so far, the questions and the unresolved cases.
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';
import { deletionEdit } from '../features/codeActions';
import { findTactic } from '../features/resolve';
import { LineIndex } from '../formats/lineIndex';
import type { AttackReference, RuleDocument, RuleFormat } from '../formats/model';
import { type ReleaseDiff, tacticsOf } from './releaseDiff';
import { insertItemAfter, overlaps } from './textEdits';

export type MigrationKind = 'revoked' | 'tactic-renamed' | 'tactics' | 'moved' | 'names' | 'duplicates';

export const MIGRATION_KINDS: readonly MigrationKind[] = ['revoked', 'tactic-renamed', 'tactics', 'moved', 'names', 'duplicates'];

/** The refactor preview's group labels. */
export const MIGRATION_KIND_LABEL: Record<MigrationKind, string> = {
  revoked: 'Revoked → successor',
  'tactic-renamed': 'Tactic renamed',
  tactics: 'Tactic tags recomputed',
  moved: 'Techniques moved to their tactic',
  names: 'Names and references updated',
  duplicates: 'Duplicates merged',
};

export interface MigrationEdit extends TextEdit {
  kind: MigrationKind;
  description: string;
}

export interface ObjectRef {
  id: string;
  name: string;
}

export interface AmbiguousCase {
  /** What `choices` is keyed by: the revoked technique's ID, or the technique whose tactic is open. */
  key: string;
  kind: 'successor' | 'tactic';
  subject: ObjectRef;
  options: ObjectRef[];
  message: string;
  range: Range;
}

export interface UnresolvedCase {
  range: Range;
  message: string;
}

export interface FileMigration {
  uri: string;
  edits: MigrationEdit[];
  ambiguous: AmbiguousCase[];
  unresolved: UnresolvedCase[];
}

/** Decisions for ambiguous cases: key (a technique ID) → the chosen successor IDs, or tactics (ID,
 *  shortname or name). */
export type MigrationChoices = ReadonlyMap<string, readonly string[]>;

export interface TechniqueState {
  reference: AttackReference;
  /** The technique the written ID names in A, if A has it. */
  before?: AttackObject;
  /** What the reference means in B after the migration; undefined while undecided (unknown to B,
   *  ambiguous, no successor). */
  after?: AttackObject[];
}

export interface TacticState {
  reference: AttackReference;
  before?: AttackObject;
  after?: AttackObject;
  renamed: boolean;
}

export const ref = (o: AttackObject): ObjectRef => ({ id: o.id, name: o.name });
export const label = (o: AttackObject) => `${o.id} ${o.name}`;
export const live = (o: AttackObject | undefined): o is AttackObject => !!o && !o.revoked && !o.deprecated;
export const byId = (list: readonly AttackObject[], id: string) => list.some((o) => o.id === id);
export const listKey = (r: AttackReference) => `${r.documentIndex ?? 0}\u0000${r.key}\u0000${r.tactic ?? ''}`;


export class MigrationContext {
  readonly edits: MigrationEdit[] = [];
  readonly ambiguous: AmbiguousCase[] = [];
  readonly unresolved: UnresolvedCase[] = [];
  readonly lines: LineIndex;
  readonly a: Corpus;
  readonly b: Corpus;
  readonly format: RuleFormat;
  readonly techniques: TechniqueState[];
  /** References step 1 rewrote (their names and URLs are done with them). */
  readonly rewritten = new Set<AttackReference>();
  private blockStarts?: number[];

  constructor(
    readonly diff: ReleaseDiff,
    readonly rule: RuleDocument,
    text: string,
    private readonly choices: MigrationChoices,
  ) {
    this.lines = new LineIndex(text);
    this.a = diff.from;
    this.b = diff.to;
    this.format = rule.format;
    this.techniques = rule.references
      .filter((r) => r.kind === 'technique' && !r.malformed)
      .map((reference) => {
        const before = this.a.get(reference.id);
        return { reference, before: before?.kind === 'technique' ? before : undefined };
      });
  }

  result(): FileMigration {
    const kept: MigrationEdit[] = [];
    for (const edit of this.edits) {
      if (kept.some((k) => overlaps(this.lines, k, edit))) {
        this.unresolved.push({ range: edit.range, message: `not applied, it would overlap another change: ${edit.description}` });
        continue;
      }
      kept.push(edit);
    }
    return { uri: this.rule.uri, edits: kept, ambiguous: this.ambiguous, unresolved: this.unresolved };
  }

  edit(kind: MigrationKind, edit: TextEdit, description: string): void {
    this.edits.push({ ...edit, kind, description });
  }

  replace(kind: MigrationKind, range: Range, newText: string, description: string): void {
    this.edit(kind, { range, newText }, description);
  }

  insertAfter(kind: MigrationKind, reference: AttackReference, text: string, description: string): boolean {
    const insertion = insertItemAfter(this.lines, reference.range, text);
    if (!insertion) {
      this.unresolved.push({ range: reference.range, message: `add ${text} next to ${reference.written} by hand: ${description}` });
      return false;
    }
    this.edit(kind, insertion, description);
    return true;
  }

  remove(kind: MigrationKind, reference: AttackReference, description: string): void {
    const deletion = deletionEdit(this.lines, reference.range);
    if (deletion) this.edit(kind, deletion, description);
    else this.unresolved.push({ range: reference.range, message: `remove ${reference.written} by hand: ${description}` });
  }

  /** The user's choice for a key, as B objects of the wanted kind. */
  choice(key: string, kind: 'technique' | 'tactic'): AttackObject[] | undefined {
    const values = this.choices.get(key.toUpperCase()) ?? this.choices.get(key);
    if (!values?.length) return undefined;
    const objects = values.map((v) => (kind === 'tactic' ? findTactic(this.b, v)?.tactic : this.b.get(v))).filter((o): o is AttackObject => live(o) && o.kind === kind);
    return objects.length ? objects : undefined;
  }

  ask(c: Omit<AmbiguousCase, 'subject' | 'options'> & { subject: AttackObject; options: AttackObject[] }): void {
    if (this.ambiguous.some((x) => x.key === c.key && x.kind === c.kind)) return;
    this.ambiguous.push({ ...c, subject: ref(c.subject), options: c.options.map(ref) });
  }

  /** Each tactic reference with the tactic it names in A and in B (a renamed one by its TA ID). */
  tacticStates(): TacticState[] {
    return this.rule.references
      .filter((r) => r.kind === 'tactic')
      .map((reference) => {
        const before = findTactic(this.a, reference.id)?.tactic;
        const inB = this.diff.tacticInB(reference.id);
        return { reference, before, after: inB?.tactic, renamed: inB?.renamed ?? false };
      });
  }

  /** Where a technique goes in B when it left a tactic: the tactics it gained (B's minus A's, by
   *  ID), or all its tactics in B when it gained none or A did not have it. */
  carriedTargets(t: TechniqueState, technique: AttackObject): AttackObject[] {
    const inB = tacticsOf(this.b, technique);
    const inA = live(t.before) ? tacticsOf(this.a, t.before) : [];
    const gained = inB.filter((x) => !byId(inA, x.id));
    return gained.length ? gained : inB;
  }

  /** The `[[rule.threat]]` block a reference is in: by the block headers above it, or (inline and
   *  dotted forms, which have none) by the tactic it is filed under. */
  elasticBlockOf(r: AttackReference): string {
    this.blockStarts ??= [...this.lines.text.matchAll(/^[ \t]*\[\[[ \t]*rule\.threat[ \t]*\]\]/gm)].map((m) => this.lines.positionAt(m.index!).line);
    if (!this.blockStarts.length) return r.key === 'rule.threat.tactic.id' ? r.id : (r.tactic ?? '');
    let block = -1;
    for (const start of this.blockStarts) if (start <= r.range.start.line) block++;
    return String(block);
  }

  dropEditsWithin(range: Range): void {
    const [start, end] = [this.lines.offsetAt(range.start), this.lines.offsetAt(range.end)];
    for (let i = this.edits.length - 1; i >= 0; i--) {
      const edit = this.edits[i];
      if (this.lines.offsetAt(edit.range.start) >= start && this.lines.offsetAt(edit.range.end) <= end && edit.range.start.line === range.start.line) this.edits.splice(i, 1);
    }
  }

  /** The technique entry a sub-technique entry sits under: the nearest technique id above it in its block. */
  elasticParentEntry(sub: AttackReference): TechniqueState | undefined {
    const block = this.elasticBlockOf(sub);
    let found: TechniqueState | undefined;
    for (const t of this.techniques) {
      const r = t.reference;
      if (r.key !== 'rule.threat.technique.id' || this.elasticBlockOf(r) !== block) continue;
      if (r.range.start.line < sub.range.start.line) found = t;
    }
    return found;
  }

  /** Drops the edits made so far inside whole lines [start, end) (text that is rewritten as a whole). */
  dropEditsInLines(start: number, end: number): void {
    for (let i = this.edits.length - 1; i >= 0; i--) {
      const edit = this.edits[i];
      if (edit.range.start.line >= start && edit.range.end.line < end) this.edits.splice(i, 1);
    }
  }

  /** A technique reference's text after step 1 (its successor's ID when it was replaced). */
  rewrittenText(t: TechniqueState): string {
    return this.rewritten.has(t.reference) && t.after?.length === 1 ? t.after[0].id : t.reference.written;
  }
}

// Migrating one rule file from release A to release B: edits that touch only reference spans or
// whole reference/tactic lines, each with a kind for grouping (the refactor preview's labels):
//  - revoked → successor (a split's parent is taken from the rule's own sub-technique when it tells);
//  - tactics recomputed from each technique's tactics in B: Sigma and Sentinel tactic tags, Elastic
//    `[[rule.threat]]` tactic id, name and reference, MaxPatrol tactic keys (techniques moved between
//    keys); a renamed tactic rewritten; only what the release change causes — a tactic already
//    wrong or missing in A is the author's, not the migration's;
//  - Elastic names and references of IDs the release renamed or replaced;
//  - duplicates merged (a successor already listed).
// What cannot be decided — a revoked technique with several successors, a technique whose new
// tactic is one of several — is returned as an ambiguous case with its options and left unchanged
// unless `choices` decides it; what cannot be done safely is returned as unresolved.
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { Corpus } from '../corpus/corpus';
import { attackUrl } from '../corpus/ids';
import type { AttackObject } from '../corpus/model';
import { deletionEdit } from '../features/codeActions';
import { findTactic } from '../features/resolve';
import { tacticNameFor, writtenFormFor } from '../features/writtenForm';
import { LineIndex } from '../formats/lineIndex';
import type { AttackReference, RuleDocument, RuleFormat } from '../formats/model';
import { sigmaTagFor } from '../formats/sigmaTags';
import { type ReleaseDiff, tacticsOf } from './releaseDiff';
import { eolOf, insertItemAfter, lineDeletion, lineInsertionAfter, overlaps } from './textEdits';

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

interface TechniqueState {
  reference: AttackReference;
  /** The technique the written ID names in A, if A has it. */
  before?: AttackObject;
  /** What the reference means in B after the migration; undefined while undecided (unknown to B,
   *  ambiguous, no successor). */
  after?: AttackObject[];
}

interface TacticState {
  reference: AttackReference;
  before?: AttackObject;
  after?: AttackObject;
  renamed: boolean;
}

const ref = (o: AttackObject): ObjectRef => ({ id: o.id, name: o.name });
const label = (o: AttackObject) => `${o.id} ${o.name}`;
const live = (o: AttackObject | undefined): o is AttackObject => !!o && !o.revoked && !o.deprecated;
const byId = (list: readonly AttackObject[], id: string) => list.some((o) => o.id === id);
const listKey = (r: AttackReference) => `${r.documentIndex ?? 0}\u0000${r.key}\u0000${r.tactic ?? ''}`;

export function migrateRule(diff: ReleaseDiff, rule: RuleDocument, text: string, choices: MigrationChoices = new Map()): FileMigration {
  return new Migration(diff, rule, text, choices).run();
}

class Migration {
  private readonly edits: MigrationEdit[] = [];
  private readonly ambiguous: AmbiguousCase[] = [];
  private readonly unresolved: UnresolvedCase[] = [];
  private readonly lines: LineIndex;
  private readonly a: Corpus;
  private readonly b: Corpus;
  private readonly format: RuleFormat;
  private readonly techniques: TechniqueState[];
  /** References step 1 rewrote (their names and URLs are done with them). */
  private readonly rewritten = new Set<AttackReference>();

  constructor(
    private readonly diff: ReleaseDiff,
    private readonly rule: RuleDocument,
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

  run(): FileMigration {
    if (this.rule.problems.some((p) => p.severity === 'error')) {
      // A file that does not parse is not edited: its ranges may not be what the author sees.
      const problem = this.rule.problems.find((p) => p.severity === 'error')!;
      if (this.rule.references.length) this.unresolved.push({ range: problem.range, message: `not migrated: the file does not parse (${problem.message})` });
      return this.result();
    }
    this.replaceRevoked();
    if (this.format === 'sigma' || this.format === 'sentinel') this.flatTactics();
    else if (this.format === 'elastic') this.elasticBlocks();
    else if (this.format === 'xp') this.xpKeys();
    if (this.format === 'elastic') this.elasticNames();
    return this.result();
  }

  private result(): FileMigration {
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

  private edit(kind: MigrationKind, edit: TextEdit, description: string): void {
    this.edits.push({ ...edit, kind, description });
  }

  private replace(kind: MigrationKind, range: Range, newText: string, description: string): void {
    this.edit(kind, { range, newText }, description);
  }

  private insertAfter(kind: MigrationKind, reference: AttackReference, text: string, description: string): boolean {
    const insertion = insertItemAfter(this.lines, reference.range, text);
    if (!insertion) {
      this.unresolved.push({ range: reference.range, message: `add ${text} next to ${reference.written} by hand: ${description}` });
      return false;
    }
    this.edit(kind, insertion, description);
    return true;
  }

  private remove(kind: MigrationKind, reference: AttackReference, description: string): void {
    const deletion = deletionEdit(this.lines, reference.range);
    if (deletion) this.edit(kind, deletion, description);
    else this.unresolved.push({ range: reference.range, message: `remove ${reference.written} by hand: ${description}` });
  }

  /** The user's choice for a key, as B objects of the wanted kind. */
  private choice(key: string, kind: 'technique' | 'tactic'): AttackObject[] | undefined {
    const values = this.choices.get(key.toUpperCase()) ?? this.choices.get(key);
    if (!values?.length) return undefined;
    const objects = values.map((v) => (kind === 'tactic' ? findTactic(this.b, v)?.tactic : this.b.get(v))).filter((o): o is AttackObject => live(o) && o.kind === kind);
    return objects.length ? objects : undefined;
  }

  private ask(c: Omit<AmbiguousCase, 'subject' | 'options'> & { subject: AttackObject; options: AttackObject[] }): void {
    if (this.ambiguous.some((x) => x.key === c.key && x.kind === c.kind)) return;
    this.ambiguous.push({ ...c, subject: ref(c.subject), options: c.options.map(ref) });
  }

  // ── Step 1: revoked techniques → successors ───────────────────────────────────────────────

  /** What another reference of the rule means in B (its single successor when revoked). */
  private meaningInB(reference: AttackReference): AttackObject | undefined {
    const object = this.b.get(reference.id);
    if (object?.kind !== 'technique') return undefined;
    return object.revoked ? this.b.revokedSuccessor(object)?.successor : live(object) ? object : undefined;
  }

  private replaceRevoked(): void {
    const listed = new Map<string, Set<string>>();
    for (const t of this.techniques) {
      const object = this.b.get(t.reference.id);
      if (live(object)) {
        const key = listKey(t.reference);
        if (!listed.has(key)) listed.set(key, new Set());
        listed.get(key)!.add(object.id);
      }
    }
    for (const t of this.techniques) {
      const r = t.reference;
      const object = this.b.get(r.id);
      if (object?.kind !== 'technique') continue; // unknown to B: newer or a typo, not a release change
      if (!object.revoked) {
        if (live(object)) t.after = [object];
        else if (this.diff.changesOf(r.id, 'technique').some((c) => c.kind === 'deprecated')) this.unresolved.push({ range: r.range, message: `${label(object)} is deprecated in ${this.b.versionLabel} and ATT&CK names no replacement` });
        continue;
      }
      let successors = this.b.revokedSuccessors(object);
      if (!successors.length) {
        this.unresolved.push({ range: r.range, message: `${label(object)} is revoked in ${this.b.versionLabel} with no successor` });
        continue;
      }
      let reason = '';
      if (successors.length > 1) {
        const chosen = this.choice(r.id, 'technique');
        const implied = chosen ? undefined : this.impliedParent(t, successors);
        if (chosen) {
          successors = chosen;
          reason = ' (as chosen)';
        } else if (implied) {
          successors = [implied.parent];
          reason = ` (split; ${implied.parent.id} is the parent of ${implied.child.id}, which this rule also claims)`;
        } else {
          this.ask({
            key: object.id,
            kind: 'successor',
            subject: object,
            options: successors,
            range: r.range,
            message: `${label(object)} is revoked in ${this.b.versionLabel} and split into ${successors.map(label).join(' and ')}: which does the rule detect?`,
          });
          continue;
        }
      }
      t.after = successors;
      this.writeSuccessors(t, object, successors, reason, listed);
    }
  }

  /** A split parent technique's successor told by the rule's own sub-technique: T1562 → T1686 when
   *  the rule also claims T1562.002, whose successor is T1686.001. */
  private impliedParent(t: TechniqueState, successors: AttackObject[]): { parent: AttackObject; child: AttackObject } | undefined {
    const found = new Map<string, { parent: AttackObject; child: AttackObject }>();
    for (const other of this.techniques) {
      if (other === t) continue;
      const meaning = this.meaningInB(other.reference);
      const parent = meaning?.isSubtechnique ? this.b.parentOf(meaning) : undefined;
      if (parent && byId(successors, parent.id)) found.set(parent.id, { parent, child: meaning! });
    }
    return found.size === 1 ? [...found.values()][0] : undefined;
  }

  private writeSuccessors(t: TechniqueState, revoked: AttackObject, successors: AttackObject[], reason: string, listed: Map<string, Set<string>>): void {
    const r = t.reference;
    const inList = listed.get(listKey(r)) ?? new Set<string>();
    listed.set(listKey(r), inList);
    const why = `${label(revoked)} is revoked in ${this.b.versionLabel}${reason}`;
    if (this.format === 'elastic') {
      this.elasticSuccessor(t, successors, why);
      return;
    }
    const fresh = successors.filter((s) => !inList.has(s.id));
    if (!fresh.length) {
      this.remove('duplicates', r, `${r.written} → ${successors.map((s) => writtenFormFor(r, this.format, s)).join(', ')} is already listed (${why})`);
      return;
    }
    const [first, ...rest] = fresh;
    const text = writtenFormFor(r, this.format, first);
    this.replace('revoked', r.range, text, `${r.written} → ${text}: ${why}; use ${label(first)}`);
    this.rewritten.add(r);
    inList.add(first.id);
    for (const s of rest) {
      const more = writtenFormFor(r, this.format, s);
      if (this.insertAfter('revoked', r, more, `${r.written} → also ${more}: ${why}; use ${label(s)}`)) inList.add(s.id);
    }
  }

  /** Elastic: the id, its name and its reference URL; a technique must stay a technique and a
   *  sub-technique a sub-technique of its table's technique, else the table needs restructuring. */
  private elasticSuccessor(t: TechniqueState, successors: AttackObject[], why: string): void {
    const r = t.reference;
    if (successors.length > 1) {
      t.after = undefined;
      this.unresolved.push({ range: r.range, message: `${why}: choose one of ${successors.map(label).join(', ')} (an Elastic technique table holds one ID)` });
      return;
    }
    const successor = successors[0];
    const isSubEntry = r.key.endsWith('.subtechnique.id');
    const parentEntry = isSubEntry ? this.elasticParentEntry(r) : undefined;
    const parentAfter = parentEntry?.after?.length === 1 ? parentEntry.after[0] : undefined;
    if (isSubEntry !== !!successor.isSubtechnique || (isSubEntry && (!parentAfter || this.b.parentOf(successor)?.id !== parentAfter.id))) {
      t.after = undefined;
      const shape = successor.isSubtechnique ? `a sub-technique of ${this.b.parentOf(successor)?.id ?? '?'}` : 'a technique';
      this.unresolved.push({ range: r.range, message: `${why}: its successor ${label(successor)} is ${shape}, so this [[rule.threat]] entry must be restructured by hand` });
      return;
    }
    this.replace('revoked', r.range, successor.id, `${r.written} → ${successor.id}: ${why}; use ${label(successor)}`);
    if (r.name && r.name.text !== successor.name) this.replace('revoked', r.name.range, successor.name, `name of ${successor.id}: "${successor.name}"`);
    const url = attackUrl(successor.id, 'technique');
    if (r.url && url && r.url.text !== url) this.replace('revoked', r.url.range, url, `reference of ${successor.id}: ${url}`);
    this.rewritten.add(r);
  }

  /** The technique entry a sub-technique entry sits under: the nearest technique id above it in its block. */
  private elasticParentEntry(sub: AttackReference): TechniqueState | undefined {
    const block = this.elasticBlockOf(sub);
    let found: TechniqueState | undefined;
    for (const t of this.techniques) {
      const r = t.reference;
      if (r.key !== 'rule.threat.technique.id' || this.elasticBlockOf(r) !== block) continue;
      if (r.range.start.line < sub.range.start.line) found = t;
    }
    return found;
  }

  // ── Step 2a: a flat list of tactics (Sigma tags, Sentinel `tactics`) ──────────────────────

  private tacticStates(): TacticState[] {
    return this.rule.references
      .filter((r) => r.kind === 'tactic')
      .map((reference) => {
        const before = findTactic(this.a, reference.id)?.tactic;
        const inB = this.diff.tacticInB(reference.id);
        return { reference, before, after: inB?.tactic, renamed: inB?.renamed ?? false };
      });
  }

  private tacticText(tactic: AttackObject, like?: AttackReference): string {
    if (like) return writtenFormFor(like, this.format, tactic);
    return this.format === 'sigma' ? sigmaTagFor(tactic.shortname ?? tactic.name) : tacticNameFor(tactic, this.format);
  }

  private flatTactics(): void {
    const tactics = this.tacticStates();
    const b = this.b.versionLabel;
    const tagged = () => new Set(tactics.filter((s) => s.after && !removed.has(s)).map((s) => s.after!.id));
    const removed = new Set<TacticState>();
    /** Tactic ID → the tactic to add, and the tag whose place it takes (the tag it replaces). */
    const additions = new Map<string, { tactic: AttackObject; origin?: TacticState; why: string }>();
    // Judged as check judges: only when every technique and tactic is known (a rule that uses a
    // newer release's IDs was written against that release), and only a rule with techniques.
    const knownInB = tactics.every((s) => s.after) && this.techniques.every((t) => t.after) && this.techniques.length > 0;
    const tacticsKnownInB = tactics.every((s) => s.after);
    const taggedInA = new Set(tactics.map((s) => s.before?.id).filter((id): id is string => !!id));

    const add = (technique: AttackObject, origin: TacticState | undefined, candidates: AttackObject[], why: (tactic: AttackObject) => string, range: Range) => {
      const chosen = this.choice(technique.id, 'tactic')?.filter((x) => byId(candidates, x.id));
      const picks = candidates.length === 1 ? candidates : chosen?.length ? chosen : undefined;
      if (!picks) {
        this.ask({
          key: technique.id,
          kind: 'tactic',
          subject: technique,
          options: candidates,
          range,
          message: `${label(technique)} belongs to ${candidates.map((c) => c.name).join(' and ')} in ${b}: under which tactic does this rule detect it?`,
        });
        return;
      }
      for (const tactic of picks) if (!additions.has(tactic.id)) additions.set(tactic.id, { tactic, origin, why: `${why(tactic)}${picks === chosen ? ' (as chosen)' : ''}` });
    };
    if (tacticsKnownInB) {
      // A technique filed under a tag in A that B moves elsewhere takes the tag with it:
      // attack.defense-evasion → attack.stealth and/or attack.defense-impairment.
      for (const s of tactics) {
        if (!s.before || !s.after) continue;
        for (const t of this.techniques) {
          if (!live(t.before) || !byId(tacticsOf(this.a, t.before), s.before.id)) continue;
          for (const technique of t.after ?? []) {
            if (byId(tacticsOf(this.b, technique), s.after.id)) continue;
            const targets = this.carriedTargets(t, technique);
            if (targets.some((x) => tagged().has(x.id))) continue;
            add(technique, s, targets, (tactic) => `${label(technique)} moved from ${s.before!.name} to ${tactic.name} in ${b}`, t.reference.range);
          }
        }
      }
      // A technique a tag covered in A that no tag covers in B gets one (what A did not cover, or
      // did not know, is not the release's doing).
      for (const t of this.techniques) {
        for (const technique of t.after ?? []) {
          const inB = tacticsOf(this.b, technique);
          if (!inB.length || inB.some((x) => tagged().has(x.id) || additions.has(x.id))) continue;
          const inA = live(t.before) ? tacticsOf(this.a, t.before) : [];
          if (!inA.some((x) => taggedInA.has(x.id))) continue;
          add(technique, undefined, this.carriedTargets(t, technique), (tactic) => `${label(technique)} belongs to ${tactic.name} in ${b}`, t.reference.range);
        }
      }
    }

    // A tag none of the rule's techniques belongs to in B any more — when one did in A (a tag that
    // was wrong in A already, or unknown to A, is the author's, not the release's).
    if (knownInB) {
      const all = this.techniques.flatMap((t) => t.after ?? []);
      for (const s of tactics) {
        if (all.some((technique) => byId(tacticsOf(this.b, technique), s.after!.id))) continue;
        const fittedInA = !!s.before && this.techniques.some((t) => live(t.before) && byId(tacticsOf(this.a, t.before), s.before!.id));
        if (fittedInA) removed.add(s);
      }
    }

    const placed = new Set<string>();
    const stays = (tacticId: string, except: TacticState) => tactics.some((o) => o !== except && !removed.has(o) && o.after?.id === tacticId);
    for (const s of tactics) {
      const own = [...additions.values()].filter((x) => x.origin === s && !placed.has(x.tactic.id) && !stays(x.tactic.id, s));
      if (removed.has(s)) {
        const [first, ...rest] = own;
        if (first) {
          const text = this.tacticText(first.tactic, s.reference);
          this.replace('tactics', s.reference.range, text, `${s.reference.written} → ${text}: ${first.why}`);
          placed.add(first.tactic.id);
        } else {
          this.remove('tactics', s.reference, `${s.reference.written} removed: no technique of this rule belongs to ${s.after!.name} in ${b}`);
        }
        for (const x of rest) this.placeAfter(s.reference, x, placed);
        continue;
      }
      if (s.renamed && s.after) {
        const text = this.tacticText(s.after, s.reference);
        const twin = tactics.find((o) => o !== s && !removed.has(o) && o.after?.id === s.after!.id && (!o.renamed || tactics.indexOf(o) < tactics.indexOf(s)));
        if (twin) {
          this.remove('duplicates', s.reference, `${s.reference.written} → ${text} is already listed (${s.before!.name} is ${s.after.name} in ${b})`);
        } else {
          this.replace('tactic-renamed', s.reference.range, text, `${s.reference.written} → ${text}: ${s.before!.id} ${s.before!.name} is ${s.after.name} in ${b}`);
        }
      }
      for (const x of own) this.placeAfter(s.reference, x, placed);
    }
    const rest = [...additions.values()].filter((x) => !placed.has(x.tactic.id) && !tactics.some((s) => !removed.has(s) && s.after?.id === x.tactic.id));
    if (!rest.length) return;
    const anchor = [...tactics].reverse().find((s) => !removed.has(s))?.reference ?? (this.format === 'sigma' ? this.rule.references.filter((r) => r.form === 'sigmaTag').at(-1) : undefined);
    for (const x of rest) {
      if (anchor) this.placeAfter(anchor, x, placed);
      else this.unresolved.push({ range: this.techniques[0]?.reference.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: `add the tactic ${this.tacticText(x.tactic)} (the rule lists no tactics): ${x.why}` });
    }
  }

  /** Where a technique goes in B when it left a tactic: the tactics it gained (B's minus A's, by
   *  ID), or all its tactics in B when it gained none or A did not have it. */
  private carriedTargets(t: TechniqueState, technique: AttackObject): AttackObject[] {
    const inB = tacticsOf(this.b, technique);
    const inA = live(t.before) ? tacticsOf(this.a, t.before) : [];
    const gained = inB.filter((x) => !byId(inA, x.id));
    return gained.length ? gained : inB;
  }

  private placeAfter(anchor: AttackReference, addition: { tactic: AttackObject; why: string }, placed: Set<string>): void {
    const text = this.tacticText(addition.tactic, anchor.kind === 'tactic' ? anchor : undefined);
    if (this.insertAfter('tactics', anchor, text, `${text} added: ${addition.why}`)) placed.add(addition.tactic.id);
  }

  // ── Step 2b: Elastic `[[rule.threat]]` blocks ────────────────────────────────────────────

  private blockStarts?: number[];

  /** The `[[rule.threat]]` block a reference is in: by the block headers above it, or (inline and
   *  dotted forms, which have none) by the tactic it is filed under. */
  private elasticBlockOf(r: AttackReference): string {
    this.blockStarts ??= [...this.lines.text.matchAll(/^[ \t]*\[\[[ \t]*rule\.threat[ \t]*\]\]/gm)].map((m) => this.lines.positionAt(m.index!).line);
    if (!this.blockStarts.length) return r.key === 'rule.threat.tactic.id' ? r.id : (r.tactic ?? '');
    let block = -1;
    for (const start of this.blockStarts) if (start <= r.range.start.line) block++;
    return String(block);
  }

  private elasticBlocks(): void {
    const b = this.b.versionLabel;
    const blocks = new Map<string, { tactic?: AttackReference; techniques: TechniqueState[] }>();
    const blockOf = (key: string) => blocks.get(key) ?? blocks.set(key, { techniques: [] }).get(key)!;
    for (const r of this.rule.references) if (r.key === 'rule.threat.tactic.id') blockOf(this.elasticBlockOf(r)).tactic = r;
    for (const t of this.techniques) blockOf(this.elasticBlockOf(t.reference)).techniques.push(t);
    for (const { tactic, techniques } of blocks.values()) {
      if (!tactic || tactic.malformed) continue;
      const inB = this.diff.tacticInB(tactic.id);
      const before = this.a.get(tactic.id);
      if (!inB || !techniques.length || techniques.some((t) => !t.after || t.after.length !== 1)) continue;
      const current = inB.tactic;
      const misfiled = techniques.filter((t) => !byId(tacticsOf(this.b, t.after![0]), current.id));
      // Only what the release moved: techniques filed right in A.
      const moved = misfiled.filter((t) => !live(t.before) || before?.kind !== 'tactic' || byId(tacticsOf(this.a, t.before), before.id));
      if (!moved.length) continue;
      if (moved.length < techniques.length) {
        for (const t of moved) {
          const target = tacticsOf(this.b, t.after![0]).map((x) => x.name).join(' or ');
          this.unresolved.push({ range: t.reference.range, message: `${label(t.after![0])} no longer belongs to ${current.name} in ${b} but the other techniques of this [[rule.threat]] block do: move it to a block for ${target} by hand` });
        }
        continue;
      }
      const common = this.carriedTargets(moved[0], moved[0].after![0]).filter((x) => moved.every((t) => byId(this.carriedTargets(t, t.after![0]), x.id)));
      const subject = moved[0].after![0];
      const chosen = this.choice(subject.id, 'tactic')?.filter((x) => byId(common, x.id));
      const target = common.length === 1 ? common[0] : chosen?.length === 1 ? chosen[0] : undefined;
      if (!target) {
        if (common.length > 1) this.ask({ key: subject.id, kind: 'tactic', subject, options: common, range: tactic.range, message: `The techniques of this [[rule.threat]] block left ${current.name} in ${b} and belong to ${common.map((c) => c.name).join(' or ')}: which tactic does the block file them under?` });
        else this.unresolved.push({ range: tactic.range, message: `The techniques of this [[rule.threat]] block left ${current.name} in ${b} and share no tactic: split the block by hand` });
        continue;
      }
      const why = `${moved.map((t) => t.after![0].id).join(', ')} moved from ${before?.name ?? current.name} to ${target.name} in ${b}`;
      this.replace('tactics', tactic.range, target.id, `tactic ${tactic.id} → ${target.id}: ${why}`);
      if (tactic.name) this.replace('tactics', tactic.name.range, target.name, `tactic name "${target.name}"`);
      const url = attackUrl(target.id, 'tactic');
      if (tactic.url && url) this.replace('tactics', tactic.url.range, url, `tactic reference ${url}`);
      this.rewritten.add(tactic);
    }
  }

  /** Names the release changed (a rename, a tactic's rename), where the written name was A's. */
  private elasticNames(): void {
    for (const r of this.rule.references) {
      if (!r.name || this.rewritten.has(r) || r.malformed) continue;
      const before = this.a.get(r.id);
      const after = r.kind === 'tactic' ? this.diff.tacticInB(r.id)?.tactic : this.b.get(r.id);
      if (!before || !live(after) || after.id !== r.id || r.name.text !== before.name || after.name === before.name) continue;
      const kind: MigrationKind = r.kind === 'tactic' ? 'tactic-renamed' : 'names';
      this.replace(kind, r.name.range, after.name, `name of ${r.id}: "${before.name}" → "${after.name}" (renamed in ${this.b.versionLabel})`);
    }
  }

  // ── Step 2c: MaxPatrol `ContentRelations.Implements.ATTACK.<tactic>` keys ────────────────

  private xpKeys(): void {
    const b = this.b.versionLabel;
    const keys = this.rule.references.filter((r) => r.kind === 'tactic' && r.key === 'ContentRelations.Implements.ATTACK').map((reference) => {
      const inB = this.diff.tacticInB(reference.id);
      return { reference, before: findTactic(this.a, reference.id)?.tactic, after: inB?.tactic, renamed: inB?.renamed ?? false, items: this.techniques.filter((t) => t.reference.tactic === reference.written) };
    });
    const eol = eolOf(this.lines.text);
    /** Tactic ID → the key (existing, or created after the key its techniques come from). */
    const created = new Map<string, { after: AttackReference; lines: string[]; name: string }>();
    for (const key of keys) {
      if (!key.after) continue;
      const current = key.after;
      const moving = key.items.filter((t) => t.after?.length === 1 && !byId(tacticsOf(this.b, t.after[0]), current.id) && (!live(t.before) || !key.before || byId(tacticsOf(this.a, t.before), key.before.id)));
      const targets = moving.map((t) => {
        const options = this.carriedTargets(t, t.after![0]);
        const chosen = this.choice(t.after![0].id, 'tactic')?.filter((x) => byId(options, x.id));
        const target = options.length === 1 ? options[0] : chosen?.length === 1 ? chosen[0] : undefined;
        if (!target) this.ask({ key: t.after![0].id, kind: 'tactic', subject: t.after![0], options, range: t.reference.range, message: `${label(t.after![0])} left ${current.name} in ${b} and belongs to ${options.map((o) => o.name).join(' or ')}: under which tactic key does it go?` });
        return target;
      });
      const allMove = moving.length === key.items.length && moving.length > 0 && targets.every((x) => x && x.id === targets[0]!.id);
      const targetExists = allMove && keys.some((o) => o !== key && o.after?.id === targets[0]!.id);
      if (allMove && !targetExists && !created.has(targets[0]!.id)) {
        // The whole key moves: rename it.
        const target = targets[0]!;
        const text = tacticNameFor(target, 'xp');
        this.replace('tactics', key.reference.range, text, `${key.reference.written} → ${text}: ${moving.map((t) => t.after![0].id).join(', ')} moved from ${key.before?.name ?? current.name} to ${target.name} in ${b}`);
        continue;
      }
      if (key.renamed) {
        const text = tacticNameFor(current, 'xp');
        this.replace('tactic-renamed', key.reference.range, text, `${key.reference.written} → ${text}: ${key.before!.id} ${key.before!.name} is ${current.name} in ${b}`);
      }
      moving.forEach((t, i) => {
        const target = targets[i];
        if (!target) return;
        const existing = keys.find((o) => o !== key && o.after?.id === target.id);
        const why = `${label(t.after![0])} moved from ${key.before?.name ?? current.name} to ${target.name} in ${b}`;
        const deletion = deletionEdit(this.lines, t.reference.range);
        const prefix = this.lines.lineText(t.reference.range.start.line).slice(0, t.reference.range.start.character);
        if (!deletion || !/^\s*-\s*$/.test(prefix)) {
          this.unresolved.push({ range: t.reference.range, message: `${why}: move it under ${tacticNameFor(target, 'xp')} by hand` });
          return;
        }
        const text = this.rewrittenText(t);
        // The moved line keeps what follows the ID (a comment); step 1's replacement travels with it.
        const rest = this.lines.lineText(t.reference.range.start.line).slice(t.reference.range.end.character);
        this.dropEditsWithin(t.reference.range);
        if (existing) {
          const last = existing.items.at(-1)?.reference;
          if (!last) return;
          const targetPrefix = this.lines.lineText(last.range.start.line).slice(0, last.range.start.character);
          this.edit('moved', lineInsertionAfter(this.lines, last.range.start.line, `${targetPrefix}${text}${rest}`), `${text} filed under ${existing.reference.written}: ${why}`);
        } else {
          let block = created.get(target.id);
          if (!block) created.set(target.id, (block = { after: key.items.at(-1)!.reference, lines: [], name: tacticNameFor(target, 'xp') }));
          block.lines.push(`${prefix}${text}${rest}`);
        }
        this.edit('moved', deletion, `${t.reference.written} moved out of ${key.reference.written}: ${why}`);
      });
      if (moving.length === key.items.length && moving.length > 0 && targets.every(Boolean)) {
        this.edit('moved', lineDeletion(this.lines, key.reference.range.start.line), `${key.reference.written} removed: all its techniques moved`);
      }
    }
    for (const block of created.values()) {
      const keyLine = this.rule.references.find((r) => r.kind === 'tactic' && r.written === block.after.tactic);
      const indent = keyLine ? this.lines.lineText(keyLine.range.start.line).slice(0, keyLine.range.start.character) : '';
      const content = [`${indent}${block.name}:`, ...block.lines].join(eol);
      this.edit('moved', lineInsertionAfter(this.lines, block.after.range.start.line, content), `${block.name} added for the techniques that moved there`);
    }
  }

  private dropEditsWithin(range: Range): void {
    const [start, end] = [this.lines.offsetAt(range.start), this.lines.offsetAt(range.end)];
    for (let i = this.edits.length - 1; i >= 0; i--) {
      const edit = this.edits[i];
      if (this.lines.offsetAt(edit.range.start) >= start && this.lines.offsetAt(edit.range.end) <= end && edit.range.start.line === range.start.line) this.edits.splice(i, 1);
    }
  }

  /** A technique reference's text after step 1 (its successor's ID when it was replaced). */
  private rewrittenText(t: TechniqueState): string {
    return this.rewritten.has(t.reference) && t.after?.length === 1 ? t.after[0].id : t.reference.written;
  }
}

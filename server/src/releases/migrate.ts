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
import { attackUrl } from '../corpus/ids';
import type { AttackObject } from '../corpus/model';
import { writtenFormFor } from '../features/writtenForm';
import type { TextEdit } from 'vscode-languageserver-types';
import type { AttackReference, RuleDocument } from '../formats/model';
import { elasticBlocks, elasticNames, xpKeys } from './migrateFiled';
import { flatTactics } from './migrateTactics';
import { byId, type FileMigration, label, listKey, live, type MigrationChoices, MigrationContext, type TechniqueState } from './migrationContext';
import type { ReleaseDiff } from './releaseDiff';

export { MIGRATION_KIND_LABEL, MIGRATION_KINDS } from './migrationContext';
export type { AmbiguousCase, FileMigration, MigrationChoices, MigrationEdit, MigrationKind, ObjectRef, UnresolvedCase } from './migrationContext';

export function migrateRule(diff: ReleaseDiff, rule: RuleDocument, text: string, choices: MigrationChoices = new Map()): FileMigration {
  const m = new MigrationContext(diff, rule, text, choices);
  const problem = rule.problems.find((p) => p.severity === 'error');
  if (problem) {
    // A file that does not parse is not edited: its ranges may not be what the author sees.
    if (rule.references.length) m.unresolved.push({ range: problem.range, message: `not migrated: the file does not parse (${problem.message})` });
    return m.result();
  }
  replaceRevoked(m);
  if (m.format === 'sigma' || m.format === 'sentinel') flatTactics(m);
  else if (m.format === 'elastic') elasticBlocks(m);
  else if (m.format === 'xp') xpKeys(m);
  if (m.format === 'elastic') elasticNames(m);
  return m.result();
}

// ── Step 1: revoked techniques → successors ─────────────────────────────────────────────────

/** What another reference of the rule means in B (its single successor when revoked). */
function meaningInB(m: MigrationContext, reference: AttackReference): AttackObject | undefined {
  const object = m.b.get(reference.id);
  if (object?.kind !== 'technique') return undefined;
  return object.revoked ? m.b.revokedSuccessor(object)?.successor : live(object) ? object : undefined;
}

function replaceRevoked(m: MigrationContext): void {
  const listed = new Map<string, Set<string>>();
  for (const t of m.techniques) {
    const object = m.b.get(t.reference.id);
    if (live(object)) {
      const key = listKey(t.reference);
      if (!listed.has(key)) listed.set(key, new Set());
      listed.get(key)!.add(object.id);
    }
  }
  for (const t of m.techniques) {
    const r = t.reference;
    const object = m.b.get(r.id);
    if (object?.kind !== 'technique') continue; // unknown to B: newer or a typo, not a release change
    if (!object.revoked) {
      if (live(object)) t.after = [object];
      else if (m.diff.changesOf(r.id, 'technique').some((c) => c.kind === 'deprecated')) m.unresolved.push({ range: r.range, message: `${label(object)} is deprecated in ${m.b.versionLabel} and ATT&CK names no replacement` });
      continue;
    }
    let successors = m.b.revokedSuccessors(object);
    if (!successors.length) {
      m.unresolved.push({ range: r.range, message: `${label(object)} is revoked in ${m.b.versionLabel} with no successor` });
      continue;
    }
    let reason = '';
    if (successors.length > 1) {
      const chosen = m.choice(r.id, 'technique');
      const implied = chosen ? undefined : impliedParent(m, t, successors);
      if (chosen) {
        successors = chosen;
        reason = ' (as chosen)';
      } else if (implied) {
        successors = [implied.parent];
        reason = ` (split; ${implied.why})`;
      } else {
        m.ask({
          key: object.id,
          kind: 'successor',
          subject: object,
          options: successors,
          range: r.range,
          message: `${label(object)} is revoked in ${m.b.versionLabel} and split into ${successors.map(label).join(' and ')}: which does the rule detect?`,
        });
        continue;
      }
    }
    t.after = successors;
    writeSuccessors(m, t, object, successors, reason, listed);
  }
}

/** A split parent technique's successor told by the rule's own sub-technique: T1562 → T1686 when
 *  the rule also claims T1562.002, whose successor is T1686.001; T1562 → T1685 when it claims
 *  T1562.001, whose successor is T1685 itself. */
function impliedParent(m: MigrationContext, t: TechniqueState, successors: AttackObject[]): { parent: AttackObject; why: string } | undefined {
  const found = new Map<string, { parent: AttackObject; why: string }>();
  for (const other of m.techniques) {
    if (other === t || !other.reference.id.startsWith(`${t.reference.id}.`)) continue;
    const meaning = meaningInB(m, other.reference);
    if (!meaning) continue;
    if (byId(successors, meaning.id)) found.set(meaning.id, { parent: meaning, why: `${other.reference.id}, which this rule also claims, becomes ${meaning.id}` });
    const parent = meaning.isSubtechnique ? m.b.parentOf(meaning) : undefined;
    if (parent && byId(successors, parent.id)) found.set(parent.id, { parent, why: `${parent.id} is the parent of ${meaning.id}, the successor of ${other.reference.id}, which this rule also claims` });
  }
  return found.size === 1 ? [...found.values()][0] : undefined;
}

function writeSuccessors(m: MigrationContext, t: TechniqueState, revoked: AttackObject, successors: AttackObject[], reason: string, listed: Map<string, Set<string>>): void {
  const r = t.reference;
  const inList = listed.get(listKey(r)) ?? new Set<string>();
  listed.set(listKey(r), inList);
  const why = `${label(revoked)} is revoked in ${m.b.versionLabel}${reason}`;
  if (m.format === 'elastic') {
    elasticSuccessor(m, t, successors, why);
    return;
  }
  const fresh = successors.filter((s) => !inList.has(s.id));
  if (!fresh.length) {
    m.remove('duplicates', r, `${r.written} → ${successors.map((s) => writtenFormFor(r, m.format, s)).join(', ')} is already listed (${why})`);
    return;
  }
  const [first, ...rest] = fresh;
  const text = writtenFormFor(r, m.format, first);
  m.replace('revoked', r.range, text, `${r.written} → ${text}: ${why}; use ${label(first)}`);
  m.rewritten.add(r);
  inList.add(first.id);
  for (const s of rest) {
    const more = writtenFormFor(r, m.format, s);
    if (m.insertAfter('revoked', r, more, `${r.written} → also ${more}: ${why}; use ${label(s)}`)) inList.add(s.id);
  }
}

/** Elastic: the id, its name and its reference URL; a technique must stay a technique and a
 *  sub-technique a sub-technique of its table's technique, else the table needs restructuring. */
function elasticSuccessor(m: MigrationContext, t: TechniqueState, successors: AttackObject[], why: string): void {
  const r = t.reference;
  if (successors.length > 1) {
    t.after = undefined;
    m.unresolved.push({ range: r.range, message: `${why}: choose one of ${successors.map(label).join(', ')} (an Elastic technique table holds one ID)` });
    return;
  }
  const successor = successors[0];
  const isSubEntry = r.key.endsWith('.subtechnique.id');
  const parentEntry = isSubEntry ? m.elasticParentEntry(r) : undefined;
  const parentAfter = parentEntry?.after?.length === 1 ? parentEntry.after[0] : undefined;
  if (isSubEntry && parentAfter?.id === successor.id) {
    // T1562.001 under T1562, both now T1685: the sub-technique table goes.
    const table = subtechniqueTable(m, r);
    if (table) {
      m.edit('duplicates', table, `${r.written} → ${successor.id} is what its technique entry is now (${why}): its sub-technique table removed`);
      return;
    }
  }
  if (isSubEntry !== !!successor.isSubtechnique || (isSubEntry && (!parentAfter || m.b.parentOf(successor)?.id !== parentAfter.id))) {
    t.after = undefined;
    const shape = successor.isSubtechnique ? `a sub-technique of ${m.b.parentOf(successor)?.id ?? '?'}` : 'a technique';
    m.unresolved.push({ range: r.range, message: `${why}: its successor ${label(successor)} is ${shape}, so this [[rule.threat]] entry must be restructured by hand` });
    return;
  }
  m.replace('revoked', r.range, successor.id, `${r.written} → ${successor.id}: ${why}; use ${label(successor)}`);
  if (r.name && r.name.text !== successor.name) m.replace('revoked', r.name.range, successor.name, `name of ${successor.id}: "${successor.name}"`);
  const url = attackUrl(successor.id, 'technique');
  if (r.url && url && r.url.text !== url) m.replace('revoked', r.url.range, url, `reference of ${successor.id}: ${url}`);
  m.rewritten.add(r);
}


/** The whole `[[rule.threat.technique.subtechnique]]` table of a reference, up to the next table, when
 *  it holds only its id, name and reference (nothing of the author's would go with it). */
function subtechniqueTable(m: MigrationContext, r: AttackReference): TextEdit | undefined {
  let header = r.range.start.line;
  while (header >= 0 && !/^\s*\[\[\s*rule\.threat\.technique\.subtechnique\s*\]\]\s*$/.test(m.lines.lineText(header))) {
    if (/^\s*\[/.test(m.lines.lineText(header))) return undefined;
    header--;
  }
  if (header < 0) return undefined;
  let end = r.range.start.line + 1;
  while (end < m.lines.lineCount && !/^\s*\[/.test(m.lines.lineText(end))) end++;
  for (let line = header + 1; line < end; line++) {
    if (!/^\s*((id|name|reference)\s*=\s*"[^"]*"\s*)?$/.test(m.lines.lineText(line))) return undefined;
  }
  const endPosition = end < m.lines.lineCount ? { line: end, character: 0 } : m.lines.positionAt(m.lines.text.length);
  return { range: { start: { line: header, character: 0 }, end: endPosition }, newText: '' };
}

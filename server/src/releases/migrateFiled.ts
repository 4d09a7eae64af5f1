// Migration step 2b/2c: formats that file techniques under a tactic — Elastic `[[rule.threat]]`
// blocks (the block's tactic id, name and reference; names the release changed) and MaxPatrol
// `ContentRelations.Implements.ATTACK.<tactic>` keys (renamed, or techniques moved to another key).
import { attackUrl } from '../corpus/ids';
import { deletionEdit } from '../features/codeActions';
import { findTactic } from '../features/resolve';
import { tacticNameFor } from '../features/writtenForm';
import type { AttackReference } from '../formats/model';
import { byId, label, live, type MigrationContext, type MigrationKind, type TechniqueState } from './migrationContext';
import { moveToTacticBlock } from './migrateElasticSplit';
import { tacticsOf } from './releaseDiff';
import { eolOf, lineDeletion, lineInsertionAfter } from './textEdits';

export function elasticBlocks(m: MigrationContext): void {
  const b = m.b.versionLabel;
  const blocks = new Map<string, { tactic?: AttackReference; techniques: TechniqueState[] }>();
  const blockOf = (key: string) => blocks.get(key) ?? blocks.set(key, { techniques: [] }).get(key)!;
  for (const r of m.rule.references) if (r.key === 'rule.threat.tactic.id') blockOf(m.elasticBlockOf(r)).tactic = r;
  for (const t of m.techniques) blockOf(m.elasticBlockOf(t.reference)).techniques.push(t);
  for (const { tactic, techniques } of blocks.values()) {
    if (!tactic || tactic.malformed) continue;
    const inB = m.diff.tacticInB(tactic.id);
    const before = m.a.get(tactic.id);
    if (!inB || !techniques.length || techniques.some((t) => !t.after || t.after.length !== 1)) continue;
    const current = inB.tactic;
    const misfiled = techniques.filter((t) => !byId(tacticsOf(m.b, t.after![0]), current.id));
    // Only what the release moved: techniques filed right in A.
    const moved = misfiled.filter((t) => !live(t.before) || before?.kind !== 'tactic' || byId(tacticsOf(m.a, t.before), before.id));
    if (!moved.length) continue;
    const common = m.carriedTargets(moved[0], moved[0].after![0]).filter((x) => moved.every((t) => byId(m.carriedTargets(t, t.after![0]), x.id)));
    const subject = moved[0].after![0];
    const chosen = m.choice(subject.id, 'tactic')?.filter((x) => byId(common, x.id));
    const target = common.length === 1 ? common[0] : chosen?.length === 1 ? chosen[0] : undefined;
    if (!target) {
      if (common.length > 1) m.ask({ key: subject.id, kind: 'tactic', subject, options: common, range: tactic.range, message: `The techniques of this [[rule.threat]] block left ${current.name} in ${b} and belong to ${common.map((c) => c.name).join(' or ')}: which tactic does the block file them under?` });
      else m.unresolved.push({ range: tactic.range, message: `The techniques of this [[rule.threat]] block left ${current.name} in ${b} and share no tactic: split the block by hand` });
      continue;
    }
    if (moved.length < techniques.length) {
      // The block's tactic stays right for the others: the moved ones go to their tactic's block.
      const shapes = [...blocks.values()].filter((x): x is { tactic: AttackReference; techniques: TechniqueState[] } => !!x.tactic);
      if (!moveToTacticBlock(m, { tactic, techniques }, moved, target, shapes, (sub) => m.elasticParentEntry(sub))) {
        for (const t of moved) m.unresolved.push({ range: t.reference.range, message: `${label(t.after![0])} no longer belongs to ${current.name} in ${b} but the other techniques of this [[rule.threat]] block do: move it to a block for ${target.name} by hand` });
      }
      continue;
    }
    const why = `${moved.map((t) => t.after![0].id).join(', ')} moved from ${before?.name ?? current.name} to ${target.name} in ${b}`;
    m.replace('tactics', tactic.range, target.id, `tactic ${tactic.id} → ${target.id}: ${why}`);
    if (tactic.name) m.replace('tactics', tactic.name.range, target.name, `tactic name "${target.name}"`);
    const url = attackUrl(target.id, 'tactic');
    if (tactic.url && url) m.replace('tactics', tactic.url.range, url, `tactic reference ${url}`);
    m.rewritten.add(tactic);
  }
}

/** Names the release changed (a rename, a tactic's rename), where the written name was A's. */
export function elasticNames(m: MigrationContext): void {
  for (const r of m.rule.references) {
    if (!r.name || m.rewritten.has(r) || r.malformed) continue;
    const before = m.a.get(r.id);
    const after = r.kind === 'tactic' ? m.diff.tacticInB(r.id)?.tactic : m.b.get(r.id);
    if (!before || !live(after) || after.id !== r.id || r.name.text !== before.name || after.name === before.name) continue;
    const kind: MigrationKind = r.kind === 'tactic' ? 'tactic-renamed' : 'names';
    m.replace(kind, r.name.range, after.name, `name of ${r.id}: "${before.name}" → "${after.name}" (renamed in ${m.b.versionLabel})`);
  }
}

export function xpKeys(m: MigrationContext): void {
  const b = m.b.versionLabel;
  const keys = m.rule.references.filter((r) => r.kind === 'tactic' && r.key === 'ContentRelations.Implements.ATTACK').map((reference) => {
    const inB = m.diff.tacticInB(reference.id);
    return { reference, before: findTactic(m.a, reference.id)?.tactic, after: inB?.tactic, renamed: inB?.renamed ?? false, items: m.techniques.filter((t) => t.reference.tactic === reference.written) };
  });
  const eol = eolOf(m.lines.text);
  /** Tactic ID → the key (existing, or created after the key its techniques come from). */
  const created = new Map<string, { after: AttackReference; lines: string[]; name: string }>();
  for (const key of keys) {
    if (!key.after) continue;
    const current = key.after;
    const moving = key.items.filter((t) => t.after?.length === 1 && !byId(tacticsOf(m.b, t.after[0]), current.id) && (!live(t.before) || !key.before || byId(tacticsOf(m.a, t.before), key.before.id)));
    const targets = moving.map((t) => {
      const options = m.carriedTargets(t, t.after![0]);
      const chosen = m.choice(t.after![0].id, 'tactic')?.filter((x) => byId(options, x.id));
      const target = options.length === 1 ? options[0] : chosen?.length === 1 ? chosen[0] : undefined;
      if (!target) m.ask({ key: t.after![0].id, kind: 'tactic', subject: t.after![0], options, range: t.reference.range, message: `${label(t.after![0])} left ${current.name} in ${b} and belongs to ${options.map((o) => o.name).join(' or ')}: under which tactic key does it go?` });
      return target;
    });
    const allMove = moving.length === key.items.length && moving.length > 0 && targets.every((x) => x && x.id === targets[0]!.id);
    const targetExists = allMove && keys.some((o) => o !== key && o.after?.id === targets[0]!.id);
    if (allMove && !targetExists && !created.has(targets[0]!.id)) {
      // The whole key moves: rename it.
      const target = targets[0]!;
      const text = tacticNameFor(target, 'xp');
      m.replace('tactics', key.reference.range, text, `${key.reference.written} → ${text}: ${moving.map((t) => t.after![0].id).join(', ')} moved from ${key.before?.name ?? current.name} to ${target.name} in ${b}`);
      continue;
    }
    if (key.renamed) {
      const text = tacticNameFor(current, 'xp');
      m.replace('tactic-renamed', key.reference.range, text, `${key.reference.written} → ${text}: ${key.before!.id} ${key.before!.name} is ${current.name} in ${b}`);
    }
    moving.forEach((t, i) => {
      const target = targets[i];
      if (!target) return;
      const existing = keys.find((o) => o !== key && o.after?.id === target.id);
      const why = `${label(t.after![0])} moved from ${key.before?.name ?? current.name} to ${target.name} in ${b}`;
      const deletion = deletionEdit(m.lines, t.reference.range);
      const prefix = m.lines.lineText(t.reference.range.start.line).slice(0, t.reference.range.start.character);
      if (!deletion || !/^\s*-\s*$/.test(prefix)) {
        m.unresolved.push({ range: t.reference.range, message: `${why}: move it under ${tacticNameFor(target, 'xp')} by hand` });
        return;
      }
      const text = m.rewrittenText(t);
      // The moved line keeps what follows the ID (a comment); step 1's replacement travels with it.
      const rest = m.lines.lineText(t.reference.range.start.line).slice(t.reference.range.end.character);
      m.dropEditsWithin(t.reference.range);
      if (existing) {
        const last = existing.items.at(-1)?.reference;
        if (!last) return;
        const targetPrefix = m.lines.lineText(last.range.start.line).slice(0, last.range.start.character);
        m.edit('moved', lineInsertionAfter(m.lines, last.range.start.line, `${targetPrefix}${text}${rest}`), `${text} filed under ${existing.reference.written}: ${why}`);
      } else {
        let block = created.get(target.id);
        if (!block) created.set(target.id, (block = { after: key.items.at(-1)!.reference, lines: [], name: tacticNameFor(target, 'xp') }));
        block.lines.push(`${prefix}${text}${rest}`);
      }
      m.edit('moved', deletion, `${t.reference.written} moved out of ${key.reference.written}: ${why}`);
    });
    if (moving.length === key.items.length && moving.length > 0 && targets.every(Boolean)) {
      m.edit('moved', lineDeletion(m.lines, key.reference.range.start.line), `${key.reference.written} removed: all its techniques moved`);
    }
  }
  for (const block of created.values()) {
    const keyLine = m.rule.references.find((r) => r.kind === 'tactic' && r.written === block.after.tactic);
    const indent = keyLine ? m.lines.lineText(keyLine.range.start.line).slice(0, keyLine.range.start.character) : '';
    const content = [`${indent}${block.name}:`, ...block.lines].join(eol);
    m.edit('moved', lineInsertionAfter(m.lines, block.after.range.start.line, content), `${block.name} added for the techniques that moved there`);
  }
}

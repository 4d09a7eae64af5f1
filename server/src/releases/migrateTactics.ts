// Migration step 2a: a flat list of tactics (Sigma tags, Sentinel `tactics`), recomputed from each
// technique's tactics in release B — only what the release change causes.
import type { Range } from 'vscode-languageserver-types';
import type { AttackObject } from '../corpus/model';
import { tacticNameFor, writtenFormFor } from '../features/writtenForm';
import type { AttackReference } from '../formats/model';
import { sigmaTagFor } from '../formats/sigmaTags';
import { byId, label, live, type MigrationContext, type TacticState } from './migrationContext';
import { tacticsOf } from './releaseDiff';

function tacticText(m: MigrationContext, tactic: AttackObject, like?: AttackReference): string {
  if (like) return writtenFormFor(like, m.format, tactic);
  return m.format === 'sigma' ? sigmaTagFor(tactic.shortname ?? tactic.name) : tacticNameFor(tactic, m.format);
}

export function flatTactics(m: MigrationContext): void {
  const tactics = m.tacticStates();
  const b = m.b.versionLabel;
  const tagged = () => new Set(tactics.filter((s) => s.after && !removed.has(s)).map((s) => s.after!.id));
  const removed = new Set<TacticState>();
  /** Tactic ID → the tactic to add, and the tag whose place it takes (the tag it replaces). */
  const additions = new Map<string, { tactic: AttackObject; origin?: TacticState; why: string }>();
  // Judged as check judges: only when every technique and tactic is known (a rule that uses a
  // newer release's IDs was written against that release), and only a rule with techniques.
  const knownInB = tactics.every((s) => s.after) && m.techniques.every((t) => t.after) && m.techniques.length > 0;
  const tacticsKnownInB = tactics.every((s) => s.after);
  const taggedInA = new Set(tactics.map((s) => s.before?.id).filter((id): id is string => !!id));

  const add = (technique: AttackObject, origin: TacticState | undefined, candidates: AttackObject[], why: (tactic: AttackObject) => string, range: Range) => {
    const chosen = m.choice(technique.id, 'tactic')?.filter((x) => byId(candidates, x.id));
    const picks = candidates.length === 1 ? candidates : chosen?.length ? chosen : undefined;
    if (!picks) {
      m.ask({
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
      for (const t of m.techniques) {
        if (!live(t.before) || !byId(tacticsOf(m.a, t.before), s.before.id)) continue;
        for (const technique of t.after ?? []) {
          if (byId(tacticsOf(m.b, technique), s.after.id)) continue;
          const targets = m.carriedTargets(t, technique);
          if (targets.some((x) => tagged().has(x.id))) continue;
          add(technique, s, targets, (tactic) => `${label(technique)} moved from ${s.before!.name} to ${tactic.name} in ${b}`, t.reference.range);
        }
      }
    }
    // A technique a tag covered in A that no tag covers in B gets one (what A did not cover, or
    // did not know, is not the release's doing).
    for (const t of m.techniques) {
      for (const technique of t.after ?? []) {
        const inB = tacticsOf(m.b, technique);
        if (!inB.length || inB.some((x) => tagged().has(x.id) || additions.has(x.id))) continue;
        const inA = live(t.before) ? tacticsOf(m.a, t.before) : [];
        if (!inA.some((x) => taggedInA.has(x.id))) continue;
        add(technique, undefined, m.carriedTargets(t, technique), (tactic) => `${label(technique)} belongs to ${tactic.name} in ${b}`, t.reference.range);
      }
    }
  }

  // A tag none of the rule's techniques belongs to in B any more — when one did in A (a tag that
  // was wrong in A already, or unknown to A, is the author's, not the release's).
  if (knownInB) {
    const all = m.techniques.flatMap((t) => t.after ?? []);
    for (const s of tactics) {
      if (all.some((technique) => byId(tacticsOf(m.b, technique), s.after!.id))) continue;
      const fittedInA = !!s.before && m.techniques.some((t) => live(t.before) && byId(tacticsOf(m.a, t.before), s.before!.id));
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
        const text = tacticText(m, first.tactic, s.reference);
        m.replace('tactics', s.reference.range, text, `${s.reference.written} → ${text}: ${first.why}`);
        placed.add(first.tactic.id);
      } else {
        m.remove('tactics', s.reference, `${s.reference.written} removed: no technique of this rule belongs to ${s.after!.name} in ${b}`);
      }
      for (const x of rest) placeAfter(m, s.reference, x, placed);
      continue;
    }
    if (s.renamed && s.after) {
      const text = tacticText(m, s.after, s.reference);
      const twin = tactics.find((o) => o !== s && !removed.has(o) && o.after?.id === s.after!.id && (!o.renamed || tactics.indexOf(o) < tactics.indexOf(s)));
      if (twin) {
        m.remove('duplicates', s.reference, `${s.reference.written} → ${text} is already listed (${s.before!.name} is ${s.after.name} in ${b})`);
      } else {
        m.replace('tactic-renamed', s.reference.range, text, `${s.reference.written} → ${text}: ${s.before!.id} ${s.before!.name} is ${s.after.name} in ${b}`);
      }
    }
    for (const x of own) placeAfter(m, s.reference, x, placed);
  }
  const rest = [...additions.values()].filter((x) => !placed.has(x.tactic.id) && !tactics.some((s) => !removed.has(s) && s.after?.id === x.tactic.id));
  if (!rest.length) return;
  const anchor = [...tactics].reverse().find((s) => !removed.has(s))?.reference ?? (m.format === 'sigma' ? m.rule.references.filter((r) => r.form === 'sigmaTag').at(-1) : undefined);
  for (const x of rest) {
    if (anchor) placeAfter(m, anchor, x, placed);
    else m.unresolved.push({ range: m.techniques[0]?.reference.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: `add the tactic ${tacticText(m, x.tactic)} (the rule lists no tactics): ${x.why}` });
  }
}

function placeAfter(m: MigrationContext, anchor: AttackReference, addition: { tactic: AttackObject; why: string }, placed: Set<string>): void {
  const text = tacticText(m, addition.tactic, anchor.kind === 'tactic' ? anchor : undefined);
  if (m.insertAfter('tactics', anchor, text, `${text} added: ${addition.why}`)) placed.add(addition.tactic.id);
}

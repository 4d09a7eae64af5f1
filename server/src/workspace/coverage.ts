// Coverage: which techniques the workspace's rules reference, per tactic in matrix order, and the
// references the loaded ATT&CK release does not know (newer release, revoked, unknown).
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';
import type { RuleDocument } from '../formats/model';
import { type RuleIndex, techniqueReferences } from './ruleIndex';

/** covered: rules reference the technique itself; partial: only some of its sub-techniques. */
export type CoverageState = 'covered' | 'partial' | 'uncovered';

export interface TechniqueCoverage {
  technique: AttackObject;
  state: CoverageState;
  /** Rules referencing the technique itself. */
  direct: RuleDocument[];
  /** Rules referencing it or any of its sub-techniques (unique). */
  total: RuleDocument[];
}

export interface TacticCoverage {
  tactic: AttackObject;
  techniques: TechniqueCoverage[];
  /** Top-level techniques covered or partly covered. */
  coveredCount: number;
}

export interface OrphanReference {
  id: string;
  status: 'newer' | 'revoked' | 'deprecated' | 'unknown';
  successor?: string;
  rules: RuleDocument[];
}

const live = (o: AttackObject) => !o.revoked && !o.deprecated;

export function techniqueCoverage(corpus: Corpus, index: RuleIndex, technique: AttackObject): TechniqueCoverage {
  const direct = index.rulesFor(technique.id);
  const total = new Map(direct.map((r) => [r.uri, r]));
  let viaSubtechnique = false;
  for (const sub of corpus.subtechniquesOf(technique)) {
    for (const rule of index.rulesFor(sub.id)) {
      total.set(rule.uri, rule);
      viaSubtechnique = true;
    }
  }
  const state: CoverageState = direct.length ? 'covered' : viaSubtechnique ? 'partial' : 'uncovered';
  return { technique, state, direct, total: [...total.values()] };
}

/** Per tactic (matrix order), its live top-level techniques with their coverage. */
export function coverageByTactic(corpus: Corpus, index: RuleIndex, filter: (technique: AttackObject) => boolean = () => true): TacticCoverage[] {
  const techniques = corpus.ofKind('technique').filter((t) => live(t) && !t.isSubtechnique && filter(t));
  return corpus.tactics().map((tactic) => {
    const members = techniques
      .filter((t) => t.tactics?.includes(tactic.shortname ?? '') && t.domains.some((d) => tactic.domains.includes(d)))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((t) => techniqueCoverage(corpus, index, t));
    return { tactic, techniques: members, coveredCount: members.filter((m) => m.state !== 'uncovered').length };
  });
}

/** Technique IDs referenced in the workspace that are not live techniques of the loaded release. */
export function orphanReferences(corpus: Corpus, index: RuleIndex): OrphanReference[] {
  const orphans: OrphanReference[] = [];
  for (const id of index.techniqueIds()) {
    const object = corpus.get(id);
    if (object?.kind === 'technique' && live(object)) continue;
    const rules = index.rulesFor(id);
    if (object?.kind === 'technique' && object.revoked) {
      orphans.push({ id, status: 'revoked', successor: corpus.revokedSuccessor(object)?.successor.id, rules });
    } else if (object?.kind === 'technique') {
      orphans.push({ id, status: 'deprecated', rules });
    } else {
      orphans.push({ id, status: corpus.classifyMissing(id).kind === 'newer' ? 'newer' : 'unknown', rules });
    }
  }
  return orphans;
}

/** What the CLI's `coverage --format json` prints: per technique its files, per file its references. */
export function coverageJson(corpus: Corpus, index: RuleIndex, displayPath: (uri: string) => string): unknown {
  const rules = [...index.all()].sort((a, b) => displayPath(a.uri).localeCompare(displayPath(b.uri)));
  const techniques: Record<string, unknown> = {};
  for (const id of index.techniqueIds()) {
    const object = corpus.get(id);
    const status = object?.kind !== 'technique' ? (corpus.classifyMissing(id).kind === 'newer' ? 'newer' : 'unknown') : object.revoked ? 'revoked' : object.deprecated ? 'deprecated' : 'live';
    techniques[id] = {
      name: object?.kind === 'technique' ? object.name : null,
      status,
      files: index.rulesFor(id).map((r) => displayPath(r.uri)).sort(),
    };
  }
  return {
    attack: corpus.versionLabel,
    files: rules.map((rule) => ({
      file: displayPath(rule.uri),
      format: rule.format,
      id: rule.identity.id ?? null,
      title: rule.identity.title ?? null,
      techniques: [...new Set(techniqueReferences(rule).map((r) => r.id))].sort(),
      references: rule.references.map((r) => ({
        id: r.id,
        kind: r.kind,
        written: r.written,
        key: r.key,
        line: r.range.start.line + 1,
        column: r.range.start.character + 1,
        ...(r.tactic ? { tactic: r.tactic } : {}),
        ...(r.malformed ? { malformed: r.malformed } : {}),
      })),
    })),
    techniques,
  };
}

/** What `coverage --format text` prints: a per-tactic summary, then what the release does not know. */
export function coverageText(corpus: Corpus, index: RuleIndex): string {
  const lines: string[] = [`${corpus.versionLabel} coverage of ${index.size} rule files`, ''];
  const tactics = coverageByTactic(corpus, index);
  for (const { tactic, techniques, coveredCount } of tactics) {
    const percent = techniques.length ? Math.round((coveredCount / techniques.length) * 100) : 0;
    lines.push(`${tactic.id} ${tactic.name}: ${coveredCount}/${techniques.length} techniques (${percent}%)`);
    for (const entry of techniques.filter((t) => t.state !== 'uncovered').sort((a, b) => b.total.length - a.total.length)) {
      const mark = entry.state === 'partial' ? ' (sub-techniques only)' : '';
      lines.push(`  ${entry.technique.id.padEnd(10)} ${entry.technique.name} — ${entry.total.length} rule${entry.total.length === 1 ? '' : 's'}${mark}`);
    }
  }
  const allTechniques = new Map<string, TechniqueCoverage>();
  for (const { techniques } of tactics) for (const t of techniques) allTechniques.set(t.technique.id, t);
  const covered = [...allTechniques.values()].filter((t) => t.state !== 'uncovered').length;
  lines.push('', `Overall: ${covered}/${allTechniques.size} techniques covered (${allTechniques.size ? Math.round((covered / allTechniques.size) * 100) : 0}%).`);
  const orphans = orphanReferences(corpus, index);
  if (orphans.length) {
    lines.push('', `References ${corpus.versionLabel} does not have as live techniques:`);
    for (const orphan of orphans) {
      const note = orphan.status === 'newer' ? 'from a newer ATT&CK release' : orphan.status === 'revoked' ? `revoked${orphan.successor ? `, now ${orphan.successor}` : ''}` : orphan.status;
      lines.push(`  ${orphan.id.padEnd(10)} ${note} — ${orphan.rules.length} rule${orphan.rules.length === 1 ? '' : 's'}`);
    }
  }
  return lines.join('\n');
}

// The one coverage model: for every live technique and sub-technique of the loaded matrices (after
// the platform filter), which rules claim it and what state that puts it in. Every view — tree,
// status bar, panel, hover, CLI, Navigator layer — renders this model and nothing else.
//
// A rule *claims* an ID when it references exactly that ID. States:
//   technique:     covered (≥ 1 rule claims it) · via-subtechniques (none does, ≥ 1 claims one of its
//                  sub-techniques) · gap
//   sub-technique: covered (≥ 1 rule claims it) · parent-only (none does, ≥ 1 claims its parent: a
//                  generic detection that may or may not catch this variant; not counted) · gap
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';
import type { RuleDocument } from '../formats/model';
import type { CoverageCounts, CoverageFilter, CoverageState } from '../protocol';
import type { RuleIndex } from './ruleIndex';
import { byCodeUnits } from '../order';

export interface TechniqueCoverage {
  technique: AttackObject;
  state: CoverageState;
  /** Rules (after the filter) that claim exactly this ID. */
  claims: RuleDocument[];
  /** A technique's sub-techniques (live, on the filter's platforms). */
  subtechniques: TechniqueCoverage[];
  /** A sub-technique's parent. */
  parent?: TechniqueCoverage;
}

export interface TacticCoverage {
  tactic: AttackObject;
  /** Its top-level techniques, by ID. */
  techniques: TechniqueCoverage[];
  counts: CoverageCounts;
}

export interface CoverageModel {
  corpus: Corpus;
  filter: CoverageFilter;
  /** Every counted technique and sub-technique, by ID. */
  byId: ReadonlyMap<string, TechniqueCoverage>;
  /** Tactics in matrix order. */
  tactics: TacticCoverage[];
  /** Over all tactics, each technique counted once. */
  counts: CoverageCounts;
  /** Rules (after the filter) claiming at least one counted technique or sub-technique. */
  rules: RuleDocument[];
}

const live = (o: AttackObject) => !o.revoked && !o.deprecated;

/** Whether a rule counts under the filter (format, Sigma status and level). */
export function ruleFilter(filter: CoverageFilter): (rule: RuleDocument) => boolean {
  const formats = filter.formats?.length ? new Set(filter.formats) : undefined;
  const statuses = filter.statuses?.length ? new Set(filter.statuses) : undefined;
  const levels = filter.levels?.length ? new Set(filter.levels) : undefined;
  return (rule) =>
    (!formats || formats.has(rule.format)) &&
    (!statuses || !rule.identity.status || statuses.has(rule.identity.status)) &&
    (!levels || !rule.identity.level || levels.has(rule.identity.level));
}

export function platformFilter(filter: CoverageFilter): (technique: AttackObject) => boolean {
  const platforms = filter.platforms?.length ? new Set(filter.platforms) : undefined;
  return (technique) => !platforms || (technique.platforms ?? []).some((p) => platforms.has(p));
}

/** The part of a filter that decides the model (the tree's "gaps only" and search only decide what is shown). */
export function modelFilter(filter: CoverageFilter): CoverageFilter {
  const { platforms, formats, statuses, levels } = filter;
  const result: CoverageFilter = {};
  if (platforms?.length) result.platforms = [...platforms].sort();
  if (formats?.length) result.formats = [...formats].sort();
  if (statuses?.length) result.statuses = [...statuses].sort();
  if (levels?.length) result.levels = [...levels].sort();
  return result;
}

export function emptyCounts(): CoverageCounts {
  return { techniques: { covered: 0, viaSubtechniques: 0, gaps: 0, total: 0 }, subtechniques: { covered: 0, parentOnly: 0, gaps: 0, total: 0 } };
}

function count(counts: CoverageCounts, entry: TechniqueCoverage): void {
  if (entry.technique.isSubtechnique) {
    const c = counts.subtechniques;
    c.total++;
    if (entry.state === 'covered') c.covered++;
    else if (entry.state === 'parent-only') c.parentOnly++;
    else c.gaps++;
  } else {
    const c = counts.techniques;
    c.total++;
    if (entry.state === 'covered') c.covered++;
    else if (entry.state === 'via-subtechniques') c.viaSubtechniques++;
    else c.gaps++;
  }
}

function belongsTo(technique: AttackObject, tactic: AttackObject): boolean {
  return !!technique.tactics?.includes(tactic.shortname ?? '') && technique.domains.some((d) => tactic.domains.includes(d));
}

export function buildCoverageModel(corpus: Corpus, index: RuleIndex, filter: CoverageFilter = {}): CoverageModel {
  const effective = modelFilter(filter);
  const accepts = ruleFilter(effective);
  const onPlatform = platformFilter(effective);
  const claimsOf = (id: string) => index.rulesFor(id).filter(accepts);
  const byId = new Map<string, TechniqueCoverage>();
  const topLevel: TechniqueCoverage[] = [];
  const counted = new Set<string>();
  const rules = new Map<string, RuleDocument>();
  const claim = (list: RuleDocument[]) => {
    for (const rule of list) rules.set(rule.uri, rule);
    return list;
  };

  for (const technique of corpus.ofKind('technique')) {
    if (technique.isSubtechnique || !live(technique) || !onPlatform(technique)) continue;
    const entry: TechniqueCoverage = { technique, state: 'gap', claims: claim(claimsOf(technique.id)), subtechniques: [] };
    for (const sub of corpus.subtechniquesOf(technique)) {
      if (!live(sub) || !onPlatform(sub)) continue;
      const claims = claim(claimsOf(sub.id));
      const state: CoverageState = claims.length ? 'covered' : entry.claims.length ? 'parent-only' : 'gap';
      const subEntry: TechniqueCoverage = { technique: sub, state, claims, subtechniques: [], parent: entry };
      entry.subtechniques.push(subEntry);
      byId.set(sub.id, subEntry);
    }
    entry.state = entry.claims.length ? 'covered' : entry.subtechniques.some((s) => s.state === 'covered') ? 'via-subtechniques' : 'gap';
    byId.set(technique.id, entry);
    topLevel.push(entry);
  }
  topLevel.sort((a, b) => byCodeUnits(a.technique.id, b.technique.id));

  const counts = emptyCounts();
  const tactics = corpus.tactics().map((tactic): TacticCoverage => {
    const techniques = topLevel.filter((entry) => belongsTo(entry.technique, tactic));
    const tacticCounts = emptyCounts();
    for (const entry of techniques) {
      for (const item of [entry, ...entry.subtechniques]) {
        count(tacticCounts, item);
        if (!counted.has(item.technique.id)) {
          counted.add(item.technique.id);
          count(counts, item);
        }
      }
    }
    return { tactic, techniques, counts: tacticCounts };
  });
  return { corpus, filter: effective, byId, tactics, counts, rules: [...rules.values()] };
}

/** The model for (corpus, index generation, filter), rebuilt only when one of them changes. Views
 *  ask many times per refresh (tree, status bar, panel, hover): they all see the same model. */
export class CoverageModelCache {
  private cached: { corpus: Corpus; generation: number; key: string; model: CoverageModel }[] = [];

  constructor(private readonly index: RuleIndex) {}

  get(corpus: Corpus, filter: CoverageFilter = {}): CoverageModel {
    const key = JSON.stringify(modelFilter(filter));
    const generation = this.index.generation;
    const hit = this.cached.find((c) => c.corpus === corpus && c.generation === generation && c.key === key);
    if (hit) return hit.model;
    const model = buildCoverageModel(corpus, this.index, filter);
    // A few filters at once (the view's, the unfiltered one for hovers and exports).
    this.cached = [{ corpus, generation, key, model }, ...this.cached.filter((c) => c.corpus === corpus && c.generation === generation)].slice(0, 4);
    return model;
  }
}

/** Rules per format, for "sigma 180, elastic 7" lines. */
export function formatCounts(rules: readonly RuleDocument[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rule of rules) counts[rule.format] = (counts[rule.format] ?? 0) + 1;
  return counts;
}

/** For a technique: the rules claiming one of its sub-techniques but not the technique itself (unique). */
export function subtechniqueOnlyRules(entry: TechniqueCoverage): RuleDocument[] {
  const own = new Set(entry.claims.map((r) => r.uri));
  const result = new Map<string, RuleDocument>();
  for (const sub of entry.subtechniques) for (const rule of sub.claims) if (!own.has(rule.uri)) result.set(rule.uri, rule);
  return [...result.values()];
}

/** For a sub-technique: the rules that claim its parent but not it (parent-level rules). */
export function parentLevelRules(entry: TechniqueCoverage): RuleDocument[] {
  if (!entry.parent) return [];
  const own = new Set(entry.claims.map((r) => r.uri));
  return entry.parent.claims.filter((rule) => !own.has(rule.uri));
}

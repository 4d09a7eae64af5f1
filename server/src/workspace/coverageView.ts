// The coverage views' data: the tree (tactics in matrix order → techniques → sub-techniques) with
// rule counts after the user's filters, the status-bar summary, and the rules of one technique.
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';
import type { RuleDocument } from '../formats/model';
import type { CoverageFilter, CoverageState, CoverageSummary, CoverageTechniqueNode, CoverageTree, RuleRef } from '../protocol';
import type { RuleIndex } from './ruleIndex';

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

export function ruleRef(rule: RuleDocument, referenceId?: string): RuleRef {
  const reference = referenceId ? rule.references.find((r) => r.id === referenceId) : undefined;
  const ref: RuleRef = { uri: rule.uri, title: rule.identity.title ?? rule.uri.slice(rule.uri.lastIndexOf('/') + 1), format: rule.format };
  if (rule.identity.status) ref.status = rule.identity.status;
  if (rule.identity.level) ref.level = rule.identity.level;
  if (reference) ref.range = reference.range;
  return ref;
}

class Counter {
  constructor(
    private readonly index: RuleIndex,
    private readonly accepts: (rule: RuleDocument) => boolean,
  ) {}

  direct(id: string): RuleDocument[] {
    return this.index.rulesFor(id).filter(this.accepts);
  }

  node(corpus: Corpus, technique: AttackObject): CoverageTechniqueNode {
    const direct = this.direct(technique.id);
    const all = new Map(direct.map((r) => [r.uri, r]));
    const subtechniques = corpus
      .subtechniquesOf(technique)
      .filter(live)
      .map((sub) => {
        const rules = this.direct(sub.id);
        for (const rule of rules) all.set(rule.uri, rule);
        return this.leaf(sub, rules);
      });
    const state: CoverageState = direct.length ? 'covered' : subtechniques.some((s) => s.state !== 'uncovered') ? 'partial' : 'uncovered';
    const node: CoverageTechniqueNode = { id: technique.id, name: technique.name, state, ruleCount: all.size, formats: formatCounts([...all.values()]) };
    if (subtechniques.length) node.subtechniques = subtechniques;
    return node;
  }

  private leaf(technique: AttackObject, rules: RuleDocument[]): CoverageTechniqueNode {
    return { id: technique.id, name: technique.name, state: rules.length ? 'covered' : 'uncovered', ruleCount: rules.length, formats: formatCounts(rules) };
  }
}

function formatCounts(rules: RuleDocument[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rule of rules) counts[rule.format] = (counts[rule.format] ?? 0) + 1;
  return counts;
}

function matchesSearch(node: CoverageTechniqueNode, text: string): boolean {
  const hit = (n: CoverageTechniqueNode) => `${n.id} ${n.name}`.toLowerCase().includes(text);
  return hit(node) || (node.subtechniques ?? []).some(hit);
}

export function coverageTree(corpus: Corpus, index: RuleIndex, filter: CoverageFilter): CoverageTree {
  const counter = new Counter(index, ruleFilter(filter));
  const onPlatform = platformFilter(filter);
  const techniques = corpus.ofKind('technique').filter((t) => live(t) && !t.isSubtechnique && onPlatform(t));
  const nodes = new Map(techniques.map((t) => [t.index, counter.node(corpus, t)]));
  const search = filter.search?.trim().toLowerCase();
  const tactics = corpus.tactics().map((tactic) => {
    const members = techniques
      .filter((t) => t.tactics?.includes(tactic.shortname ?? '') && t.domains.some((d) => tactic.domains.includes(d)))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((t) => nodes.get(t.index)!);
    const covered = members.filter((m) => m.state !== 'uncovered').length;
    const shown = members.filter((m) => (!filter.uncoveredOnly || m.state !== 'covered') && (!search || matchesSearch(m, search)));
    return { id: tactic.id, name: tactic.name, shortname: tactic.shortname ?? '', covered, total: members.length, techniques: shown };
  });
  return {
    versionLabel: corpus.versionLabel,
    tactics: tactics.filter((t) => t.techniques.length || (!filter.uncoveredOnly && !search)),
    summary: coverageSummary(corpus, index, filter),
    choices: choices(corpus, index),
  };
}

/** Techniques and sub-techniques on the filter's platforms, and how many of them rules reference
 *  (a parent counts when it or one of its sub-techniques is referenced). */
export function coverageSummary(corpus: Corpus, index: RuleIndex, filter: CoverageFilter): CoverageSummary {
  const accepts = ruleFilter(filter);
  const onPlatform = platformFilter(filter);
  let covered = 0;
  let total = 0;
  const rules = new Set<string>();
  for (const technique of corpus.ofKind('technique')) {
    if (!live(technique) || !onPlatform(technique)) continue;
    total++;
    const direct = index.rulesFor(technique.id).filter(accepts);
    for (const rule of direct) rules.add(rule.uri);
    const viaSub = !technique.isSubtechnique && !direct.length && corpus.subtechniquesOf(technique).some((s) => index.rulesFor(s.id).some(accepts));
    if (direct.length || viaSub) covered++;
  }
  return { covered, total, percent: total ? Math.round((covered / total) * 100) : 0, rules: rules.size };
}

export function techniqueRules(index: RuleIndex, id: string, filter: CoverageFilter): RuleRef[] {
  const accepts = ruleFilter(filter);
  return index.rulesFor(id).filter(accepts).map((rule) => ruleRef(rule, id));
}

function choices(corpus: Corpus, index: RuleIndex): CoverageTree['choices'] {
  const platforms = new Set<string>();
  for (const technique of corpus.ofKind('technique')) if (live(technique)) for (const p of technique.platforms ?? []) platforms.add(p);
  const formats = new Set<string>();
  const statuses = new Set<string>();
  const levels = new Set<string>();
  for (const rule of index.all()) {
    formats.add(rule.format);
    if (rule.identity.status) statuses.add(rule.identity.status);
    if (rule.identity.level) levels.add(rule.identity.level);
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return { platforms: sorted(platforms), formats: sorted(formats), statuses: sorted(statuses), levels: sorted(levels) };
}

// The coverage views' data, rendered from the one coverage model: the tree (tactics in matrix order →
// techniques → sub-techniques), the status-bar summary (the tree's totals), and the rules of one ID.
import type { Corpus } from '../corpus/corpus';
import type { RuleDocument } from '../formats/model';
import type { CoverageFilter, CoverageSummary, CoverageTechniqueNode, CoverageTree, RuleRef } from '../protocol';
import { type CoverageModel, formatCounts, parentLevelRules, ruleFilter, subtechniqueOnlyRules, type TechniqueCoverage } from './coverageModel';
import type { RuleIndex } from './ruleIndex';
import { ruleName } from './ruleNames';
import type { OverlayTexts } from '../corpus/overlay';
import { localName } from '../features/localized';

export function ruleRef(rule: RuleDocument, referenceId?: string, claims?: string): RuleRef {
  const reference = referenceId ? rule.references.find((r) => r.id === referenceId) : undefined;
  const ref: RuleRef = { uri: rule.uri, title: ruleName(rule), format: rule.format };
  if (rule.identity.status) ref.status = rule.identity.status;
  if (rule.identity.level) ref.level = rule.identity.level;
  if (reference) ref.range = reference.range;
  if (claims) ref.claims = claims;
  return ref;
}

function node(entry: TechniqueCoverage, overlay: OverlayTexts | undefined, subtechniques?: CoverageTechniqueNode[]): CoverageTechniqueNode {
  const related = entry.technique.isSubtechnique ? parentLevelRules(entry) : subtechniqueOnlyRules(entry);
  const result: CoverageTechniqueNode = {
    id: entry.technique.id,
    name: localName(entry.technique, overlay),
    state: entry.state,
    ruleCount: entry.claims.length,
    formats: formatCounts(entry.claims),
    relatedRuleCount: related.length,
  };
  if (subtechniques?.length) result.subtechniques = subtechniques;
  return result;
}

const isGap = (entry: TechniqueCoverage) => entry.state === 'gap' || entry.state === 'parent-only';
const matches = (entry: TechniqueCoverage, text: string, overlay: OverlayTexts | undefined) => `${entry.technique.id} ${entry.technique.name} ${overlay?.get(entry.technique.id)?.name ?? ''}`.toLowerCase().includes(text);

/** What the tree shows of a technique: everything, or with "gaps only" its gap and parent-only
 *  sub-techniques (and the technique itself when it, or one of them, is a gap: the path to each gap
 *  stays visible, the parent shown in its own state). Undefined when nothing of it is shown. */
function shownNode(entry: TechniqueCoverage, filter: CoverageFilter, search: string | undefined, overlay: OverlayTexts | undefined): CoverageTechniqueNode | undefined {
  let subs = entry.subtechniques;
  if (filter.uncoveredOnly) subs = subs.filter(isGap);
  if (search && !matches(entry, search, overlay)) subs = subs.filter((s) => matches(s, search, overlay));
  const selfShown = (!filter.uncoveredOnly || entry.state === 'gap') && (!search || matches(entry, search, overlay));
  if (!selfShown && !subs.length) return undefined;
  return node(entry, overlay, subs.map((s) => node(s, overlay)));
}

export function coverageTree(model: CoverageModel, index: RuleIndex, filter: CoverageFilter, overlay?: OverlayTexts): CoverageTree {
  const search = filter.search?.trim().toLowerCase() || undefined;
  const narrowed = filter.uncoveredOnly || !!search;
  const tactics = model.tactics
    .map(({ tactic, techniques, counts }) => ({
      id: tactic.id,
      name: localName(tactic, overlay),
      shortname: tactic.shortname ?? '',
      counts,
      techniques: techniques.map((t) => shownNode(t, filter, search, overlay)).filter((n): n is CoverageTechniqueNode => !!n),
    }))
    .filter((t) => t.techniques.length || !narrowed);
  return { versionLabel: model.corpus.versionLabel, tactics, summary: coverageSummary(model), choices: choices(model.corpus, index) };
}

export function coverageSummary(model: CoverageModel): CoverageSummary {
  return { versionLabel: model.corpus.versionLabel, counts: model.counts, rules: model.rules.length, filter: model.filter };
}

/** The rules claiming exactly `id`, after the filter, each at its reference. */
export function techniqueRules(index: RuleIndex, id: string, filter: CoverageFilter): RuleRef[] {
  const accepts = ruleFilter(filter);
  return index.rulesFor(id).filter(accepts).map((rule) => ruleRef(rule, id));
}

function choices(corpus: Corpus, index: RuleIndex): CoverageTree['choices'] {
  const platforms = new Set<string>();
  for (const technique of corpus.ofKind('technique')) if (!technique.revoked && !technique.deprecated) for (const p of technique.platforms ?? []) platforms.add(p);
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

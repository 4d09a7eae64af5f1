// ATT&CK Navigator layer (layer format 4.5) rendered from the coverage model: every counted technique
// and sub-technique gets the colour of its state — covered ones a shade of green by rule count, the
// others one colour each — so a gap never looks like a covered cell. The score is the rule count
// capped at `maxScore` (a handful of rules already is coverage; hundreds should not wash out the rest).
import type { CoverageState } from '../protocol';
import { type CoverageModel, formatCounts, subtechniqueOnlyRules, type TechniqueCoverage } from './coverageModel';
import { ruleName } from './ruleNames';
import { byCodeUnits } from '../order';

const COMMENT_TITLES = 10;
export const DEFAULT_MAX_SCORE = 10;

/** Colours per state; covered cells run from COVERED_LOW (1 rule) to COVERED_HIGH (maxScore rules). */
export const STATE_COLOURS: Record<Exclude<CoverageState, 'covered'>, string> = {
  'via-subtechniques': '#9ecae1',
  'parent-only': '#fdd49e',
  gap: '#fc9272',
};
export const COVERED_LOW = '#a1d99b';
export const COVERED_HIGH = '#006d2c';

const STATE_LABEL: Record<CoverageState, string> = {
  covered: 'covered: rules claim it',
  'via-subtechniques': 'via sub-techniques: no rule claims it, rules claim some of its sub-techniques',
  'parent-only': 'parent-only: no rule claims it, rules claim its parent technique (not counted as covered)',
  gap: 'gap: no rule claims it',
};

export interface NavigatorTechnique {
  techniqueID: string;
  score?: number;
  color: string;
  comment: string;
  enabled: boolean;
  showSubtechniques?: boolean;
  metadata: { name: string; value: string }[];
}

export interface NavigatorOptions {
  /** Rule counts at or above this score get the darkest colour (default 10). */
  maxScore?: number;
  now?: Date;
}

function hex(value: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16)) as [number, number, number];
}

/** The colour between two hex colours at `t` (0..1), as the Navigator interpolates its gradient. */
export function interpolate(from: string, to: string, t: number): string {
  const a = hex(from);
  const b = hex(to);
  const clamped = Math.min(1, Math.max(0, t));
  return `#${a.map((v, i) => Math.round(v + (b[i] - v) * clamped).toString(16).padStart(2, '0')).join('')}`;
}

export function coveredColour(rules: number, maxScore: number): string {
  return maxScore <= 1 ? COVERED_HIGH : interpolate(COVERED_LOW, COVERED_HIGH, (Math.min(rules, maxScore) - 1) / (maxScore - 1));
}

function entryOf(item: TechniqueCoverage, maxScore: number): NavigatorTechnique {
  const rules = item.claims;
  const titles = rules.map(ruleName);
  const more = titles.length > COMMENT_TITLES ? `\n… and ${titles.length - COMMENT_TITLES} more` : '';
  const viaSubs = item.state === 'via-subtechniques' ? subtechniqueOnlyRules(item).length : 0;
  const stateLine = item.state === 'via-subtechniques' ? `${STATE_LABEL[item.state]} (${viaSubs} rule${viaSubs === 1 ? '' : 's'})` : STATE_LABEL[item.state];
  const entry: NavigatorTechnique = {
    techniqueID: item.technique.id,
    color: item.state === 'covered' ? coveredColour(rules.length, maxScore) : STATE_COLOURS[item.state],
    comment: [stateLine, ...titles.slice(0, COMMENT_TITLES)].join('\n') + more,
    enabled: true,
    metadata: [{ name: 'state', value: item.state }, { name: 'rules', value: String(rules.length) }, ...Object.entries(formatCounts(rules)).map(([format, count]) => ({ name: `${format} rules`, value: String(count) }))],
  };
  if (rules.length) entry.score = Math.min(rules.length, maxScore);
  if (item.subtechniques.some((s) => s.state === 'covered')) entry.showSubtechniques = true;
  return entry;
}

export function navigatorLayer(model: CoverageModel, options: NavigatorOptions = {}): Record<string, unknown> {
  const maxScore = Math.max(1, Math.floor(options.maxScore ?? DEFAULT_MAX_SCORE));
  const now = options.now ?? new Date();
  const techniques = [...model.byId.values()].map((item) => entryOf(item, maxScore)).sort((a, b) => byCodeUnits(a.techniqueID, b.techniqueID));
  const { corpus, counts, filter } = model;
  const bundle = corpus.data.bundles[0];
  const t = counts.techniques;
  const s = counts.subtechniques;
  const layer: Record<string, unknown> = {
    name: 'TTP Lens coverage',
    versions: { attack: bundle.version.split('.')[0], navigator: '5.1.0', layer: '4.5' },
    domain: bundle.domain,
    description:
      `Detection rules per technique (${model.rules.length} rules), exported by TTP Lens on ${now.toISOString().slice(0, 10)} from ${corpus.versionLabel}. ` +
      `Green: covered (darker = more rules, ${maxScore}+ darkest; the score is the rule count capped at ${maxScore}); blue: via sub-techniques; amber: parent-only; red: gap.`,
    sorting: 3,
    layout: { layout: 'side', showID: true, showName: true, showAggregateScores: false, countUnscored: false, aggregateFunction: 'sum', expandedSubtechniques: 'annotated' },
    hideDisabled: false,
    techniques,
    gradient: { colors: [COVERED_LOW, COVERED_HIGH], minValue: 1, maxValue: Math.max(2, maxScore) },
    legendItems: [
      { label: 'gap — no rule claims it', color: STATE_COLOURS.gap },
      { label: 'parent-only — only its parent technique is claimed', color: STATE_COLOURS['parent-only'] },
      { label: 'via sub-techniques — only sub-techniques are claimed', color: STATE_COLOURS['via-subtechniques'] },
      { label: 'covered by 1 rule', color: COVERED_LOW },
      { label: `covered by ${maxScore}+ rules`, color: COVERED_HIGH },
    ],
    metadata: [
      { name: 'generated by', value: 'TTP Lens' },
      { name: 'rules', value: String(model.rules.length) },
      { name: 'techniques', value: `${t.covered} covered, ${t.viaSubtechniques} via sub-techniques, ${t.gaps} gaps of ${t.total}` },
      { name: 'sub-techniques', value: `${s.covered} covered, ${s.parentOnly} parent-only, ${s.gaps} gaps of ${s.total}` },
      { name: 'colours', value: 'green covered (by rule count), blue via sub-techniques, amber parent-only, red gap' },
      { name: 'score', value: `rule count, capped at ${maxScore}` },
    ],
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
  };
  if (filter.platforms?.length) layer.filters = { platforms: filter.platforms };
  return layer;
}

// The technique panel's data: what the seed pages show (detection data components with their data
// source or analytics, mitigations, detection strategies) and the coverage model's view of the
// technique — its state, the rules that claim it, and per data component its detections, visibility
// and gap or blind-spot marker. A sub-technique's parent-level rules are listed apart, never as its
// detections.
import type { Corpus } from '../corpus/corpus';
import { factsOf } from '../corpus/facts';
import type { AttackObject } from '../corpus/model';
import type { PanelComponent, RuleRef, TechniquePanel } from '../protocol';
import type { ComponentIndex, RuleComponentsOf } from '../workspace/componentIndex';
import { componentCoverage } from '../workspace/componentCoverage';
import { type CoverageModel, parentLevelRules, ruleFilter, subtechniqueOnlyRules, type TechniqueCoverage } from '../workspace/coverageModel';
import { ruleRef } from '../workspace/coverageView';
import type { RuleIndex } from '../workspace/ruleIndex';
import type { OverlayTexts } from '../corpus/overlay';
import { localizeFacts } from './localized';

const READING_SHOWN = 5;

export interface PanelInputs {
  corpus: Corpus;
  model: CoverageModel;
  index: RuleIndex;
  components: ComponentIndex;
  componentsOf: RuleComponentsOf;
  /** Localised names and descriptions (`ttpLens.attack.overlayPaths`). */
  overlay?: OverlayTexts;
}

/** The model's entry, or — for a technique the model does not count (revoked, deprecated, outside
 *  the filter's platforms) — the same shape without a state, so the panel can still show its rules. */
function entryFor(inputs: PanelInputs, technique: AttackObject): { entry: TechniqueCoverage; counted: boolean } {
  const entry = inputs.model.byId.get(technique.id);
  if (entry) return { entry, counted: true };
  const claims = inputs.index.rulesFor(technique.id).filter(ruleFilter(inputs.model.filter));
  return { entry: { technique, state: claims.length ? 'covered' : 'gap', claims, subtechniques: [] }, counted: false };
}

export function techniquePanel(inputs: PanelInputs, technique: AttackObject): TechniquePanel {
  const { corpus, model } = inputs;
  const facts = localizeFacts(factsOf(corpus, technique), inputs.overlay).facts;
  const localText = inputs.overlay?.get(technique.id);
  const { entry, counted } = entryFor(inputs, technique);
  const coverage = new Map(componentCoverage(corpus, model, entry, inputs.components, inputs.componentsOf).map((c) => [corpus.label(c.component), c]));
  const components: PanelComponent[] = [];
  for (const observed of facts.observedBy ?? []) {
    const covered = coverage.get(observed.component.label);
    if (!covered) continue;
    const detected = new Set(covered.detections.map((d) => d.rule.uri));
    const component: PanelComponent = {
      label: observed.component.label,
      id: observed.component.id,
      name: observed.component.name,
      analytics: observed.via.map((v) => ({ id: v.analytic.id, platforms: v.platforms, logSource: v.logSource.name, channel: v.logSource.channel })),
      detections: covered.detections.map((d) => ruleRef(d.rule, d.claims, d.claims)),
      visibility: covered.reading.length,
      readingRules: covered.reading.filter((rule) => !detected.has(rule.uri)).slice(0, READING_SHOWN).map((rule) => ruleRef(rule)),
      gap: covered.gap,
      blindSpot: covered.blindSpot,
    };
    if (observed.dataSource) component.dataSource = { id: observed.dataSource.id, name: observed.dataSource.name };
    if (observed.description) component.description = observed.description;
    components.push(component);
  }
  const claimsOf = (rules: typeof entry.claims, id: (uri: string) => string): RuleRef[] => rules.map((rule) => ruleRef(rule, id(rule.uri), id(rule.uri)));
  const subClaim = new Map<string, string>();
  for (const sub of entry.subtechniques) for (const rule of sub.claims) if (!subClaim.has(rule.uri)) subClaim.set(rule.uri, sub.technique.id);
  const panel: TechniquePanel = {
    versionLabel: corpus.versionLabel,
    id: technique.id,
    name: facts.ref.name,
    url: facts.ref.url,
    revoked: facts.revoked,
    deprecated: facts.deprecated,
    summary: localText?.description ?? corpus.description(technique),
    tactics: (facts.tactics ?? []).map((t) => ({ id: t.id, name: t.name })),
    platforms: facts.platforms ?? [],
    subtechniques: (facts.subtechniques ?? []).map((s) => {
      const sub = model.byId.get(s.id);
      return { id: s.id, name: s.name, ...(sub ? { state: sub.state } : {}), ruleCount: sub ? sub.claims.length : inputs.index.countFor(s.id) };
    }),
    components,
    gapCount: components.filter((c) => c.gap).length,
    blindSpotCount: components.filter((c) => c.blindSpot).length,
    detectionStrategies: (facts.detectionStrategies ?? []).map((s) => ({
      id: s.strategy.id,
      name: s.strategy.name,
      url: s.strategy.url,
      analytics: s.analytics.map((a) => ({ id: a.analytic.id, platforms: a.platforms, summary: a.summary })),
    })),
    mitigations: (facts.mitigations ?? []).map((m) => ({ id: m.mitigation.id, name: m.mitigation.name, url: m.mitigation.url, description: m.description })),
    rules: claimsOf(entry.claims, () => technique.id),
    subtechniqueRules: claimsOf(subtechniqueOnlyRules(entry), (uri) => subClaim.get(uri)!),
    parentRules: entry.parent ? claimsOf(parentLevelRules(entry), () => entry.parent!.technique.id) : [],
    filter: model.filter,
  };
  if (counted) panel.state = entry.state;
  if (facts.successor) panel.successor = { id: facts.successor.id, name: facts.successor.name };
  if (facts.parent) panel.parent = { id: facts.parent.id, name: facts.parent.name };
  if (facts.detectionText) panel.detectionText = facts.detectionText;
  return panel;
}

// The technique panel's data: what the seed pages show (detection data components with their data
// source or analytics, mitigations, detection strategies) plus, per component, the workspace rules
// that observe the technique through it — and the gaps where none does.
import type { Corpus } from '../corpus/corpus';
import { factsOf } from '../corpus/facts';
import type { AttackObject } from '../corpus/model';
import type { PanelComponent, TechniquePanel } from '../protocol';
import type { ComponentIndex, RuleComponentsOf } from '../workspace/componentIndex';
import { ruleRef } from '../workspace/coverageView';
import type { RuleIndex } from '../workspace/ruleIndex';

const READING_SHOWN = 5;

export function techniquePanel(corpus: Corpus, index: RuleIndex, components: ComponentIndex, componentsOf: RuleComponentsOf, technique: AttackObject): TechniquePanel {
  const facts = factsOf(corpus, technique);
  const related = new Set([technique.id, ...corpus.subtechniquesOf(technique).map((s) => s.id)]);
  if (technique.isSubtechnique && facts.parent) related.add(facts.parent.id);
  const claiming = new Set([...related].flatMap((id) => index.rulesFor(id).map((r) => r.uri)));
  const claims = (uri: string) => claiming.has(uri);
  const panelComponents: PanelComponent[] = (facts.observedBy ?? []).map((entry) => {
    const reading = components.rulesReading(entry.component.name, componentsOf);
    const observing = reading.filter((rule) => claims(rule.uri));
    const component: PanelComponent = {
      label: entry.component.label,
      id: entry.component.id,
      name: entry.component.name,
      analytics: entry.via.map((v) => ({ id: v.analytic.id, platforms: v.platforms, logSource: v.logSource.name, channel: v.logSource.channel })),
      observingRules: observing.map((rule) => ruleRef(rule, [...related].find((id) => rule.references.some((r) => r.id === id)))),
      readingRuleCount: reading.length,
      readingRules: reading.filter((rule) => !observing.includes(rule)).slice(0, READING_SHOWN).map((rule) => ruleRef(rule)),
    };
    if (entry.dataSource) component.dataSource = { id: entry.dataSource.id, name: entry.dataSource.name };
    if (entry.description) component.description = entry.description;
    return component;
  });
  const panel: TechniquePanel = {
    versionLabel: corpus.versionLabel,
    id: technique.id,
    name: technique.name,
    url: facts.ref.url,
    revoked: facts.revoked,
    deprecated: facts.deprecated,
    summary: corpus.description(technique),
    tactics: (facts.tactics ?? []).map((t) => ({ id: t.id, name: t.name })),
    platforms: facts.platforms ?? [],
    subtechniques: (facts.subtechniques ?? []).map((s) => ({ id: s.id, name: s.name, ruleCount: index.countFor(s.id) })),
    components: panelComponents,
    detectionStrategies: (facts.detectionStrategies ?? []).map((s) => ({
      id: s.strategy.id,
      name: s.strategy.name,
      url: s.strategy.url,
      analytics: s.analytics.map((a) => ({ id: a.analytic.id, platforms: a.platforms, summary: a.summary })),
    })),
    mitigations: (facts.mitigations ?? []).map((m) => ({ id: m.mitigation.id, name: m.mitigation.name, url: m.mitigation.url, description: m.description })),
    rules: index.rulesFor(technique.id).map((rule) => ruleRef(rule, technique.id)),
    subtechniqueRuleCount: new Set(
      corpus
        .subtechniquesOf(technique)
        .flatMap((sub) => index.rulesFor(sub.id))
        .map((rule) => rule.uri)
        .filter((uri) => !index.rulesFor(technique.id).some((r) => r.uri === uri)),
    ).size,
  };
  if (facts.successor) panel.successor = { id: facts.successor.id, name: facts.successor.name };
  if (facts.parent) panel.parent = { id: facts.parent.id, name: facts.parent.name };
  if (facts.detectionText) panel.detectionText = facts.detectionText;
  return panel;
}

// Coverage per data component of one technique, from the coverage model: for each component ATT&CK
// lists as observing the technique (v17: detects; v18: detection strategy → analytic → component),
// its detections — rules that claim the technique (a parent: it or one of its sub-techniques), read
// the component through their log source, and run on one of the technique's platforms where the log
// source tells — and its visibility: how many workspace rules read the component on those platforms
// at all. No detection is a gap; no visibility either, a blind spot.
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';
import type { RuleDocument } from '../formats/model';
import type { ComponentIndex, RuleComponentsOf } from './componentIndex';
import { type CoverageModel, ruleFilter, type TechniqueCoverage } from './coverageModel';
import { byText } from '../order';

export interface Detection {
  rule: RuleDocument;
  /** The ID the rule claims: the technique's, or (for a parent) one of its sub-techniques'. */
  claims: string;
}

export interface ComponentCoverage {
  component: AttackObject;
  detections: Detection[];
  /** Workspace rules (after the filter) reading the component on the technique's platforms. */
  reading: RuleDocument[];
  gap: boolean;
  blindSpot: boolean;
}

/** Whether a rule's events can come from one of the technique's platforms (unknown: yes). */
export function onTechniquePlatforms(technique: AttackObject, platforms: readonly string[] | undefined): boolean {
  if (!platforms?.length || !technique.platforms?.length) return true;
  return platforms.some((p) => technique.platforms!.includes(p));
}

/** Who claims the technique, for detections: itself, and for a parent each sub-technique's rules. */
function claimants(entry: TechniqueCoverage): Map<string, string> {
  const byUri = new Map<string, string>();
  for (const rule of entry.claims) byUri.set(rule.uri, entry.technique.id);
  for (const sub of entry.subtechniques) for (const rule of sub.claims) if (!byUri.has(rule.uri)) byUri.set(rule.uri, sub.technique.id);
  return byUri;
}

export function componentCoverage(
  corpus: Corpus,
  model: CoverageModel,
  entry: TechniqueCoverage,
  components: ComponentIndex,
  componentsOf: RuleComponentsOf,
): ComponentCoverage[] {
  const accepts = ruleFilter(model.filter);
  const technique = entry.technique;
  const claimedBy = claimants(entry);
  return corpus
    .componentsObserving(technique)
    .sort((a, b) => byText(corpus.label(a), corpus.label(b)))
    .map((component) => {
      const reading = components.rulesReading(component.name, componentsOf).filter((rule) => accepts(rule) && onTechniquePlatforms(technique, componentsOf(rule)?.platforms));
      const detections = reading.filter((rule) => claimedBy.has(rule.uri)).map((rule) => ({ rule, claims: claimedBy.get(rule.uri)! }));
      return { component, detections, reading, gap: detections.length === 0, blindSpot: reading.length === 0 };
    });
}

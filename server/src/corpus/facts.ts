// What we tell a detection engineer about an ATT&CK object, as plain data: the hover, the CLI's
// `show` (text and --json) and the technique panel all render these facts, so they say the same.
import { attackUrl } from './ids';
import type { Corpus } from './corpus';
import type { AttackObject, LogSourceRef, ObjectKind } from './model';
import { t, tn } from '../l10n/l10n';
import { byCodeUnits, byText } from '../order';

export interface ObjectRef {
  id: string;
  name: string;
  kind: ObjectKind;
  /** "DS0009 Process: Process Creation" style label. */
  label: string;
  url?: string;
}

export interface ComponentFacts {
  component: ObjectRef;
  /** v17: the data source holding the component. */
  dataSource?: ObjectRef;
  /** v17: what to monitor, from the detects relationship. */
  description?: string;
  /** v18: the analytics (and their detection strategy) that read this component, with their log sources. */
  via: { detectionStrategy: ObjectRef; analytic: ObjectRef; platforms: string[]; logSource: LogSourceRef }[];
}

export interface AnalyticFacts {
  analytic: ObjectRef;
  platforms: string[];
  summary: string;
  reads: { component: ObjectRef; logSource: LogSourceRef }[];
}

export interface ObjectFacts {
  ref: ObjectRef;
  summary: string;
  domains: string[];
  revoked: boolean;
  deprecated: boolean;
  /** For a revoked object: the live successor at the end of the revoked-by chain. */
  successor?: ObjectRef;
  platforms?: string[];
  aliases?: string[];
  tactics?: ObjectRef[];
  parent?: ObjectRef;
  subtechniques?: ObjectRef[];
  observedBy?: ComponentFacts[];
  detectionStrategies?: { strategy: ObjectRef; analytics: AnalyticFacts[] }[];
  mitigations?: { mitigation: ObjectRef; description?: string }[];
  /** Groups, software and campaigns using a technique, counted per kind. */
  usedBy?: { groups: number; software: number; campaigns: number };
  /** Tactic / data source / component / mitigation / strategy / group / software: the techniques it relates to. */
  techniques?: ObjectRef[];
  components?: ObjectRef[];
  logSources?: LogSourceRef[];
  detectionText?: string;
  analytic?: AnalyticFacts;
  softwareType?: 'malware' | 'tool';
}

export function refOf(corpus: Corpus, object: AttackObject): ObjectRef {
  const strategy = object.kind === 'analytic' ? corpus.detectionStrategyOf(object)?.id : undefined;
  const ref: ObjectRef = { id: object.id, name: object.name, kind: object.kind, label: corpus.label(object) };
  const url = attackUrl(object.id, object.kind, strategy);
  if (url) ref.url = url;
  return ref;
}

/** The first paragraph of a description. */
export function firstParagraph(markdown: string): string {
  for (const paragraph of markdown.split(/\n\s*\n/)) {
    const trimmed = paragraph.trim();
    if (trimmed) return trimmed;
  }
  return '';
}

const byId = (a: ObjectRef, b: ObjectRef) => byCodeUnits(a.id, b.id);

/** Facts depend on the corpus only, so each object's are built once per corpus (hovers repeat). */
const factsCache = new WeakMap<Corpus, Map<number, ObjectFacts>>();

export function factsOf(corpus: Corpus, object: AttackObject): ObjectFacts {
  let cache = factsCache.get(corpus);
  if (!cache) factsCache.set(corpus, (cache = new Map()));
  let facts = cache.get(object.index);
  if (!facts) cache.set(object.index, (facts = buildFacts(corpus, object)));
  return facts;
}

function buildFacts(corpus: Corpus, object: AttackObject): ObjectFacts {
  const facts: ObjectFacts = {
    ref: refOf(corpus, object),
    summary: firstParagraph(corpus.description(object)),
    domains: object.domains,
    revoked: object.revoked === true,
    deprecated: object.deprecated === true,
  };
  if (object.revoked) {
    const successor = corpus.revokedSuccessor(object);
    if (successor) facts.successor = refOf(corpus, successor.successor);
  }
  if (object.platforms) facts.platforms = object.platforms;
  if (object.aliases) facts.aliases = object.aliases;
  switch (object.kind) {
    case 'technique':
      addTechniqueFacts(corpus, object, facts);
      break;
    case 'tactic':
      facts.techniques = corpus
        .ofKind('technique')
        .filter((t) => !t.revoked && !t.deprecated && !t.isSubtechnique && t.tactics?.includes(object.shortname ?? ''))
        .map((t) => refOf(corpus, t))
        .sort(byId);
      break;
    case 'dataSource':
      facts.components = corpus.componentsOf(object).map((c) => refOf(corpus, c));
      facts.techniques = corpus.techniquesObservedBy(object).filter(live).map((t) => refOf(corpus, t));
      break;
    case 'dataComponent': {
      const source = corpus.parentOf(object);
      if (source) facts.parent = refOf(corpus, source);
      if (object.logSources?.length) facts.logSources = object.logSources;
      facts.techniques = corpus.techniquesObservedBy(object).filter(live).map((t) => refOf(corpus, t));
      break;
    }
    case 'mitigation':
      facts.techniques = corpus.techniquesMitigatedBy(object).filter(live).map((t) => refOf(corpus, t)).sort(byId);
      break;
    case 'detectionStrategy':
      facts.techniques = corpus.techniquesDetectedBy(object).map((t) => refOf(corpus, t));
      facts.detectionStrategies = [{ strategy: facts.ref, analytics: (object.analytics ?? []).map((a) => analyticFacts(corpus, corpus.at(a))) }];
      break;
    case 'analytic': {
      facts.analytic = analyticFacts(corpus, object);
      const strategy = corpus.detectionStrategyOf(object);
      if (strategy) {
        facts.parent = refOf(corpus, strategy);
        facts.techniques = corpus.techniquesDetectedBy(strategy).map((t) => refOf(corpus, t));
      }
      break;
    }
    case 'group':
    case 'software':
    case 'campaign':
      facts.techniques = corpus.usedByObject(object).filter((o) => o.kind === 'technique' && live(o)).map((t) => refOf(corpus, t)).sort(byId);
      if (object.softwareType) facts.softwareType = object.softwareType;
      break;
    case 'asset':
      break;
  }
  return facts;
}

function live(object: AttackObject): boolean {
  return !object.revoked && !object.deprecated;
}

function analyticFacts(corpus: Corpus, analytic: AttackObject): AnalyticFacts {
  return {
    analytic: refOf(corpus, analytic),
    platforms: analytic.platforms ?? [],
    summary: firstParagraph(corpus.description(analytic)),
    reads: (analytic.logSourceRefs ?? []).map((r) => ({ component: refOf(corpus, corpus.at(r.component)), logSource: { name: r.name, channel: r.channel } })),
  };
}

function addTechniqueFacts(corpus: Corpus, technique: AttackObject, facts: ObjectFacts): void {
  facts.tactics = (technique.tactics ?? []).flatMap((shortname) => {
    const tactics = corpus.tacticsNamed(shortname).filter((t) => t.domains.some((d) => technique.domains.includes(d)));
    return tactics.length ? tactics.map((t) => refOf(corpus, t)) : [{ id: '', name: shortname, kind: 'tactic' as const, label: shortname }];
  });
  const parent = corpus.parentOf(technique);
  if (parent) facts.parent = refOf(corpus, parent);
  const subtechniques = corpus.subtechniquesOf(technique).filter(live);
  if (subtechniques.length) facts.subtechniques = subtechniques.map((s) => refOf(corpus, s));

  const components = new Map<number, ComponentFacts>();
  const strategies = new Map<number, { strategy: ObjectRef; analytics: Map<number, AnalyticFacts> }>();
  for (const observation of corpus.observersOf(technique)) {
    let entry = components.get(observation.component.index);
    if (!entry) {
      entry = { component: refOf(corpus, observation.component), via: [] };
      if (observation.dataSource) entry.dataSource = refOf(corpus, observation.dataSource);
      if (observation.description) entry.description = observation.description;
      components.set(observation.component.index, entry);
    }
    if (observation.detectionStrategy && observation.analytic && observation.logSource) {
      entry.via.push({
        detectionStrategy: refOf(corpus, observation.detectionStrategy),
        analytic: refOf(corpus, observation.analytic),
        platforms: observation.analytic.platforms ?? [],
        logSource: observation.logSource,
      });
      let strategy = strategies.get(observation.detectionStrategy.index);
      if (!strategy) {
        strategy = { strategy: refOf(corpus, observation.detectionStrategy), analytics: new Map() };
        strategies.set(observation.detectionStrategy.index, strategy);
      }
      if (!strategy.analytics.has(observation.analytic.index)) strategy.analytics.set(observation.analytic.index, analyticFacts(corpus, observation.analytic));
    }
  }
  facts.observedBy = [...components.values()].sort((a, b) => byText(a.component.label, b.component.label));
  if (strategies.size) {
    facts.detectionStrategies = [...strategies.values()].map((s) => ({ strategy: s.strategy, analytics: [...s.analytics.values()] }));
  }
  facts.mitigations = corpus
    .mitigationsFor(technique)
    .filter((m) => live(m.mitigation))
    .map((m) => ({ mitigation: refOf(corpus, m.mitigation), description: m.description }))
    .sort((a, b) => byId(a.mitigation, b.mitigation));
  const users = corpus.usersOf(technique);
  facts.usedBy = {
    groups: users.filter((u) => u.kind === 'group').length,
    software: users.filter((u) => u.kind === 'software').length,
    campaigns: users.filter((u) => u.kind === 'campaign').length,
  };
  const detectionText = corpus.detectionText(technique);
  if (detectionText) facts.detectionText = detectionText;
}

/** "Used by 2 groups, 11 software and 1 campaign." — the counts that are not zero. */
export function usedBySentence(usedBy: NonNullable<ObjectFacts['usedBy']>): string {
  const parts = [
    usedBy.groups ? tn(usedBy.groups, '{0} group', '{0} groups') : '',
    usedBy.software ? tn(usedBy.software, '{0} software', '{0} software') : '',
    usedBy.campaigns ? tn(usedBy.campaigns, '{0} campaign', '{0} campaigns') : '',
  ].filter(Boolean);
  if (!parts.length) return t('No group, software or campaign in this release is known to use it.');
  return t('Used by {0}.', parts.length > 1 ? `${parts.slice(0, -1).join(', ')}${t(' and ')}${parts.at(-1)}` : parts[0]);
}

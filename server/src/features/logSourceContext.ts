// A rule's log sources as data components (through the documented table in data/, extended by the
// ttpLens.logSourceMap setting), and what those components can observe — for the coverage check,
// completion ranking and the coverage views.
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';
import type { LogSource, RuleDocument, RuleFormat } from '../formats/model';
import { LogSourceMap, type LogSourceMapData, loadBuiltinLogSourceMap } from '../workspace/logSourceMap';
import { checkObservability } from '../workspace/observability';
import type { ObservabilityCheck } from './ruleChecks';

export function describeLogSource(source: LogSource): string {
  if (source.category || source.product || source.service) return [source.product, source.category ?? source.service].filter(Boolean).join('/');
  if (source.provider) return `${source.provider} ${source.eventId ?? ''}`.trim();
  return source.name ?? '?';
}

/** A log source's fields as one string: sources with the same fields map the same. */
const signature = (s: LogSource) => `${s.category ?? ''}\u0000${s.product ?? ''}\u0000${s.service ?? ''}\u0000${s.name ?? ''}\u0000${s.provider ?? ''}\u0000${s.eventId ?? ''}`;

/** What a rule reads, per the log-source table. */
export interface RuleReads {
  components: string[];
  /** "windows/process_creation → Process Creation, Command Execution", for messages. */
  describe: string;
  /** The ATT&CK platforms the rule's events come from; absent when its log source does not tell. */
  platforms?: string[];
}

export class LogSourceContext {
  private readonly map: LogSourceMap;
  private readonly observableCache = new WeakMap<Corpus, Map<string, Set<string>>>();

  constructor(
    userEntries: unknown,
    private readonly strict: boolean,
  ) {
    this.map = new LogSourceMap(loadBuiltinLogSourceMap(), (userEntries ?? undefined) as Partial<LogSourceMapData> | undefined);
  }

  /** Per log-source signature: the same few dozen sources recur across thousands of rules. */
  private readonly mappedCache = new Map<string, RuleReads | undefined>();
  /** Per corpus, per components list (by identity: ruleComponents hands out one list per log-source
   *  signature), per technique: no key string to build per reference. */
  private readonly verdictCache = new WeakMap<Corpus, WeakMap<readonly string[], Map<AttackObject, ReturnType<ObservabilityCheck>>>>();

  /** The components a rule's log sources provide, and the platforms their events come from;
   *  undefined when none of them is in the table. */
  ruleComponents = (rule: RuleDocument): RuleReads | undefined => {
    if (!rule.logSources.length) return undefined;
    // One log source (nearly every rule): its key without building a list to join.
    const key = rule.logSources.length === 1 ? `${rule.format}\u0001${signature(rule.logSources[0])}` : `${rule.format}\u0001${rule.logSources.map(signature).join('\u0001')}`;
    if (this.mappedCache.has(key)) return this.mappedCache.get(key);
    const mapped = this.mapRule(rule);
    this.mappedCache.set(key, mapped);
    return mapped;
  };

  private mapRule(rule: RuleDocument): RuleReads | undefined {
    const components = new Set<string>();
    const described: string[] = [];
    let platforms: Set<string> | undefined = new Set();
    for (const source of rule.logSources) {
      const mapped = this.map.componentsFor(source, rule.format);
      if (!mapped) continue;
      for (const component of mapped.components) components.add(component);
      described.push(`${describeLogSource(source)} → ${mapped.components.join(', ')}`);
      // One source of unknown platform makes the rule's platform unknown.
      if (!mapped.platforms) platforms = undefined;
      else if (platforms) for (const p of mapped.platforms) platforms.add(p);
    }
    if (!components.size) return undefined;
    const reads: RuleReads = { components: [...components], describe: [...new Set(described)].join('; ') };
    if (platforms?.size) reads.platforms = [...platforms];
    return reads;
  }

  /** The table entry one log source matches (even one mapping to no component); undefined when unmapped. */
  entryFor = (source: LogSource, format: RuleFormat) => this.map.entryFor(source, format);

  /** The components one log source provides, per the table; undefined when unmapped. */
  componentsOfSource = (source: LogSource, format: RuleFormat): string[] | undefined => this.map.componentsFor(source, format)?.components;

  observability(corpus: Corpus): ObservabilityCheck {
    let verdicts = this.verdictCache.get(corpus);
    if (!verdicts) this.verdictCache.set(corpus, (verdicts = new Map()));
    const cache = verdicts;
    return (technique: AttackObject, components: string[]) => {
      let perTechnique = cache.get(components);
      if (!perTechnique) cache.set(components, (perTechnique = new Map()));
      if (perTechnique.has(technique)) return perTechnique.get(technique);
      const verdict = checkObservability(corpus, technique, components, this.strict);
      perTechnique.set(technique, verdict);
      return verdict;
    };
  }

  /** IDs of the live techniques the components can observe (with the parent/sub-technique relaxation). */
  observableTechniques(corpus: Corpus, components: string[]): Set<string> {
    const key = [...components].sort().join('\u0000');
    let perCorpus = this.observableCache.get(corpus);
    if (!perCorpus) this.observableCache.set(corpus, (perCorpus = new Map()));
    let set = perCorpus.get(key);
    if (!set) {
      set = new Set();
      for (const technique of corpus.ofKind('technique')) {
        if (technique.revoked || technique.deprecated) continue;
        if (checkObservability(corpus, technique, components, this.strict)?.observable) set.add(technique.id);
      }
      perCorpus.set(key, set);
    }
    return set;
  }
}

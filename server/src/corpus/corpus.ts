// The immutable corpus index: lookups by ID, relationships in both directions, the unified
// "what observes this technique" answer for the v17 and v18 data models, and revocation chains.
import { parseAttackId } from './ids';
import { buildLinks, buildUsage, type Links, type Usage } from './links';
import type { AttackObject, CorpusData, ObjectKind, Observation } from './model';
import { NameSearch, type SearchOptions, type SearchResult } from './search';

export type MissingIdVerdict =
  /** Well-formed, and plausible for a newer ATT&CK release than the one loaded. */
  | { kind: 'newer'; loadedVersion: string }
  /** Well-formed but not in the loaded release and not plausibly newer: most likely a typo. */
  | { kind: 'unknown' };

export class Corpus {
  readonly objects: readonly AttackObject[];
  private readonly byKey = new Map<string, AttackObject>();
  private linksIndex?: Links;
  private usageIndex?: Usage;
  private observerCache = new Map<number, Observation[]>();
  private search?: NameSearch;
  private texts?: string[];

  /** `loadTexts` supplies `data.texts` on first use when the data came without them (the cache). */
  constructor(
    readonly data: CorpusData,
    private readonly loadTexts?: () => string[],
  ) {
    this.objects = data.objects;
    if (data.texts.length || !loadTexts) this.texts = data.texts;
    // Only lookups by ID are built up front; relationship indexes wait for their first use.
    for (const object of data.objects) this.byKey.set((object.key ?? object.id).toUpperCase(), object);
  }

  private get links(): Links {
    return (this.linksIndex ??= buildLinks(this.data));
  }

  private get usage(): Usage {
    return (this.usageIndex ??= buildUsage(this.data));
  }

  /** Whether the loaded release uses the v18 detection model (strategies and analytics). */
  get hasDetectionStrategies(): boolean {
    return this.data.relations.detects.some(([source]) => this.objects[source].kind === 'detectionStrategy');
  }

  /** An object's description (Markdown, citations removed). */
  description(object: AttackObject): string {
    return this.text(object.index);
  }

  /** A technique's prose "Detection" section (v17 and earlier), if any. */
  detectionText(object: AttackObject): string | undefined {
    return object.detectionText === undefined ? undefined : this.text(object.detectionText);
  }

  private text(index: number | undefined): string {
    if (index === undefined) return '';
    this.texts ??= this.loadTexts!();
    return this.texts[index] ?? '';
  }

  /** A label for the loaded release(s), e.g. "ATT&CK v18.1" or "ATT&CK enterprise v18.1 + ics v18.1". */
  get versionLabel(): string {
    const bundles = this.data.bundles;
    const versions = new Set(bundles.map((b) => b.version));
    if (versions.size === 1) return `ATT&CK v${bundles[0].version}`;
    return `ATT&CK ${bundles.map((b) => `${b.domain.replace(/-attack$/, '')} v${b.version}`).join(' + ')}`;
  }


  /** Looks up an ATT&CK ID (any case) or a v17 component's STIX id. */
  get(idOrKey: string): AttackObject | undefined {
    return this.byKey.get(idOrKey.toUpperCase());
  }

  at(index: number): AttackObject {
    return this.objects[index];
  }

  ofKind(kind: ObjectKind): AttackObject[] {
    return this.objects.filter((o) => o.kind === kind);
  }

  /** Tactics in matrix order, the first loaded domain first. */
  tactics(includeDeprecated = false): AttackObject[] {
    const domainOrder = this.data.bundles.map((b) => b.domain);
    const rank = (o: AttackObject) => Math.min(...o.domains.map((d) => (domainOrder.indexOf(d) + 1 || 99)));
    return this.ofKind('tactic')
      .filter((t) => includeDeprecated || (!t.deprecated && !t.revoked))
      .sort((a, b) => rank(a) - rank(b) || (a.matrixOrder ?? 99) - (b.matrixOrder ?? 99));
  }

  /** Tactics with this shortname ("execution"): one per domain that has it. */
  tacticsNamed(shortname: string): AttackObject[] {
    return this.links.tacticsByShortname.get(shortname.toLowerCase()) ?? [];
  }

  tacticShortnames(): string[] {
    return [...this.links.tacticsByShortname.keys()];
  }

  parentOf(object: AttackObject): AttackObject | undefined {
    return object.parent === undefined ? undefined : this.objects[object.parent];
  }

  subtechniquesOf(technique: AttackObject): AttackObject[] {
    return this.links.children.get(technique.index) ?? [];
  }

  componentsOf(dataSource: AttackObject): AttackObject[] {
    return this.links.componentsOfSource.get(dataSource.index) ?? [];
  }

  mitigationsFor(technique: AttackObject): { mitigation: AttackObject; description?: string }[] {
    return (this.links.mitigationsOf.get(technique.index) ?? []).map(([source, , text]) => ({ mitigation: this.objects[source], description: text === undefined ? undefined : this.text(text) }));
  }

  techniquesMitigatedBy(mitigation: AttackObject): AttackObject[] {
    return (this.links.mitigatedBy.get(mitigation.index) ?? []).map(([, target]) => this.objects[target]);
  }

  /** Techniques a detection strategy (v18) or data component (v17) detects directly. */
  techniquesDetectedBy(object: AttackObject): AttackObject[] {
    return (this.links.detectedBy.get(object.index) ?? []).map(([, target]) => this.objects[target]);
  }

  /** Groups, software and campaigns that use a technique (or software). */
  usersOf(object: AttackObject): AttackObject[] {
    return (this.usage.usedBy.get(object.index) ?? []).map((i) => this.objects[i]);
  }

  /** Techniques and software that a group, software or campaign uses. */
  usedByObject(object: AttackObject): AttackObject[] {
    return (this.usage.usesOf.get(object.index) ?? []).map((i) => this.objects[i]);
  }

  detectionStrategyOf(analytic: AttackObject): AttackObject | undefined {
    return this.links.strategyOfAnalytic.get(analytic.index);
  }

  /** What observes a technique: data components with their data source (v17) or with the detection
   *  strategy, analytic and log source behind each (v18). One entry per (component, analytic, log source). */
  observersOf(technique: AttackObject): Observation[] {
    const cached = this.observerCache.get(technique.index);
    if (cached) return cached;
    const observations: Observation[] = [];
    for (const [sourceIndex, , text] of this.links.detectsOf.get(technique.index) ?? []) {
      const source = this.objects[sourceIndex];
      if (source.kind === 'dataComponent') {
        observations.push({ component: source, dataSource: this.parentOf(source), description: text === undefined ? undefined : this.text(text) });
      } else if (source.kind === 'detectionStrategy') {
        for (const analyticIndex of source.analytics ?? []) {
          const analytic = this.objects[analyticIndex];
          for (const ref of analytic.logSourceRefs ?? []) {
            observations.push({ component: this.objects[ref.component], detectionStrategy: source, analytic, logSource: { name: ref.name, channel: ref.channel } });
          }
        }
      }
    }
    this.observerCache.set(technique.index, observations);
    return observations;
  }

  /** The distinct data components observing a technique. */
  componentsObserving(technique: AttackObject): AttackObject[] {
    const seen = new Map<number, AttackObject>();
    for (const o of this.observersOf(technique)) seen.set(o.component.index, o.component);
    return [...seen.values()];
  }

  /** Techniques observed by a data component (or, for a data source, by any of its components). */
  techniquesObservedBy(object: AttackObject): AttackObject[] {
    const components = object.kind === 'dataSource' ? this.componentsOf(object) : [object];
    const wanted = new Set(components.map((c) => c.index));
    const result = new Map<number, AttackObject>();
    for (const [techniqueIndex, relations] of this.links.detectsOf) {
      for (const [sourceIndex] of relations) {
        const source = this.objects[sourceIndex];
        const hit = source.kind === 'dataComponent'
          ? wanted.has(source.index)
          : (source.analytics ?? []).some((a) => (this.objects[a].logSourceRefs ?? []).some((ref) => wanted.has(ref.component)));
        if (hit) {
          result.set(techniqueIndex, this.objects[techniqueIndex]);
          break;
        }
      }
    }
    return [...result.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The live object a revoked one was replaced by, following chains; undefined when there is none
   *  or the chain loops. `chain` lists every hop including the final one. */
  revokedSuccessor(object: AttackObject): { successor: AttackObject; chain: AttackObject[] } | undefined {
    const chain: AttackObject[] = [];
    const visited = new Set<number>([object.index]);
    let current = object;
    for (;;) {
      const targets = this.links.revokedBy.get(current.index);
      // An object revoked by several (a split) has no one successor: revokedSuccessors lists them.
      if (targets && targets.length > 1) return undefined;
      const next = targets?.[0];
      if (next === undefined || visited.has(next)) break;
      visited.add(next);
      current = this.objects[next];
      chain.push(current);
    }
    if (chain.length === 0 || current.revoked) return undefined;
    return { successor: current, chain };
  }

  /** Every live object a revoked one ends at, following each revoked-by relationship and chain:
   *  one for a plain revocation, several when ATT&CK split the object (two revoked-by relationships);
   *  empty when there is none or every chain loops. Sorted by ID. */
  revokedSuccessors(object: AttackObject): AttackObject[] {
    const found = new Map<number, AttackObject>();
    const visited = new Set<number>([object.index]);
    const walk = (index: number) => {
      for (const next of this.links.revokedBy.get(index) ?? []) {
        if (visited.has(next)) continue;
        visited.add(next);
        const target = this.objects[next];
        if (target.revoked) walk(next);
        else found.set(next, target);
      }
    };
    walk(object.index);
    return [...found.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** For a well-formed ID the corpus does not have: newer release, or unknown (a typo)? */
  classifyMissing(id: string): MissingIdVerdict {
    const parsed = parseAttackId(id);
    if (!parsed) return { kind: 'unknown' };
    const highest = this.data.highestNumbers[parsed.prefix];
    const loadedVersion = this.versionLabel;
    if (highest !== undefined && parsed.number > highest) return { kind: 'newer', loadedVersion };
    if (parsed.sub !== undefined && parsed.parentId) {
      const parent = this.get(parsed.parentId);
      if (parent && !parent.revoked && !parent.deprecated) {
        const highestSub = this.links.highestSub.get(parsed.parentId) ?? 0;
        if (parsed.sub > highestSub) return { kind: 'newer', loadedVersion };
      }
    }
    return { kind: 'unknown' };
  }

  /** Ranked search by ID prefix, name (word prefix, fuzzy, acronym) and alias. Built on first use. */
  find(query: string, options: SearchOptions = {}): SearchResult[] {
    this.search ??= new NameSearch(this.objects);
    return this.search.find(query, options);
  }

  /** Display label: "T1059.001 PowerShell", "DS0009 Process: Process Creation" (v17), "DC0032 Process Creation". */
  label(object: AttackObject): string {
    if (object.kind === 'dataComponent') {
      const source = this.parentOf(object);
      if (source) return `${source.id} ${source.name}: ${object.name}`;
    }
    if (object.kind === 'technique' && object.isSubtechnique) {
      const parent = this.parentOf(object);
      if (parent) return `${object.id} ${parent.name}: ${object.name}`;
    }
    return object.id ? `${object.id} ${object.name}` : object.name;
  }
}

// The immutable corpus index: lookups by ID, relationships in both directions, the unified
// "what observes this technique" answer for the v17 and v18 data models, and revocation chains.
import { parseAttackId, type ParsedId } from './ids';
import { buildLinks, buildUsage, type Links, type Usage } from './links';
import { type AttackObject, type CorpusData, OBJECT_KIND_LABEL, type ObjectKind, type Observation } from './model';
import { isLaterThanLoaded, LATER_PREFIXES, laterTactic, NEW_PARENT_SUBTECHNIQUES, newerCeiling, SUBTECHNIQUE_MARGIN } from './releaseFacts';
import { NameSearch, type SearchOptions, type SearchResult } from './search';
import { t, translated } from '../l10n/l10n';
import { byCodeUnits } from '../order';

export type MissingIdVerdict =
  /** Plausible for a newer ATT&CK release than the one loaded; `reason` says why (a clause). */
  | { kind: 'newer'; loadedVersion: string; reason?: string }
  /** Not in the loaded release and not plausibly newer: most likely a typo. `reason`, when set, says
   *  why it is not plausibly newer (a clause). */
  | { kind: 'unknown'; reason?: string };

export class Corpus {
  readonly objects: readonly AttackObject[];
  private readonly byKey = new Map<string, AttackObject>();
  private linksIndex?: Links;
  private usageIndex?: Usage;
  private observerCache = new Map<number, Observation[]>();
  private search?: NameSearch;
  private texts?: string[];
  private versionLabelText?: string;

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
    // Worked out once: messages name the release, thousands of them in a `check` of a repository.
    return (this.versionLabelText ??= labelOf(this.data.bundles));
  }

  /** Looks up an ATT&CK ID (any case) or a v17 component's STIX id. */
  get(idOrKey: string): AttackObject | undefined {
    // Canonical IDs (what parsers produce) are upper case already: no new string per lookup.
    return this.byKey.get(idOrKey) ?? this.byKey.get(idOrKey.toUpperCase());
  }

  at(index: number): AttackObject {
    return this.objects[index];
  }

  /** Objects of a kind (a fresh array each time, built from a list made once per kind). */
  ofKind(kind: ObjectKind): AttackObject[] {
    let list = this.byKind.get(kind);
    if (!list) this.byKind.set(kind, (list = this.objects.filter((o) => o.kind === kind)));
    return [...list];
  }

  private readonly byKind = new Map<ObjectKind, AttackObject[]>();

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
    return [...result.values()].sort((a, b) => byCodeUnits(a.id, b.id));
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
    return [...found.values()].sort((a, b) => byCodeUnits(a.id, b.id));
  }

  /** The versions of the loaded bundles ("18.1"). */
  get versions(): string[] {
    return this.data.bundles.map((b) => b.version);
  }

  /** For an ID (or a tactic shortname) the corpus does not have: from a newer release, or unknown
   *  (a typo)? The rules and their margins are in releaseFacts.ts. */
  classifyMissing(idOrTactic: string): MissingIdVerdict {
    // Memoised: a repository tags the same few newer IDs thousands of times (SigmaHQ: 1,553).
    let verdict = this.missingVerdicts.get(idOrTactic);
    if (!verdict) {
      // Bounded: a hostile file's 100,000 distinct IDs must not stay in memory.
      if (this.missingVerdicts.size >= 10_000) this.missingVerdicts.clear();
      this.missingVerdicts.set(idOrTactic, (verdict = this.classifyMissingUncached(idOrTactic)));
    }
    return verdict;
  }

  private readonly missingVerdicts = new Map<string, MissingIdVerdict>();

  private classifyMissingUncached(idOrTactic: string): MissingIdVerdict {
    const loadedVersion = this.versionLabel;
    const parsed = parseAttackId(idOrTactic);
    const later = laterTactic(idOrTactic, this.versions);
    if (later && (!parsed || parsed.prefix === 'TA')) {
      return { kind: 'newer', loadedVersion, reason: `${t('ATT&CK v{0} introduced {1}, {2}', later.release, later.name, later.id)}${later.note ? `: ${later.note}` : ''}` };
    }
    if (!parsed) return { kind: 'unknown' };
    const introduced = LATER_PREFIXES[parsed.prefix];
    const kindLabel = translated(OBJECT_KIND_LABEL[parsed.kind]).toLowerCase();
    if (introduced && isLaterThanLoaded(introduced, this.versions) && !this.highestLive(parsed.prefix)) {
      return { kind: 'newer', loadedVersion, reason: t('{0} IDs came with ATT&CK v{1}', kindLabel, introduced) };
    }
    if (parsed.prefix === 'TA') return { kind: 'unknown' };
    const highest = this.highestLive(parsed.prefix);
    const highestId = `${parsed.prefix}${String(highest).padStart(4, '0')}`;
    const withinNewer = highest > 0 && parsed.number > highest && parsed.number <= newerCeiling(parsed, highest);
    if (parsed.sub === undefined || !parsed.parentId) {
      if (withinNewer) return { kind: 'newer', loadedVersion, reason: t('its highest {0} is {1}', kindLabel, highestId) };
      if (highest > 0 && parsed.number > highest) return { kind: 'unknown', reason: t('too far above its highest {0} ({1}) to be from a newer release', kindLabel, highestId) };
      return { kind: 'unknown' };
    }
    if (!withinNewer && highest > 0 && parsed.number > highest) return { kind: 'unknown', reason: t('too far above its highest technique ({0}) to be from a newer release', highestId) };
    return this.classifyMissingSub(parsed, withinNewer, highestId, loadedVersion);
  }

  private classifyMissingSub(parsed: ParsedId, parentWithinNewer: boolean, highestId: string, loadedVersion: string): MissingIdVerdict {
    const sub = parsed.sub!;
    const parentId = parsed.parentId!;
    const parent = this.get(parentId);
    if (!parent) {
      if (parentWithinNewer && sub <= NEW_PARENT_SUBTECHNIQUES) return { kind: 'newer', loadedVersion, reason: t('its highest {0} is {1}', translated(OBJECT_KIND_LABEL.technique).toLowerCase(), highestId) };
      return parentWithinNewer ? { kind: 'unknown', reason: t('a new technique with more than {0} sub-techniques is not plausible', NEW_PARENT_SUBTECHNIQUES) } : { kind: 'unknown' };
    }
    if (parent.revoked || parent.deprecated || parent.kind !== 'technique') return { kind: 'unknown' };
    const highestSub = this.links.highestSub.get(parentId) ?? 0;
    const highestSubText = highestSub ? `${parentId}.${String(highestSub).padStart(3, '0')}` : undefined;
    const has = highestSubText ? t("{0}'s highest sub-technique there is {1}", parentId, highestSubText) : t('{0} has no sub-techniques there', parentId);
    if (sub > highestSub && sub <= highestSub + SUBTECHNIQUE_MARGIN) return { kind: 'newer', loadedVersion, reason: has };
    if (sub > highestSub) return { kind: 'unknown', reason: t('{0}: .{1} is too far above it to be from a newer release', has, String(sub).padStart(3, '0')) };
    return { kind: 'unknown' };
  }

  /** The highest number among live (not revoked) objects with this ID prefix; 0 when there is none.
   *  Worked out by the builder and kept in the cache: a pass over every object here took a tenth of
   *  `coverage`'s own time before the first file was read. */
  private highestLive(prefix: string): number {
    return this.data.highestNumbers[prefix] ?? 0;
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

function labelOf(bundles: CorpusData['bundles']): string {
  const versions = new Set(bundles.map((b) => b.version));
  if (versions.size === 1) return `ATT&CK v${bundles[0].version}`;
  return `ATT&CK ${bundles.map((b) => `${b.domain.replace(/-attack$/, '')} v${b.version}`).join(' + ')}`;
}

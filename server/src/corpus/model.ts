// The corpus's own data model: what we keep of a STIX bundle, in a form that is small, serialisable
// (it is what the cache stores) and independent of STIX's verbosity. `Corpus` (corpus.ts) indexes it.
import { later } from '../l10n/l10n';

export type ObjectKind =
  | 'technique'
  | 'tactic'
  | 'dataSource'
  | 'dataComponent'
  | 'mitigation'
  | 'detectionStrategy'
  | 'analytic'
  | 'group'
  | 'software'
  | 'campaign'
  | 'asset';

export const OBJECT_KIND_LABEL: Record<ObjectKind, string> = {
  technique: later('Technique'),
  tactic: later('Tactic'),
  dataSource: later('Data source'),
  dataComponent: later('Data component'),
  mitigation: later('Mitigation'),
  detectionStrategy: later('Detection strategy'),
  analytic: later('Analytic'),
  group: later('Group'),
  software: later('Software'),
  campaign: later('Campaign'),
  asset: later('Asset'),
};

export interface LogSourceRef {
  /** e.g. "WinEventLog:Sysmon" */
  name: string;
  /** e.g. "EventCode=1" */
  channel: string;
}

/** One ATT&CK object as the corpus keeps it. Optional fields are absent when the bundle has none.
 *  Long texts (descriptions) live apart, in `CorpusData.texts`: read them with `Corpus.description`. */
export interface AttackObject {
  /** Index of this object in `CorpusData.objects`; relationships refer to objects by it.
   *  Not stored in the cache (it is the position); set when the corpus is built. */
  index: number;
  /** ATT&CK ID (T1059.001, TA0002, DS0009, DC0032, M1013, DET0493, AN1357, G0007, S0002, C0001, A0001).
   *  Empty for v17 data components, which have none; `key` is then their STIX id. */
  id: string;
  /** Unique key when it differs from `id`: a v17 component's STIX id, or "S0017@ics-attack" for an
   *  ID that clashes with one of an earlier bundle. */
  key?: string;
  kind: ObjectKind;
  name: string;
  domains: string[];
  revoked?: boolean;
  deprecated?: boolean;
  /** The STIX `created` date, "YYYY-MM-DD": when MITRE authored the object, which dates the release
   *  that introduced it (see releases/releaseDates.ts). */
  created?: string;
  platforms?: string[];
  aliases?: string[];
  /** Technique: the tactic shortnames (kill-chain phase names) it belongs to. */
  tactics?: string[];
  /** Tactic: the shortname used in tags, e.g. "defense-evasion". */
  shortname?: string;
  /** Tactic: its position in its domain's matrix. */
  matrixOrder?: number;
  /** Sub-technique → parent technique index; v17 data component → data source index. */
  parent?: number;
  isSubtechnique?: boolean;
  /** Software: malware or tool. */
  softwareType?: 'malware' | 'tool';
  /** v18 data component: the log sources ATT&CK lists for it. */
  logSources?: LogSourceRef[];
  /** Detection strategy: its analytics (object indexes). */
  analytics?: number[];
  /** Analytic: the data components it reads, with the log source and channel for each. */
  logSourceRefs?: { component: number; name: string; channel: string }[];
  /** Technique (v17): index in `CorpusData.texts` of the prose "Detection" section. */
  detectionText?: number;
}

/** A relationship between two objects (by index): [source, target] or, when its description carries
 *  meaning (what to monitor, how to mitigate), [source, target, index of the description in texts]. */
export type Relation = [source: number, target: number, text?: number];

/** Relationships without a description, flattened: source, target, source, target, … (17,000 "uses"
 *  pairs as one array of numbers parse from the cache in a third less time than as pairs). */
export type RelationPairs = number[];

export interface RelationSets {
  subtechniqueOf: RelationPairs;
  mitigates: Relation[];
  /** v17 model: data component → technique. v18 model: detection strategy → technique. */
  detects: Relation[];
  uses: RelationPairs;
  revokedBy: RelationPairs;
  attributedTo: RelationPairs;
}

export interface BundleInfo {
  /** Absolute path of the bundle file. */
  path: string;
  /** "enterprise-attack", "mobile-attack", "ics-attack". */
  domain: string;
  /** "18.1" when known. */
  version: string;
  /** Where `version` came from, shown to the user when it is a guess. */
  versionSource: 'collection' | 'file name' | 'content' | 'unknown';
  /** "2.0" or "2.1". */
  specVersion: string;
  objectCount: number;
  contentHash: string;
}

/** A problem found while loading a bundle that did not stop the load. */
export interface LoadWarning {
  file: string;
  problem: string;
}

export interface CorpusData {
  bundles: BundleInfo[];
  objects: AttackObject[];
  relations: RelationSets;
  /** Markdown texts, `(Citation: …)` markers removed: texts[i] is objects[i]'s description; further
   *  entries are referenced by index (detection sections, relationship descriptions). The cache
   *  stores them in a section of their own that is parsed on first use. */
  texts: string[];
  warnings: LoadWarning[];
  /** Number of the highest technique, per domain prefix; used to tell "newer release" from "typo". */
  highestNumbers: Record<string, number>;
}

/** Data components that observe a technique, in both data models, flattened for display. */
export interface Observation {
  component: AttackObject;
  /** v17: the data source the component belongs to. */
  dataSource?: AttackObject;
  /** v17: the detects relationship's description (what to monitor). */
  description?: string;
  /** v18: the detection strategy and analytic through which the component observes the technique. */
  detectionStrategy?: AttackObject;
  analytic?: AttackObject;
  logSource?: LogSourceRef;
}

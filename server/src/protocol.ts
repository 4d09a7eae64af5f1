// Every custom message between the TTP Lens client and server, typed once for both sides.
// Methods are prefixed `ttpLens/`. Each namespace says who sends the message.
import { NotificationType, ProtocolRequestType, RequestType, RequestType0, type WorkDoneProgressParams } from 'vscode-languageserver-protocol';

export interface BundleSummary {
  path: string;
  domain: string;
  version: string;
  versionSource: string;
}

export interface CorpusStatus {
  state: 'loading' | 'ready' | 'failed';
  /** "ATT&CK v18.1" when ready. */
  versionLabel?: string;
  bundles?: BundleSummary[];
  /** Where the bundle path came from: the setting, TTPLENS_STIX, the packaged bundle, ../shared. */
  from?: string;
  /** 'cache' when the corpus came from the cache. */
  source?: 'cache' | 'bundle';
  millis?: number;
  /** When failed: the file and what is wrong with it. */
  error?: { file: string; problem: string; from: string };
  /** Problems that did not stop the load (dangling references, ID clashes across bundles). */
  warnings?: { file: string; problem: string }[];
}

/** Server → client: the corpus started loading, is ready, or failed (with the file and the problem). */
export namespace CorpusStatusNotification {
  export const method = 'ttpLens/corpusStatus';
  export const type = new NotificationType<CorpusStatus>(method);
}

/** Client → server: the current corpus status (the client asks when it starts listening late). */
export namespace CorpusStatusRequest {
  export const method = 'ttpLens/corpusStatusRequest';
  export const type = new RequestType0<CorpusStatus, void>(method);
}

/** Client → server: reload the bundle(s), e.g. after the user replaced the file; `verifyContent`
 *  re-hashes the bundles instead of trusting their file stat. */
export namespace ReloadCorpusRequest {
  export const method = 'ttpLens/reloadCorpus';
  export const type = new RequestType<{ verifyContent?: boolean }, CorpusStatus, void>(method);
}

export interface WorkspaceStatus {
  /** The first full index is running. */
  indexing: boolean;
  /** Rule files in the index. */
  rules: number;
  /** Files read from disk since the server started. */
  filesRead: number;
  /** Open-document versions parsed into the index since the server started. */
  documentsParsed: number;
  /** Files not indexed, by reason. */
  skipped: { large: number; binary: number; unreadable: number };
}

/** Client → server: the state of the workspace rule index. */
export namespace WorkspaceStatusRequest {
  export const method = 'ttpLens/workspaceStatus';
  export const type = new RequestType0<WorkspaceStatus, void>(method);
}

/** Server → client: the rule index changed (debounced); views that show coverage refresh. */
export namespace IndexChangedNotification {
  export const method = 'ttpLens/indexChanged';
  export const type = new NotificationType<{ generation: number; rules: number; indexing: boolean }>(method);
}

/** Which techniques and rules the coverage views count. */
export interface CoverageFilter {
  /** Only techniques on one of these platforms ("Windows", "Linux", "macOS", "IaaS", …). */
  platforms?: string[];
  /** Only techniques with gaps (uncovered, or covered through some sub-techniques only). */
  uncoveredOnly?: boolean;
  /** Only rules of these formats count. */
  formats?: string[];
  /** Only Sigma rules with these statuses / levels count (rules without one are kept). */
  statuses?: string[];
  levels?: string[];
  /** Technique ID or name contains this text. */
  search?: string;
}

export type CoverageState = 'covered' | 'partial' | 'uncovered';

export interface CoverageTechniqueNode {
  id: string;
  name: string;
  state: CoverageState;
  /** Rules referencing the technique or (for a parent) any sub-technique, after the filter. */
  ruleCount: number;
  /** Those rules per format. */
  formats: Record<string, number>;
  subtechniques?: CoverageTechniqueNode[];
}

export interface CoverageTacticNode {
  id: string;
  name: string;
  shortname: string;
  /** Top-level techniques covered (fully or partly) and in total, after the filter. */
  covered: number;
  total: number;
  techniques: CoverageTechniqueNode[];
}

export interface CoverageSummary {
  /** Techniques and sub-techniques (after the platform filter) referenced by at least one rule. */
  covered: number;
  total: number;
  percent: number;
  rules: number;
}

export interface CoverageTree {
  versionLabel: string;
  tactics: CoverageTacticNode[];
  summary: CoverageSummary;
  /** Everything the filter can choose from, for the filter pickers. */
  choices: { platforms: string[]; formats: string[]; statuses: string[]; levels: string[] };
}

export interface RuleRef {
  uri: string;
  title: string;
  format: string;
  status?: string;
  level?: string;
  /** The reference to the technique in the rule (where "open" puts the cursor). */
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** Client → server: the coverage tree (tactics → techniques → sub-techniques); null without a corpus. */
export namespace CoverageTreeRequest {
  export const method = 'ttpLens/coverageTree';
  export const type = new RequestType<{ filter: CoverageFilter }, CoverageTree | null, void>(method);
}

/** Client → server: the rules referencing a technique itself (not its sub-techniques), after the filter. */
export namespace TechniqueRulesRequest {
  export const method = 'ttpLens/techniqueRules';
  export const type = new RequestType<{ id: string; filter: CoverageFilter }, RuleRef[], void>(method);
}

/** Client → server: the status-bar figure for the platform filter. */
export namespace CoverageSummaryRequest {
  export const method = 'ttpLens/coverageSummary';
  export const type = new RequestType<{ filter: CoverageFilter }, CoverageSummary | null, void>(method);
}

export interface PanelComponent {
  label: string;
  id: string;
  name: string;
  dataSource?: { id: string; name: string };
  /** v17: what to monitor. */
  description?: string;
  /** v18: the analytics reading it, with their log sources. */
  analytics: { id: string; platforms: string[]; logSource: string; channel: string }[];
  /** Workspace rules that reference the technique and whose log source provides the component. */
  observingRules: RuleRef[];
  /** How many workspace rules read this component at all (whatever they claim). */
  readingRuleCount: number;
  /** A few of those, to extend. */
  readingRules: RuleRef[];
}

export interface TechniquePanel {
  versionLabel: string;
  id: string;
  name: string;
  url?: string;
  revoked: boolean;
  deprecated: boolean;
  successor?: { id: string; name: string };
  summary: string;
  tactics: { id: string; name: string }[];
  platforms: string[];
  parent?: { id: string; name: string };
  subtechniques: { id: string; name: string; ruleCount: number }[];
  components: PanelComponent[];
  detectionStrategies: { id: string; name: string; url?: string; analytics: { id: string; platforms: string[]; summary: string }[] }[];
  mitigations: { id: string; name: string; url?: string; description?: string }[];
  /** Rules referencing the technique itself. */
  rules: RuleRef[];
  /** Rules referencing one of its sub-techniques (and not the technique itself). */
  subtechniqueRuleCount: number;
  detectionText?: string;
}

/** Client → server: everything the technique panel shows; null when the ID is not a technique. */
export namespace TechniquePanelRequest {
  export const method = 'ttpLens/techniquePanel';
  export const type = new RequestType<{ id: string }, TechniquePanel | null, void>(method);
}

export interface NewRuleTemplate {
  /** VS Code snippet syntax (tab stops), for the editor. */
  snippet: string;
  /** The same with placeholders filled and variables resolved, for tools. */
  text: string;
  language: string;
  fileName: string;
  /** The log source chosen and why, for the user. */
  explanation: string;
}

/** Client → server: a new rule pre-filled for a technique (and a data component that observes it). */
export namespace NewRuleRequest {
  export const method = 'ttpLens/newRule';
  export const type = new RequestType<{ techniqueId: string; component?: string; format?: string }, NewRuleTemplate | null, void>(method);
}

/** Client → server: an ATT&CK Navigator layer (format 4.5) of the workspace's coverage. */
export namespace NavigatorLayerRequest {
  export const method = 'ttpLens/navigatorLayer';
  export const type = new RequestType<{ filter: CoverageFilter }, unknown, void>(method);
}

/** Client → server: search ATT&CK objects (for pickers). */
export namespace SearchRequest {
  export const method = 'ttpLens/search';
  export const type = new RequestType<{ query: string; kinds?: string[]; limit?: number }, { id: string; name: string; kind: string; detail: string }[], void>(method);
}

/** A release TTP Lens can load: the embedded data, a downloaded release, or configured paths. */
export interface ReleaseEntry {
  /** What `ttpLens/useRelease` takes to switch to it; absent for configured paths (the setting decides). */
  choice?: ReleaseChoice;
  /** "ATT&CK v19.1 (enterprise)". */
  label: string;
  version: string;
  domains: string[];
  source: 'embedded' | 'downloaded' | 'configured';
  paths: string[];
  /** In use now. */
  active: boolean;
}

/** `embedded`: every domain back to the embedded release; `downloaded`: one domain to a downloaded version. */
export type ReleaseChoice = { kind: 'embedded' } | { kind: 'downloaded'; domain: string; version: string };

export interface ReleaseList {
  releases: ReleaseEntry[];
  /** When ttpLens.attack.stixPath (or initializationOptions) or TTPLENS_STIX decides the bundles:
   *  which one (a release chosen here is used once it is removed). */
  overriddenBy?: string;
  /** The collection index the download command reads. */
  indexUrl: string;
}

/** Client → server: the releases available without a download (for the status-bar picker). */
export namespace ListReleasesRequest {
  export const method = 'ttpLens/listReleases';
  export const type = new RequestType0<ReleaseList, void>(method);
}

export interface RemoteRelease {
  version: string;
  /** Domains the index has this version for. */
  domains: string[];
  modified?: string;
  /** Domains of this version already downloaded. */
  downloaded: string[];
}

export type RemoteReleaseList = { ok: true; indexUrl: string; releases: RemoteRelease[]; loaded: string[] } | { ok: false; message: string };

/** Client → server: read the collection index (ttpLens.attack.releaseIndexUrl) and list its versions,
 *  newest first. Only sent when the user runs "Download ATT&CK Release…". */
export namespace RemoteReleasesRequest {
  export const method = 'ttpLens/remoteReleases';
  export const type = new RequestType0<RemoteReleaseList, void>(method);
}

export type DownloadReleaseResult =
  | { ok: true; downloaded: { domain: string; version: string; path: string }[]; status: CorpusStatus; overriddenBy?: string; previous?: string }
  | { ok: false; message: string; status: CorpusStatus; cancelled?: boolean };

/** Client → server: download a version for these domains, check each file, store it and switch to
 *  it; on any failure nothing changes and the previous release stays in use. Progress goes to the
 *  client's `workDoneToken` when given (cancel the request to stop), else to a progress the server creates. */
export namespace DownloadReleaseRequest {
  export const method = 'ttpLens/downloadRelease';
  export const type = new ProtocolRequestType<{ version: string; domains: string[] } & WorkDoneProgressParams, DownloadReleaseResult, never, void, void>(method);
}

/** Client → server: switch to a release; on failure the previous one stays in use. */
export namespace UseReleaseRequest {
  export const method = 'ttpLens/useRelease';
  export const type = new RequestType<ReleaseChoice, { ok: boolean; message?: string; status: CorpusStatus; overriddenBy?: string }, void>(method);
}

// Every custom message between the TTP Lens client and server, typed once for both sides.
// Methods are prefixed `ttpLens/`. Each namespace says who sends the message.
import type { WorkDoneProgressParams } from 'vscode-languageserver-protocol';
// A plain require: bundled into the client, a named import of this CommonJS module would copy all its
// hundreds of exports into a new object (esbuild's ES-module interop) while the extension loads.
import lsp = require('vscode-languageserver-protocol');
import type { WorkspaceEdit } from 'vscode-languageserver-types';

/** The one command a hover links to (the technique panel at its rule list): the client trusts hover
 *  Markdown for this command alone. */
export const SHOW_TECHNIQUE_COMMAND = 'ttpLens.showTechnique';

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
  /** When failed: the file and what is wrong with it. When ready: a reload that failed while this
   *  corpus stayed in use. */
  error?: { file: string; problem: string; from: string };
  /** Problems that did not stop the load (dangling references, ID clashes across bundles). */
  warnings?: { file: string; problem: string }[];
}

/** Server → client: the corpus started loading, is ready, or failed (with the file and the problem). */
export namespace CorpusStatusNotification {
  export const method = 'ttpLens/corpusStatus';
  export const type = new lsp.NotificationType<CorpusStatus>(method);
}

/** Client → server: the current corpus status (the client asks when it starts listening late). */
export namespace CorpusStatusRequest {
  export const method = 'ttpLens/corpusStatusRequest';
  export const type = new lsp.RequestType0<CorpusStatus, void>(method);
}

/** Client → server: reload the bundle(s), e.g. after the user replaced the file; `verifyContent`
 *  re-hashes the bundles instead of trusting their file stat. */
export namespace ReloadCorpusRequest {
  export const method = 'ttpLens/reloadCorpus';
  export const type = new lsp.RequestType<{ verifyContent?: boolean }, CorpusStatus, void>(method);
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
  export const type = new lsp.RequestType0<WorkspaceStatus, void>(method);
}

/** Server → client: the rule index changed (debounced); views that show coverage refresh. */
export namespace IndexChangedNotification {
  export const method = 'ttpLens/indexChanged';
  export const type = new lsp.NotificationType<{ generation: number; rules: number; indexing: boolean }>(method);
}

/** Which techniques and rules the coverage model counts (platforms, formats, Sigma status and
 *  level), and what the tree shows of it (gaps only, search). */
export interface CoverageFilter {
  /** Only techniques on one of these platforms ("Windows", "Linux", "macOS", "IaaS", …). */
  platforms?: string[];
  /** The tree shows only gaps and parent-only sub-techniques, with their parents. */
  uncoveredOnly?: boolean;
  /** Only rules of these formats count. */
  formats?: string[];
  /** Only Sigma rules with these statuses / levels count (rules without one are kept). */
  statuses?: string[];
  levels?: string[];
  /** Technique ID or name contains this text. */
  search?: string;
}

/** The states of the one coverage model (server/src/workspace/coverageModel.ts). A technique is
 *  `covered`, `via-subtechniques` or a `gap`; a sub-technique is `covered`, `parent-only` (only its
 *  parent is claimed: shown, not counted as covered) or a `gap`. */
export type CoverageState = 'covered' | 'via-subtechniques' | 'parent-only' | 'gap';

/** How many techniques and sub-techniques are in each state. */
export interface CoverageCounts {
  techniques: { covered: number; viaSubtechniques: number; gaps: number; total: number };
  subtechniques: { covered: number; parentOnly: number; gaps: number; total: number };
}

export interface CoverageTechniqueNode {
  id: string;
  name: string;
  state: CoverageState;
  /** Rules (after the filter) that claim exactly this ID. */
  ruleCount: number;
  /** Those rules per format. */
  formats: Record<string, number>;
  /** A technique: rules that claim only its sub-techniques. A sub-technique: rules that claim only
   *  its parent (parent-level rules). */
  relatedRuleCount: number;
  subtechniques?: CoverageTechniqueNode[];
}

export interface CoverageTacticNode {
  id: string;
  name: string;
  shortname: string;
  /** The model's counts for the tactic (not only what "gaps only" or the search shows). */
  counts: CoverageCounts;
  techniques: CoverageTechniqueNode[];
}

export interface CoverageSummary {
  versionLabel: string;
  /** Over all tactics, each technique and sub-technique counted once — the tree's totals. */
  counts: CoverageCounts;
  /** Rules (after the filter) claiming at least one counted technique or sub-technique. */
  rules: number;
  /** The filter the model was built with (platforms, formats, Sigma status and level). */
  filter: CoverageFilter;
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
  /** The ID the rule claims, where a list mixes a technique's and its sub-techniques' rules. */
  claims?: string;
}

/** Client → server: the coverage tree (tactics → techniques → sub-techniques); null without a corpus.
 *  Without a filter, the one the client last set (CoverageFilterNotification). */
export namespace CoverageTreeRequest {
  export const method = 'ttpLens/coverageTree';
  export const type = new lsp.RequestType<{ filter?: CoverageFilter }, CoverageTree | null, void>(method);
}

/** Client → server: the rules claiming exactly an ID (not its sub-techniques), after the filter. */
export namespace TechniqueRulesRequest {
  export const method = 'ttpLens/techniqueRules';
  export const type = new lsp.RequestType<{ id: string; filter?: CoverageFilter }, RuleRef[], void>(method);
}

/** Client → server: the status-bar figures — the coverage tree's totals. */
export namespace CoverageSummaryRequest {
  export const method = 'ttpLens/coverageSummary';
  export const type = new lsp.RequestType<{ filter?: CoverageFilter }, CoverageSummary | null, void>(method);
}

/** Client → server: the coverage filter the user chose; every coverage answer that is not given a
 *  filter of its own (tree, status bar, panel, hovers, Navigator export) uses it. */
export namespace CoverageFilterNotification {
  export const method = 'ttpLens/coverageFilter';
  export const type = new lsp.NotificationType<{ filter: CoverageFilter }>(method);
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
  /** Rules that claim the technique (a parent: it or one of its sub-techniques, `claims` says which),
   *  whose log source provides this component, on one of the technique's platforms where the log
   *  source tells its platform. */
  detections: RuleRef[];
  /** How many workspace rules read this component on the technique's platforms at all. */
  visibility: number;
  /** A few of those that are no detection, to extend. */
  readingRules: RuleRef[];
  /** No detection. */
  gap: boolean;
  /** No detection and no rule reads the component at all: the data may not be collected. */
  blindSpot: boolean;
}

export interface TechniquePanel {
  versionLabel: string;
  id: string;
  name: string;
  url?: string;
  revoked: boolean;
  deprecated: boolean;
  successor?: { id: string; name: string };
  /** The coverage model's state; absent when the technique is not counted (revoked, deprecated, or
   *  outside the filter's platforms). */
  state?: CoverageState;
  summary: string;
  tactics: { id: string; name: string }[];
  platforms: string[];
  parent?: { id: string; name: string };
  subtechniques: { id: string; name: string; state?: CoverageState; ruleCount: number }[];
  components: PanelComponent[];
  /** Components with no detection, and those of them that are blind spots. */
  gapCount: number;
  blindSpotCount: number;
  detectionStrategies: { id: string; name: string; url?: string; analytics: { id: string; platforms: string[]; summary: string }[] }[];
  mitigations: { id: string; name: string; url?: string; description?: string }[];
  /** Rules claiming exactly this technique. */
  rules: RuleRef[];
  /** A technique: rules claiming one of its sub-techniques and not it (each says which). */
  subtechniqueRules: RuleRef[];
  /** A sub-technique: rules claiming its parent and not it — generic detections, never counted as
   *  this sub-technique's. */
  parentRules: RuleRef[];
  /** The model filter the panel was computed with. */
  filter: CoverageFilter;
  detectionText?: string;
}

/** Client → server: everything the technique panel shows; null when the ID is not a technique. */
export namespace TechniquePanelRequest {
  export const method = 'ttpLens/techniquePanel';
  export const type = new lsp.RequestType<{ id: string; filter?: CoverageFilter }, TechniquePanel | null, void>(method);
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
  export const type = new lsp.RequestType<{ techniqueId: string; component?: string; format?: string }, NewRuleTemplate | null, void>(method);
}

/** Client → server: an ATT&CK Navigator layer (format 4.5) of the workspace's coverage. */
export namespace NavigatorLayerRequest {
  export const method = 'ttpLens/navigatorLayer';
  export const type = new lsp.RequestType<{ filter?: CoverageFilter; maxScore?: number }, unknown, void>(method);
}

/** Client → server: search ATT&CK objects (for pickers). */
export namespace SearchRequest {
  export const method = 'ttpLens/search';
  export const type = new lsp.RequestType<{ query: string; kinds?: string[]; limit?: number }, { id: string; name: string; kind: string; detail: string }[], void>(method);
}

export interface DiagnosticsStatus {
  /** How the client gets diagnostics: it pulls (LSP 3.17 pull model) or the server pushes. */
  mode: 'pull' | 'push';
  scope: 'workspace' | 'openFiles';
  /** Changes not yet sent (a flush is scheduled or running). */
  pending: boolean;
  /** A workspace/diagnostic request is open and receives changes (pull). */
  streaming: boolean;
  /** Flushes completed since start. */
  flushes: number;
}

/** Client (tests, benchmarks) → server: whether every file's diagnostics have been sent. */
export namespace DiagnosticsStatusRequest {
  export const method = 'ttpLens/diagnosticsStatus';
  export const type = new lsp.RequestType0<DiagnosticsStatus, void>(method);
}

export interface DebugStats {
  /** V8 heap in use after a full GC (when the server runs with --expose-gc), in bytes. */
  heapUsed: number;
  /** Whether `heapUsed` was measured after a forced GC. */
  afterGc: boolean;
  /** The event loop's active resources by type ("Timeout", "FSWatcher", …): leaks show here. */
  activeResources: Record<string, number>;
  rss: number;
  heapTotal?: number;
  /** Memory outside the V8 heap (buffers), in bytes. */
  external?: number;
  arrayBuffers?: number;
}

/** Client → server: memory and live resources, for the long-session test and the benchmark. Only
 *  answered when the server was started with TTPLENS_TEST_HOOKS=1. */
export namespace DebugStatsRequest {
  export const method = 'ttpLens/debugStats';
  export const type = new lsp.RequestType0<DebugStats, void>(method);
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
  export const type = new lsp.RequestType0<ReleaseList, void>(method);
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
  export const type = new lsp.RequestType0<RemoteReleaseList, void>(method);
}

export type DownloadReleaseResult =
  | { ok: true; downloaded: { domain: string; version: string; path: string }[]; status: CorpusStatus; overriddenBy?: string; previous?: string }
  | { ok: false; message: string; status: CorpusStatus; cancelled?: boolean };

/** Client → server: download a version for these domains, check each file, store it and switch to
 *  it; on any failure nothing changes and the previous release stays in use. Progress goes to the
 *  client's `workDoneToken` when given (cancel the request to stop), else to a progress the server creates. */
export namespace DownloadReleaseRequest {
  export const method = 'ttpLens/downloadRelease';
  export const type = new lsp.ProtocolRequestType<{ version: string; domains: string[] } & WorkDoneProgressParams, DownloadReleaseResult, never, void, void>(method);
}

/** Client → server: switch to a release; on failure the previous one stays in use. */
export namespace UseReleaseRequest {
  export const method = 'ttpLens/useRelease';
  export const type = new lsp.RequestType<ReleaseChoice, { ok: boolean; message?: string; status: CorpusStatus; overriddenBy?: string }, void>(method);
}

// ── ATT&CK releases: what changed for the rules, migration, local releases ──────────────────

export interface LocalReleaseInfo {
  /** "18.1", "19.0-synthetic". */
  version: string;
  domain: string;
  path: string;
  /** Where it was found ("next to the bundle in use", "the data shipped with TTP Lens"). */
  from: string;
  /** One of the bundles loaded now. */
  inUse: boolean;
}

/** Client → server: the ATT&CK releases available locally by version (for the release pickers). */
export namespace LocalReleasesRequest {
  export const method = 'ttpLens/localReleases';
  export const type = new lsp.RequestType0<LocalReleaseInfo[], void>(method);
}

export interface DiffReleasesParams {
  /** A version available locally ("17.1") or a bundle path. */
  from: string;
  /** The same; default: the loaded release. */
  to?: string;
}

export type DiffReleasesResult =
  | { ok: true; title: string; markdown: string; files: number; references: number }
  | { ok: false; error: string };

/** Client → server: the workspace's rules compared across two releases, as a Markdown report. */
export namespace DiffReleasesRequest {
  export const method = 'ttpLens/diffReleases';
  export const type = new lsp.RequestType<DiffReleasesParams, DiffReleasesResult, void>(method);
}

export interface MigrationEditParams {
  /** The release the rules were written for: a version available locally or a bundle path. */
  from: string;
  /** Decisions for ambiguous cases: key (a technique ID) → chosen successor IDs or tactics. */
  choices?: Record<string, string[]>;
}

export interface MigrationQuestion {
  key: string;
  kind: 'successor' | 'tactic';
  subject: { id: string; name: string };
  options: { id: string; name: string }[];
  message: string;
  /** Files where it occurs. */
  files: number;
}

export type MigrationEditResult =
  | {
      ok: true;
      from: string;
      to: string;
      /** One WorkspaceEdit over every rule file; each edit carries its kind's change annotation
       *  (needsConfirmation), so the editor opens the refactor preview grouped by kind. */
      edit: WorkspaceEdit;
      /** Cases the migration leaves unchanged until decided (ask, then request again with choices). */
      questions: MigrationQuestion[];
      /** What cannot be migrated automatically, with where. */
      unresolved: { uri: string; line: number; message: string }[];
      /** Edits per kind label. */
      counts: Record<string, number>;
    }
  | { ok: false; error: string };

/** Client → server: the workspace edit that upgrades every rule file from a release to the loaded one. */
export namespace MigrationEditRequest {
  export const method = 'ttpLens/migrationEdit';
  export const type = new lsp.RequestType<MigrationEditParams, MigrationEditResult, void>(method);
}

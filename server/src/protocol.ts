// Every custom message between the TTP Lens client and server, typed once for both sides.
// Methods are prefixed `ttpLens/`. Each namespace says who sends the message.
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

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

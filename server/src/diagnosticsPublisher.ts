// Diagnostics to the editor: pull (textDocument/diagnostic, and one long-running workspace/diagnostic
// request that streams changed files as partial results) where the client supports it, push
// (publishDiagnostics) otherwise. With `ttpLens.diagnostics.scope: workspace` every indexed rule
// file is reported, open or not. The diagnostics themselves come from features/diagnostics.ts; what
// changed and must be sent, from workspace/diagnosticsSync.ts. This class only schedules and sends:
// changes are flushed in time slices, so a first report of 31k files never blocks the server.
import type { CancellationToken, Connection, ResultProgressReporter } from 'vscode-languageserver';
import type {
  DocumentDiagnosticParams,
  DocumentDiagnosticReport,
  WorkspaceDiagnosticParams,
  WorkspaceDiagnosticReport,
  WorkspaceDiagnosticReportPartialResult,
  WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerState } from './featureHandlers';
import { diagnose } from './features/diagnostics';
import type { RuleDocument } from './formats/model';
import type { DiagnosticsStatus } from './protocol';
import { ClientView, EMPTY_RESULT_ID, type FileReport, ReportCache, type ReportChange } from './workspace/diagnosticsSync';

/** Work done between yields to the event loop while flushing, so requests are answered meanwhile. */
const SLICE_MS = 8;
/** Reports per partial result (one JSON-RPC message). */
const ITEMS_PER_MESSAGE = 500;
/** Delay before a flush, so a burst of index changes (a checkout, the first index) is one flush. */
const FLUSH_DELAY_MS = 20;

interface Sink {
  view: ClientView;
  send(changes: ReportChange[]): void;
  /** Called when a flush has seen every file that was dirty. */
  flushed?(): void;
  closed: boolean;
}

export interface PublisherOptions {
  /** The client pulls (capabilities.textDocument.diagnostic); otherwise the server pushes. */
  pull: boolean;
  /** The client accepts workspace/diagnostic/refresh. */
  refresh: boolean;
}

export class DiagnosticsPublisher {
  private readonly cache = new ReportCache((rule) => this.compute(rule));
  private options: PublisherOptions = { pull: false, refresh: false };
  private pushSink: Sink | undefined;
  private stream: Sink | undefined;
  private readonly dirty = new Set<string>();
  private allDirty = true;
  private timer: NodeJS.Timeout | undefined;
  private flushing = false;
  private flushes = 0;

  constructor(
    private readonly connection: Connection,
    private readonly state: ServerState,
  ) {}

  /** Called once the client's capabilities are known (initialize). */
  start(options: PublisherOptions): void {
    this.options = options;
    if (!options.pull) this.pushSink = this.pushingSink();
  }

  /** The document's diagnostics for its current version (computed once per version). */
  current(document: TextDocument): Diagnostic[] {
    return this.cache.reportOf(this.state.rules.get(document)).diagnostics;
  }

  /** An open document changed: pushed at once (with its version); pulled by the client otherwise. */
  documentChanged(document: TextDocument): void {
    // Before the first corpus load has finished, diagnostics would be empty, not true: the flush
    // after the load (contextChanged) sends them.
    if (this.pushSink && !this.state.corpusPending()) {
      const report = this.cache.reportOf(this.state.rules.get(document));
      this.pushSink.view.record(report);
      void this.connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: report.diagnostics });
    }
    this.markDirty(document.uri);
  }

  /** An editor closed the document: what the client shows for it may be its unsaved text's. */
  documentClosed(uri: string): void {
    this.pushSink?.view.invalidate(uri);
    this.stream?.view.invalidate(uri);
    this.markDirty(uri);
  }

  /** A file of the workspace index was set or deleted. */
  indexChanged(uri: string): void {
    this.markDirty(uri);
  }

  /** The corpus or the settings changed: every report again, and open documents re-pulled. */
  contextChanged(): void {
    this.cache.reset();
    this.allDirty = true;
    this.schedule();
    if (this.options.pull && this.options.refresh) void this.connection.languages.diagnostics.refresh();
  }

  /** The scope setting changed: files enter or leave the report; their diagnostics stay valid. */
  scopeChanged(): void {
    this.allDirty = true;
    this.schedule();
  }

  /** textDocument/diagnostic: answered once the corpus load in progress has finished. */
  async documentReport(params: DocumentDiagnosticParams): Promise<DocumentDiagnosticReport> {
    await this.state.corpusSettled();
    const report = this.reportFor(params.textDocument.uri) ?? { resultId: EMPTY_RESULT_ID, diagnostics: [] };
    if (params.previousResultId === report.resultId) return { kind: 'unchanged', resultId: report.resultId };
    return { kind: 'full', resultId: report.resultId, items: report.diagnostics };
  }

  /** workspace/diagnostic. With a partial-result token the request stays open and every change is
   *  streamed as a partial result (vscode-languageclient re-issues the request whenever one ends);
   *  without one, it is answered when something changed — at once if it has, else later. */
  workspaceReport(
    params: WorkspaceDiagnosticParams,
    token: CancellationToken,
    progress: ResultProgressReporter<WorkspaceDiagnosticReportPartialResult> | undefined,
  ): Promise<WorkspaceDiagnosticReport> {
    this.endStream();
    return new Promise((resolve) => {
      const collected: WorkspaceDocumentDiagnosticReport[] = [];
      const sink: Sink = {
        view: new ClientView(params.previousResultIds),
        closed: false,
        send: (changes) => {
          const items = changes.map((change) => this.workspaceItem(change));
          if (!progress) {
            collected.push(...items);
            return;
          }
          for (let i = 0; i < items.length; i += ITEMS_PER_MESSAGE) progress.report({ items: items.slice(i, i + ITEMS_PER_MESSAGE) });
        },
        flushed: () => {
          if (!progress && collected.length) end();
        },
      };
      const end = () => {
        if (sink.closed) return;
        sink.closed = true;
        if (this.stream === sink) this.stream = undefined;
        resolve({ items: progress ? [] : collected });
      };
      this.endStream = end;
      token.onCancellationRequested(end);
      this.stream = sink;
      this.allDirty = true;
      this.schedule();
    });
  }

  /** Ends the open workspace/diagnostic request (superseded, or the server shuts down). */
  endStream: () => void = () => undefined;

  status(): DiagnosticsStatus {
    return {
      mode: this.options.pull ? 'pull' : 'push',
      scope: this.state.settings().diagnostics.scope,
      pending: this.flushing || this.timer !== undefined || this.allDirty || this.dirty.size > 0,
      streaming: this.stream !== undefined,
      flushes: this.flushes,
    };
  }

  private compute(rule: RuleDocument): Diagnostic[] {
    const corpus = this.state.corpus();
    const logSources = this.state.logSources();
    return diagnose(rule, {
      corpus,
      settings: this.state.settings(),
      ruleComponents: logSources.ruleComponents,
      observability: corpus ? logSources.observability(corpus) : undefined,
      targetFor: this.state.targetFor,
    });
  }

  /** The file's current report: an open document's text, else the index's parse of the file on
   *  disk (scope `workspace` only); undefined for a file not reported. */
  private reportFor(uri: string): FileReport | undefined {
    const document = this.state.documents.get(uri);
    if (document) return this.cache.reportOf(this.state.rules.get(document));
    if (this.state.settings().diagnostics.scope !== 'workspace') return undefined;
    const rule = this.state.workspace.index.get(uri);
    return rule ? this.cache.reportOf(rule, false) : undefined;
  }

  private workspaceItem(change: ReportChange): WorkspaceDocumentDiagnosticReport {
    const uri = change.kind === 'full' ? change.report.uri : change.uri;
    const version = this.state.documents.get(uri)?.version ?? null;
    return change.kind === 'full'
      ? { kind: 'full', uri, version, resultId: change.report.resultId, items: change.report.diagnostics }
      : { kind: 'unchanged', uri, version, resultId: change.resultId };
  }

  private pushingSink(): Sink {
    return {
      view: new ClientView(),
      closed: false,
      send: (changes) => {
        for (const change of changes) {
          if (change.kind !== 'full') continue;
          const version = this.state.documents.get(change.report.uri)?.version;
          void this.connection.sendDiagnostics({ uri: change.report.uri, version, diagnostics: change.report.diagnostics });
        }
      },
    };
  }

  private markDirty(uri: string): void {
    this.dirty.add(uri);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.flushing || this.state.corpusPending()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_DELAY_MS);
  }

  private sinks(): Sink[] {
    return [this.pushSink, this.stream].filter((sink): sink is Sink => !!sink && !sink.closed);
  }

  /** Every file that may have changed: those marked dirty, or, after a reset or a new stream, every
   *  open, indexed or previously reported file. */
  private takeDirty(): string[] {
    let uris: Iterable<string> = this.dirty;
    if (this.allDirty) {
      const all = new Set(this.dirty);
      for (const document of this.state.documents.all()) all.add(document.uri);
      for (const rule of this.state.workspace.index.all()) all.add(rule.uri);
      for (const sink of this.sinks()) for (const uri of sink.view.uris()) all.add(uri);
      uris = all;
      this.allDirty = false;
    }
    const list = [...uris];
    this.dirty.clear();
    return list;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.allDirty || this.dirty.size) {
        const uris = this.takeDirty();
        let sinks = this.sinks();
        const pending = new Map<Sink, ReportChange[]>();
        const send = () => {
          for (const [sink, changes] of pending) if (!sink.closed && changes.length) sink.send(changes);
          pending.clear();
        };
        let deadline = performance.now() + SLICE_MS;
        for (const uri of uris) {
          if (!sinks.length) break;
          const report = this.reportFor(uri);
          for (const sink of sinks) {
            const change = sink.view.change(uri, report);
            if (!change) continue;
            const list = pending.get(sink);
            if (list) list.push(change);
            else pending.set(sink, [change]);
          }
          if (performance.now() > deadline) {
            send();
            await new Promise((resolve) => setImmediate(resolve));
            sinks = this.sinks();
            deadline = performance.now() + SLICE_MS;
          }
        }
        send();
      }
      this.flushes++;
      for (const sink of this.sinks()) sink.flushed?.();
    } finally {
      this.flushing = false;
    }
  }
}

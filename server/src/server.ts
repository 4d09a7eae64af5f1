// Wires the LSP connection: capabilities, settings, the corpus lifecycle, the workspace index and
// the feature handlers (featureHandlers.ts; the logic itself lives in features/, as pure functions).
import * as path from 'node:path';
import {
  CodeActionKind,
  type Connection,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  MessageType,
  ShowMessageNotification,
  type InitializeParams,
  type InitializeResult,
  TextDocumentSyncKind,
  TextDocuments,
  WatchKind,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultCacheDir } from './corpus/cache';
import type { StixPathSources } from './corpus/load';
import { CorpusState } from './corpusState';
import { fileUri, uriToPath } from './uris';
import { RuleDocumentCache } from './documents';
import { DiagnosticsPublisher } from './diagnosticsPublisher';
import { registerCoverageHandlers, registerFeatureHandlers, type ServerState } from './featureHandlers';
import { FIX_ALL_KIND } from './features/codeActions';
import { LogSourceContext } from './features/logSourceContext';
import { progressReporter } from './progress';
import { IdleCollector } from './idleCollector';
import { CorpusStatusNotification, CorpusStatusRequest, DebugStatsRequest, IndexChangedNotification, ReloadCorpusRequest, WorkspaceStatusRequest } from './protocol';
import { registerReleaseHandlers } from './releaseHandlers';
import { defaultReleasesDir, ReleaseStore } from './releases/store';
import { DEFAULT_SETTINGS, type Settings, withDefaults } from './settings';
import { excludeGlobs, RULE_FILE_GLOB } from './workspace/files';
import { ComponentIndex } from './workspace/componentIndex';
import { CoverageModelCache } from './workspace/coverageModel';
import { LogSourceTableFile } from './workspace/logSourceTableFile';
import { WorkspaceService } from './workspace/workspaceService';
import { ReleaseService } from './releaseService';
import { loadOverlays, type OverlayTexts, resolveOverlayPaths } from './corpus/overlay';
import { locale, setLocale, t, toLocale } from './l10n/l10n';

/** How long a request arriving while the corpus loads waits for it before answering without it. */
const CORPUS_WAIT_MS = 10_000;

export interface ServerOptions {
  /** Directory of the running server bundle (dist/), for the packaged and development bundle paths. */
  distDir?: string;
}

interface InitializationOptions {
  attack?: { stixPath?: string | string[] | null; domains?: string[] };
  /** The extension's global storage: where the corpus cache goes. */
  cacheDir?: string;
  /** The extension's global storage: where downloaded releases (and the choice among them) go. */
  releasesDir?: string;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  let settings: Settings = DEFAULT_SETTINGS;
  let logSources = new LogSourceContext(undefined, false);
  let initOptions: InitializationOptions = {};
  let hasConfigurationCapability = false;
  let canWatchFiles = false;
  let supportsFolderEvents = false;
  let resolvesCodeActionEdits = false;
  let folders: string[] = [];
  let filesExclude: Record<string, unknown> = {};
  let corpusState: CorpusState | undefined;
  const rules = new RuleDocumentCache(() => settings.formats);
  const workspace = new WorkspaceService({
    log: (message) => connection.console.log(message),
    progress: (title) => progressReporter(connection, title),
  });
  // The corpus overlay in the user's language, loaded when the corpus or the setting changes.
  let overlayTexts: OverlayTexts | undefined;
  let overlayKey = '';
  const loadOverlay = () => {
    const corpus = corpusState?.current;
    const paths = resolveOverlayPaths(settings.attack.overlayPaths, folders[0]);
    const key = JSON.stringify([paths, corpus?.data.bundles.map((b) => b.path)]);
    if (key === overlayKey) return;
    overlayKey = key;
    overlayTexts = undefined;
    if (!paths.length || !corpus) return;
    const { languages, problems } = loadOverlays(paths, corpus);
    overlayTexts = languages.get(locale());
    for (const problem of problems) {
      connection.console.warn(problem);
      // A notification, not window/showMessageRequest: nothing to answer, and no client can fail it.
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `TTP Lens: ${problem}` });
    }
    if (!overlayTexts && !problems.length) connection.console.log(t('The ATT&CK overlays in ttpLens.attack.overlayPaths have no texts in the display language ({0}), so ATT&CK is shown in English.', locale()));
  };
  const state: ServerState = {
    overlay: () => overlayTexts,
    documents,
    rules,
    workspace,
    components: new ComponentIndex(workspace.index),
    coverage: new CoverageModelCache(workspace.index),
    coverageFilter: {},
    logSourceTable: new LogSourceTableFile(options.distDir ? path.resolve(options.distDir, '..') : undefined),
    corpus: () => corpusState?.current,
    corpusSettled: () => corpusState?.whenSettled(CORPUS_WAIT_MS) ?? Promise.resolve(),
    corpusPending: () => corpusState?.firstLoadPending ?? true,
    settings: () => settings,
    logSources: () => logSources,
    resolvesCodeActionEdits: () => resolvesCodeActionEdits,
  };
  const diagnostics = new DiagnosticsPublisher(connection, state);
  workspace.index.onChange((change) => diagnostics.indexChanged(change.uri));
  // Release diff, migration and per-SIEM target releases; its cache directory is set at initialize.
  let releaseService: ReleaseService | undefined;
  state.targetFor = (format) => releaseService?.targetFor(format);

  // The heap grown for loading and indexing is given back once they are over (idleCollector.ts).
  // Only index runs count: an edit of an open rule also changes the index, and a pause in typing
  // must not cost full collections.
  const idleCollector = new IdleCollector();
  workspace.index.onChange(() => {
    if (workspace.isIndexing) idleCollector.workDone();
  });

  let indexChangedTimer: NodeJS.Timeout | undefined;
  workspace.index.onChange((change) => {
    if (!change.coverageChanged) return;
    // Debounced: a first index or a bulk change sends one notification, not thousands.
    clearTimeout(indexChangedTimer);
    indexChangedTimer = setTimeout(() => {
      const { rules: count, indexing } = workspace.stats;
      void connection.sendNotification(IndexChangedNotification.type, { generation: workspace.index.generation, rules: count, indexing });
    }, 250);
  });

  let releaseStore: ReleaseStore | undefined;
  const releases = () => (releaseStore ??= new ReleaseStore(initOptions.releasesDir ?? defaultReleasesDir()));
  const stixSources = (): StixPathSources => ({
    setting: settings.attack.stixPath ?? initOptions.attack?.stixPath,
    settingName: settings.attack.stixPath ? 'ttpLens.attack.stixPath' : initOptions.attack?.stixPath ? 'initializationOptions.attack.stixPath' : undefined,
    env: process.env.TTPLENS_STIX,
    distDir: options.distDir,
    baseDir: folders[0],
    domains: hasConfigurationCapability ? settings.attack.domains : (initOptions.attack?.domains ?? settings.attack.domains),
    releases: releases(),
  });
  // A reload (settings changed, Reload command) keeps the corpus in use when the new bundle fails,
  // and says why once; the first load has nothing to keep.
  const loadCorpus = (verifyContent = false) => corpusState!.load(stixSources(), { verifyContent, keepOnFailure: true, announceFailure: true });
  /** What decides which bundles are loaded. */
  const corpusKey = () => JSON.stringify([settings.attack.stixPath, settings.attack.domains]);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    initOptions = (params.initializationOptions ?? {}) as InitializationOptions;
    // Messages, hovers and rule names in the client's display language (English when unknown).
    setLocale(toLocale(params.locale));
    hasConfigurationCapability = params.capabilities.workspace?.configuration === true;
    const folderUris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    folders = folderUris.filter((uri) => uri.startsWith('file:')).map((uri) => uriToPath(uri));
    canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    supportsFolderEvents = params.capabilities.workspace?.workspaceFolders === true;
    resolvesCodeActionEdits = params.capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') === true;
    // Known now, so documents opened before the settings arrive are placed in the workspace.
    workspace.configure(folders, excludeGlobs(filesExclude, settings.exclude), settings.formats);
    corpusState = new CorpusState({
      cacheDir: initOptions.cacheDir ?? (process.env.TTPLENS_NO_CACHE ? false : defaultCacheDir()),
      log: (message) => connection.console.log(message),
      onStatus: (status) => {
        void connection.sendNotification(CorpusStatusNotification.type, status);
        releaseService?.forgetTargets();
        if (status.state === 'ready') loadOverlay();
        if (status.state !== 'loading') {
          diagnostics.contextChanged();
          idleCollector.workDone();
        }
      },
    });
    // Pull where the client can (it then asks for open documents and holds one workspace request
    // open for the rest); push otherwise.
    const pull = params.capabilities.textDocument?.diagnostic !== undefined;
    diagnostics.start({ pull, refresh: params.capabilities.workspace?.diagnostics?.refreshSupport === true });
    releaseService = new ReleaseService({
      corpus: () => corpusState?.current,
      settings: () => settings,
      index: workspace.index,
      documents,
      rules,
      folders: () => folders,
      distDir: options.distDir,
      cacheDir: initOptions.cacheDir ?? (process.env.TTPLENS_NO_CACHE ? false : defaultCacheDir()),
      log: (message) => connection.console.log(message),
      onTargetsChanged: () => diagnostics.contextChanged(),
    });
    releaseService.register(connection);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.', '"', "'"], resolveProvider: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
        documentLinkProvider: { resolveProvider: false },
        workspaceSymbolProvider: true,
        ...(pull ? { diagnosticProvider: { identifier: 'ttpLens', interFileDependencies: false, workspaceDiagnostics: true } } : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'TTP Lens', version: '0.1.0' },
    };
  });

  const pullSettings = async () => {
    if (!hasConfigurationCapability) return;
    const [ttpLens, files] = (await connection.workspace.getConfiguration([{ section: 'ttpLens' }, { section: 'files' }])) as [unknown, { exclude?: Record<string, unknown> } | null];
    settings = withDefaults(ttpLens);
    filesExclude = files?.exclude ?? {};
  };
  const applySettings = () => {
    logSources = new LogSourceContext(settings.logSourceMap, settings.coverage.strictSubtechniques);
    workspace.configure(folders, excludeGlobs(filesExclude, settings.exclude), settings.formats);
  };
  /** What decides which files are indexed and how they are read. */
  const indexingKey = () => JSON.stringify([settings.exclude, settings.formats, filesExclude]);

  connection.onInitialized(async () => {
    await pullSettings();
    applySettings();
    void loadCorpus();
    if (canWatchFiles) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: RULE_FILE_GLOB },
          // Folder deletions arrive as one event for the folder.
          { globPattern: '**/*', kind: WatchKind.Delete },
        ],
      });
    }
    if (supportsFolderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders(async (event) => {
        const removed = new Set(event.removed.map((f) => uriToPath(f.uri)));
        folders = [...folders.filter((f) => !removed.has(f)), ...event.added.map((f) => uriToPath(f.uri))];
        for (const folder of removed) workspace.index.deleteUnder(fileUri(folder));
        applySettings();
        await workspace.indexAll();
      });
    }
    void workspace.indexAll();
  });

  connection.onDidChangeConfiguration(async (change) => {
    const previousIndexing = indexingKey();
    const previousCorpus = corpusKey();
    if (hasConfigurationCapability) await pullSettings();
    else settings = withDefaults((change.settings as { ttpLens?: unknown } | undefined)?.ttpLens);
    applySettings();
    releaseService?.forgetTargets();
    loadOverlay();
    rules.clear();
    if (corpusKey() !== previousCorpus) void loadCorpus();
    else diagnostics.contextChanged();
    if (indexingKey() !== previousIndexing) void workspace.indexAll();
  });

  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      if (change.type === FileChangeType.Deleted) workspace.fileDeleted(change.uri);
      else workspace.fileChanged(change.uri);
    }
  });

  if (process.env.TTPLENS_TEST_HOOKS === '1') {
    connection.onRequest(DebugStatsRequest.type, () => {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const activeResources: Record<string, number> = {};
      for (const type of process.getActiveResourcesInfo()) activeResources[type] = (activeResources[type] ?? 0) + 1;
      const { heapUsed, heapTotal, rss, external, arrayBuffers } = process.memoryUsage();
      return { heapUsed, afterGc: !!gc, activeResources, rss, heapTotal, external, arrayBuffers };
    });
  }
  connection.onRequest(CorpusStatusRequest.type, () => corpusState?.status ?? { state: 'loading' });
  connection.onRequest(WorkspaceStatusRequest.type, () => workspace.stats);
  connection.onRequest(ReloadCorpusRequest.type, (params) => loadCorpus(params.verifyContent === true));
  registerReleaseHandlers(connection, {
    corpusState: () => corpusState,
    store: releases,
    settings: () => settings,
    sources: stixSources,
    distDir: options.distDir,
    timeoutMs: Number(process.env.TTPLENS_DOWNLOAD_TIMEOUT_MS) || undefined,
  });

  registerFeatureHandlers(connection, state, diagnostics);
  registerCoverageHandlers(connection, state);

  documents.onDidChangeContent((event) => {
    workspace.documentChanged(rules.get(event.document));
    diagnostics.documentChanged(event.document);
  });
  documents.onDidClose((event) => {
    rules.evict(event.document.uri);
    workspace.documentClosed(event.document.uri);
    diagnostics.documentClosed(event.document.uri);
  });
  connection.onShutdown(() => {
    diagnostics.endStream();
    idleCollector.dispose();
    corpusState?.dispose();
  });
  documents.listen(connection);
  connection.listen();
}

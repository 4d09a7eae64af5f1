// Wires the LSP connection: capabilities, settings, the corpus lifecycle, the workspace index and
// the feature handlers (featureHandlers.ts; the logic itself lives in features/, as pure functions).
import {
  CodeActionKind,
  type Connection,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type InitializeParams,
  type InitializeResult,
  TextDocumentSyncKind,
  TextDocuments,
  WatchKind,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultCacheDir } from './corpus/cache';
import { CorpusState } from './corpusState';
import { fileUri, uriToPath } from './uris';
import { RuleDocumentCache } from './documents';
import { DiagnosticsPublisher, registerCoverageHandlers, registerFeatureHandlers, type ServerState } from './featureHandlers';
import { FIX_ALL_KIND } from './features/codeActions';
import { LogSourceContext } from './features/logSourceContext';
import { progressReporter } from './progress';
import { CorpusStatusNotification, CorpusStatusRequest, IndexChangedNotification, ReloadCorpusRequest, WorkspaceStatusRequest } from './protocol';
import { DEFAULT_SETTINGS, type Settings, withDefaults } from './settings';
import { excludeGlobs } from './workspace/files';
import { ComponentIndex } from './workspace/componentIndex';
import { CoverageModelCache } from './workspace/coverageModel';
import { WorkspaceService } from './workspace/workspaceService';
import { ReleaseService } from './releaseService';

export interface ServerOptions {
  /** Directory of the running server bundle (dist/), for the packaged and development bundle paths. */
  distDir?: string;
}

interface InitializationOptions {
  attack?: { stixPath?: string | string[] | null };
  /** The extension's global storage: where the corpus cache goes. */
  cacheDir?: string;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  let settings: Settings = DEFAULT_SETTINGS;
  let logSources = new LogSourceContext(undefined, false);
  let initOptions: InitializationOptions = {};
  let hasConfigurationCapability = false;
  let canWatchFiles = false;
  let supportsFolderEvents = false;
  let folders: string[] = [];
  let filesExclude: Record<string, unknown> = {};
  let corpusState: CorpusState | undefined;
  const rules = new RuleDocumentCache(() => settings.formats);
  const workspace = new WorkspaceService({
    log: (message) => connection.console.log(message),
    progress: (title) => progressReporter(connection, title),
  });
  const state: ServerState = {
    documents,
    rules,
    workspace,
    components: new ComponentIndex(workspace.index),
    coverage: new CoverageModelCache(workspace.index),
    coverageFilter: {},
    corpus: () => corpusState?.current,
    settings: () => settings,
    logSources: () => logSources,
  };
  const diagnostics = new DiagnosticsPublisher(connection, state);
  // Release diff, migration and per-SIEM target releases; its cache directory is set at initialize.
  let releases: ReleaseService | undefined;
  state.targetFor = (format) => releases?.targetFor(format);

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

  const stixSources = () => ({
    setting: settings.attack.stixPath ?? initOptions.attack?.stixPath,
    settingName: settings.attack.stixPath ? 'ttpLens.attack.stixPath' : initOptions.attack?.stixPath ? 'initializationOptions.attack.stixPath' : undefined,
    env: process.env.TTPLENS_STIX,
    distDir: options.distDir,
    baseDir: folders[0],
  });
  const loadCorpus = (verifyContent = false) => corpusState!.load(stixSources(), verifyContent);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    initOptions = (params.initializationOptions ?? {}) as InitializationOptions;
    hasConfigurationCapability = params.capabilities.workspace?.configuration === true;
    const folderUris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    folders = folderUris.filter((uri) => uri.startsWith('file:')).map((uri) => uriToPath(uri));
    canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    supportsFolderEvents = params.capabilities.workspace?.workspaceFolders === true;
    // Known now, so documents opened before the settings arrive are placed in the workspace.
    workspace.configure(folders, excludeGlobs(filesExclude, settings.exclude), settings.formats);
    corpusState = new CorpusState({
      cacheDir: initOptions.cacheDir ?? (process.env.TTPLENS_NO_CACHE ? false : defaultCacheDir()),
      log: (message) => connection.console.log(message),
      onStatus: (status) => {
        void connection.sendNotification(CorpusStatusNotification.type, status);
        releases?.forgetTargets();
        if (status.state !== 'loading') diagnostics.republishAll();
      },
    });
    releases = new ReleaseService({
      corpus: () => corpusState?.current,
      settings: () => settings,
      index: workspace.index,
      documents,
      rules,
      folders: () => folders,
      distDir: options.distDir,
      cacheDir: initOptions.cacheDir ?? (process.env.TTPLENS_NO_CACHE ? false : defaultCacheDir()),
      log: (message) => connection.console.log(message),
      onTargetsChanged: () => diagnostics.republishAll(),
    });
    releases.register(connection);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.', '"', "'"], resolveProvider: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        documentLinkProvider: { resolveProvider: false },
        workspaceSymbolProvider: true,
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
    loadCorpus();
    if (canWatchFiles) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/*.{yml,yaml,toml}' },
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
    const previousPath = JSON.stringify(settings.attack.stixPath);
    if (hasConfigurationCapability) await pullSettings();
    else settings = withDefaults((change.settings as { ttpLens?: unknown } | undefined)?.ttpLens);
    applySettings();
    releases?.forgetTargets();
    rules.clear();
    if (JSON.stringify(settings.attack.stixPath) !== previousPath) loadCorpus();
    else diagnostics.republishAll();
    if (indexingKey() !== previousIndexing) void workspace.indexAll();
  });

  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      if (change.type === FileChangeType.Deleted) workspace.fileDeleted(change.uri);
      else workspace.fileChanged(change.uri);
    }
  });

  connection.onRequest(CorpusStatusRequest.type, () => corpusState?.status ?? { state: 'loading' });
  connection.onRequest(WorkspaceStatusRequest.type, () => workspace.stats);
  connection.onRequest(ReloadCorpusRequest.type, (params) => loadCorpus(params.verifyContent === true));

  registerFeatureHandlers(connection, state, diagnostics);
  registerCoverageHandlers(connection, state);

  documents.onDidChangeContent((event) => {
    workspace.documentChanged(rules.get(event.document));
    diagnostics.publish(event.document);
  });
  documents.onDidClose((event) => {
    rules.evict(event.document.uri);
    diagnostics.forget(event.document.uri);
    workspace.documentClosed(event.document.uri);
  });
  connection.onShutdown(() => corpusState?.dispose());
  documents.listen(connection);
  connection.listen();
}

// Wires the LSP connection to the services: corpus state, open documents, settings, and one
// handler per feature (the feature logic lives in features/, as pure functions).
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
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
import { RuleDocumentCache } from './documents';
import type { FeatureContext } from './features/context';
import { hover } from './features/hover';
import { workspaceLines } from './features/workspaceLines';
import { progressReporter } from './progress';
import { CorpusStatusNotification, CorpusStatusRequest, IndexChangedNotification, ReloadCorpusRequest, WorkspaceStatusRequest } from './protocol';
import { DEFAULT_SETTINGS, type Settings, withDefaults } from './settings';
import { excludeGlobs } from './workspace/files';
import { WorkspaceService } from './workspace/workspaceService';

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
  let initOptions: InitializationOptions = {};
  let hasConfigurationCapability = false;
  let canWatchFiles = false;
  let supportsFolderEvents = false;
  let workspaceRoot: string | undefined;
  let folders: string[] = [];
  let filesExclude: Record<string, unknown> = {};
  const workspace = new WorkspaceService({
    log: (message) => connection.console.log(message),
    progress: (title) => progressReporter(connection, title),
  });
  let indexChangedTimer: NodeJS.Timeout | undefined;
  workspace.index.onChange(() => {
    // Debounced: a first index or a bulk change sends one notification, not thousands.
    clearTimeout(indexChangedTimer);
    indexChangedTimer = setTimeout(() => {
      const { rules, indexing } = workspace.stats;
      void connection.sendNotification(IndexChangedNotification.type, { generation: workspace.index.generation, rules, indexing });
    }, 250);
  });
  const rules = new RuleDocumentCache(() => settings.formats);
  let corpusState: CorpusState | undefined;

  const context = (): FeatureContext => {
    const corpus = corpusState?.current;
    return { corpus, workspaceLinesFor: corpus ? (object) => workspaceLines(corpus, workspace.index, object) : undefined };
  };

  const stixSources = () => ({
    setting: settings.attack.stixPath ?? initOptions.attack?.stixPath,
    settingName: settings.attack.stixPath ? 'ttpLens.attack.stixPath' : initOptions.attack?.stixPath ? 'initializationOptions.attack.stixPath' : undefined,
    env: process.env.TTPLENS_STIX,
    distDir: options.distDir,
    baseDir: workspaceRoot,
  });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    initOptions = (params.initializationOptions ?? {}) as InitializationOptions;
    hasConfigurationCapability = params.capabilities.workspace?.configuration === true;
    const folderUris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    folders = folderUris.filter((uri) => uri.startsWith('file:')).map((uri) => fileURLToPath(uri));
    workspaceRoot = folders[0];
    canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    supportsFolderEvents = params.capabilities.workspace?.workspaceFolders === true;
    corpusState = new CorpusState({
      cacheDir: initOptions.cacheDir ?? (process.env.TTPLENS_NO_CACHE ? false : defaultCacheDir()),
      log: (message) => connection.console.log(message),
      onStatus: (status) => void connection.sendNotification(CorpusStatusNotification.type, status),
    });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
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
  const configureWorkspace = () => workspace.configure(folders, excludeGlobs(filesExclude, settings.exclude), settings.formats);

  connection.onInitialized(async () => {
    await pullSettings();
    corpusState?.load(stixSources());
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
        const removed = new Set(event.removed.map((f) => fileURLToPath(f.uri)));
        folders = [...folders.filter((f) => !removed.has(f)), ...event.added.map((f) => fileURLToPath(f.uri))];
        for (const folder of removed) workspace.index.deleteUnder(pathToFileURL(folder).href);
        configureWorkspace();
        await workspace.indexAll();
      });
    }
    configureWorkspace();
    void workspace.indexAll();
  });

  connection.onDidChangeConfiguration(async (change) => {
    const previous = JSON.stringify(settings);
    const previousExclude = JSON.stringify(filesExclude);
    const previousPath = JSON.stringify(settings.attack.stixPath);
    if (hasConfigurationCapability) await pullSettings();
    else settings = withDefaults((change.settings as { ttpLens?: unknown } | undefined)?.ttpLens);
    rules.clear();
    if (JSON.stringify(settings.attack.stixPath) !== previousPath) corpusState?.load(stixSources());
    if (JSON.stringify(settings) !== previous || JSON.stringify(filesExclude) !== previousExclude) {
      configureWorkspace();
      void workspace.indexAll();
    }
  });

  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      if (change.type === FileChangeType.Deleted) workspace.fileDeleted(change.uri);
      else workspace.fileChanged(change.uri);
    }
  });

  connection.onRequest(CorpusStatusRequest.type, () => corpusState?.status ?? { state: 'loading' });
  connection.onRequest(WorkspaceStatusRequest.type, () => workspace.stats);
  connection.onRequest(ReloadCorpusRequest.type, (params) => corpusState!.load(stixSources(), params.verifyContent === true));

  connection.onHover((params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    return hover(rules.get(document), params.position, context());
  });

  documents.onDidChangeContent((event) => workspace.documentChanged(rules.get(event.document)));
  documents.onDidClose((event) => {
    rules.evict(event.document.uri);
    workspace.documentClosed(event.document.uri);
  });
  connection.onShutdown(() => corpusState?.dispose());
  documents.listen(connection);
  connection.listen();
}

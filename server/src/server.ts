// Wires the LSP connection to the services: corpus state, open documents, settings, and one
// handler per feature (the feature logic lives in features/, as pure functions).
import { type Connection, type InitializeParams, type InitializeResult, TextDocumentSyncKind, TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultCacheDir } from './corpus/cache';
import { CorpusState } from './corpusState';
import { RuleDocumentCache } from './documents';
import type { FeatureContext } from './features/context';
import { hover } from './features/hover';
import { CorpusStatusNotification, CorpusStatusRequest, ReloadCorpusRequest } from './protocol';
import { DEFAULT_SETTINGS, type Settings, withDefaults } from './settings';

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
  let workspaceRoot: string | undefined;
  const rules = new RuleDocumentCache(() => settings.formats);
  let corpusState: CorpusState | undefined;

  const context = (): FeatureContext => ({ corpus: corpusState?.current });

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
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    if (folder?.startsWith('file:')) workspaceRoot = decodeURIComponent(new URL(folder).pathname);
    corpusState = new CorpusState({
      cacheDir: initOptions.cacheDir ?? (process.env.TTPLENS_NO_CACHE ? false : defaultCacheDir()),
      log: (message) => connection.console.log(message),
      onStatus: (status) => void connection.sendNotification(CorpusStatusNotification.type, status),
    });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
      },
      serverInfo: { name: 'TTP Lens', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    if (hasConfigurationCapability) settings = withDefaults(await connection.workspace.getConfiguration('ttpLens'));
    corpusState?.load(stixSources());
  });

  connection.onDidChangeConfiguration(async (change) => {
    const previousPath = JSON.stringify(settings.attack.stixPath);
    settings = hasConfigurationCapability
      ? withDefaults(await connection.workspace.getConfiguration('ttpLens'))
      : withDefaults((change.settings as { ttpLens?: unknown } | undefined)?.ttpLens);
    rules.clear();
    if (JSON.stringify(settings.attack.stixPath) !== previousPath) corpusState?.load(stixSources());
  });

  connection.onRequest(CorpusStatusRequest.type, () => corpusState?.status ?? { state: 'loading' });
  connection.onRequest(ReloadCorpusRequest.type, (params) => corpusState!.load(stixSources(), params.verifyContent === true));

  connection.onHover((params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    return hover(rules.get(document), params.position, context());
  });

  documents.onDidClose((event) => rules.evict(event.document.uri));
  connection.onShutdown(() => corpusState?.dispose());
  documents.listen(connection);
  connection.listen();
}

// A small LSP client for tests: spawns `node dist/server.js --stdio` and speaks JSON-RPC to it,
// as an editor would, with no VS Code involved.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { InitializeResult } from 'vscode-languageserver-protocol';
import type { Diagnostic, Position } from 'vscode-languageserver-types';
import { DIST } from './paths';
import { tempDir } from './temp';

export interface StartOptions {
  /** initializationOptions sent to the server. */
  initializationOptions?: unknown;
  /** Extra environment; TTPLENS_STIX is cleared and the downloaded releases are the test's own
   *  (a fresh TTPLENS_RELEASES_DIR) unless given here. */
  env?: Record<string, string | undefined>;
  workspaceFolder?: string;
  /** Several workspace folders (the first is the root). */
  workspaceFolders?: string[];
  /** Settings returned for workspace/configuration requests (section 'ttpLens'). */
  settings?: unknown;
  /** Node options for the server process, e.g. ['--expose-gc']. */
  execArgv?: string[];
  /** Declare LSP 3.17 pull diagnostics (textDocument.diagnostic, workspace.diagnostics.refreshSupport). */
  pullDiagnostics?: boolean;
  /** The client's display language (initialize's `locale`), e.g. "ru". */
  locale?: string;
  /** Extra textDocument client capabilities (e.g. codeAction.resolveSupport, as VS Code sends). */
  textDocumentCapabilities?: Record<string, unknown>;
}

type Listener = (params: unknown) => void;

export class LspTestClient {
  private readonly listeners = new Map<string, Listener[]>();
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly stderr: string[] = [];
  initializeResult?: InitializeResult;
  settings: unknown;

  private constructor(
    readonly process: ChildProcessWithoutNullStreams,
    readonly connection: MessageConnection,
  ) {}

  static async start(options: StartOptions = {}): Promise<LspTestClient> {
    const child = spawn(process.execPath, [...(options.execArgv ?? []), path.join(DIST, 'server.js'), '--stdio'], {
      env: { ...process.env, TTPLENS_STIX: undefined, TTPLENS_NO_CACHE: '1', TTPLENS_RELEASES_DIR: tempDir('ttplens-lsp-releases-'), ...options.env },
      stdio: 'pipe',
    });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspTestClient(child, connection);
    client.settings = options.settings ?? {};
    child.stderr.on('data', (chunk: Buffer) => client.stderr.push(chunk.toString()));
    connection.onNotification((method, params) => {
      client.notifications.push({ method, params });
      for (const listener of client.listeners.get(method) ?? []) listener(params);
    });
    // vscode-jsonrpc routes $/progress to progress handlers, not to the generic notification handler.
    connection.onUnhandledProgress((params) => client.notifications.push({ method: '$/progress', params }));
    connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section === 'ttpLens' ? client.settings : null)),
    );
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/diagnostic/refresh', () => {
      client.notifications.push({ method: 'workspace/diagnostic/refresh', params: null });
      return null;
    });
    connection.listen();
    const folders = options.workspaceFolders ?? (options.workspaceFolder ? [options.workspaceFolder] : []);
    client.initializeResult = (await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folders.length ? pathToFileURL(folders[0]).href : null,
      workspaceFolders: folders.length ? folders.map((folder) => ({ uri: pathToFileURL(folder).href, name: path.basename(folder) })) : null,
      capabilities: {
        workspace: {
          configuration: true,
          didChangeConfiguration: { dynamicRegistration: true },
          workspaceFolders: true,
          ...(options.pullDiagnostics ? { diagnostics: { refreshSupport: true } } : {}),
        },
        textDocument: {
          hover: { contentFormat: ['markdown', 'plaintext'] },
          publishDiagnostics: { relatedInformation: true },
          ...options.textDocumentCapabilities,
          ...(options.pullDiagnostics ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
        },
        window: { workDoneProgress: true },
      },
      initializationOptions: options.initializationOptions ?? {},
      ...(options.locale ? { locale: options.locale } : {}),
    })) as InitializeResult;
    await connection.sendNotification('initialized', {});
    return client;
  }

  /** Resolves with the first notification of `method` (already received or future) matching `predicate`. */
  waitFor<T>(method: string, predicate: (params: T) => boolean = () => true, timeoutMs = 30000): Promise<T> {
    const seen = this.notifications.find((n) => n.method === method && predicate(n.params as T));
    if (seen) return Promise.resolve(seen.params as T);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} notification within ${timeoutMs} ms; stderr: ${this.stderr.join('')}`)), timeoutMs);
      const list = this.listeners.get(method) ?? [];
      list.push((params) => {
        if (!predicate(params as T)) return;
        clearTimeout(timer);
        resolve(params as T);
      });
      this.listeners.set(method, list);
    });
  }

  /** The next matching notification, ignoring any received before this call. */
  next<T>(method: string, predicate: (params: T) => boolean = () => true, timeoutMs = 30000): Promise<T> {
    const count = this.notifications.length;
    return this.waitFor<T>(method, (params) => this.notifications.length > count && predicate(params), timeoutMs);
  }

  open(uri: string, text: string, languageId = 'yaml', version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  hover(uri: string, position: Position): Promise<{ contents: { kind: string; value: string }; range?: unknown } | null> {
    return this.request('textDocument/hover', { textDocument: { uri }, position });
  }

  diagnostics(uri: string, predicate: (diagnostics: Diagnostic[]) => boolean = () => true): Promise<Diagnostic[]> {
    return this.waitFor<{ uri: string; diagnostics: Diagnostic[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri && predicate(p.diagnostics)).then((p) => p.diagnostics);
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone; the kill below is what matters.
    }
    this.connection.dispose();
    this.process.kill();
  }
}

/** Position of the `occurrence`-th match of `needle` in `text`, plus `offset` characters. */
export function positionOf(text: string, needle: string, offset = 0, occurrence = 0): Position {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) index = text.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`"${needle}" not found in the test text`);
  const before = text.slice(0, index + offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}

export function fileUri(file: string): string {
  return pathToFileURL(file).href;
}

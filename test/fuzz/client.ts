// The fuzzer's LSP client: one `node dist/server.js --stdio`, requests with a stall timeout and their
// latency, the latest diagnostics per document, and what counts as a crash — the process exiting, an
// error response (a handler that threw), or an error the server logged.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, type MessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Diagnostic } from 'vscode-languageserver-types';
import { DIST } from '../support/paths';

export interface Published {
  version?: number;
  diagnostics: Diagnostic[];
  /** When it arrived (performance.now()). */
  at: number;
}

export type Outcome<T> = { ok: true; result: T; ms: number } | { ok: false; error: string; ms: number; stalled: boolean };

export class FuzzClient {
  readonly published = new Map<string, Published>();
  /** Errors the server logged (window/logMessage of type Error) since the last take. */
  private loggedErrors: string[] = [];
  private waiters: { uri: string; version: number; resolve: () => void }[] = [];
  exited: string | undefined;
  private stderr = '';
  private exitPromise!: Promise<'exit'>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly connection: MessageConnection,
  ) {}

  static async start(options: { stixPath?: string; workspaceFolder: string }): Promise<FuzzClient> {
    const child = spawn(process.execPath, [path.join(DIST, 'server.js'), '--stdio'], {
      env: { ...process.env, TTPLENS_STIX: undefined, TTPLENS_NO_CACHE: '1' },
      stdio: 'pipe',
    });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new FuzzClient(child, connection);
    child.stderr.on('data', (chunk: Buffer) => {
      client.stderr = (client.stderr + chunk.toString()).slice(-4000);
    });
    client.exitPromise = new Promise((resolve) => child.on('exit', () => resolve('exit')));
    child.on('exit', (code, signal) => {
      client.exited = `the server exited (code ${code}, signal ${signal})${client.stderr ? `: ${client.stderr.trim().slice(-1500)}` : ''}`;
      for (const waiter of client.waiters) waiter.resolve();
      client.waiters = [];
    });
    connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
      client.published.set(params.uri, { version: params.version, diagnostics: params.diagnostics, at: performance.now() });
      client.waiters = client.waiters.filter((waiter) => {
        if (waiter.uri !== params.uri || (params.version !== undefined && params.version < waiter.version)) return true;
        waiter.resolve();
        return false;
      });
    });
    connection.onNotification('window/logMessage', (params: { type: number; message: string }) => {
      if (params.type === 1) client.loggedErrors.push(params.message.slice(0, 2000));
    });
    connection.onNotification(() => undefined);
    connection.onUnhandledProgress(() => undefined);
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => null));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('window/showMessageRequest', () => null);
    connection.listen();
    const folder = pathToFileURL(options.workspaceFolder).href;
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'fuzz' }],
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true },
        textDocument: {
          hover: { contentFormat: ['markdown', 'plaintext'] },
          completion: { completionItem: { snippetSupport: true } },
          codeAction: { resolveSupport: { properties: ['edit'] }, codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
          publishDiagnostics: { versionSupport: true },
        },
        window: { workDoneProgress: true },
      },
      initializationOptions: options.stixPath ? { attack: { stixPath: options.stixPath } } : {},
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  /** Resolves when the corpus has loaded (or failed to): the server's own status request. */
  async ready(timeoutMs = 60_000): Promise<void> {
    const started = performance.now();
    while (performance.now() - started < timeoutMs) {
      const status = (await this.connection.sendRequest('ttpLens/corpusStatusRequest')) as { state: string };
      if (status.state !== 'loading') return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the corpus did not load within a minute');
  }

  notify(method: string, params: unknown): void {
    if (this.exited) return;
    void this.connection.sendNotification(method, params).catch(() => undefined);
  }

  /** A request, timed; an error response or no answer within `stallMs` is a failed outcome. */
  async request<T>(method: string, params: unknown, stallMs: number): Promise<Outcome<T>> {
    const started = performance.now();
    if (this.exited) return { ok: false, error: this.exited, ms: 0, stalled: false };
    let timer: NodeJS.Timeout | undefined;
    const stall = new Promise<'stall'>((resolve) => (timer = setTimeout(() => resolve('stall'), stallMs)));
    try {
      const result = await Promise.race([this.connection.sendRequest(method, params) as Promise<T>, stall, this.exitPromise]);
      const ms = performance.now() - started;
      if (result === 'stall') return { ok: false, error: `no answer to ${method} within ${stallMs} ms`, ms, stalled: true };
      if (result === 'exit') return { ok: false, error: this.exited ?? 'the server exited', ms, stalled: false };
      return { ok: true, result: result as T, ms };
    } catch (error) {
      const ms = performance.now() - started;
      const detail = error instanceof ResponseError ? `error response ${error.code}: ${error.message}` : String(error);
      return { ok: false, error: `${method}: ${detail}`, ms, stalled: false };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for diagnostics of `version` (or later) of a document; false after `timeoutMs`. */
  async diagnosticsFor(uri: string, version: number, timeoutMs: number): Promise<boolean> {
    const current = this.published.get(uri);
    if (current && (current.version === undefined || current.version >= version)) return true;
    if (this.exited) return false;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter = {
        uri,
        version,
        resolve: () => {
          clearTimeout(timer);
          resolve(!this.exited);
        },
      };
      this.waiters.push(waiter);
    });
  }

  takeLoggedErrors(): string[] {
    const errors = this.loggedErrors;
    this.loggedErrors = [];
    return errors;
  }

  forget(uri: string): void {
    this.published.delete(uri);
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      await Promise.race([this.connection.sendRequest('shutdown').catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000))]);
      this.notify('exit', undefined);
    }
    this.connection.dispose();
    this.child.kill();
  }
}

// A minimal LSP client for benchmarks: spawn a server over stdio, answer its configuration
// requests, time requests and the diagnostics that follow an edit.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

export class LspPeer {
  static async start({ command, args, env = {}, settings = {}, initializationOptions = {}, rootUri = null, workspaceFolders = null }) {
    const child = spawn(command, args, { stdio: 'pipe', env: { ...process.env, ...env } });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const peer = new LspPeer(child, connection);
    child.stderr.on('data', () => undefined);
    connection.onNotification((method, params) => peer.notify(method, params));
    connection.onUnhandledProgress(() => undefined);
    connection.onRequest('workspace/configuration', (params) => params.items.map((item) => settings[item.section] ?? null));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: {
          hover: { contentFormat: ['markdown', 'plaintext'] },
          completion: { completionItem: { snippetSupport: true } },
          publishDiagnostics: { versionSupport: true },
          synchronization: { dynamicRegistration: true },
        },
        window: { workDoneProgress: true },
      },
      initializationOptions,
    });
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('workspace/didChangeConfiguration', { settings });
    return peer;
  }

  constructor(child, connection) {
    this.child = child;
    this.connection = connection;
    this.waiters = [];
    this.seen = [];
  }

  notify(method, params) {
    this.seen.push({ method, params });
    for (const waiter of [...this.waiters]) {
      if (waiter.method === method && waiter.predicate(params)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(params);
      }
    }
  }

  waitFor(method, predicate = () => true, timeoutMs = 60000) {
    const seen = this.seen.find((n) => n.method === method && predicate(n.params));
    if (seen) return Promise.resolve(seen.params);
    return new Promise((resolve, reject) => {
      const waiter = { method, predicate, resolve };
      this.waiters.push(waiter);
      setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs).unref();
    });
  }

  /** Resolves with the next matching notification only. */
  next(method, predicate = () => true, timeoutMs = 60000) {
    return new Promise((resolve, reject) => {
      this.waiters.push({ method, predicate, resolve });
      setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs).unref();
    });
  }

  request(method, params) {
    return this.connection.sendRequest(method, params);
  }

  notifyServer(method, params) {
    return this.connection.sendNotification(method, params);
  }

  /** Resident set size now (VmRSS) and its peak so far (VmHWM), in MB. */
  rssMB() {
    return this.#status('VmRSS');
  }

  peakRssMB() {
    return this.#status('VmHWM');
  }

  #status(field) {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)[1]) / 1024;
  }

  async stop() {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    this.connection.dispose();
    this.child.kill();
  }
}

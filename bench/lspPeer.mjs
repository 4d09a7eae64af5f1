// A minimal LSP client for benchmarks: spawn a server over stdio, answer its requests to the client
// (configuration, registrations, progress), time requests and the diagnostics that follow an edit.
// JSON-RPC framing is done here rather than with vscode-jsonrpc: its message queue and timers add
// their own scheduling to every round trip (about 1 ms at p99 on 2 cores), which is the client's
// latency, not the server's. Both servers of the latency benchmark are driven by this same client.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const HEADER_END = Buffer.from('\r\n\r\n');

export class LspPeer {
  static async start({ command, args, env = {}, settings = {}, initializationOptions = {}, rootUri = null, workspaceFolders = null, pullDiagnostics = false }) {
    const child = spawn(command, args, { stdio: 'pipe', env: { ...process.env, ...env } });
    const peer = new LspPeer(child, settings);
    child.stderr.on('data', () => undefined);
    child.stdout.on('data', (chunk) => peer.#receive(chunk));
    child.on('exit', () => peer.#failPending(new Error(`${command} exited`)));
    await peer.request('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: {
          hover: { contentFormat: ['markdown', 'plaintext'] },
          completion: { completionItem: { snippetSupport: true } },
          codeAction: { resolveSupport: { properties: ['edit'] }, codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
          publishDiagnostics: { versionSupport: true },
          synchronization: { dynamicRegistration: true },
          ...(pullDiagnostics ? { diagnostic: { dynamicRegistration: false } } : {}),
        },
        window: { workDoneProgress: true },
      },
      initializationOptions,
    });
    peer.notifyServer('initialized', {});
    peer.notifyServer('workspace/didChangeConfiguration', { settings });
    return peer;
  }

  #buffer = Buffer.alloc(0);
  /** Chunks of a message body still arriving, and their total length: a 10 MB response comes in
   *  hundreds of chunks, and concatenating on each would be quadratic. */
  #pendingChunks = [];
  #pendingLength = 0;
  #needed = 0;
  #nextId = 1;
  #pending = new Map();

  #receive(chunk) {
    if (this.#needed) {
      this.#pendingChunks.push(chunk);
      this.#pendingLength += chunk.length;
      if (this.#pendingLength < this.#needed) return;
      chunk = Buffer.concat(this.#pendingChunks);
      this.#pendingChunks = [];
      this.#pendingLength = 0;
      this.#needed = 0;
    }
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    for (;;) {
      const headerEnd = this.#buffer.indexOf(HEADER_END);
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(this.#buffer.toString('latin1', 0, headerEnd))?.[1]);
      const start = headerEnd + HEADER_END.length;
      if (this.#buffer.length < start + length) {
        this.#needed = start + length;
        this.#pendingChunks = [this.#buffer];
        this.#pendingLength = this.#buffer.length;
        this.#buffer = Buffer.alloc(0);
        return;
      }
      const message = JSON.parse(this.#buffer.toString('utf8', start, start + length));
      this.#buffer = this.#buffer.subarray(start + length);
      this.#dispatch(message);
    }
  }

  #dispatch(message) {
    if (message.method === undefined) {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error) pending?.reject(new Error(`${message.error.code}: ${message.error.message}`));
      else pending?.resolve(message.result ?? null);
    } else if (message.id !== undefined) {
      // A request to the client: configuration gets the settings, anything else (registrations,
      // progress tokens) a null result.
      const result = message.method === 'workspace/configuration' ? message.params.items.map((item) => this.settings[item.section] ?? null) : null;
      this.#send({ jsonrpc: '2.0', id: message.id, result });
    } else {
      this.notify(message.method, message.params);
    }
  }

  #send(message) {
    const body = JSON.stringify(message);
    this.child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  #failPending(error) {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  constructor(child, settings) {
    this.child = child;
    this.settings = settings;
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
    return this.#wait(method, predicate, timeoutMs);
  }

  /** Resolves with the next matching notification only. */
  next(method, predicate = () => true, timeoutMs = 60000) {
    return this.#wait(method, predicate, timeoutMs);
  }

  #wait(method, predicate, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ method, predicate, resolve: (params) => (clearTimeout(timer), resolve(params)) });
    });
  }

  request(method, params) {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notifyServer(method, params) {
    this.#send({ jsonrpc: '2.0', method, params });
    return Promise.resolve();
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
      await Promise.race([this.request('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      this.notifyServer('exit');
    } catch {
      // already gone
    }
    this.child.kill();
  }
}

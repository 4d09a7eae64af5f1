// HTTP GET for the release index and bundles: one timeout for "no answer / no data for this long",
// cancellation, progress, and every failure turned into a ReleaseError with one clear message.
// Only ever called because the user asked for a download (never at start-up).
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

export type ReleaseErrorKind = 'offline' | 'http' | 'timeout' | 'truncated' | 'invalid' | 'index' | 'not-found' | 'cancelled' | 'storage';

/** A download that did not give a usable release; `message` is for the user, as it is. */
export class ReleaseError extends Error {
  constructor(
    readonly kind: ReleaseErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ReleaseError';
  }
}

export interface HttpOptions {
  /** Abort when no response, or no further data, arrives for this long. Default 30 s. */
  timeoutMs?: number;
  /** Cancels the request (the user pressed Cancel). */
  signal?: AbortSignal;
  /** Bytes received so far and the announced total (Content-Length), if any. */
  onProgress?: (received: number, total: number | undefined) => void;
}

const DEFAULT_TIMEOUT_MS = 30000;
const MB = 1048576;
const megabytes = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

/** A host name for messages ("raw.githubusercontent.com", "127.0.0.1:8080"). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Runs `body` with an AbortSignal that fires on the caller's signal or after `timeoutMs` without
 *  a call to `alive()`; maps every failure to a ReleaseError. */
async function guarded<T>(url: string, options: HttpOptions, body: (signal: AbortSignal, alive: () => void) => Promise<T>): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
  };
  const cancel = () => controller.abort();
  options.signal?.addEventListener('abort', cancel);
  alive();
  try {
    return await body(controller.signal, alive);
  } catch (error) {
    if (error instanceof ReleaseError) throw error;
    if (timedOut) throw new ReleaseError('timeout', `${hostOf(url)} sent nothing for ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`} (${url}); the server is too slow or the connection stalled — try again later`);
    if (options.signal?.aborted) throw new ReleaseError('cancelled', 'the download was cancelled');
    throw networkError(url, error);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', cancel);
  }
}

function networkError(url: string, error: unknown): ReleaseError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as NodeJS.ErrnoException).code;
  const offline: Record<string, string> = {
    ENOTFOUND: 'the host name does not resolve',
    EAI_AGAIN: 'the host name does not resolve',
    ECONNREFUSED: 'the connection was refused',
    ENETUNREACH: 'the network is unreachable',
    EHOSTUNREACH: 'the host is unreachable',
    ECONNRESET: 'the connection was reset',
    UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
    ETIMEDOUT: 'the connection timed out',
  };
  if (code && ['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS'].includes(code)) {
    return new ReleaseError('storage', `cannot write the download to disk: ${(error as Error).message}`);
  }
  if (code && offline[code]) {
    return new ReleaseError('offline', `cannot reach ${hostOf(url)} (${offline[code]}): this machine looks offline, or a proxy or firewall blocks it; the release in use stays as it is`);
  }
  if (code === 'UND_ERR_SOCKET' || /terminated|other side closed/i.test(`${(error as Error).message} ${cause?.message ?? ''}`)) {
    return new ReleaseError('truncated', `the connection to ${hostOf(url)} closed before the download was complete; try again`);
  }
  return new ReleaseError('offline', `cannot download ${url}: ${cause?.message ?? (error as Error).message}`);
}

async function get(url: string, signal: AbortSignal): Promise<Response> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ReleaseError('index', `"${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ReleaseError('index', `${url} is not an http(s) URL`);
  const response = await fetch(parsed, { signal, redirect: 'follow', headers: { accept: 'application/json' } });
  if (response.status === 404) throw new ReleaseError('not-found', `${url} does not exist on the server (HTTP 404)`);
  if (!response.ok) throw new ReleaseError('http', `${url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  return response;
}

/** GET a JSON document (the collection index). */
export async function fetchJson(url: string, options: HttpOptions = {}): Promise<unknown> {
  return guarded(url, options, async (signal, alive) => {
    const response = await get(url, signal);
    alive();
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ReleaseError('index', `${url} is not JSON (it starts with ${JSON.stringify(text.slice(0, 40))})`);
    }
  });
}

/** GET a file into `target` (which the caller removes on failure), checking its length against
 *  Content-Length. */
export async function fetchToFile(url: string, target: string, options: HttpOptions = {}): Promise<number> {
  return guarded(url, options, async (signal, alive) => {
    const response = await get(url, signal);
    alive();
    const announced = Number(response.headers.get('content-length'));
    const total = Number.isFinite(announced) && announced > 0 && !response.headers.get('content-encoding') ? announced : undefined;
    if (!response.body) throw new ReleaseError('truncated', `${url} answered without a body`);
    let received = 0;
    const body = response.body as unknown as AsyncIterable<Uint8Array>;
    await pipeline(async function* () {
      for await (const chunk of body) {
        alive();
        received += chunk.byteLength;
        options.onProgress?.(received, total);
        yield chunk;
      }
    }, createWriteStream(target));
    if (total !== undefined && received < total) {
      throw new ReleaseError('truncated', `the download of ${url} ended after ${megabytes(received)} of ${megabytes(total)}; try again`);
    }
    return received;
  });
}

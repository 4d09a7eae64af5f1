// A loopback HTTP server (node:http on 127.0.0.1) that plays MITRE's attack-stix-data for download
// tests: the collection index with its URLs rewritten to this server, real bundles, and the faults a
// network has (404, a truncated body, a server that stops sending, a wrong file behind a URL).
import { readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BUNDLE_18, BUNDLE_MOBILE, HAS_SHARED, RELEASE_INDEX } from './paths';
import { tempDir } from './temp';

export interface Route {
  status?: number;
  body?: Buffer;
  /** Send this many bytes of the body (with the full Content-Length), then close the connection. */
  truncateAt?: number;
  /** Send the headers and this many bytes, then send nothing more (never end). */
  stallAfter?: number;
  contentType?: string;
}

const MITRE = 'https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/';

export class ReleaseServer {
  private readonly routes = new Map<string, Route>();
  private readonly sockets = new Set<import('node:net').Socket>();
  /** Paths requested, in order (to check what was, and was not, fetched). */
  readonly requests: string[] = [];

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<ReleaseServer> {
    const server = http.createServer();
    const instance = new ReleaseServer(server);
    server.on('connection', (socket) => {
      instance.sockets.add(socket);
      socket.on('close', () => instance.sockets.delete(socket));
    });
    server.on('request', (request, response) => instance.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(pathname: string): string {
    return `${this.base}${pathname}`;
  }

  route(pathname: string, route: Route): this {
    this.routes.set(pathname, route);
    return this;
  }

  /** Serves `index.json`: the shared snapshot of MITRE's index (when present) with its URLs pointing
   *  here, else an index of the same form; plus `extra` versions listed first. */
  serveIndex(extra: { domain: 'enterprise' | 'mobile' | 'ics'; version: string; modified: string }[] = []): string {
    const index = releaseIndexFor(this.base);
    for (const entry of extra) {
      const collection = index.collections.find((c) => c.name.toLowerCase().startsWith(entry.domain))!;
      collection.versions.unshift({ version: entry.version, url: `${this.base}/${entry.domain}-attack/${entry.domain}-attack-${entry.version}.json`, modified: entry.modified });
    }
    this.route('/index.json', { body: Buffer.from(JSON.stringify(index, null, 2)), contentType: 'application/json' });
    return this.url('/index.json');
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const pathname = new URL(request.url ?? '/', this.base).pathname;
    this.requests.push(pathname);
    const route = this.routes.get(pathname);
    if (!route) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('404: Not Found');
      return;
    }
    const body = route.body ?? Buffer.alloc(0);
    response.writeHead(route.status ?? 200, { 'content-type': route.contentType ?? 'application/json', 'content-length': body.length });
    if (route.stallAfter !== undefined) {
      response.write(body.subarray(0, route.stallAfter));
      return; // never ends: the client's timeout must give up
    }
    if (route.truncateAt !== undefined) {
      response.write(body.subarray(0, route.truncateAt), () => response.socket?.destroy());
      return;
    }
    response.end(body);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface RawIndex {
  collections: { id: string; name: string; versions: { version: string; url: string; modified: string }[] }[];
}

function releaseIndexFor(base: string): RawIndex {
  if (HAS_SHARED) return JSON.parse(readFileSync(RELEASE_INDEX, 'utf8').split(MITRE).join(`${base}/`)) as RawIndex;
  const collection = (id: string, name: string, domain: string) => ({
    id,
    name,
    versions: ['18.1', '18.0', '17.1', '17.0', '16.1', '16.0'].map((version) => ({ version, url: `${base}/${domain}-attack/${domain}-attack-${version}.json`, modified: '2025-11-13T14:00:00.188Z' })),
  });
  return {
    collections: [
      collection('x-mitre-collection--1f5f1533-f617-4ca8-9ab4-6a02367fa019', 'Enterprise ATT&CK', 'enterprise'),
      collection('x-mitre-collection--dac0d2d7-8653-445c-9bff-82f934c1e858', 'Mobile ATT&CK', 'mobile'),
      collection('x-mitre-collection--90c00720-636b-4485-b342-8751d232bf09', 'ICS ATT&CK', 'ics'),
    ],
  };
}

let bundles: { enterprise18: Buffer; mobile18: Buffer; enterprise19: Buffer } | undefined;

/** The real v18.1 bundles (embedded data, decompressed) and a v19.1 made from v18.1 as MITRE's
 *  official files are: with an x-mitre-collection object naming the version, plus v19's T1685 under
 *  v19's Stealth tactic — enough for "the newer release is in use" to be visible. */
export function testBundles(): { enterprise18: Buffer; mobile18: Buffer; enterprise19: Buffer } {
  if (bundles) return bundles;
  const enterprise18 = gunzipSync(readFileSync(BUNDLE_18));
  const mobile18 = gunzipSync(readFileSync(BUNDLE_MOBILE));
  const bundle = JSON.parse(enterprise18.toString('utf8')) as { objects: Record<string, unknown>[] };
  const now = '2026-04-28T12:00:00.000Z';
  bundle.objects.unshift({
    type: 'x-mitre-collection',
    id: 'x-mitre-collection--1f5f1533-f617-4ca8-9ab4-6a02367fa019',
    spec_version: '2.1',
    name: 'Enterprise ATT&CK',
    x_mitre_version: '19.1',
    created: '2018-01-17T12:56:55.080Z',
    modified: now,
  });
  bundle.objects.push({
    type: 'attack-pattern',
    id: 'attack-pattern--0b8a0c7e-0b3d-4d8f-9d3a-1a2b3c4d5e6f',
    spec_version: '2.1',
    name: 'Disable or Modify Tools',
    description: 'Adversaries may modify and/or disable security tools to avoid possible detection of their malware/tools and activities.',
    created: now,
    modified: now,
    external_references: [{ source_name: 'mitre-attack', external_id: 'T1685', url: 'https://attack.mitre.org/techniques/T1685' }],
    kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'defense-impairment' }],
    x_mitre_domains: ['enterprise-attack'],
    x_mitre_platforms: ['Windows', 'Linux', 'macOS'],
  });
  bundles = { enterprise18, mobile18, enterprise19: Buffer.from(JSON.stringify(bundle)) };
  return bundles;
}

/** The v19.1 test bundle as a file, for tests that need it on disk. */
export function writeTestBundle19(): string {
  const file = path.join(tempDir('ttplens-v19-'), 'enterprise-attack-19.1.json');
  writeFileSync(file, testBundles().enterprise19);
  return file;
}

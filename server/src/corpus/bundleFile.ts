// Reading one STIX bundle file: JSON syntax, bundle shape, ATT&CK domain and release version.
// Every failure becomes a BundleError that names the file and says what is wrong with it.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { BundleInfo } from './model';

export class BundleError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'BundleError';
  }
}

/** The subset of a STIX object the corpus reads. */
export interface StixObject {
  type: string;
  id: string;
  name?: string;
  description?: string;
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  external_references?: { source_name: string; external_id?: string; url?: string }[];
  [field: string]: unknown;
}

export interface RawBundle {
  info: BundleInfo;
  objects: StixObject[];
}

const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;

export function readBundleFile(file: string): RawBundle {
  const absolute = path.resolve(file);
  let size: number;
  try {
    const stat = statSync(absolute);
    if (stat.isDirectory()) throw new BundleError(absolute, 'is a directory, not a STIX bundle file');
    size = stat.size;
  } catch (error) {
    if (error instanceof BundleError) throw error;
    throw new BundleError(absolute, describeFsError(error));
  }
  if (size === 0) throw new BundleError(absolute, 'is empty (0 bytes), not a STIX bundle');
  if (size > MAX_BUNDLE_BYTES) throw new BundleError(absolute, `is ${Math.round(size / 1048576)} MB, larger than any ATT&CK bundle`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch (error) {
    throw new BundleError(absolute, describeFsError(error));
  }
  const contentHash = hashBytes(bytes);
  const text = bytes.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BundleError(absolute, `is not valid JSON (${describeJsonError(error, text)}); the file may be truncated or not a STIX bundle`);
  }
  return parseBundleJson(absolute, json, contentHash);
}

export function parseBundleJson(file: string, json: unknown, contentHash: string): RawBundle {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new BundleError(file, 'is JSON but not a STIX bundle (expected an object with "type": "bundle")');
  }
  const bundle = json as { type?: unknown; objects?: unknown; spec_version?: unknown };
  if (bundle.type !== 'bundle') {
    throw new BundleError(file, `is JSON but not a STIX bundle ("type" is ${JSON.stringify(bundle.type) ?? 'missing'}, expected "bundle")`);
  }
  if (!Array.isArray(bundle.objects)) {
    throw new BundleError(file, 'is a STIX bundle without an "objects" array');
  }
  const objects = (bundle.objects as unknown[]).filter(isStixObject);
  if (!objects.some((o) => o.type === 'attack-pattern')) {
    throw new BundleError(file, `is a STIX bundle with ${objects.length} objects but no ATT&CK techniques (attack-pattern); is it an ATT&CK bundle?`);
  }
  const domain = detectDomain(objects);
  const { version, versionSource } = detectVersion(file, objects);
  const specVersion = typeof bundle.spec_version === 'string'
    ? bundle.spec_version
    : objects.some((o) => o.spec_version === '2.1') ? '2.1' : '2.0';
  return {
    info: { path: file, domain, version, versionSource, specVersion, objectCount: objects.length, contentHash },
    objects,
  };
}

export function hashBytes(bytes: Buffer | string): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** The same hash as hashBytes of the file's content, streamed in chunks (never the whole file in memory). */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function isStixObject(value: unknown): value is StixObject {
  return typeof value === 'object' && value !== null && typeof (value as StixObject).type === 'string' && typeof (value as StixObject).id === 'string';
}

function detectDomain(objects: StixObject[]): string {
  const counts = new Map<string, number>();
  for (const object of objects) {
    if (object.type !== 'attack-pattern') continue;
    for (const domain of (object.x_mitre_domains as string[] | undefined) ?? []) counts.set(domain, (counts.get(domain) ?? 0) + 1);
  }
  let best = 'enterprise-attack';
  let bestCount = -1;
  for (const [domain, count] of counts) if (count > bestCount) [best, bestCount] = [domain, count];
  return best;
}

/** ATT&CK release dates (last day of each release's objects' `modified`), to date a bundle that says
 *  nothing about its version. Only used when neither a collection object nor the file name tells. */
const RELEASES: [string, string][] = [
  ['2023-04-25', '13'],
  ['2023-10-31', '14'],
  ['2024-04-23', '15'],
  ['2024-11-12', '16'],
  ['2025-04-25', '17'],
  ['2025-11-13', '18'],
];

function detectVersion(file: string, objects: StixObject[]): Pick<BundleInfo, 'version' | 'versionSource'> {
  const collection = objects.find((o) => o.type === 'x-mitre-collection');
  if (collection && typeof collection.x_mitre_version === 'string') return { version: collection.x_mitre_version, versionSource: 'collection' };
  const fromName = /(?:^|[-_ v])(\d{1,2}\.\d{1,2})(?:\.json)?$/i.exec(path.basename(file).replace(/\.json$/i, ''));
  if (fromName) return { version: fromName[1], versionSource: 'file name' };
  let latest = '';
  for (const object of objects) {
    const modified = object.modified;
    if (typeof modified === 'string' && modified > latest) latest = modified;
  }
  if (latest) {
    for (const [date, release] of RELEASES) if (latest.slice(0, 10) <= date) return { version: release, versionSource: 'content' };
    return { version: `>${RELEASES[RELEASES.length - 1][1]}`, versionSource: 'content' };
  }
  return { version: 'unknown', versionSource: 'unknown' };
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'EISDIR') return 'is a directory, not a STIX bundle file';
  return `cannot be read (${(error as Error).message})`;
}

function describeJsonError(error: unknown, text: string): string {
  const message = (error as Error).message;
  const position = /position (\d+)/.exec(message);
  if (position) {
    const offset = Number(position[1]);
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
  }
  if (/Unexpected end/.test(message)) return `${message}: it ends early`;
  return message;
}

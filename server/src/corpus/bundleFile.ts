// Reading one STIX bundle file: JSON syntax, bundle shape, ATT&CK domain and release version.
// Every failure becomes a BundleError that names the file and says what is wrong with it.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { BundleBatches } from './bundleBatches';
import type { BundleInfo } from './model';
import { slimStixObject } from './stixObjects';

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
/** How much of a large file is read before deciding whether it can be a STIX bundle at all. */
const SNIFF_BYTES = 1024 * 1024;

/** Why the first megabyte of a file shows it is no STIX bundle (every bundle starts with an object
 *  whose "type" is "bundle" and whose "objects" start early), or undefined when it may be one. */
export function notABundleHead(head: string): string | undefined {
  if (!/^\uFEFF?\s*\{/.test(head)) return 'is not a STIX bundle: it does not start with a JSON object (read stopped after its first megabyte)';
  if (!/"type"\s*:\s*"bundle"/.test(head) && !/"objects"\s*:\s*\[/.test(head)) return 'is a large JSON file but not a STIX bundle: its first megabyte has neither "type": "bundle" nor an "objects" array (read stopped there)';
  return undefined;
}
const GZIP_MAGIC = [0x1f, 0x8b];

/** Reads a bundle file, plain JSON or gzip-compressed (`.json.gz`, or any file that starts with
 *  gzip's magic bytes); the text is decoded once.
 *  `contentHash` is the hash of the file as stored (what the corpus cache checks). */
export async function readBundleFile(file: string): Promise<RawBundle> {
  const absolute = path.resolve(file);
  const gzip = checkFile(absolute);
  const read = await readStored(absolute, gzip, () => readText(absolute, gzip));
  return parseBundleText(absolute, read.text, read.contentHash);
}

/** The same for the corpus builder: the objects hold only what it reads (stixObjects.ts), and a
 *  pretty-printed bundle is parsed in batches while it is read (bundleBatches.ts); any other bundle
 *  is read as readBundleFile does, with the same messages. */
export async function readBundleForCorpus(file: string): Promise<RawBundle> {
  const absolute = path.resolve(file);
  const gzip = checkFile(absolute);
  const read = await readStored(absolute, gzip, () => (gzip ? readGzipBatches(absolute) : readPlainBatches(absolute)));
  if ('wrapper' in read) return parseBundleJson(absolute, read.wrapper, read.contentHash, read.batched);
  const bundle = parseBundleText(absolute, read.text, read.contentHash);
  return { ...bundle, objects: bundle.objects.map((object) => slimStixObject(object)) };
}

/** Runs a read, turning its failures into BundleErrors naming the file. */
async function readStored<T>(file: string, gzip: boolean, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof BundleError) throw error;
    throw new BundleError(file, gzip ? describeGzipError(error) : describeFsError(error));
  }
}

/** The same, synchronously, for the rare rebuild of a corrupt cache's texts in the middle of a
 *  request (the corpus supplies descriptions synchronously). A .gz file is decompressed in one step. */
export function readBundleFileSync(file: string): RawBundle {
  const absolute = path.resolve(file);
  const gzip = checkFile(absolute);
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch (error) {
    throw new BundleError(absolute, describeFsError(error));
  }
  let text: string;
  try {
    text = (gzip ? gunzipSync(bytes, { maxOutputLength: MAX_BUNDLE_BYTES }) : bytes).toString('utf8');
  } catch (error) {
    throw new BundleError(absolute, describeGzipError(error));
  }
  return parseBundleText(absolute, text, hashBytes(bytes));
}

/** Stat checks shared by both readers; returns whether the file is gzip-compressed. */
function checkFile(absolute: string): boolean {
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
  const head = Buffer.alloc(2);
  let fd: number | undefined;
  try {
    fd = openSync(absolute, 'r');
    readSync(fd, head, 0, 2, 0);
  } catch (error) {
    throw new BundleError(absolute, describeFsError(error));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const gzip = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  if (!gzip && /\.gz$/i.test(absolute)) throw new BundleError(absolute, 'is named .gz but is not gzip-compressed (it does not start with the gzip signature)');
  return gzip;
}

/** The file's text and the hash of its stored bytes. */
async function readText(file: string, gzip: boolean): Promise<{ text: string; contentHash: string }> {
  return gzip ? readGzipText(file) : readPlainText(file);
}

/** A plain file: its first megabyte is read and judged first (a huge file that is no bundle — a
 *  database dump, another JSON — is refused there), then the rest into the same buffer, hashed and
 *  decoded once. One buffer and one string: streaming it in decoded chunks cost twice the time, in
 *  string joins and garbage collection. */
async function readPlainText(file: string): Promise<{ text: string; contentHash: string }> {
  const stored = await readPlainBytes(file);
  return { text: stored.toString('utf8'), contentHash: hashBytes(stored) };
}

/** Bytes read at a time when they are parsed as they come (the next read runs meanwhile). */
const READ_STEP = 2 * 1024 * 1024;

/** The bundle's bytes, judged after the first megabyte. `onBytes`, when given, gets each part as
 *  soon as it is read (after the judgement), while the next part is being read. */
async function readPlainBytes(file: string, onBytes?: (part: Buffer) => void): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    if (size > MAX_BUNDLE_BYTES) throw new BundleError(file, `is ${Math.round(size / 1048576)} MB, larger than any ATT&CK bundle`);
    const bytes = Buffer.allocUnsafe(size);
    const readUpTo = async (from: number, to: number) => {
      let at = from;
      while (at < to) {
        const { bytesRead } = await handle.read(bytes, at, to - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return at;
    };
    let read = await readUpTo(0, Math.min(size, SNIFF_BYTES));
    if (size >= SNIFF_BYTES) {
      const problem = notABundleHead(bytes.toString('utf8', 0, read));
      if (problem) throw new BundleError(file, problem);
    }
    if (!onBytes) {
      if (read < size) read = await readUpTo(read, size);
      return bytes.subarray(0, read);
    }
    let given = 0;
    while (read < size) {
      const next = readUpTo(read, Math.min(size, read + READ_STEP));
      onBytes(bytes.subarray(given, read));
      given = read;
      const upTo = Math.min(size, read + READ_STEP);
      read = await next;
      if (read < upTo) break; // the file ended early (it shrank meanwhile)
    }
    if (given < read) onBytes(bytes.subarray(given, read));
    return bytes.subarray(0, read);
  } finally {
    await handle.close();
  }
}

/** A bundle parsed in batches: the bundle object (its "objects" empty) and its objects, slimmed. */
interface BatchedBundle {
  wrapper: Record<string, unknown>;
  batched: { objects: StixObject[]; facts: ObjectFacts };
  contentHash: string;
}

/** Collects the STIX objects of each batch, slimmed (the rest of the batch is garbage at once). */
function batchesInto(batched: BatchedBundle['batched']): BundleBatches {
  return new BundleBatches((elements) => {
    for (const element of elements) {
      if (!isStixObject(element)) continue;
      addObjectFacts(batched.facts, element);
      batched.objects.push(slimStixObject(element));
    }
  });
}

async function readPlainBatches(file: string): Promise<BatchedBundle | { text: string; contentHash: string }> {
  const hash = createHash('sha1');
  const batched = { objects: [], facts: newObjectFacts() };
  const batches = batchesInto(batched);
  let splitting = true;
  const stored = await readPlainBytes(file, (part) => {
    hash.update(part);
    if (splitting) splitting = batches.push(part);
  });
  const contentHash = hash.digest('hex');
  const wrapper = splitting ? batches.end() : undefined;
  return wrapper ? { wrapper, batched, contentHash } : { text: stored.toString('utf8'), contentHash };
}

/** Thrown inside the gunzip pipeline to stop it when the bundle cannot be split. */
class NotBatchable extends Error {}

/** A gzip file, parsed in batches as it is decompressed (gunzip runs on another thread meanwhile);
 *  when it cannot be split, it is read again the ordinary way. */
async function readGzipBatches(file: string): Promise<BatchedBundle | { text: string; contentHash: string }> {
  const batched = { objects: [], facts: newObjectFacts() };
  const batches = batchesInto(batched);
  const consume = async (text: AsyncIterable<Buffer>) => {
    const sniffed = new TextSniffer(file);
    for await (const chunk of text) {
      sniffed.add(chunk);
      if (!batches.push(chunk)) throw new NotBatchable();
    }
    sniffed.end();
  };
  let contentHash: string;
  try {
    contentHash = await gunzipInto(file, consume);
  } catch (error) {
    if (error instanceof NotBatchable) return readGzipText(file);
    throw error;
  }
  const wrapper = batches.end();
  return wrapper ? { wrapper, batched, contentHash } : readGzipText(file);
}

/** Streams a gzip file through gunzip into `consume` (the compressed bytes are never held whole),
 *  hashing the stored bytes on the way; resolves to their hash. */
async function gunzipInto(file: string, consume: (text: AsyncIterable<Buffer>) => Promise<void>): Promise<string> {
  const hash = createHash('sha1');
  async function* hashStored(stored: AsyncIterable<Buffer>) {
    for await (const chunk of stored) {
      hash.update(chunk);
      yield chunk;
    }
  }
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), hashStored, createGunzip({ chunkSize: 1 << 20 }), consume);
  return hash.digest('hex');
}

/** The checks of a decompressed text as it streams: its size, and its first megabyte (notABundleHead). */
class TextSniffer {
  private bytes = 0;
  private head: Buffer[] | undefined = [];

  constructor(private readonly file: string) {}

  add(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > MAX_BUNDLE_BYTES) throw new BundleError(this.file, `decompresses to more than ${MAX_BUNDLE_BYTES / 1048576} MB, larger than any ATT&CK bundle`);
    if (!this.head) return;
    this.head.push(chunk);
    if (this.bytes >= SNIFF_BYTES) this.judge();
  }

  end(): void {
    this.head = undefined;
  }

  private judge(): void {
    const problem = notABundleHead(Buffer.concat(this.head!).toString('utf8'));
    this.head = undefined;
    if (problem) throw new BundleError(this.file, problem);
  }
}

/** A gzip file's whole text (gunzipInto); the decompressed text is judged after its first
 *  megabyte, like a plain file. */
async function readGzipText(file: string): Promise<{ text: string; contentHash: string }> {
  const chunks: Buffer[] = [];
  let textBytes = 0;
  const collect = async (text: AsyncIterable<Buffer>) => {
    const sniffed = new TextSniffer(file);
    for await (const chunk of text) {
      sniffed.add(chunk);
      textBytes += chunk.length;
      chunks.push(chunk);
    }
  };
  const contentHash = await gunzipInto(file, collect);
  // Decoded once, from one buffer (a chunk boundary may split a UTF-8 sequence; one decode never does).
  return { text: Buffer.concat(chunks, textBytes).toString('utf8'), contentHash };
}

function parseBundleText(file: string, text: string, contentHash: string): RawBundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BundleError(file, `is not valid JSON (${describeJsonError(error, text)}); the file may be truncated or not a STIX bundle`);
  }
  return parseBundleJson(file, json, contentHash);
}

/** What the bundle's detection reads of all its objects (slimmed objects no longer have it). */
export interface ObjectFacts {
  /** The latest `modified` of any object ('' when none has one). */
  latestModified: string;
  /** Whether any object has `spec_version` "2.1". */
  spec21: boolean;
  /** Whether any object is a technique (attack-pattern). */
  hasTechnique: boolean;
  /** The first x-mitre-collection object. */
  collection?: StixObject;
  /** How many techniques name each domain in `x_mitre_domains`. */
  techniqueDomains: Map<string, number>;
}

export function newObjectFacts(): ObjectFacts {
  return { latestModified: '', spec21: false, hasTechnique: false, techniqueDomains: new Map() };
}

export function addObjectFacts(facts: ObjectFacts, object: StixObject): void {
  const modified = object.modified;
  if (typeof modified === 'string' && modified > facts.latestModified) facts.latestModified = modified;
  if (object.spec_version === '2.1') facts.spec21 = true;
  if (object.type === 'attack-pattern') {
    facts.hasTechnique = true;
    const counts = facts.techniqueDomains;
    const domains = object.x_mitre_domains;
    if (Array.isArray(domains)) for (const domain of domains as string[]) counts.set(domain, (counts.get(domain) ?? 0) + 1);
  } else if (object.type === 'x-mitre-collection') facts.collection ??= object;
}

/** `json` is the parsed bundle; `batched`, when given, its objects already read in batches with
 *  their facts (its own "objects" is then an empty stand-in). */
export function parseBundleJson(file: string, json: unknown, contentHash: string, batched?: { objects: StixObject[]; facts: ObjectFacts }): RawBundle {
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
  const objects = batched?.objects ?? (bundle.objects as unknown[]).filter(isStixObject);
  let facts = batched?.facts;
  if (!facts) {
    facts = newObjectFacts();
    for (const object of objects) addObjectFacts(facts, object);
  }
  if (!facts.hasTechnique) {
    throw new BundleError(file, `is a STIX bundle with ${objects.length} objects but no ATT&CK techniques (attack-pattern); is it an ATT&CK bundle?`);
  }
  const domain = detectDomain(facts.techniqueDomains);
  const { version, versionSource } = detectVersion(file, facts);
  const specVersion = typeof bundle.spec_version === 'string' ? bundle.spec_version : facts.spec21 ? '2.1' : '2.0';
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

/** The domain most techniques name. */
function detectDomain(counts: Map<string, number>): string {
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

function detectVersion(file: string, facts: ObjectFacts): Pick<BundleInfo, 'version' | 'versionSource'> {
  const { collection, latestModified: latest } = facts;
  if (collection && typeof collection.x_mitre_version === 'string') return { version: collection.x_mitre_version, versionSource: 'collection' };
  const fromName = /(?:^|[-_ v])(\d{1,2}\.\d{1,2})$/i.exec(path.basename(file).replace(/\.gz$/i, '').replace(/\.json$/i, ''));
  if (fromName) return { version: fromName[1], versionSource: 'file name' };
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

function describeGzipError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test((error as Error).message)) return 'is a truncated gzip file (the compressed data ends early); download or copy it again';
  if (code === 'Z_DATA_ERROR') return `is not valid gzip data (${(error as Error).message}); the file is damaged`;
  if (code === 'ERR_BUFFER_TOO_LARGE') return `decompresses to more than ${MAX_BUNDLE_BYTES / 1048576} MB, larger than any ATT&CK bundle`;
  return describeFsError(error);
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

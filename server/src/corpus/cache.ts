// The corpus cache: the built CorpusData of a set of bundles, keyed by their content hashes.
// File layout, three lines: a JSON header (format, the inputs with their stat and content hash, the
// sections' hashes), the corpus structure (JSON), and the texts (a JSON array, read and parsed on
// first use).
// The payload is ASCII-only (non-ASCII escaped) so it decodes without UTF-8 work. A header that does
// not match, a payload whose hash does not match (corruption) or unparsable JSON makes the cache
// stale: it is rebuilt, never trusted.
//
// Like git's index, the input check is two-tier: an input whose size, mtime and inode are unchanged
// is taken as unchanged (hashing a 37 MB bundle costs more than loading the cache); any stat change
// re-hashes the content, and a match restamps the header with the new stat (`restampCache`), so a
// touched bundle (a checkout, a copy, a restored CI cache) is hashed once, not on every start.
// `verifyInputs` re-hashes every input and is run off the start-up path.
//
// A prebuilt cache (`npm run package` builds one from the embedded bundles, read-only in the
// extension) names its inputs by file name and size only: an install gives the files a new mtime
// and inode, and the cache ships together with its bundles. Its content hashes are verified off the
// start-up path like any other.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashBytes, hashFile } from './bundleFile';
import type { CorpusData } from './model';

/** Bump when CorpusData's shape or the builder's output changes. */
export const CACHE_FORMAT = 10;

export interface CacheInput {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  contentHash: string;
}

interface CacheHeader {
  format: number;
  inputs: CacheInput[];
  /** Hashes of the structure (checked at load) and of the texts (checked when they are parsed). */
  structureHash: string;
  textsHash: string;
  /** The structure's length in bytes: a load reads the header and the structure, not the texts. */
  structureBytes: number;
}

export type CacheMiss = 'absent' | 'format' | 'inputs' | 'changed' | 'corrupt';

/** On a hit, `data.texts` is empty and `loadTexts` parses them when first needed; it returns
 *  undefined when the texts section turns out to be corrupt. */
export type CacheRead =
  | { hit: true; data: CorpusData; loadTexts: () => string[] | undefined; inputs: CacheInput[]; restated: boolean; structureHash: string }
  | { hit: false; reason: CacheMiss; detail?: string };

export function defaultCacheDir(): string {
  if (process.env.TTPLENS_CACHE_DIR) return process.env.TTPLENS_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'ttp-lens');
}

export function cacheFileFor(cacheDir: string, bundlePaths: readonly string[]): string {
  const slot = hashBytes(bundlePaths.map((p) => path.resolve(p)).join('\n')).slice(0, 16);
  return path.join(cacheDir, `corpus-${slot}.json`);
}

/** The prebuilt cache of a set of bundles, keyed by their file names (where they live is unknown
 *  until the extension is installed). */
export function prebuiltCacheFileFor(cacheDir: string, bundlePaths: readonly string[]): string {
  const slot = hashBytes(bundlePaths.map((p) => path.basename(p)).join('\n')).slice(0, 16);
  return path.join(cacheDir, `corpus-${slot}.json`);
}

export function statInput(file: string, contentHash: string): CacheInput {
  const stat = statSync(file);
  return { path: path.resolve(file), size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino, contentHash };
}

const NEWLINE = 10;

export interface CacheReadOptions {
  /** Re-hash every input even when its stat is unchanged. */
  verifyContent?: boolean;
  /** A prebuilt cache: inputs are matched by file name and size, not by path, mtime and inode. */
  prebuilt?: boolean;
}

export function readCache(cacheFile: string, bundlePaths: readonly string[], options: CacheReadOptions = {}): CacheRead {
  const head = readHead(cacheFile);
  if ('hit' in head) return head;
  const { bytes, header, headerEnd, structureEnd } = head;
  const wanted = bundlePaths.map((p) => path.resolve(p));
  const named = (file: string) => (options.prebuilt ? path.basename(file) : file);
  if (header.inputs?.length !== wanted.length || header.inputs.some((input, i) => input.path !== named(wanted[i]))) {
    return { hit: false, reason: 'inputs' };
  }
  const inputs: CacheInput[] = [];
  let restated = false;
  for (const [i, input] of header.inputs.entries()) {
    let stat;
    try {
      stat = statSync(wanted[i]);
    } catch {
      return { hit: false, reason: 'changed', detail: `${wanted[i]} is gone` };
    }
    const unchanged = stat.size === input.size && (options.prebuilt || (stat.mtimeMs === input.mtimeMs && stat.ino === input.ino));
    if ((options.verifyContent || !unchanged) && hashBytes(readFileSync(wanted[i])) !== input.contentHash) return { hit: false, reason: 'changed', detail: `${wanted[i]} changed` };
    if (!unchanged) restated = true;
    inputs.push({ path: wanted[i], size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino, contentHash: input.contentHash });
  }
  if (hashBytes(bytes.subarray(headerEnd + 1, structureEnd)) !== header.structureHash) return { hit: false, reason: 'corrupt', detail: 'structure hash mismatch' };
  let data: CorpusData;
  try {
    data = JSON.parse(bytes.toString('latin1', headerEnd + 1, structureEnd)) as CorpusData;
  } catch {
    return { hit: false, reason: 'corrupt', detail: 'structure is not JSON' };
  }
  data.objects.forEach((object, index) => (object.index = index));
  if (options.prebuilt) relocateBundles(data, header.inputs.map((input) => input.path), wanted);
  // The texts (60 % of the file) are hashed and parsed only when a description is first needed, and
  // read from the file again then rather than held (an idle server would keep megabytes it may never
  // use). A file rewritten since is caught by the texts' hash, as corruption is; a restamped header
  // (another length) moves the texts, so they are found through the header read then.
  const loadTexts = () => readTexts(cacheFile, header.textsHash);
  return { hit: true, data: { ...data, texts: [] }, loadTexts, inputs, restated, structureHash: header.structureHash };
}

/** Rewrites a cache's header with its inputs' new stat, the payload byte for byte, after a load found
 *  their content unchanged. Skipped when the file no longer holds the structure that load checked. */
export function restampCache(cacheFile: string, inputs: CacheInput[], structureHash: string): void {
  const bytes = readFileSync(cacheFile);
  const headerEnd = bytes.indexOf(NEWLINE);
  const header = JSON.parse(bytes.toString('latin1', 0, headerEnd)) as CacheHeader;
  if (header.format !== CACHE_FORMAT || header.structureHash !== structureHash) return;
  replaceFile(cacheFile, Buffer.concat([Buffer.from(asciiJson({ ...header, inputs }), 'latin1'), bytes.subarray(headerEnd)]));
}

/** The texts section as the file's header places it now, if its hash is still `textsHash`. */
function readTexts(cacheFile: string, textsHash: string): string[] | undefined {
  try {
    const head = readHead(cacheFile, false);
    if ('hit' in head) return undefined;
    const section = readSection(cacheFile, head.structureEnd + 1, head.fileLength);
    if (!section || hashBytes(section) !== textsHash) return undefined;
    return JSON.parse(section.toString('latin1')) as string[];
  } catch {
    return undefined;
  }
}

/** The first read of a cache file: enough for any header (its inputs' paths, each a few hundred bytes). */
const HEAD_BYTES = 64 * 1024;

type CacheHead = { bytes: Buffer; header: CacheHeader; headerEnd: number; structureEnd: number; fileLength: number };

/** The header and the structure, with the newline after it — not the texts, 60 % of the file, which
 *  are read when first needed. Without `withStructure`, the header only (where the texts start). */
function readHead(cacheFile: string, withStructure = true): CacheHead | { hit: false; reason: CacheMiss; detail?: string } {
  let fd: number;
  try {
    fd = openSync(cacheFile, 'r');
  } catch {
    return { hit: false, reason: 'absent' };
  }
  try {
    const fileLength = fstatSync(fd).size;
    let bytes = Buffer.allocUnsafe(Math.min(fileLength, HEAD_BYTES));
    let read = readFully(fd, bytes, 0, 0);
    const headerEnd = bytes.subarray(0, read).indexOf(NEWLINE);
    if (headerEnd < 0) return { hit: false, reason: 'corrupt', detail: read < HEAD_BYTES ? 'truncated' : 'unreadable header' };
    let header: CacheHeader;
    try {
      header = JSON.parse(bytes.toString('latin1', 0, headerEnd)) as CacheHeader;
    } catch {
      return { hit: false, reason: 'corrupt', detail: 'unreadable header' };
    }
    if (header.format !== CACHE_FORMAT) return { hit: false, reason: 'format' };
    const structureEnd = headerEnd + 1 + header.structureBytes;
    // The texts follow the structure's newline; a file that ends sooner was cut short.
    if (!Number.isSafeInteger(header.structureBytes) || header.structureBytes < 0 || structureEnd + 1 >= fileLength) return { hit: false, reason: 'corrupt', detail: 'truncated' };
    if (!withStructure) return { bytes, header, headerEnd, structureEnd, fileLength };
    if (structureEnd + 1 > bytes.length) {
      const whole = Buffer.allocUnsafe(structureEnd + 1);
      bytes.copy(whole, 0, 0, read);
      bytes = whole;
    }
    read += readFully(fd, bytes, read, read);
    if (read < structureEnd + 1 || bytes[structureEnd] !== NEWLINE) return { hit: false, reason: 'corrupt', detail: 'truncated' };
    return { bytes, header, headerEnd, structureEnd, fileLength };
  } catch {
    return { hit: false, reason: 'absent' };
  } finally {
    closeSync(fd);
  }
}

/** Reads the file from `position` into `buffer` from `offset` until the buffer is full or the file
 *  ends; the bytes read. */
function readFully(fd: number, buffer: Buffer, offset: number, position: number): number {
  let read = 0;
  while (offset + read < buffer.length) {
    const n = readSync(fd, buffer, offset + read, buffer.length - offset - read, position + read);
    if (n === 0) break;
    read += n;
  }
  return read;
}

/** Bytes `start` to the end of a file that is still `length` bytes long; undefined otherwise. */
function readSection(file: string, start: number, length: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    if (fstatSync(fd).size !== length) return undefined;
    const section = Buffer.allocUnsafe(length - start);
    return readFully(fd, section, 0, start) === section.length ? section : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Rewrites the bundle paths a corpus names (its bundles, its warnings) from `from[i]` to `to[i]`:
 *  a prebuilt cache names its bundles by file name, never by a path of the machine that built it. */
export function relocateBundles(data: CorpusData, from: readonly string[], to: readonly string[]): void {
  const moved = (text: string) => from.reduce((result, old, i) => result.split(old).join(to[i]), text);
  data.bundles = data.bundles.map((bundle) => ({ ...bundle, path: to[from.indexOf(bundle.path)] ?? moved(bundle.path) }));
  data.warnings = data.warnings.map((warning) => ({ file: to[from.indexOf(warning.file)] ?? moved(warning.file), problem: moved(warning.problem) }));
}

/** A prebuilt cache's inputs: file names and sizes, with the content hashes verified later. */
export function prebuiltInputs(inputs: readonly CacheInput[]): CacheInput[] {
  return inputs.map((input) => ({ path: path.basename(input.path), size: input.size, mtimeMs: 0, ino: 0, contentHash: input.contentHash }));
}

/** Writes atomically (temp file + rename) so a crash never leaves a half-written cache behind. */
export function writeCache(cacheFile: string, inputs: CacheInput[], data: CorpusData): void {
  const structure = asciiJson({ ...data, texts: undefined }, (key, value) => (key === 'index' ? undefined : value));
  const texts = asciiJson(data.texts);
  const payload = `${structure}\n${texts}`;
  const header: CacheHeader = { format: CACHE_FORMAT, inputs, structureHash: hashBytes(Buffer.from(structure, 'latin1')), textsHash: hashBytes(Buffer.from(texts, 'latin1')), structureBytes: structure.length };
  mkdirSync(path.dirname(cacheFile), { recursive: true });
  // The header names the bundles' paths: escaped like the rest, so any path reads back as written.
  replaceFile(cacheFile, `${asciiJson(header)}\n${payload}`);
}

/** Temp file + rename: a crash never leaves a half-written cache behind. Threads of one process
 *  share its pid: the thread id keeps their temp files apart. */
function replaceFile(file: string, content: string | Buffer): void {
  const temp = `${file}.${process.pid}.${threadId}.tmp`;
  writeFileSync(temp, content, 'latin1'); // the cache is ASCII; a Buffer is written as it is
  renameSync(temp, file);
}

/** JSON with every non-ASCII character escaped, so the file is pure ASCII. */
function asciiJson(value: unknown, replacer?: (key: string, value: unknown) => unknown): string {
  return JSON.stringify(value, replacer).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Re-hashes every input's content (streamed: a 37 MB bundle is never held in memory); false when
 *  any differs from what the cache was built from. */
export async function verifyInputs(inputs: readonly CacheInput[]): Promise<boolean> {
  for (const input of inputs) {
    try {
      if ((await hashFile(input.path)) !== input.contentHash) return false;
    } catch {
      return false;
    }
  }
  return true;
}

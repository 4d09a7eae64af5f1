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
// re-hashes the content. `verifyInputs` re-hashes every input and is run off the start-up path.
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
export const CACHE_FORMAT = 9;

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
}

export type CacheMiss = 'absent' | 'format' | 'inputs' | 'changed' | 'corrupt';

/** On a hit, `data.texts` is empty and `loadTexts` parses them when first needed; it returns
 *  undefined when the texts section turns out to be corrupt. */
export type CacheRead =
  | { hit: true; data: CorpusData; loadTexts: () => string[] | undefined; inputs: CacheInput[] }
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
  let bytes: Buffer;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return { hit: false, reason: 'absent' };
  }
  const headerEnd = bytes.indexOf(NEWLINE);
  const structureEnd = headerEnd < 0 ? -1 : bytes.indexOf(NEWLINE, headerEnd + 1);
  if (structureEnd < 0) return { hit: false, reason: 'corrupt', detail: 'truncated' };
  let header: CacheHeader;
  try {
    header = JSON.parse(bytes.toString('latin1', 0, headerEnd)) as CacheHeader;
  } catch {
    return { hit: false, reason: 'corrupt', detail: 'unreadable header' };
  }
  if (header.format !== CACHE_FORMAT) return { hit: false, reason: 'format' };
  const wanted = bundlePaths.map((p) => path.resolve(p));
  const named = (file: string) => (options.prebuilt ? path.basename(file) : file);
  if (header.inputs?.length !== wanted.length || header.inputs.some((input, i) => input.path !== named(wanted[i]))) {
    return { hit: false, reason: 'inputs' };
  }
  const inputs: CacheInput[] = [];
  for (const [i, input] of header.inputs.entries()) {
    let stat;
    try {
      stat = statSync(wanted[i]);
    } catch {
      return { hit: false, reason: 'changed', detail: `${wanted[i]} is gone` };
    }
    const unchanged = stat.size === input.size && (options.prebuilt || (stat.mtimeMs === input.mtimeMs && stat.ino === input.ino));
    if ((options.verifyContent || !unchanged) && hashBytes(readFileSync(wanted[i])) !== input.contentHash) return { hit: false, reason: 'changed', detail: `${wanted[i]} changed` };
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
  // use). A file rewritten since is caught by the texts' hash, as corruption is.
  const textsStart = structureEnd + 1;
  const fileLength = bytes.length;
  const loadTexts = () => {
    const section = readSection(cacheFile, textsStart, fileLength);
    if (!section || hashBytes(section) !== header.textsHash) return undefined;
    try {
      return JSON.parse(section.toString('latin1')) as string[];
    } catch {
      return undefined;
    }
  };
  return { hit: true, data: { ...data, texts: [] }, loadTexts, inputs };
}

/** Bytes `start` to the end of a file that is still `length` bytes long; undefined otherwise. */
function readSection(file: string, start: number, length: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    if (fstatSync(fd).size !== length) return undefined;
    const section = Buffer.allocUnsafe(length - start);
    let read = 0;
    while (read < section.length) {
      const n = readSync(fd, section, read, section.length - read, start + read);
      if (n === 0) return undefined;
      read += n;
    }
    return section;
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
  const header: CacheHeader = { format: CACHE_FORMAT, inputs, structureHash: hashBytes(Buffer.from(structure, 'latin1')), textsHash: hashBytes(Buffer.from(texts, 'latin1')) };
  mkdirSync(path.dirname(cacheFile), { recursive: true });
  // Threads of one process (check's worker) share its pid: the thread id keeps their temp files apart.
  const temp = `${cacheFile}.${process.pid}.${threadId}.tmp`;
  // The header names the bundles' paths: escaped like the rest, so any path reads back as written.
  writeFileSync(temp, `${asciiJson(header)}\n${payload}`, 'latin1');
  renameSync(temp, cacheFile);
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

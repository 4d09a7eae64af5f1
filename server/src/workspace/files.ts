// Finding and reading rule files: workspace-relative excludes (files.exclude + ttpLens.exclude),
// candidate extensions, and the files we refuse to read (over 2 MB, binary).
import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { DETECTION_TEXT_EXTENSIONS } from '../formats/detect';
import { globMatcher } from '../globs';

export const MAX_RULE_BYTES = 2 * 1024 * 1024;
const RULE_EXTENSIONS = new Set(['.yml', '.yaml', '.toml', ...DETECTION_TEXT_EXTENSIONS]);
/** The candidate rule files as one glob, for the editor's file watcher. */
export const RULE_FILE_GLOB = `**/*.{${[...RULE_EXTENSIONS].map((e) => e.slice(1)).join(',')}}`;

export type SkipReason = 'large' | 'binary' | 'unreadable';

export type ReadResult = { text: string } | { skipped: SkipReason; detail: string };

/** Where readRuleBytes reads a file to: a buffer that grows on request. */
export interface ByteSink {
  readonly buffer: Buffer;
  /** Makes `buffer` at least `length` bytes long, keeping the bytes it holds. */
  grow(length: number): void;
}

/** One read buffer for all files (reads are synchronous, so it is never shared): a whole-workspace
 *  index then allocates the texts only, not a buffer per file as well. */
class ReadBuffer implements ByteSink {
  buffer = Buffer.allocUnsafe(64 * 1024);

  grow(length: number): void {
    const grown = Buffer.allocUnsafe(length);
    this.buffer.copy(grown);
    this.buffer = grown;
  }
}
const READ_BUFFER = new ReadBuffer();

export type BytesReadResult = { length: number } | { skipped: SkipReason; detail: string };

/** Reads a candidate rule file, refusing huge and binary ones with a reason. */
export function readRuleFile(file: string): ReadResult {
  const read = readRuleBytes(file, READ_BUFFER);
  return 'skipped' in read ? read : { text: READ_BUFFER.buffer.toString('utf8', 0, read.length) };
}

/** readRuleFile without decoding: the file's bytes are the first `length` of `sink.buffer`, which
 *  always has room for one byte more. */
export function readRuleBytes(file: string, sink: ByteSink): BytesReadResult {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    return { skipped: 'unreadable', detail: (error as Error).message };
  }
  try {
    // One open and reads until the end, no fstat (whose Stats and Dates cost more than the read of a
    // typical rule): the buffer grows while full (up to MAX_RULE_BYTES + 1: one byte more tells a
    // file over the limit), and a file past MAX_RULE_BYTES is refused.
    let read = 0;
    for (;;) {
      if (read === sink.buffer.length) {
        if (sink.buffer.length > MAX_RULE_BYTES) return tooLarge(fd);
        sink.grow(Math.min(MAX_RULE_BYTES + 1, sink.buffer.length * 2));
      }
      const n = readSync(fd, sink.buffer, read, sink.buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    if (read > MAX_RULE_BYTES) return tooLarge(fd);
    // isBinary without a view of the buffer: a NUL written just after the first 8 KB (the buffer
    // always has room after what was read) stops the search there.
    const buffer = sink.buffer;
    const limit = Math.min(read, BINARY_PROBE_BYTES);
    const saved = buffer[limit];
    buffer[limit] = 0;
    const firstNul = buffer.indexOf(0);
    buffer[limit] = saved;
    if (firstNul < limit) return { skipped: 'binary', detail: 'contains NUL bytes' };
    return { length: read };
  } catch (error) {
    return { skipped: 'unreadable', detail: (error as Error).message };
  } finally {
    closeSync(fd);
  }
}

function tooLarge(fd: number): { skipped: SkipReason; detail: string } {
  return { skipped: 'large', detail: `${(fstatSync(fd).size / 1048576).toFixed(1)} MB` };
}

const BINARY_PROBE_BYTES = 8192;

/** A NUL byte in the first 8 KB: what git and most editors take as "binary". */
export function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, BINARY_PROBE_BYTES).indexOf(0) !== -1;
}

export function isRuleCandidate(file: string): boolean {
  return RULE_EXTENSIONS.has(path.extname(file).toLowerCase());
}

/** isRuleCandidate for a file name (no separators), without path.extname: the walk asks it of every
 *  file. As path.extname, a leading dot starts no extension (".yml" has none). */
function isRuleFileName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && name.length - dot <= LONGEST_RULE_EXTENSION && RULE_EXTENSIONS.has(name.slice(dot).toLowerCase());
}
const LONGEST_RULE_EXTENSION = Math.max(...[...RULE_EXTENSIONS].map((extension) => extension.length));

/** Matches workspace-relative paths against exclude globs (VS Code's `files.exclude` syntax). */
export class ExcludeMatcher {
  private readonly matchers: ((relative: string) => boolean)[];

  constructor(globs: readonly string[]) {
    this.matchers = globs.map((glob) => globMatcher(glob.startsWith('**/') || glob.includes('/') ? glob : `**/${glob}`));
  }

  /** Whether no glob is set: nothing is excluded, and paths need not be made relative to ask. */
  get excludesNothing(): boolean {
    return this.matchers.length === 0;
  }

  excludesFile(relative: string): boolean {
    return this.matchers.some((match) => match(relative));
  }

  /** A directory is pruned when a glob excludes everything under it (or it itself). */
  excludesDirectory(relative: string): boolean {
    return this.matchers.some((match) => match(relative) || match(`${relative}/\u0000`));
  }
}

/** `files.exclude` is an object of glob → boolean (or a `when` clause, which we treat as true). */
export function excludeGlobs(filesExclude: Record<string, unknown> | undefined, ttpLensExclude: readonly string[]): string[] {
  const fromFiles = Object.entries(filesExclude ?? {})
    .filter(([, value]) => value === true || (typeof value === 'object' && value !== null))
    .map(([glob]) => glob);
  return [...fromFiles, ...ttpLensExclude];
}

/** Every candidate rule file under `root`, sorted, skipping excluded folders. Symbolic links are
 *  not followed, so link loops cannot trap the walk. */
export function listRuleFiles(root: string, exclude: ExcludeMatcher): string[] {
  const files: string[] = [];
  const checked = !exclude.excludesNothing;
  const separator = path.sep;
  // Paths are built by concatenation (not path.join/relative per entry): this walks every folder.
  const walk = (directory: string, relativeDirectory: string) => {
    let entries;
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return; // unreadable folder: nothing to index there
    }
    // Sorted a folder at a time, a folder's name followed by the separator: the order of a sort of
    // the whole paths (what is under a folder comes together, and sorts as the folder's name and
    // separator do), for the price of sorting names instead of long paths with long common prefixes.
    const names: string[] = [];
    for (const entry of entries) {
      if (entry.isDirectory()) names.push(entry.name + separator);
      else if (entry.isFile() && isRuleFileName(entry.name)) names.push(entry.name);
    }
    names.sort();
    for (const name of names) {
      if (name.endsWith(separator)) {
        const folder = name.slice(0, -1);
        const relative = checked ? (relativeDirectory ? `${relativeDirectory}/${folder}` : folder) : '';
        if (!checked || !exclude.excludesDirectory(relative)) walk(`${directory}${separator}${folder}`, relative);
      } else if (!checked || !exclude.excludesFile(relativeDirectory ? `${relativeDirectory}/${name}` : name)) {
        files.push(`${directory}${separator}${name}`);
      }
    }
  };
  walk(path.resolve(root), '');
  return files;
}

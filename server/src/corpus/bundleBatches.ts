// Parsing a pretty-printed STIX bundle in batches of its "objects" array while it is read, so the
// whole text is never decoded into one string nor parsed into one tree (the decode of 37 MB and the
// garbage collection of its tree cost more than JSON.parse itself).
//
// Batch boundaries come from the layout: a raw newline cannot occur inside a JSON string, so in a
// pretty-printed bundle an element of the array ends at a newline, the elements' indentation and
// "}". Nothing relies on that being true: each batch (from a known element start to a candidate end)
// is parsed by JSON.parse, which fails unless it is a whole number of elements; the separators
// between batches are checked; and the bundle around the array (its head and tail) is parsed too,
// with a sentinel in place of the array, which tells a later duplicate "objects" key. Any surprise
// (a minified bundle, a syntax error, an odd layout) returns false and the caller parses the whole
// text the ordinary way, which gives the usual error messages. So a bundle parses to exactly what
// JSON.parse of its text gives, or falls back to it.

import { isAscii } from 'node:buffer';

const BATCH_BYTES = 64 * 1024;
/** The wrapper of the array must show where "objects" starts within this much text. */
const MAX_HEAD_BYTES = 1024 * 1024;
const SENTINEL = '\u0000ttp-lens objects';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const COMMA = 0x2c;
const CLOSE_ARRAY = 0x5d;
const OBJECTS_KEY = Buffer.from('"objects"');

const isSpace = (byte: number) => byte === 0x20 || byte === NEWLINE || byte === 0x0d || byte === 0x09;

/** Splits the bytes of a bundle, pushed in chunks, into parsed batches of its objects. */
export class BundleBatches {
  private pending: Buffer = Buffer.alloc(0);
  private state: 'head' | 'elements' | 'tail' = 'head';
  private head = '';
  /** In `pending`: where the current batch starts and from where to look for its end. */
  private start = 0;
  private searchFrom = 0;
  private needle = Buffer.alloc(0);
  private readonly tail: Buffer[] = [];
  private failed = false;

  constructor(private onBatch: (elements: unknown[]) => void) {}

  /** False when the bundle cannot be split: parse its whole text instead. */
  push(chunk: Buffer): boolean {
    if (this.failed) return false;
    if (this.state === 'tail') {
      this.tail.push(chunk);
      return true;
    }
    const rest = this.pending.length - this.start;
    if (rest <= 0) this.pending = chunk;
    else if (chunk.buffer === this.pending.buffer && chunk.byteOffset === this.pending.byteOffset + this.pending.length) {
      // The next bytes of the same buffer (a file read into one buffer): a wider view, no copy.
      this.pending = Buffer.from(chunk.buffer, this.pending.byteOffset + this.start, rest + chunk.length);
    } else this.pending = Buffer.concat([this.pending.subarray(this.start), chunk]);
    this.searchFrom -= this.start;
    this.start = 0;
    if (this.state === 'head' && !this.findArray()) return !this.failed && (this.pending.length <= MAX_HEAD_BYTES || this.giveUp());
    return this.state !== 'elements' || this.takeBatches(false);
  }

  /** The bundle with its "objects" replaced by an empty array, or undefined when it cannot be split. */
  end(): Record<string, unknown> | undefined {
    const ended = this.finish();
    // A stream that pushed here may keep this object a while: it should not keep what onBatch keeps.
    this.onBatch = () => undefined;
    this.pending = Buffer.alloc(0);
    return ended;
  }

  private finish(): Record<string, unknown> | undefined {
    if (this.failed || this.state === 'head') return undefined;
    if (this.state === 'elements' && (!this.takeBatches(true) || (this.state as string) !== 'tail')) return undefined;
    let wrapper: unknown;
    try {
      wrapper = JSON.parse(`${this.head}[${JSON.stringify(SENTINEL)}]${Buffer.concat(this.tail).toString('utf8')}`);
    } catch {
      return undefined;
    }
    const objects = (wrapper as { objects?: unknown } | null)?.objects;
    if (!Array.isArray(objects) || objects.length !== 1 || objects[0] !== SENTINEL) return undefined;
    return { ...(wrapper as Record<string, unknown>), objects: [] };
  }

  /** Finds the "objects" key of the top-level object and its array's first element, scanning
   *  strings exactly; sets up the batch search. False while more bytes are needed. */
  private findArray(): boolean {
    const bytes = this.pending;
    let i = 0;
    while (i < bytes.length && isSpace(bytes[i])) i++;
    if (i >= bytes.length) return false;
    if (bytes[i] !== 0x7b) return this.giveUp();
    let depth = 0;
    for (; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === QUOTE) {
        const close = stringEnd(bytes, i);
        if (close < 0) return false;
        if (depth === 1 && close - i + 1 === OBJECTS_KEY.length && bytes.compare(OBJECTS_KEY, 0, OBJECTS_KEY.length, i, close + 1) === 0) {
          let j = close + 1;
          while (j < bytes.length && isSpace(bytes[j])) j++;
          if (j < bytes.length && bytes[j] === 0x3a) {
            j++;
            while (j < bytes.length && isSpace(bytes[j])) j++;
            if (j >= bytes.length) return false;
            if (bytes[j] !== 0x5b) return this.giveUp();
            return this.startElements(j);
          }
        }
        i = close;
      } else if (byte === 0x7b || byte === 0x5b) depth++;
      else if (byte === 0x7d || byte === CLOSE_ARRAY) depth--;
    }
    return false;
  }

  private startElements(bracket: number): boolean {
    const bytes = this.pending;
    let j = bracket + 1;
    let lineStart = -1;
    while (j < bytes.length && isSpace(bytes[j])) {
      if (bytes[j] === NEWLINE) lineStart = j;
      j++;
    }
    if (j >= bytes.length) return false;
    this.head = bytes.toString('utf8', 0, bracket);
    if (bytes[j] === CLOSE_ARRAY) {
      this.state = 'tail';
      this.tail.push(bytes.subarray(j + 1));
      return true;
    }
    if (lineStart < 0) return this.giveUp(); // not pretty-printed
    this.needle = Buffer.concat([bytes.subarray(lineStart, j), Buffer.from('}')]);
    this.state = 'elements';
    this.start = j;
    this.searchFrom = j;
    return true;
  }

  /** Parses every batch whose end is in `pending` (at the end of the input, the last one too). */
  private takeBatches(ended: boolean): boolean {
    const bytes = this.pending;
    for (;;) {
      const from = Math.max(this.searchFrom, this.start + BATCH_BYTES);
      let candidate = from < bytes.length ? bytes.indexOf(this.needle, from) : -1;
      if (candidate < 0) {
        if (!ended) {
          this.searchFrom = Math.max(this.start, bytes.length - this.needle.length);
          return true;
        }
        candidate = bytes.lastIndexOf(this.needle);
        if (candidate < this.start) return this.giveUp();
      }
      const end = candidate + this.needle.length;
      let next = end;
      while (next < bytes.length && isSpace(bytes[next])) next++;
      if (next >= bytes.length) {
        if (!ended) {
          this.searchFrom = candidate;
          return true;
        }
        return this.giveUp();
      }
      const separator = bytes[next];
      if (separator !== COMMA && separator !== CLOSE_ARRAY) return this.giveUp();
      const text = asciiText(bytes, this.start, end, '[', ']'); // one string, not a join then a concatenation
      if (text === undefined) return this.giveUp();
      let elements: unknown[];
      try {
        elements = JSON.parse(text) as unknown[];
      } catch {
        return this.giveUp();
      }
      this.onBatch(elements);
      if (separator === CLOSE_ARRAY) {
        this.state = 'tail';
        this.tail.push(bytes.subarray(next + 1));
        this.start = bytes.length;
        return true;
      }
      next++;
      while (next < bytes.length && isSpace(bytes[next])) next++;
      this.start = next;
      this.searchFrom = next;
    }
  }

  private giveUp(): false {
    this.failed = true;
    this.pending = Buffer.alloc(0);
    this.start = 0;
    this.searchFrom = 0;
    return false;
  }
}

/** The UTF-8 text of bytes[start, end) with every non-ASCII character written as a JSON escape
 *  (\uXXXX), so the string is one byte per character: V8 decodes such text several times faster
 *  than UTF-8, and parses it twice as fast. JSON allows non-ASCII only inside strings, where a
 *  character and its escape mean the same; a run of non-ASCII bytes is bounded by ASCII ones, so it
 *  decodes alone exactly as within the whole text. Undefined when a run follows an escaping
 *  backslash (invalid JSON, which the escape would make valid). `before` and `after` are added. */
export function asciiText(bytes: Buffer, start: number, end: number, before = '', after = ''): string | undefined {
  const runs: number[] = [];
  nonAsciiRanges(bytes, start, end, runs);
  if (runs.length === 0) return before + bytes.toString('latin1', start, end) + after;
  const parts: string[] = [before];
  let at = start;
  for (let k = 0; k < runs.length; k += 2) {
    let from = Math.max(at, runs[k]);
    let to = runs[k + 1];
    // A range found by halving may cut a run (or a character) short: take the whole run.
    while (from > at && bytes[from - 1] >= 0x80) from--;
    while (to < end && bytes[to] >= 0x80) to++;
    if (to <= at) continue;
    parts.push(bytes.toString('latin1', at, from));
    let i = from;
    while (i < to) {
      while (i < to && bytes[i] < 0x80) i++;
      if (i >= to) break;
      let j = i;
      while (j < to && bytes[j] >= 0x80) j++;
      let backslashes = 0;
      while (bytes[i - 1 - backslashes] === BACKSLASH) backslashes++;
      if (backslashes % 2 === 1) return undefined;
      parts.push(bytes.toString('latin1', from, i), escapeAll(bytes.toString('utf8', i, j)));
      from = i = j;
    }
    parts.push(bytes.toString('latin1', from, to));
    at = to;
  }
  parts.push(bytes.toString('latin1', at, end), after);
  return parts.join('');
}

/** Pushes [from, to) pairs, each at most 64 bytes, covering every non-ASCII byte of bytes[start, end)
 *  (halving with the native isAscii check: a few calls per run, instead of a loop over every byte). */
function nonAsciiRanges(bytes: Buffer, start: number, end: number, into: number[]): void {
  if (isAscii(bytes.subarray(start, end))) return;
  if (end - start <= 64) {
    into.push(start, end);
    return;
  }
  const middle = (start + end) >>> 1;
  nonAsciiRanges(bytes, start, middle, into);
  nonAsciiRanges(bytes, middle, end, into);
}

function escapeAll(text: string): string {
  let escaped = '';
  for (let i = 0; i < text.length; i++) escaped += `\\u${text.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return escaped;
}

/** Index of the quote closing the string that opens at `open`, or -1 when it is not in `bytes`. */
function stringEnd(bytes: Buffer, open: number): number {
  let at = open;
  for (;;) {
    at = bytes.indexOf(QUOTE, at + 1);
    if (at < 0) return -1;
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

// The workspace index's first try on a YAML file: a Sigma rule written the way rule repositories
// write them (SigmaHQ: one document, block `tags` list, `logsource` fields, plain or simply quoted
// one-line values) read with string searches and character loops, no line slices, no regular
// expression per line. It returns exactly what the line scanner (sigmaScan.ts) returns for such a
// file, and undefined — "ask the line scanner" — for anything else: other formats, several
// documents, flow style, tabs outside comment lines, line separators (U+2028, U+2029), anchors,
// multi-line values, duplicate keys… The index tries its WebAssembly build (sigmaQuickScanBytes.ts)
// on the file's bytes first.
// A test checks the equality on every SigmaHQ rule, every fixture and mutations of them.
import type { Range } from 'vscode-languageserver-types';
import type { AttackReference, InsertionPoint, LogSource, RuleDocument, RuleIdentity } from './model';
import { keptString, referenceWithRange } from './model';
import { KEY_ID, KEY_LEVEL, KEY_LOGSOURCE, KEY_STATUS, KEY_TAGS, KEY_TITLE } from './sigmaQuickScanLayout';
import { hasTabOutsideComments } from './sigmaScan';
import { sigmaTagTemplate } from './sigmaTags';

const NEWLINE = 10;
const SPACE = 32;
const HASH = 35;
const QUOTE = 39;
const DOUBLE_QUOTE = 34;
const DASH = 45;
const COLON = 58;

/** Plain scalars the YAML 1.2 core schema reads as something other than a string (as sigmaScan.ts). */
const NON_STRING_PLAIN = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

// Top-level keys a Sigma rule uses, as bits: the duplicate-key check and the format check (title
// and one of logsource/detection/correlation/filter, as detect.ts decides) without a Set per file.
// (The bits the WebAssembly build records are in sigmaQuickScanLayout.ts.)
const TITLE = KEY_TITLE;
const ID = KEY_ID;
const STATUS = KEY_STATUS;
const LEVEL = KEY_LEVEL;
const TAGS = KEY_TAGS;
const LOGSOURCE = KEY_LOGSOURCE;
const SIGMA_BODY = 64 | 128 | 256 | LOGSOURCE;
const KEY_BITS: Record<string, number> = {
  title: TITLE, id: ID, status: STATUS, level: LEVEL, tags: TAGS, logsource: LOGSOURCE, detection: 64, correlation: 128, filter: 256,
  related: 1 << 9, description: 1 << 10, references: 1 << 11, author: 1 << 12, date: 1 << 13, modified: 1 << 14,
  falsepositives: 1 << 15, fields: 1 << 16, license: 1 << 17, name: 1 << 18, taxonomy: 1 << 19,
  simulation: 1 << 20, regression_tests_path: 1 << 21, scope: 1 << 22,
};
/** The keys of KEY_BITS by length and their bits, for finding a key's bit with startsWith instead of a slice. */
const KEYS_BY_LENGTH: string[][] = [];
const BITS_BY_LENGTH: number[][] = [];
for (const [key, bit] of Object.entries(KEY_BITS)) {
  (KEYS_BY_LENGTH[key.length] ??= []).push(key);
  (BITS_BY_LENGTH[key.length] ??= []).push(bit);
}
/** A key and its colon at the start of a line (the colon then a space, the line's end or the text's):
 *  lastIndex lands after the colon. */
const KEY_AND_COLON = /[A-Za-z_][\w.-]* *:(?=[ \n]|$)/y;

/** Whether `code` is a character String.prototype.trim removes (other than the space and line ends,
 *  which are handled where they occur): the line scanner trims with it, so such values are declined. */
function isOtherWhitespace(code: number): boolean {
  if (code < 0x80) return code === 9 || code === 11 || code === 12 || code === 13;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/** The offset of the colon after a key at `start`, or -1 when no key starts there. */
function keyColon(text: string, start: number): number {
  KEY_AND_COLON.lastIndex = start;
  return KEY_AND_COLON.test(text) ? KEY_AND_COLON.lastIndex - 1 : -1;
}

/** The string kept for a field last time (keptString), reused while files repeat it — rules of one
 *  folder share their log source and list prefix — without slicing and hashing it again. */
class LastKept {
  private value = '';

  of(text: string, start: number, end: number): string {
    const value = this.value;
    if (value.length === end - start && text.startsWith(value, start)) return value;
    return (this.value = keptString(text.slice(start, end)));
  }
}
const ITEM_PREFIX = new LastKept();
const CATEGORY = new LastKept();
const PRODUCT = new LastKept();
const SERVICE = new LastKept();
const STATUS_VALUE = new LastKept();
const LEVEL_VALUE = new LastKept();

/** References by tag and place (the key of their range), null for a tag outside the `attack.`
 *  namespace: the same tag at the same place in another rule is the same reference (never changed
 *  once made), found with two lookups, so a repository's index holds a few thousand. Bounded. */
const REFERENCES_AT = new Map<string, Map<number, AttackReference | null>>();
let referencesAtCount = 0;
const MAX_REFERENCES_AT = 100_000;

export function sharedReference(tag: string, line: number, start: number, end: number): AttackReference | null {
  const key = rangeKey(line, start, end);
  if (key < 0) {
    const template = sigmaTagTemplate(tag);
    return template && referenceWithRange(template, rangeAt(key, line, start, end));
  }
  let byPlace = REFERENCES_AT.get(tag);
  if (byPlace === undefined) {
    if (referencesAtCount >= MAX_REFERENCES_AT) {
      REFERENCES_AT.clear();
      referencesAtCount = 0;
    }
    byPlace = new Map();
    REFERENCES_AT.set(keptString(tag), byPlace);
  }
  let reference = byPlace.get(key);
  if (reference === undefined) {
    const template = sigmaTagTemplate(tag);
    reference = template && referenceWithRange(template, rangeAt(key, line, start, end));
    byPlace.set(key, reference);
    referencesAtCount++;
  }
  return reference;
}

/** Insertion points by item prefix and line, shared like ranges (never changed once made). Bounded. */
const INSERTIONS = new Map<string, Map<number, InsertionPoint>>();
let insertionCount = 0;
const MAX_INSERTIONS = 20_000;

export function sharedInsertion(line: number, itemPrefix: string): InsertionPoint {
  let byLine = INSERTIONS.get(itemPrefix);
  if (byLine === undefined) INSERTIONS.set(itemPrefix, (byLine = new Map()));
  let insertion = byLine.get(line);
  if (insertion === undefined) {
    if (insertionCount >= MAX_INSERTIONS) {
      INSERTIONS.clear();
      INSERTIONS.set(itemPrefix, byLine);
      byLine.clear();
      insertionCount = 0;
    }
    insertion = { position: { line, character: 0 }, itemPrefix, flow: false };
    byLine.set(line, insertion);
    insertionCount++;
  }
  return insertion;
}

/** Ranges by line and characters, shared by the rules that have a reference (or a log source) at
 *  the same place — most rules of a repository have the same header, so the index holds one range
 *  where it would hold thousands. Ranges are never changed once made. Bounded; large positions
 *  (none in a rule's header) get their own. */
const RANGES = new Map<number, Range>();
const MAX_RANGES = 100_000;

/** The key of a range in RANGES, or -1 for a range too far out to share. */
function rangeKey(line: number, start: number, end: number): number {
  return line >= 2048 || start >= 1024 || end >= 1024 ? -1 : line * 1048576 + start * 1024 + end;
}

export function sharedRange(line: number, start: number, end: number): Range {
  return rangeAt(rangeKey(line, start, end), line, start, end);
}

function rangeAt(key: number, line: number, start: number, end: number): Range {
  if (key < 0) return { start: { line, character: start }, end: { line, character: end } };
  let range = RANGES.get(key);
  if (range === undefined) {
    if (RANGES.size >= MAX_RANGES) RANGES.clear();
    range = { start: { line, character: start }, end: { line, character: end } };
    RANGES.set(key, range);
  }
  return range;
}

/** text.slice(start, end) as a string of its own, sharing no memory with the text (as copiedString),
 *  in one flat string: joining two pieces builds one, where a slice of a concatenation is two
 *  objects (the copy and a view of it) for the index to keep. */
function ownCopy(text: string, start: number, end: number): string {
  return end - start < 13 ? text.slice(start, end) : [text.slice(start, start + 1), text.slice(start + 1, end)].join('');
}

/** The references of the file being read, copied into an array of their number at the end (one
 *  file is read at a time: the scan is synchronous). */
const REFERENCES: AttackReference[] = [];

/** The reading of one file: positions are offsets into `text`; `line` is the number of the line
 *  being read, counted as the reading moves down (the jumps over sections count their newlines). */
class QuickScan {
  private readonly identity: RuleIdentity = {};
  private referenceCount = 0;
  private source: LogSource | undefined;
  private insertion: InsertionPoint | undefined;
  private line = 0;
  private keyBits = 0;
  private otherKeys: Set<string> | undefined;
  /** The last scalar read: [valueStart, valueEnd), and whether it was quoted. */
  private valueStart = 0;
  private valueEnd = 0;
  private valueQuoted = false;
  /** See nextHash: -2 before the first search. */
  private hashAt = -2;

  constructor(
    private readonly text: string,
    private readonly uri: string,
  ) {}

  /** The rule, or undefined when the line scanner must read the file. */
  run(): RuleDocument | undefined {
    REFERENCES.length = 0;
    const text = this.text;
    const length = text.length;
    let at = 0;
    const first = text.charCodeAt(0);
    if (first === SPACE || first === HASH || first === NEWLINE) at = this.nextTopLevel(0);
    while (at < length) {
      at = this.topLevelLine(at);
      if (at < 0) return undefined;
    }
    if ((this.keyBits & TITLE) === 0 || (this.keyBits & SIGMA_BODY) === 0) return undefined;
    return this.ruleDocument();
  }

  /** The rule as emptyRuleDocument and the line scanner make it (same keys, same order), built at
   *  once: arrays of the exact size and no separate store for a property added later. */
  private ruleDocument(): RuleDocument {
    const references = REFERENCES.slice(0, this.referenceCount);
    REFERENCES.length = 0;
    const logSources: LogSource[] = this.source ? [this.source] : [];
    const { uri, identity, insertion } = this;
    return insertion
      ? { uri, format: 'sigma', identity, references, logSources, problems: [], insertion }
      : { uri, format: 'sigma', identity, references, logSources, problems: [] };
  }

  /** The start of the next line at column 0 that is neither blank nor a comment, after the line
   *  that `from` is on (or the text's length): a newline search per line, cheaper than a regular
   *  expression over the text. */
  private nextTopLevel(from: number): number {
    const text = this.text;
    const last = text.length - 1;
    for (let newline = text.indexOf('\n', from); newline >= 0; newline = text.indexOf('\n', newline + 1)) {
      this.line++;
      if (newline === last) break;
      const code = text.charCodeAt(newline + 1);
      if (code !== SPACE && code !== NEWLINE && code !== HASH) return newline + 1;
    }
    return text.length;
  }

  private lineEnd(from: number): number {
    const end = this.text.indexOf('\n', from);
    return end < 0 ? this.text.length : end;
  }

  /** Reads the top-level line at `start` (and the section it opens); returns where the next one
   *  starts, or -1 to decline. */
  private topLevelLine(start: number): number {
    const text = this.text;
    const code = text.charCodeAt(start);
    if (code === DASH) {
      // A sequence item at column 0 in a section nobody reads ("- " or "-"); "---", "-x" are not.
      const next = text.charCodeAt(start + 1);
      return next === SPACE || next === NEWLINE || start + 1 === text.length ? this.nextTopLevel(start) : -1;
    }
    const colon = keyColon(text, start);
    if (colon < 0) return -1;
    let keyEnd = colon;
    while (text.charCodeAt(keyEnd - 1) === SPACE) keyEnd--;
    const bit = this.addKey(start, keyEnd);
    if (bit < 0) return -1;
    if (bit !== TAGS && bit !== LOGSOURCE && bit !== TITLE && bit !== ID && bit !== STATUS && bit !== LEVEL) return this.nextTopLevel(colon);
    const end = this.lineEnd(colon);
    let valueStart = colon + 1;
    while (valueStart < end && text.charCodeAt(valueStart) === SPACE) valueStart++;
    const keyLine = this.line;
    this.line++;
    if (bit === TAGS) return valueStart === end ? this.tags(end + 1) : -1;
    if (bit === LOGSOURCE) return valueStart === end ? this.logSource(keyLine, end + 1) : -1;
    if (!this.scalar(valueStart, end) || (!this.valueQuoted && this.isNonString())) return -1;
    const identity = this.identity;
    // Statuses and levels are a few words, each kept once; titles and IDs are the rule's own.
    if (bit === TITLE) identity.title = ownCopy(text, this.valueStart, this.valueEnd);
    else if (bit === ID) identity.id = ownCopy(text, this.valueStart, this.valueEnd);
    else if (bit === STATUS) identity.status = STATUS_VALUE.of(text, this.valueStart, this.valueEnd);
    else identity.level = LEVEL_VALUE.of(text, this.valueStart, this.valueEnd);
    return this.afterValue(end + 1);
  }

  /** After a one-line value: blank and comment lines, then the next line at column 0 — an indented
   *  one would continue the value, and a "- " item would be a sequence where the parser wants none. */
  private afterValue(start: number): number {
    const text = this.text;
    let at = start;
    while (at < text.length) {
      let first = at;
      while (text.charCodeAt(first) === SPACE) first++;
      const code = text.charCodeAt(first);
      if (code === NEWLINE || code === HASH || first === text.length) {
        at = this.lineEnd(first) + 1;
        this.line++;
        continue;
      }
      return first === at && code !== DASH ? at : -1;
    }
    return at;
  }

  /** Records a top-level key; returns its bit (0 for keys outside KEY_BITS), or -1 for a duplicate. */
  private addKey(start: number, end: number): number {
    const text = this.text;
    const candidates = KEYS_BY_LENGTH[end - start];
    if (candidates !== undefined) {
      for (let i = 0; i < candidates.length; i++) {
        if (!text.startsWith(candidates[i], start)) continue;
        const bit = BITS_BY_LENGTH[end - start][i];
        if (this.keyBits & bit) return -1;
        this.keyBits |= bit;
        return bit;
      }
    }
    const key = text.slice(start, end);
    const others = (this.otherKeys ??= new Set());
    if (others.has(key)) return -1;
    others.add(key);
    return 0;
  }

  /** The items of a block `tags` list from `start`; returns where the next top-level line starts. */
  private tags(start: number): number {
    const text = this.text;
    const length = text.length;
    let itemIndent = -1;
    let lastLine = -1;
    let lastLineStart = 0;
    let lastPrefixEnd = 0;
    let at = start;
    while (at < length) {
      let first = at;
      while (text.charCodeAt(first) === SPACE) first++;
      const end = this.lineEnd(first);
      if (first !== end && text.charCodeAt(first) !== HASH) {
        // Column 0: the next key, or something the caller declines — but a "- " there would be an item.
        if (first === at) return text.charCodeAt(at) === DASH ? -1 : this.finishTags(at, lastLine, lastLineStart, lastPrefixEnd);
        const indent = first - at;
        if (text.charCodeAt(first) !== DASH || text.charCodeAt(first + 1) !== SPACE) return -1;
        if (itemIndent >= 0 && indent !== itemIndent) return -1;
        itemIndent = indent;
        let valueStart = first + 2;
        while (valueStart < end && text.charCodeAt(valueStart) === SPACE) valueStart++;
        if (!this.scalar(valueStart, end)) return -1;
        const line = this.line;
        const reference = sharedReference(text.slice(this.valueStart, this.valueEnd), line, this.valueStart - at, this.valueEnd - at);
        if (reference) REFERENCES[this.referenceCount++] = reference;
        lastLine = line;
        lastLineStart = at;
        lastPrefixEnd = this.valueStart - (this.valueQuoted ? 1 : 0);
      } // else a blank or comment line, which changes nothing
      at = end + 1;
      this.line++;
    }
    return this.finishTags(at, lastLine, lastLineStart, lastPrefixEnd);
  }

  /** Where a new tag goes, as the parsers place it: a line after the last item, with its prefix. */
  private finishTags(next: number, lastLine: number, lastLineStart: number, lastPrefixEnd: number): number {
    if (lastLine >= 0) this.insertion = sharedInsertion(lastLine + 1, ITEM_PREFIX.of(this.text, lastLineStart, lastPrefixEnd));
    return next;
  }

  /** The fields of `logsource` (its key on line `keyLine`) from `start`; returns where the next
   *  top-level line starts. */
  private logSource(keyLine: number, start: number): number {
    const text = this.text;
    const length = text.length;
    let category: string | undefined;
    let product: string | undefined;
    let service: string | undefined;
    /** The fields as read, in order ("cp": category then product), for the object's key order. */
    let order = '';
    let fieldIndent = -1;
    let lastFieldTracked = false;
    let at = start;
    let end = 0;
    for (; at < length; at = end + 1, this.line++) {
      let first = at;
      while (text.charCodeAt(first) === SPACE) first++;
      end = this.lineEnd(first);
      if (first === end || text.charCodeAt(first) === HASH) continue; // blank and comment lines change nothing
      if (first === at) {
        if (text.charCodeAt(at) === DASH) return -1; // a sequence at column 0 under logsource
        break;
      }
      const indent = first - at;
      if (fieldIndent < 0) fieldIndent = indent;
      if (indent > fieldIndent) {
        // A nested value of another field (e.g. definition) is skipped; one of ours would continue it.
        if (lastFieldTracked) return -1;
        continue;
      }
      if (indent < fieldIndent) return -1;
      const colon = keyColon(text, first);
      if (colon < 0) return -1;
      let keyEnd = colon;
      while (text.charCodeAt(keyEnd - 1) === SPACE) keyEnd--;
      const keyLength = keyEnd - first;
      const field = keyLength === 8 && text.startsWith('category', first) ? 'c'
        : keyLength === 7 && text.startsWith('product', first) ? 'p'
        : keyLength === 7 && text.startsWith('service', first) ? 's'
        : '';
      lastFieldTracked = field !== '';
      if (!lastFieldTracked) continue;
      let valueStart = colon + 1;
      while (valueStart < end && text.charCodeAt(valueStart) === SPACE) valueStart++;
      if (order.includes(field) || !this.scalar(valueStart, end) || (!this.valueQuoted && this.isNonString())) return -1;
      order += field;
      if (field === 'c') category = CATEGORY.of(text, this.valueStart, this.valueEnd);
      else if (field === 'p') product = PRODUCT.of(text, this.valueStart, this.valueEnd);
      else service = SERVICE.of(text, this.valueStart, this.valueEnd);
    }
    if (category || product || service) this.source = logSourceOf(sharedRange(keyLine, 0, 9), order, category, product, service);
    return at;
  }

  /** Reads the one-line scalar in [start, end) (start at its first character, end at the line's
   *  end) into valueStart/valueEnd/valueQuoted: a plain scalar, or a quoted one without escapes
   *  followed only by spaces and maybe a comment. False for anything else. */
  private scalar(start: number, end: number): boolean {
    const text = this.text;
    if (start >= end) return false;
    const code = text.charCodeAt(start);
    if (code === QUOTE || code === DOUBLE_QUOTE) {
      const close = text.indexOf(code === QUOTE ? "'" : '"', start + 1);
      if (close < 0 || close >= end) return false;
      if (code === DOUBLE_QUOTE) {
        const escape = text.indexOf('\\', start + 1);
        if (escape >= 0 && escape < close) return false;
      }
      // Then spaces only, or spaces and a comment.
      let after = close + 1;
      while (after < end && text.charCodeAt(after) === SPACE) after++;
      if (after < end && (after === close + 1 || text.charCodeAt(after) !== HASH)) return false;
      this.valueStart = start + 1;
      this.valueEnd = close;
      this.valueQuoted = true;
      return true;
    }
    // Indicators that start something else than a plain scalar: & * ! | > % @ ` { [ # ? -
    switch (code) {
      case 38: case 42: case 33: case 124: case 62: case 37: case 64: case 96: case 123: case 91: case HASH:
        return false;
      case 63: case DASH: {
        const next = text.charCodeAt(start + 1);
        if (next === SPACE || isOtherWhitespace(next)) return false;
        break;
      }
    }
    if (isOtherWhitespace(code)) return false;
    // A comment starts at the first space followed by "#".
    let valueEnd = end;
    for (let at = this.nextHash(start + 1); at >= 0 && at < end; at = this.nextHash(at + 1)) {
      const before = text.charCodeAt(at - 1);
      if (isOtherWhitespace(before)) return false;
      if (before === SPACE) {
        valueEnd = at;
        break;
      }
    }
    while (text.charCodeAt(valueEnd - 1) === SPACE) valueEnd--;
    if (isOtherWhitespace(text.charCodeAt(valueEnd - 1)) || text.charCodeAt(valueEnd - 1) === COLON) return false;
    // ": " would make the value a mapping.
    for (let at = text.indexOf(':', start); at >= 0 && at < valueEnd; at = text.indexOf(':', at + 1)) {
      const after = text.charCodeAt(at + 1);
      if (after === SPACE || isOtherWhitespace(after)) return false;
    }
    this.valueStart = start;
    this.valueEnd = valueEnd;
    this.valueQuoted = false;
    return true;
  }

  /** The first "#" at or after `from` (-1 for none), from a cursor: calls come in text order, and
   *  most rules have few "#", so one search serves many values. */
  private nextHash(from: number): number {
    if (this.hashAt !== -1 && this.hashAt < from) this.hashAt = this.text.indexOf('#', from);
    return this.hashAt;
  }

  /** Whether the plain scalar just read is null, a boolean or a number in YAML. */
  private isNonString(): boolean {
    return isNonStringPlain(this.text, this.valueStart, this.valueEnd);
  }
}

/** Whether the plain scalar text.slice(start, end) is null, a boolean or a number in YAML
 *  (NON_STRING_PLAIN), with the regular expression only for values that could be one. */
export function isNonStringPlain(text: string, start: number, end: number): boolean {
  const length = end - start;
  const code = text.charCodeAt(start);
  if (code >= 48 && code <= 57) {
    // Digits, then the end or what continues a number: . e E o x (a UUID goes on with a letter or "-").
    let at = start + 1;
    while (at < end && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++;
    const next = at < end ? text.charCodeAt(at) : -1;
    if (next !== -1 && next !== 46 && next !== 101 && next !== 69 && next !== 111 && next !== 120) return false;
  } else if (code === 110 || code === 78 || code === 116 || code === 84 || code === 102 || code === 70) {
    // null, true, false in their three spellings.
    if (length !== 4 && length !== 5) return false;
  } else if (code !== 126 && code !== 43 && code !== DASH && code !== 46) {
    return false;
  }
  return NON_STRING_PLAIN.test(text.slice(start, end));
}

/** A log source with its fields in the order the rule writes them, as one object literal: adding
 *  them one by one would give each log source a separate property store. */
export function logSourceOf(range: Range, order: string, category?: string, product?: string, service?: string): LogSource {
  switch (order) {
    case 'c': return { range, category };
    case 'p': return { range, product };
    case 's': return { range, service };
    case 'cp': return { range, category, product };
    case 'pc': return { range, product, category };
    case 'cs': return { range, category, service };
    case 'sc': return { range, service, category };
    case 'ps': return { range, product, service };
    case 'sp': return { range, service, product };
    case 'cps': return { range, category, product, service };
    case 'csp': return { range, category, service, product };
    case 'pcs': return { range, product, category, service };
    case 'psc': return { range, product, service, category };
    case 'scp': return { range, service, category, product };
    default: return { range, service, product, category };
  }
}

/** The Sigma rule in `text` when it is written in the common shape (see above), else undefined:
 *  then detect the format and use the line scanner or the parser, as for any file. */
export function quickScanSigma(uri: string, text: string): RuleDocument | undefined {
  // U+2028 and U+2029 end a line for some of the line scanner's regular expressions: declined too.
  if (text.length === 0 || text.charCodeAt(0) === 0xfeff || text.indexOf('\r') >= 0 || text.indexOf('\u2028') >= 0 || text.indexOf('\u2029') >= 0 || (text.indexOf('\t') >= 0 && hasTabOutsideComments(text))) return undefined;
  return new QuickScan(text, uri).run();
}

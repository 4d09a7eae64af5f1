// AssemblyScript (compiled to WebAssembly by scripts/buildWasm.mjs, not by tsc): the quick Sigma
// scanner of server/src/formats/sigmaQuickScan.ts, line for line, on a rule file's UTF-8 bytes.
//
// Why a second copy: the workspace index reads a repository's rules once, in a process that has just
// started, so the JavaScript scanner runs in V8's interpreter for most of them (about 4× slower than
// once optimised). WebAssembly is compiled to machine code before it runs, and reads the bytes as
// they come from the file, without decoding the text first.
//
// It declines ("ask the JavaScript scanner") whenever it is not sure to read what that scanner reads:
// any line whose value it reads holding a byte outside ASCII (where UTF-16 columns would differ from
// byte columns), tabs, carriage returns and line separators anywhere, a first byte outside ASCII (a
// byte order mark).
// When it reads a file it records offsets (records()); sigmaQuickScanBytes.ts makes the RuleDocument
// from them and checks what needs JavaScript's regular expressions. A unit test checks on every
// SigmaHQ rule, every fixture and mutations of them that whatever it reads equals the JS scanner's.
import {
  FIELD_CATEGORY, FIELD_PRODUCT, FIELD_SERVICE, IDENTITY, IDENTITY_COUNT, INSERTION_LINE, KEY_ID, KEY_LEVEL, KEY_LOGSOURCE,
  KEY_STATUS, KEY_TAGS, KEY_TITLE, LOG_SOURCE_COUNT, LOG_SOURCE_FIELDS, LOG_SOURCE_LINE, MAX_TAGS, RECORD_READ, RECORD_SLOTS,
  TAG_COUNT, TAGS, VALUE_MAYBE_NOT_STRING, VALUE_QUOTED,
} from '../src/formats/sigmaQuickScanLayout';

const NEWLINE: i32 = 10;
const SPACE: i32 = 32;
const HASH: i32 = 35;
const QUOTE: i32 = 39;
const DOUBLE_QUOTE: i32 = 34;
const DASH: i32 = 45;
const COLON: i32 = 58;
const BACKSLASH: i32 = 92;

const TITLE: i32 = KEY_TITLE;
const ID: i32 = KEY_ID;
const STATUS: i32 = KEY_STATUS;
const LEVEL: i32 = KEY_LEVEL;
const TAGS_KEY: i32 = KEY_TAGS;
const LOGSOURCE: i32 = KEY_LOGSOURCE;
const SIGMA_BODY: i32 = 64 | 128 | 256 | LOGSOURCE;

// The records (their layout is in sigmaQuickScanLayout.ts, shared with the reader). A string number
// stands for the same bytes in every file (see intern): status words, log source fields, tags and
// list prefixes repeat across a repository's rules, and the reader keeps one string per number
// instead of decoding them again for every file. Titles and IDs get none.
const RECORDS: usize = memory.data(RECORD_SLOTS * 4, 16);
/** Top-level keys outside the known ones, as start and end offsets, for the duplicate-key check. */
const MAX_OTHER_KEYS: i32 = 256;
const OTHER_KEYS: usize = memory.data(MAX_OTHER_KEYS * 8, 16);

/** The strings numbered so far: an open-addressing table of (arena offset, length, number + 1) and
 *  their bytes. When either is full, further values get no number (the caller decodes them). */
const STRING_SLOTS: i32 = 8192;
const MAX_STRINGS: i32 = STRING_SLOTS / 2;
const STRING_TABLE: usize = memory.data(STRING_SLOTS * 12, 16);
const ARENA_SIZE: i32 = 1 << 18;
const ARENA: usize = memory.data(ARENA_SIZE, 16);
const MAX_STRING_LENGTH: i32 = 256;
let stringCount: i32 = 0;
let arenaUsed: i32 = 0;

let base: usize = 0;
let length: i32 = 0;
let line: i32 = 0;
let keyBits: i32 = 0;
let otherKeyCount: i32 = 0;
let identityCount: i32 = 0;
let tagCount: i32 = 0;
let valueStart: i32 = 0;
let valueEnd: i32 = 0;
let valueQuoted: i32 = 0;
/** See nextHash: -2 before the first search. */
let hashAt: i32 = -2;

/** Where the records are. */
export function records(): usize {
  return RECORDS;
}

/** Where the caller puts the file's bytes: after everything the module keeps. */
export function inputStart(): usize {
  return (__heap_base + 15) & ~15;
}

@inline function record(slot: i32, value: i32): void {
  store<i32>(RECORDS + (<usize>slot << 2), value);
}

/** The byte at `at`, or -1 past the end (where JavaScript's charCodeAt gives NaN). */
@inline function ch(at: i32): i32 {
  return at < length ? <i32>load<u8>(base + <usize>at) : -1;
}

/** The first `code` at or after `from`, or -1: sixteen bytes at a time (the input is followed by at
 *  least 16 bytes of memory the caller does not read; bytes past the end are masked out). */
function indexOf(code: i32, from: i32): i32 {
  return indexBefore(code, from, length);
}

/** indexOf, but -1 when the byte is not before `limit`. */
function indexBefore(code: i32, from: i32, limit: i32): i32 {
  const end = limit < length ? limit : length;
  const wanted = i8x16.splat(<i8>code);
  for (let at = from; at < end; at += 16) {
    let mask = i8x16.bitmask(i8x16.eq(v128.load(base + <usize>at), wanted));
    if (mask == 0) continue;
    const found = at + <i32>ctz(mask);
    return found < end ? found : -1;
  }
  return -1;
}

/** Whether a byte of [start, end) is outside ASCII. */
function hasHighByte(start: i32, end: i32): bool {
  for (let at = start; at < end; at += 16) {
    const mask = i8x16.bitmask(v128.load(base + <usize>at));
    if (mask == 0) continue;
    return at + <i32>ctz(mask) < end;
  }
  return false;
}

/** Whether the input holds a tab, a carriage return, or a line or paragraph separator (U+2028,
 *  U+2029: E2 80 A8, E2 80 A9), all of which the JavaScript scanner declines. */
function hasRefusedCharacter(): bool {
  const tab = i8x16.splat(9);
  const ret = i8x16.splat(13);
  const lead = i8x16.splat(<i8>0xe2);
  for (let at = 0; at < length; at += 16) {
    const bytes = v128.load(base + <usize>at);
    let mask = i8x16.bitmask(v128.or(v128.or(i8x16.eq(bytes, tab), i8x16.eq(bytes, ret)), i8x16.eq(bytes, lead)));
    while (mask != 0) {
      const found = at + <i32>ctz(mask);
      if (found >= length) return false;
      if (ch(found) != 0xe2 || (ch(found + 1) == 0x80 && (ch(found + 2) == 0xa8 || ch(found + 2) == 0xa9))) return true;
      mask &= mask - 1;
    }
  }
  return false;
}

/** The ASCII characters other than the space and line ends that String.prototype.trim removes. */
@inline function isOtherWhitespace(code: i32): bool {
  return code == 9 || code == 11 || code == 12 || code == 13;
}

@inline function isKeyStart(code: i32): bool {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code == 95;
}

@inline function isKeyPart(code: i32): bool {
  return isKeyStart(code) || (code >= 48 && code <= 57) || code == 46 || code == DASH;
}

/** The offset of the colon after a key at `start` (/[A-Za-z_][\w.-]* *:(?=[ \n]|$)/y), or -1. */
function keyColon(start: i32): i32 {
  if (!isKeyStart(ch(start))) return -1;
  let at = start + 1;
  while (isKeyPart(ch(at))) at++;
  while (ch(at) == SPACE) at++;
  if (ch(at) != COLON) return -1;
  const next = ch(at + 1);
  return next == -1 || next == SPACE || next == NEWLINE ? at : -1;
}

function lineEnd(from: i32): i32 {
  const end = indexOf(NEWLINE, from);
  return end < 0 ? length : end;
}

/** Whether the bytes at `start` are `word`'s (ASCII). */
function isWord(start: i32, word: string): bool {
  for (let i = 0; i < word.length; i++) if (ch(start + i) != <i32>word.charCodeAt(i)) return false;
  return true;
}

/** The bit of a known top-level key (sigmaQuickScan.ts KEY_BITS), 0 for another key. */
function keyBit(start: i32, size: i32): i32 {
  switch (size) {
    case 2: return isWord(start, 'id') ? ID : 0;
    case 4: return isWord(start, 'tags') ? TAGS_KEY : isWord(start, 'date') ? 1 << 13 : isWord(start, 'name') ? 1 << 18 : 0;
    case 5: return isWord(start, 'title') ? TITLE : isWord(start, 'level') ? LEVEL : isWord(start, 'scope') ? 1 << 22 : 0;
    case 6: return isWord(start, 'status') ? STATUS : isWord(start, 'filter') ? 256 : isWord(start, 'author') ? 1 << 12 : isWord(start, 'fields') ? 1 << 16 : 0;
    case 7: return isWord(start, 'related') ? 1 << 9 : isWord(start, 'license') ? 1 << 17 : 0;
    case 8: return isWord(start, 'modified') ? 1 << 14 : isWord(start, 'taxonomy') ? 1 << 19 : 0;
    case 9: return isWord(start, 'logsource') ? LOGSOURCE : isWord(start, 'detection') ? 64 : 0;
    case 10: return isWord(start, 'references') ? 1 << 11 : isWord(start, 'simulation') ? 1 << 20 : 0;
    case 11: return isWord(start, 'correlation') ? 128 : isWord(start, 'description') ? 1 << 10 : 0;
    case 14: return isWord(start, 'falsepositives') ? 1 << 15 : 0;
    case 21: return isWord(start, 'regression_tests_path') ? 1 << 21 : 0;
  }
  return 0;
}

/** Records a top-level key; returns its bit (0 for other keys), or -1 for a duplicate (or too many keys). */
function addKey(start: i32, end: i32): i32 {
  const size = end - start;
  const bit = keyBit(start, size);
  if (bit != 0) {
    if (keyBits & bit) return -1;
    keyBits |= bit;
    return bit;
  }
  for (let k = 0; k < otherKeyCount; k++) {
    const otherStart = load<i32>(OTHER_KEYS + (<usize>k << 3));
    if (load<i32>(OTHER_KEYS + (<usize>k << 3) + 4) - otherStart != size) continue;
    let same = true;
    for (let i = 0; i < size; i++) {
      if (ch(otherStart + i) != ch(start + i)) {
        same = false;
        break;
      }
    }
    if (same) return -1;
  }
  if (otherKeyCount == MAX_OTHER_KEYS) return -1;
  store<i32>(OTHER_KEYS + (<usize>otherKeyCount << 3), start);
  store<i32>(OTHER_KEYS + (<usize>otherKeyCount << 3) + 4, end);
  otherKeyCount++;
  return 0;
}

/** The number of the string of bytes [start, end): the same for the same bytes in any file; -1 when
 *  the table is full or the value long. */
function intern(start: i32, end: i32): i32 {
  const size = end - start;
  if (size > MAX_STRING_LENGTH) return -1;
  let hash: u32 = 2166136261;
  for (let at = start; at < end; at++) hash = (hash ^ load<u8>(base + <usize>at)) * 16777619;
  for (let probe: u32 = 0; ; probe++) {
    const entry = STRING_TABLE + <usize>((hash + probe) & <u32>(STRING_SLOTS - 1)) * 12;
    const number = load<i32>(entry, 8);
    if (number == 0) {
      if (stringCount == MAX_STRINGS || arenaUsed + size > ARENA_SIZE) return -1;
      memory.copy(ARENA + <usize>arenaUsed, base + <usize>start, <usize>size);
      store<i32>(entry, arenaUsed);
      store<i32>(entry, size, 4);
      store<i32>(entry, ++stringCount, 8);
      arenaUsed += size;
      return stringCount - 1;
    }
    if (load<i32>(entry, 4) != size) continue;
    const kept = ARENA + <usize>load<i32>(entry);
    let same = true;
    for (let i = 0; i < size; i++) {
      if (load<u8>(kept + <usize>i) != load<u8>(base + <usize>(start + i))) {
        same = false;
        break;
      }
    }
    if (same) return number - 1;
  }
  return -1;
}

/** The flags of the value just read (VALUE_QUOTED, VALUE_MAYBE_NOT_STRING): the first test of
 *  sigmaQuickScan.ts isNonStringPlain, whose regular expression the caller runs when this says maybe. */
function valueFlags(): i32 {
  if (valueQuoted) return VALUE_QUOTED;
  const code = ch(valueStart);
  if (code >= 48 && code <= 57) {
    let at = valueStart + 1;
    while (at < valueEnd && ch(at) >= 48 && ch(at) <= 57) at++;
    const next = at < valueEnd ? ch(at) : -1;
    return next == -1 || next == 46 || next == 101 || next == 69 || next == 111 || next == 120 ? VALUE_MAYBE_NOT_STRING : 0;
  }
  if (code == 110 || code == 78 || code == 116 || code == 84 || code == 102 || code == 70) {
    const size = valueEnd - valueStart;
    return size == 4 || size == 5 ? VALUE_MAYBE_NOT_STRING : 0;
  }
  return code == 126 || code == 43 || code == DASH || code == 46 ? VALUE_MAYBE_NOT_STRING : 0;
}

/** Reads the file of `size` bytes at `input`: 1 when it was read (see the records), 0 to decline. */
export function scan(input: usize, size: i32): i32 {
  base = input;
  length = size;
  line = 0;
  keyBits = 0;
  otherKeyCount = 0;
  identityCount = 0;
  tagCount = 0;
  hashAt = -2;
  record(RECORD_READ, 0);
  record(LOG_SOURCE_LINE, -1);
  record(INSERTION_LINE, -1);
  if (size == 0 || ch(0) >= 0x80) return 0;
  if (hasRefusedCharacter()) return 0;
  let at = 0;
  const first = ch(0);
  if (first == SPACE || first == HASH || first == NEWLINE) at = nextTopLevel(0);
  while (at < length) {
    at = topLevelLine(at);
    if (at < 0) return 0;
  }
  if ((keyBits & TITLE) == 0 || (keyBits & SIGMA_BODY) == 0) return 0;
  record(IDENTITY_COUNT, identityCount);
  record(TAG_COUNT, tagCount);
  record(RECORD_READ, 1);
  return 1;
}

/** The start of the next line at column 0 that is neither blank nor a comment, after the line that
 *  `from` is on (or the length). */
function nextTopLevel(from: i32): i32 {
  const last = length - 1;
  for (let newline = indexOf(NEWLINE, from); newline >= 0; newline = indexOf(NEWLINE, newline + 1)) {
    line++;
    if (newline == last) break;
    const code = ch(newline + 1);
    if (code != SPACE && code != NEWLINE && code != HASH) return newline + 1;
  }
  return length;
}

/** Reads the top-level line at `start` (and the section it opens); returns where the next one
 *  starts, or -1 to decline. */
function topLevelLine(start: i32): i32 {
  const code = ch(start);
  if (code == DASH) {
    const next = ch(start + 1);
    return next == SPACE || next == NEWLINE || start + 1 == length ? nextTopLevel(start) : -1;
  }
  const colon = keyColon(start);
  if (colon < 0) return -1;
  let keyEnd = colon;
  while (ch(keyEnd - 1) == SPACE) keyEnd--;
  const bit = addKey(start, keyEnd);
  if (bit < 0) return -1;
  if (bit != TAGS_KEY && bit != LOGSOURCE && bit != TITLE && bit != ID && bit != STATUS && bit != LEVEL) return nextTopLevel(colon);
  const end = lineEnd(colon);
  let first = colon + 1;
  while (first < end && ch(first) == SPACE) first++;
  const keyLine = line;
  line++;
  if (bit == TAGS_KEY) return first == end ? tags(end + 1) : -1;
  if (bit == LOGSOURCE) return first == end ? logSource(keyLine, end + 1) : -1;
  if (!scalar(first, end)) return -1;
  const slot = IDENTITY + 5 * identityCount++;
  record(slot, bit);
  record(slot + 1, valueStart);
  record(slot + 2, valueEnd);
  record(slot + 3, valueFlags());
  record(slot + 4, bit == TITLE || bit == ID ? -1 : intern(valueStart, valueEnd));
  return afterValue(end + 1);
}

/** After a one-line value: blank and comment lines, then the next line at column 0. */
function afterValue(start: i32): i32 {
  let at = start;
  while (at < length) {
    let first = at;
    while (ch(first) == SPACE) first++;
    const code = ch(first);
    if (code == NEWLINE || code == HASH || first == length) {
      at = lineEnd(first) + 1;
      line++;
      continue;
    }
    return first == at && code != DASH ? at : -1;
  }
  return at;
}

/** The items of a block `tags` list from `start`; returns where the next top-level line starts. */
function tags(start: i32): i32 {
  let itemIndent = -1;
  let lastLine = -1;
  let lastLineStart = 0;
  let lastPrefixEnd = 0;
  let at = start;
  while (at < length) {
    let first = at;
    while (ch(first) == SPACE) first++;
    const end = lineEnd(first);
    if (first != end && ch(first) != HASH) {
      if (first == at) return ch(at) == DASH ? -1 : finishTags(at, lastLine, lastLineStart, lastPrefixEnd);
      const indent = first - at;
      if (ch(first) != DASH || ch(first + 1) != SPACE) return -1;
      if (itemIndent >= 0 && indent != itemIndent) return -1;
      itemIndent = indent;
      let itemStart = first + 2;
      while (itemStart < end && ch(itemStart) == SPACE) itemStart++;
      if (!scalar(itemStart, end)) return -1;
      if (tagCount == MAX_TAGS) return -1;
      const slot = TAGS + 5 * tagCount++;
      record(slot, line);
      record(slot + 1, valueStart);
      record(slot + 2, valueEnd);
      record(slot + 3, at);
      record(slot + 4, intern(valueStart, valueEnd));
      lastLine = line;
      lastLineStart = at;
      lastPrefixEnd = valueStart - valueQuoted;
    }
    at = end + 1;
    line++;
  }
  return finishTags(at, lastLine, lastLineStart, lastPrefixEnd);
}

function finishTags(next: i32, lastLine: i32, lastLineStart: i32, lastPrefixEnd: i32): i32 {
  if (lastLine >= 0) {
    record(INSERTION_LINE, lastLine + 1);
    record(INSERTION_LINE + 1, lastLineStart);
    record(INSERTION_LINE + 2, lastPrefixEnd);
    record(INSERTION_LINE + 3, intern(lastLineStart, lastPrefixEnd));
  }
  return next;
}

/** The fields of `logsource` (its key on line `keyLine`) from `start`; returns where the next
 *  top-level line starts. */
function logSource(keyLine: i32, start: i32): i32 {
  let seen = 0;
  let count = 0;
  let fieldIndent = -1;
  let lastFieldTracked = false;
  let at = start;
  let end = 0;
  for (; at < length; at = end + 1, line++) {
    let first = at;
    while (ch(first) == SPACE) first++;
    end = lineEnd(first);
    if (first == end || ch(first) == HASH) continue;
    if (first == at) {
      if (ch(at) == DASH) return -1;
      break;
    }
    const indent = first - at;
    if (fieldIndent < 0) fieldIndent = indent;
    if (indent > fieldIndent) {
      if (lastFieldTracked) return -1;
      continue;
    }
    if (indent < fieldIndent) return -1;
    const colon = keyColon(first);
    if (colon < 0) return -1;
    let keyEnd = colon;
    while (ch(keyEnd - 1) == SPACE) keyEnd--;
    const keyLength = keyEnd - first;
    const field = keyLength == 8 && isWord(first, 'category') ? FIELD_CATEGORY
      : keyLength == 7 && isWord(first, 'product') ? FIELD_PRODUCT
      : keyLength == 7 && isWord(first, 'service') ? FIELD_SERVICE
      : 0;
    lastFieldTracked = field != 0;
    if (!lastFieldTracked) continue;
    let fieldStart = colon + 1;
    while (fieldStart < end && ch(fieldStart) == SPACE) fieldStart++;
    if ((seen & (1 << field)) != 0 || !scalar(fieldStart, end)) return -1;
    seen |= 1 << field;
    const slot = LOG_SOURCE_FIELDS + 5 * count++;
    record(slot, field);
    record(slot + 1, valueStart);
    record(slot + 2, valueEnd);
    record(slot + 3, valueFlags());
    record(slot + 4, intern(valueStart, valueEnd));
  }
  record(LOG_SOURCE_LINE, keyLine);
  record(LOG_SOURCE_COUNT, count);
  return at;
}

/** Reads the one-line scalar in [start, end) into valueStart/valueEnd/valueQuoted, as the
 *  JavaScript scanner does; false for anything else, and for a line holding a byte outside ASCII. */
function scalar(start: i32, end: i32): bool {
  if (start >= end) return false;
  if (hasHighByte(start, end)) return false;
  const code = ch(start);
  if (code == QUOTE || code == DOUBLE_QUOTE) {
    const close = indexBefore(code, start + 1, end);
    if (close < 0) return false;
    if (code == DOUBLE_QUOTE && indexBefore(BACKSLASH, start + 1, close) >= 0) return false;
    let after = close + 1;
    while (after < end && ch(after) == SPACE) after++;
    if (after < end && (after == close + 1 || ch(after) != HASH)) return false;
    valueStart = start + 1;
    valueEnd = close;
    valueQuoted = 1;
    return true;
  }
  // Indicators that start something else than a plain scalar: & * ! | > % @ ` { [ # ? -
  switch (code) {
    case 38: case 42: case 33: case 124: case 62: case 37: case 64: case 96: case 123: case 91: case HASH:
      return false;
    case 63: case DASH: {
      const next = ch(start + 1);
      if (next == SPACE || isOtherWhitespace(next)) return false;
      break;
    }
  }
  if (isOtherWhitespace(code)) return false;
  let end2 = end;
  for (let at = nextHash(start + 1); at >= 0 && at < end; at = nextHash(at + 1)) {
    const before = ch(at - 1);
    if (isOtherWhitespace(before)) return false;
    if (before == SPACE) {
      end2 = at;
      break;
    }
  }
  while (ch(end2 - 1) == SPACE) end2--;
  if (isOtherWhitespace(ch(end2 - 1)) || ch(end2 - 1) == COLON) return false;
  for (let at = indexBefore(COLON, start, end2); at >= 0; at = indexBefore(COLON, at + 1, end2)) {
    const after = ch(at + 1);
    if (after == SPACE || isOtherWhitespace(after)) return false;
  }
  valueStart = start;
  valueEnd = end2;
  valueQuoted = 0;
  return true;
}

/** The first "#" at or after `from` (-1 for none), from a cursor, as in the JavaScript scanner. */
function nextHash(from: i32): i32 {
  if (hashAt != -1 && hashAt < from) hashAt = indexOf(HASH, from);
  return hashAt;
}

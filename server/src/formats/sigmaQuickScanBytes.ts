// The quick Sigma scanner on a rule file's bytes: the WebAssembly build of server/asm/sigmaQuickScan.ts
// reads the file where it was read to (its memory is the read buffer), and this file makes the
// RuleDocument from the offsets it records — the same objects quickScanSigma makes from the text.
// It is the workspace index's first try on a YAML file: compiled before it runs, it reads a
// repository's rules at full speed from the first one, where the JavaScript scanner spends most of
// a fresh process's first pass in V8's interpreter. Whatever it declines goes to quickScanSigma.
import { type AttackReference, keptString, type LogSource, type RuleDocument, type RuleIdentity } from './model';
import { isNonStringPlain, logSourceOf, sharedInsertion, sharedRange, sharedReference } from './sigmaQuickScan';
import {
  FIELD_CATEGORY,
  FIELD_PRODUCT,
  IDENTITY,
  IDENTITY_COUNT,
  INSERTION_LINE,
  KEY_ID,
  KEY_STATUS,
  KEY_TITLE,
  LOG_SOURCE_COUNT,
  LOG_SOURCE_FIELDS,
  LOG_SOURCE_LINE,
  RECORD_SLOTS,
  TAG_COUNT,
  TAGS,
  VALUE_MAYBE_NOT_STRING,
} from './sigmaQuickScanLayout';
import { SIGMA_QUICK_SCAN_WASM } from './sigmaQuickScanWasm';

// Node's WebAssembly global; its types come with lib.dom, which the server does not include.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
};

interface ScannerExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  scan(input: number, size: number): number;
  records(): number;
  inputStart(): number;
}

const TITLE = KEY_TITLE;
const ID = KEY_ID;
const STATUS = KEY_STATUS;

/** Node's Buffer method behind toString('latin1'), without toString's argument handling. */
interface LatinSlicing {
  latin1Slice(start: number, end: number): string;
}

const PAGE = 65536;
const SIMD_SLACK = 16;

/** The scanner's memory as a read buffer (workspace/files.ts ByteSink): `buffer` starts where the
 *  module takes its input, and grows with the memory. */
export class SigmaByteScanner {
  buffer: Buffer;
  /** buffer.length, read on every file. */
  private capacity = 0;
  private records: Int32Array;
  /** Set when the module trapped: it is not asked again. */
  private broken = false;
  /** The strings of the module's string numbers (see intern in the module), as they are met. */
  private readonly strings: string[] = [];
  private readonly exports: ScannerExports;
  private readonly input: number;

  constructor() {
    const module = new WebAssembly.Module(Buffer.from(SIGMA_QUICK_SCAN_WASM, 'base64'));
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as ScannerExports;
    this.input = this.exports.inputStart();
    this.buffer = Buffer.alloc(0);
    this.records = new Int32Array(0);
    this.grow(64 * 1024);
  }

  /** Makes `buffer` at least `length` bytes long, keeping its bytes (growing a memory keeps them). */
  grow(length: number): void {
    const memory = this.exports.memory;
    const needed = this.input + length;
    if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
    // Growing detaches the old views.
    this.buffer = Buffer.from(memory.buffer, this.input, memory.buffer.byteLength - this.input);
    this.capacity = this.buffer.length;
    this.records = new Int32Array(memory.buffer, this.exports.records(), RECORD_SLOTS);
  }

  /** The rule in the first `size` bytes of `buffer`, as quickScanSigma reads their text; undefined
   *  when the scanner declines (then decode the text and ask quickScanSigma). */
  scan(uri: string, size: number): RuleDocument | undefined {
    // The module reads sixteen bytes at a time, up to 15 past the end.
    if (size + SIMD_SLACK > this.capacity) this.grow(size + SIMD_SLACK);
    if (this.broken) return undefined;
    let read: number;
    try {
      read = this.exports.scan(this.input, size);
    } catch {
      // A trap would be a bug of the module: it writes only its own records, so the file's bytes
      // are intact, and this file and every later one take the JavaScript way instead.
      this.broken = true;
      return undefined;
    }
    return read === 1 ? this.ruleDocument(uri) : undefined;
  }

  /** The RuleDocument of the records, as the JavaScript scanner makes it (same keys, same order).
   *  One function with few calls: it runs once per file, mostly before V8 has optimised it. */
  private ruleDocument(uri: string): RuleDocument | undefined {
    const records = this.records;
    // Values are ASCII (the module records no other): latin1 decodes them as UTF-8 would.
    const bytes = this.buffer as unknown as LatinSlicing;
    const strings = this.strings;
    const identity: RuleIdentity = {};
    for (let slot = IDENTITY, last = IDENTITY + 5 * records[IDENTITY_COUNT]; slot < last; slot += 5) {
      const bit = records[slot];
      let value: string;
      if (bit === TITLE || bit === ID) {
        value = bytes.latin1Slice(records[slot + 1], records[slot + 2]);
      } else {
        // A string number: the string kept the first time these bytes were met.
        const number = records[slot + 4];
        value = (number >= 0 && strings[number]) || keptString(bytes.latin1Slice(records[slot + 1], records[slot + 2]));
        if (number >= 0) strings[number] = value;
      }
      if (records[slot + 3] === VALUE_MAYBE_NOT_STRING && isNonStringPlain(value, 0, value.length)) return undefined;
      if (bit === TITLE) identity.title = value;
      else if (bit === ID) identity.id = value;
      else if (bit === STATUS) identity.status = value;
      else identity.level = value;
    }
    let source: LogSource | undefined;
    const sourceLine = records[LOG_SOURCE_LINE];
    if (sourceLine >= 0) {
      let category: string | undefined;
      let product: string | undefined;
      let service: string | undefined;
      let order = '';
      for (let slot = LOG_SOURCE_FIELDS, last = LOG_SOURCE_FIELDS + 5 * records[LOG_SOURCE_COUNT]; slot < last; slot += 5) {
        const number = records[slot + 4];
        const value = (number >= 0 && strings[number]) || keptString(bytes.latin1Slice(records[slot + 1], records[slot + 2]));
        if (number >= 0) strings[number] = value;
        if (records[slot + 3] === VALUE_MAYBE_NOT_STRING && isNonStringPlain(value, 0, value.length)) return undefined;
        const field = records[slot];
        if (field === FIELD_CATEGORY) {
          category = value;
          order += 'c';
        } else if (field === FIELD_PRODUCT) {
          product = value;
          order += 'p';
        } else {
          service = value;
          order += 's';
        }
      }
      if (category || product || service) source = logSourceOf(sharedRange(sourceLine, 0, 9), order, category, product, service);
    }
    const tagCount = records[TAG_COUNT];
    let references: AttackReference[] = new Array(tagCount);
    let found = 0;
    for (let slot = TAGS, last = TAGS + 5 * tagCount; slot < last; slot += 5) {
      const start = records[slot + 1];
      const end = records[slot + 2];
      const lineStart = records[slot + 3];
      const number = records[slot + 4];
      const tag = (number >= 0 && strings[number]) || keptString(bytes.latin1Slice(start, end));
      if (number >= 0) strings[number] = tag;
      const reference = sharedReference(tag, records[slot], start - lineStart, end - lineStart);
      if (reference) references[found++] = reference;
    }
    // An array of its exact size, as the JavaScript scanner makes it.
    if (found < tagCount) references = references.slice(0, found);
    const logSources: LogSource[] = source ? [source] : [];
    const insertionLine = records[INSERTION_LINE];
    if (insertionLine < 0) return { uri, format: 'sigma', identity, references, logSources, problems: [] };
    const number = records[INSERTION_LINE + 3];
    const prefix = (number >= 0 && strings[number]) || keptString(bytes.latin1Slice(records[INSERTION_LINE + 1], records[INSERTION_LINE + 2]));
    if (number >= 0) strings[number] = prefix;
    return { uri, format: 'sigma', identity, references, logSources, problems: [], insertion: sharedInsertion(insertionLine, prefix) };
  }
}

let scanner: SigmaByteScanner | null | undefined;

/** The one byte scanner (reads are synchronous, so it is never shared), made on first use; null
 *  when WebAssembly cannot run here, and the index then reads texts as before. */
export function sigmaByteScanner(): SigmaByteScanner | null {
  if (scanner === undefined) {
    try {
      scanner = new SigmaByteScanner();
    } catch {
      scanner = null;
    }
  }
  return scanner;
}

// A lenient YAML reader for rule files the strict parser (the `yaml` package, YAML 1.2) rejects but
// the rules' own toolchains read: Sigma's and Splunk's tools use PyYAML, which accepts, for
// instance, a quoted scalar whose continuation lines start at column 0 (real Splunk ESCU searches).
// It builds the `yaml` package's own node types (YAMLMap, YAMLSeq, Scalar, with source ranges), so
// every format parser reads its result exactly as it reads a strict parse.
//
// What it reads: block maps and sequences by indentation (a sequence may sit at its key's
// indentation), `- key: value` items, plain scalars (multi-line when continued on deeper lines),
// single- and double-quoted scalars over any number of lines whatever their indentation (as PyYAML
// does), block scalars (| and >), flow collections ([a, b], {k: v}, over several lines), anchors,
// tags, aliases (read as null), comments, several documents (---, ...) and a BOM.
// What it does not understand it skips, line by line, and reports in `problems`; a file read with
// no problems is one PyYAML-style readers accept. One pass, no backtracking: linear in the input,
// whatever the input (unclosed quotes and brackets included).
import { Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { type FlowHost, FlowReader } from './yamlLenientFlow';
import { mapNode, pairNode, scalarNode, seqNode } from './yamlNodes';
import { BOOL_PLAIN, FLOAT_PLAIN, foldQuoted, INT_PLAIN, NULL_PLAIN, unescapeDouble } from './yamlScalars';
import { later } from '../l10n/l10n';

export type LenientNode = YAMLMap | YAMLSeq | Scalar;

export interface LenientProblem {
  message: string;
  start: number;
  end: number;
}

export interface LenientYaml {
  /** One root per document; null for an empty document. */
  documents: (LenientNode | null)[];
  /** What the reader skipped or could not close; empty when it read every line. */
  problems: LenientProblem[];
}

const MAX_BLOCK_DEPTH = 200;

interface LineRef {
  line: number;
  /** Offset where the line's content starts (after the indentation, or inside a `- ` item). */
  content: number;
  indent: number;
}

export function readYamlLeniently(text: string): LenientYaml {
  return new LenientReader(text).read();
}

class LenientReader implements FlowHost {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private line = 0;
  /** Content offset of the current line when parsing resumes inside it (`- key: v`). */
  private virtual: number | undefined;
  private readonly problems: LenientProblem[] = [];
  /** Quote characters with no occurrence at or after this offset (so unclosed quotes stay linear). */
  private readonly noQuoteAfter = new Map<number, number>();
  /** Candidate closing quotes already known to lead to the end of the input unclosed. */
  private readonly deadQuotes = new Set<number>();

  constructor(private readonly text: string) {
    // Lines end at \n, \r\n or a lone \r, as YAML (and the editor) end them.
    const lone = text.includes('\r') && /\r(?!\n)/.test(text);
    let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    // The next \n and \r are looked up again only once passed: a file of lone \r has no \n at all,
    // and searching for one from every line would be quadratic.
    let cr = lone ? text.indexOf('\r', start) : -1;
    let lf = text.indexOf('\n', start);
    for (;;) {
      if (lf >= 0 && lf < start) lf = text.indexOf('\n', start);
      if (cr >= 0 && cr < start) cr = text.indexOf('\r', start);
      let newline = lf;
      if (cr >= 0 && (newline < 0 || cr < newline - 1)) newline = cr;
      const end = newline < 0 ? text.length : newline;
      this.starts.push(start);
      this.ends.push(end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
      if (newline < 0) break;
      start = newline + 1;
    }
  }

  read(): LenientYaml {
    const documents: (LenientNode | null)[] = [];
    // undefined: no document open; null: an open document with no content yet.
    let current: LenientNode | null | undefined;
    for (;;) {
      const ref = this.next();
      if (!ref) break;
      const marker = this.documentMarker(ref.line);
      if (marker === '%' && current === undefined) {
        this.advanceTo(ref.line + 1);
        continue;
      }
      if (marker === '---' || marker === '...') {
        if (current !== undefined) documents.push(current);
        current = marker === '---' ? null : undefined;
        this.advanceTo(ref.line + 1);
        continue;
      }
      const node = current ? null : this.block(0);
      if (node) current = node;
      else this.skipLine(later('this line is not part of the document\'s structure'));
    }
    if (current !== undefined) documents.push(current);
    if (!documents.length) documents.push(null);
    return { documents, problems: this.problems };
  }

  // --- lines -------------------------------------------------------------------------------------

  private documentMarker(line: number): '---' | '...' | '%' | undefined {
    const start = this.starts[line];
    const text = this.text;
    if (text.startsWith('---', start) || text.startsWith('...', start)) {
      const after = text.charCodeAt(start + 3);
      if (start + 3 >= this.ends[line] || after === 32 || after === 9) return text.startsWith('---', start) ? '---' : '...';
    }
    return text.charCodeAt(start) === 37 /* % */ ? '%' : undefined;
  }

  private isBlank(line: number): boolean {
    let i = this.starts[line];
    const end = this.ends[line];
    while (i < end && (this.text.charCodeAt(i) === 32 || this.text.charCodeAt(i) === 9)) i++;
    return i === end || this.text.charCodeAt(i) === 35 /* # */;
  }

  /** The next line with content (skipping blank and comment lines), without consuming it. */
  private next(): LineRef | undefined {
    // Asked several times per line (by each enclosing block): the answer is kept until the line moves.
    const last = this.lastRef;
    if (last && last.line === this.line && last.virtual === this.virtual) return last.ref;
    const ref = this.findNext();
    this.lastRef = { line: this.line, virtual: this.virtual, ref };
    return ref;
  }

  private lastRef?: { line: number; virtual: number | undefined; ref: LineRef | undefined };

  private findNext(): LineRef | undefined {
    if (this.virtual !== undefined) return { line: this.line, content: this.virtual, indent: this.virtual - this.starts[this.line] };
    while (this.line < this.starts.length) {
      if (!this.isBlank(this.line)) {
        const start = this.starts[this.line];
        let i = start;
        while (this.text.charCodeAt(i) === 32) i++;
        if (this.text.charCodeAt(i) === 9) {
          // Tabs are not indentation in YAML (PyYAML rejects them too): read on, but say so.
          this.problem(later('a tab in the indentation'), i, i + 1);
          while (this.text.charCodeAt(i) === 32 || this.text.charCodeAt(i) === 9) i++;
        }
        return { line: this.line, content: i, indent: i - start };
      }
      this.line++;
    }
    return undefined;
  }

  private advanceTo(line: number): void {
    this.line = line;
    this.virtual = undefined;
  }

  private skipLine(message: string): void {
    const ref = this.next()!;
    this.problem(message, ref.content, Math.max(ref.content + 1, this.ends[ref.line]));
    this.advanceTo(ref.line + 1);
  }

  private problem(message: string, start: number, end: number): void {
    if (this.problems.length < 1000) this.problems.push({ message, start, end });
  }

  private lineOf(offset: number, from: number): number {
    let line = from;
    while (line + 1 < this.starts.length && this.starts[line + 1] <= offset) line++;
    return line;
  }

  // --- block structure ---------------------------------------------------------------------------

  /** The block node starting at the next content line, if it is indented at least `minIndent`. */
  private block(minIndent: number): LenientNode | null {
    const ref = this.next();
    if (!ref || ref.indent < minIndent || (this.virtual === undefined && this.blockBoundary(ref.line))) return null;
    if (this.depth >= MAX_BLOCK_DEPTH) {
      this.skipLine(later('the document is nested too deeply to read'));
      return null;
    }
    this.depth++;
    try {
      if (this.isItem(ref.content)) return this.sequence(ref.indent);
      if (this.keyAt(ref.content, this.ends[ref.line])) return this.map(ref.indent);
      return this.value(ref.content, minIndent - 1, true);
    } finally {
      this.depth--;
    }
  }

  private depth = 0;

  /** A document marker: no block continues past it. */
  private blockBoundary(line: number): boolean {
    const marker = this.documentMarker(line);
    return marker === '---' || marker === '...';
  }

  private isItem(offset: number): boolean {
    if (this.text.charCodeAt(offset) !== 45 /* - */) return false;
    const after = this.text.charCodeAt(offset + 1);
    return Number.isNaN(after) || after === 32 || after === 9 || after === 10 || after === 13;
  }

  /** The next line of the block at `indent`, skipping (with `deeper` as the problem) lines indented
   *  more; undefined where the block ends. */
  private nextInBlock(indent: number, deeper: string): LineRef | undefined {
    for (;;) {
      const ref = this.next();
      if (!ref || ref.indent < indent || (this.virtual === undefined && this.blockBoundary(ref.line))) return undefined;
      if (ref.indent <= indent) return ref;
      this.skipLine(deeper);
    }
  }

  private map(indent: number): YAMLMap {
    const map = mapNode();
    const first = this.next()!;
    const range: [number, number, number] = [first.content, first.content, first.content];
    for (;;) {
      const ref = this.nextInBlock(indent, later('this line is indented more than the keys around it'));
      if (!ref) break;
      const end = this.ends[ref.line];
      const key = this.keyAt(ref.content, end);
      if (!key) {
        if (this.isItem(ref.content)) break;
        this.skipLine(later('a line that is no "key: value" in a mapping'));
        continue;
      }
      const keyNode = key.node;
      let valueStart = key.colon + 1;
      while (valueStart < end && (this.text.charCodeAt(valueStart) === 32 || this.text.charCodeAt(valueStart) === 9)) valueStart++;
      let value: LenientNode | null;
      if (valueStart >= end || this.text.charCodeAt(valueStart) === 35 /* # */) {
        this.advanceTo(ref.line + 1);
        value = this.nestedValue(indent, key.colon + 1);
      } else {
        this.virtual = undefined;
        this.line = ref.line;
        value = this.value(valueStart, indent);
      }
      map.items.push(pairNode(keyNode, value));
      range[1] = range[2] = this.lastEnd;
    }
    map.range = range;
    return map;
  }

  /** The value of `key:` with nothing after it: a deeper block, a sequence at the key's own
   *  indentation, or null. */
  private nestedValue(indent: number, at: number): LenientNode {
    const ref = this.next();
    if (ref && !this.blockBoundary(ref.line)) {
      if (ref.indent > indent) return this.block(indent + 1) ?? this.nullAt(at);
      if (ref.indent === indent && this.isItem(ref.content)) return this.sequence(indent);
    }
    return this.nullAt(at);
  }

  private sequence(indent: number): YAMLSeq {
    const seq = seqNode();
    const first = this.next()!;
    const range: [number, number, number] = [first.content, first.content, first.content];
    for (;;) {
      const ref = this.nextInBlock(indent, later('this line is indented more than the items around it'));
      if (!ref || !this.isItem(ref.content)) break;
      const end = this.ends[ref.line];
      let itemStart = ref.content + 1;
      while (itemStart < end && (this.text.charCodeAt(itemStart) === 32 || this.text.charCodeAt(itemStart) === 9)) itemStart++;
      let item: LenientNode | null;
      if (itemStart >= end || this.text.charCodeAt(itemStart) === 35) {
        this.advanceTo(ref.line + 1);
        item = this.block(indent + 1) ?? this.nullAt(ref.content + 1);
      } else if (this.isItem(itemStart) || this.keyAt(itemStart, end)) {
        // `- - x` or `- key: value`: the item is a block whose first line starts inside this one.
        this.line = ref.line;
        this.virtual = itemStart;
        item = this.block(itemStart - this.starts[ref.line]);
      } else {
        this.line = ref.line;
        this.virtual = undefined;
        item = this.value(itemStart, indent);
      }
      seq.items.push(item);
      range[1] = range[2] = this.lastEnd;
    }
    seq.range = range;
    return seq;
  }

  private lastEnd = 0;

  /** A key at `offset` on a line ending at `end`: plain or quoted, followed by ":" and a space or
   *  the end of the line. */
  private keyAt(offset: number, end: number): { node: Scalar; colon: number } | undefined {
    const text = this.text;
    const first = text.charCodeAt(offset);
    if (first === 39 || first === 34) {
      const close = this.closingQuoteOnLine(offset, end);
      if (close < 0) return undefined;
      let colon = close + 1;
      while (colon < end && text.charCodeAt(colon) === 32) colon++;
      if (text.charCodeAt(colon) !== 58 || !this.separatorAfter(colon + 1, end)) return undefined;
      return { node: this.quotedScalar(offset, close), colon };
    }
    if (first === 35 || first === 91 || first === 123 || first === 45 && this.isItem(offset) || first === 63 /* ? */ && this.separatorAfter(offset + 1, end)) return undefined;
    let i = offset;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 58 /* : */ && this.separatorAfter(i + 1, end)) break;
      if (c === 35 && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) return undefined;
      i++;
    }
    if (i >= end) return undefined;
    let keyEnd = i;
    while (keyEnd > offset && (text.charCodeAt(keyEnd - 1) === 32 || text.charCodeAt(keyEnd - 1) === 9)) keyEnd--;
    if (keyEnd === offset) return undefined;
    return { node: this.plainScalar(offset, keyEnd, text.slice(offset, keyEnd)), colon: i };
  }

  private separatorAfter(offset: number, end: number): boolean {
    if (offset >= end) return true;
    const c = this.text.charCodeAt(offset);
    return c === 32 || c === 9;
  }

  private nullAt(offset: number): Scalar {
    return scalarNode(null, [offset, offset, offset], Scalar.PLAIN);
  }

  // --- values ------------------------------------------------------------------------------------

  /** A value starting at `offset` on the current line, inside a block indented `parentIndent`;
   *  consumes its lines. A plain scalar continues on deeper lines, but not on one that reads as a
   *  key (which YAML would reject there), nor, at the top, on an item. */
  private value(offset: number, parentIndent: number, structureEnds = true): LenientNode {
    const text = this.text;
    let line = this.lineOf(offset, this.line);
    let end = this.ends[line];
    // Anchors (&a) and tags (!t, !!str) before the value; an alias (*a) is read as null.
    for (;;) {
      const c = text.charCodeAt(offset);
      if (c !== 38 && c !== 33 && c !== 42) break;
      let i = offset;
      while (i < end && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
      if (c === 42) {
        this.finishLine(line, i, later('text after an alias'));
        return this.nullAt(offset);
      }
      while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
      offset = i;
      if (offset >= end || text.charCodeAt(offset) === 35) {
        this.advanceTo(line + 1);
        return this.nestedValue(parentIndent, offset);
      }
    }
    const c = text.charCodeAt(offset);
    if (c === 39 || c === 34) {
      const close = this.closingQuote(offset);
      if (close < 0) {
        this.problem(later('a quoted value that is never closed'), offset, end);
        this.finishLine(line, end, '');
        return this.plainScalar(offset, end, text.slice(offset + 1, end));
      }
      const scalar = this.quotedScalar(offset, close);
      line = this.lineOf(close, line);
      this.finishLine(line, close + 1, later('text after a quoted value'));
      return scalar;
    }
    if (c === 91 || c === 123) return this.flowValue(offset, parentIndent);
    if (c === 124 || c === 62) return this.blockScalar(offset, parentIndent, c === 124);
    // Characters no plain value may start with (PyYAML rejects them too): read on, but say so.
    if (c === 93 || c === 125 || c === 44 || c === 37 || c === 64 || c === 96) this.problem(`a value cannot start with "${text[offset]}"`, offset, offset + 1);
    // A plain scalar, continued on deeper lines that are not comments.
    let valueEnd = this.plainEnd(offset, end);
    const parts = [text.slice(offset, valueEnd)];
    let last = line;
    for (let next = line + 1; next < this.starts.length; next++) {
      if (this.isBlank(next)) {
        if (this.text.charCodeAt(this.contentOf(next)) === 35) break;
        continue;
      }
      const content = this.contentOf(next);
      if (content - this.starts[next] <= parentIndent || this.blockBoundary(next)) break;
      if (structureEnds && (this.keyAt(content, this.ends[next]) || (parentIndent < 0 && this.isItem(content)))) break;
      const partEnd = this.plainEnd(content, this.ends[next]);
      parts.push(text.slice(content, partEnd));
      valueEnd = partEnd;
      last = next;
      if (partEnd < this.ends[next]) break; // a comment ends a plain scalar
    }
    this.advanceTo(last + 1);
    this.lastEnd = valueEnd;
    return this.plainScalar(offset, valueEnd, parts.join(' '));
  }

  private contentOf(line: number): number {
    let i = this.starts[line];
    while (this.text.charCodeAt(i) === 32 || this.text.charCodeAt(i) === 9) i++;
    return i;
  }

  /** Where a plain scalar on one line ends: before " #" or trailing spaces. */
  private plainEnd(offset: number, end: number): number {
    let i = offset;
    while (i < end) {
      if (this.text.charCodeAt(i) === 35 && i > offset && (this.text.charCodeAt(i - 1) === 32 || this.text.charCodeAt(i - 1) === 9)) break;
      i++;
    }
    while (i > offset && (this.text.charCodeAt(i - 1) === 32 || this.text.charCodeAt(i - 1) === 9)) i--;
    return i;
  }

  /** After a value that ended at `offset` on `line`: only a comment may follow. Moves to the next line. */
  private finishLine(line: number, offset: number, message: string): void {
    const end = this.ends[line];
    let i = offset;
    while (i < end && (this.text.charCodeAt(i) === 32 || this.text.charCodeAt(i) === 9)) i++;
    if (i < end && this.text.charCodeAt(i) !== 35 && message) this.problem(message, i, end);
    this.advanceTo(line + 1);
    this.lastEnd = offset;
  }

  private plainScalar(start: number, end: number, source: string): Scalar {
    let value: unknown = source;
    if (!source || NULL_PLAIN.test(source)) value = null;
    else if (BOOL_PLAIN.test(source)) value = source[0].toLowerCase() === 't';
    else if (INT_PLAIN.test(source) || FLOAT_PLAIN.test(source)) value = Number(source);
    return scalarNode(value, [start, end, end], Scalar.PLAIN);
  }

  private quotedScalar(open: number, close: number): Scalar {
    const double = this.text.charCodeAt(open) === 34;
    const raw = this.text.slice(open + 1, close);
    const value = raw.includes('\n') ? foldQuoted(raw, double) : double ? unescapeDouble(raw) : raw.replace(/''/g, "'");
    return scalarNode(value, [open, close + 1, close + 1], double ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE);
  }

  /** The closing quote of a quoted key, on its own line only. */
  private closingQuoteOnLine(open: number, end: number): number {
    const code = this.text.charCodeAt(open);
    for (let j = open + 1; j < end; j++) {
      const c = this.text.charCodeAt(j);
      if (code === 39 && c === 39) {
        if (this.text.charCodeAt(j + 1) !== 39) return j;
        j++;
      } else if (code === 34 && c === 92) {
        j++;
      } else if (c === code) {
        return j;
      }
    }
    return -1;
  }

  /** The offset of the quote closing the one at `open`, or -1, over any number of lines. Linear
   *  overall: a search that reaches the end of the input marks the quotes it passed, and later
   *  searches stop at a marked one; a quote character absent after some offset is remembered. */
  private closingQuote(open: number): number {
    const quote = this.text[open];
    const code = quote.charCodeAt(0);
    const passed: number[] = [];
    let i = open + 1;
    for (;;) {
      const none = this.noQuoteAfter.get(code);
      let j = none !== undefined && i >= none ? -1 : this.text.indexOf(quote, i);
      if (j < 0 && (none === undefined || i < none)) this.noQuoteAfter.set(code, i);
      if (j < 0 || this.deadQuotes.has(j)) {
        for (const p of passed) this.deadQuotes.add(p);
        return -1;
      }
      if (code === 39) {
        if (this.text.charCodeAt(j + 1) !== 39) return j;
        passed.push(j);
        i = j + 2;
      } else {
        let backslashes = 0;
        for (let k = j - 1; k > open && this.text.charCodeAt(k) === 92; k--) backslashes++;
        if (backslashes % 2 === 0) return j;
        passed.push(j);
        i = j + 1;
      }
      j = -1;
    }
  }

  /** `|` or `>` with optional indicators, then the lines deeper than the parent. */
  private blockScalar(offset: number, parentIndent: number, literal: boolean): Scalar {
    const line = this.lineOf(offset, this.line);
    let last = line;
    let end = this.ends[line];
    for (let next = line + 1; next < this.starts.length; next++) {
      const blank = this.contentOf(next) >= this.ends[next];
      if (!blank && (this.contentOf(next) - this.starts[next] <= parentIndent || this.blockBoundary(next))) break;
      if (!blank) {
        last = next;
        end = this.ends[next];
      }
    }
    this.advanceTo(last + 1);
    this.lastEnd = end;
    return scalarNode(this.text.slice(this.starts[line + 1] ?? end, end), [offset, end, end], literal ? Scalar.BLOCK_LITERAL : Scalar.BLOCK_FOLDED);
  }

  // --- flow collections --------------------------------------------------------------------------

  private flowValue(offset: number, parentIndent: number): LenientNode {
    const flow = new FlowReader(this, this.text, parentIndent, this.lineOf(offset, this.line));
    const node = flow.collection(offset, 0);
    if (flow.unclosed) this.problem(later('a [ or { that is never closed'), offset, Math.max(offset + 1, Math.min(flow.position, this.ends[this.lineOf(offset, this.line)])));
    this.finishLine(flow.line, flow.position, flow.unclosed ? '' : later('text after a flow collection'));
    return node;
  }

  /** For the flow reader: whether a line starts a new block construct (so an unclosed flow
   *  collection stops before it instead of swallowing the rest of the file). */
  startsBlockLine(line: number, parentIndent: number): boolean {
    if (line >= this.starts.length || this.isBlank(line)) return false;
    const content = this.contentOf(line);
    return content - this.starts[line] <= parentIndent && (this.isItem(content) || !!this.keyAt(content, this.ends[line]) || this.blockBoundary(line));
  }

  /** The line an offset is on, searching forward from `from`. */
  lineAt(offset: number, from: number): number {
    return this.lineOf(offset, from);
  }

  closingQuoteFor(open: number): number {
    return this.closingQuote(open);
  }

  quoted(open: number, close: number): Scalar {
    return this.quotedScalar(open, close);
  }

  plain(start: number, end: number): Scalar {
    return this.plainScalar(start, end, this.text.slice(start, end));
  }

  report(message: string, start: number, end: number): void {
    this.problem(message, start, end);
  }
}

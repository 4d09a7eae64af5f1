// Flow collections ([a, b], {k: v}) for the lenient reader, character by character across lines,
// depth-capped; an unclosed one stops at the next line that starts a block construct.
import { isMap, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { mapNode, pairNode, seqNode } from './yamlNodes';
import { later } from '../l10n/l10n';

type LenientNode = YAMLMap | YAMLSeq | Scalar;

const MAX_FLOW_DEPTH = 64;

/** What the flow reader asks of the block reader. */
export interface FlowHost {
  startsBlockLine(line: number, parentIndent: number): boolean;
  closingQuoteFor(open: number): number;
  lineAt(offset: number, from: number): number;
  quoted(open: number, close: number): Scalar;
  plain(start: number, end: number): Scalar;
  report(message: string, start: number, end: number): void;
}

/** Flow collections, character by character across lines. */
export class FlowReader {
  position = 0;
  unclosed = false;

  constructor(
    private readonly reader: FlowHost,
    private readonly text: string,
    private readonly parentIndent: number,
    /** The line `position` is on. */
    public line: number,
  ) {}

  collection(open: number, depth: number): YAMLSeq | YAMLMap {
    const sequence = this.text.charCodeAt(open) === 91;
    const close = sequence ? 93 : 125;
    const node = sequence ? seqNode(true) : mapNode(true);
    this.position = open + 1;
    if (depth >= MAX_FLOW_DEPTH) {
      this.skipNested();
      node.range = [open, this.position, this.position];
      return node;
    }
    for (;;) {
      this.skipSpace();
      if (this.unclosed) break;
      const c = this.text.charCodeAt(this.position);
      if (c === close) {
        this.position++;
        break;
      }
      if (c === 44 /* , */) {
        this.position++;
        continue;
      }
      if (c === 93 || c === 125) {
        // The other bracket: a mismatch; take it as the end.
        this.reader.report(later('a mismatched bracket'), this.position, this.position + 1);
        this.position++;
        break;
      }
      const key = this.item(depth);
      this.skipSpace();
      if (this.text.charCodeAt(this.position) === 58 /* : */) {
        this.position++;
        this.skipSpace();
        const next = this.text.charCodeAt(this.position);
        const value = next === 44 || next === close ? null : this.item(depth);
        (node.items as unknown[]).push(pairNode(key, value));
      } else if (isMap(node)) {
        node.items.push(pairNode(key, null));
      } else {
        node.items.push(key);
      }
    }
    node.range = [open, this.position, this.position];
    return node;
  }

  private item(depth: number): LenientNode {
    const start = this.position;
    const c = this.text.charCodeAt(start);
    if (c === 91 || c === 123) return this.collection(start, depth + 1);
    if (c === 39 || c === 34) {
      const close = this.reader.closingQuoteFor(start);
      if (close >= 0) {
        this.line = this.reader.lineAt(close, this.line);
        this.position = close + 1;
        return this.reader.quoted(start, close);
      }
      this.reader.report(later('a quoted value that is never closed'), start, start + 1);
    }
    // A plain scalar in flow context ends at , [ ] { } ": " or a comment, and at the line end.
    let i = start + (c === 39 || c === 34 ? 1 : 0);
    while (i < this.text.length) {
      const ch = this.text.charCodeAt(i);
      if (ch === 44 || ch === 91 || ch === 93 || ch === 123 || ch === 125 || ch === 10 || ch === 13) break;
      if (ch === 58 && /[\s,\]}]/.test(this.text[i + 1] ?? ' ')) break;
      if (ch === 35 && i > start && /\s/.test(this.text[i - 1])) break;
      i++;
    }
    let end = i;
    while (end > start && (this.text.charCodeAt(end - 1) === 32 || this.text.charCodeAt(end - 1) === 9)) end--;
    this.position = Math.max(i, start + 1);
    return this.reader.plain(start, Math.max(end, start));
  }

  /** Spaces, newlines and comments; an unclosed collection stops at a line that starts a block. */
  private skipSpace(): void {
    for (;;) {
      if (this.position >= this.text.length) {
        this.unclosed = true;
        return;
      }
      const c = this.text.charCodeAt(this.position);
      const lineEnd = c === 10 || (c === 13 && this.text.charCodeAt(this.position + 1) !== 10);
      if (!lineEnd && (c === 32 || c === 9 || c === 13)) {
        this.position++;
      } else if (lineEnd) {
        if (this.reader.startsBlockLine(this.line + 1, this.parentIndent)) {
          this.unclosed = true;
          return;
        }
        this.position++;
        this.line++;
      } else if (c === 35) {
        const newline = this.text.indexOf('\n', this.position);
        this.position = newline < 0 ? this.text.length : newline;
      } else {
        return;
      }
    }
  }

  /** Past a collection nested too deeply to read (counting brackets, quotes ignored): skipped, and
   *  said, since a reader that skipped part of the file has not read it as PyYAML would. */
  private skipNested(): void {
    const start = this.position - 1;
    let depth = 1;
    while (this.position < this.text.length && depth > 0) {
      const c = this.text.charCodeAt(this.position++);
      if (c === 91 || c === 123) depth++;
      else if (c === 93 || c === 125) depth--;
    }
    this.line = this.reader.lineAt(this.position - 1, this.line);
    if (depth > 0) this.unclosed = true;
    this.reader.report(later('a flow collection nested too deeply to read'), start, start + 1);
  }
}

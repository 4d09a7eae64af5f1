// Line-level edits a migration makes besides replacing a reference's text: a new list item next to an
// existing one (same prefix and quoting, the file's line ending), a whole line removed; applying
// edits to a text; and the unified diff the CLI prints instead of writing.
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { LineIndex } from '../formats/lineIndex';

/** The file's line ending: CRLF when any line has one. */
export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** A new item after the one at `range`: a new line with the same prefix ("    - ", quotes kept) for a
 *  block list item, ", item" after it in a flow list. Undefined when the item is neither. */
export function insertItemAfter(lines: LineIndex, range: Range, text: string): TextEdit | undefined {
  if (range.start.line !== range.end.line) return undefined;
  const line = lines.lineText(range.start.line);
  const before = line.slice(0, range.start.character);
  const after = line.slice(range.end.character);
  const quote = /['"]$/.test(before) ? before.slice(-1) : '';
  if (/^\s*-\s*['"]?$/.test(before) && new RegExp(`^${quote}\\s*(#.*)?$`).test(after)) {
    const eol = eolOf(lines.text);
    const next = range.start.line + 1;
    if (next >= lines.lineCount) {
      const end = lines.positionAt(lines.text.length);
      return { range: { start: end, end }, newText: `${eol}${before}${text}${quote}` };
    }
    return { range: { start: { line: next, character: 0 }, end: { line: next, character: 0 } }, newText: `${before}${text}${quote}${eol}` };
  }
  if (/[[,]\s*['"]?$/.test(before)) {
    const at = { line: range.end.line, character: range.end.character + quote.length };
    return { range: { start: at, end: at }, newText: `, ${quote}${text}${quote}` };
  }
  return undefined;
}

/** Removes the whole line (with its line ending). */
export function lineDeletion(lines: LineIndex, line: number): TextEdit {
  const start = { line, character: 0 };
  const end = line + 1 < lines.lineCount ? { line: line + 1, character: 0 } : { line, character: lines.lineText(line).length };
  if (line + 1 >= lines.lineCount && line > 0) {
    // The last line: take the preceding line ending instead, so no empty line is left behind.
    const previous = lines.lineText(line - 1);
    return { range: { start: { line: line - 1, character: previous.length }, end }, newText: '' };
  }
  return { range: { start, end }, newText: '' };
}

/** A new line after `line` (before the next one), ending with the file's line ending. */
export function lineInsertionAfter(lines: LineIndex, line: number, content: string): TextEdit {
  const eol = eolOf(lines.text);
  if (line + 1 >= lines.lineCount) {
    const end = lines.positionAt(lines.text.length);
    return { range: { start: end, end }, newText: `${eol}${content}` };
  }
  const at = { line: line + 1, character: 0 };
  return { range: { start: at, end: at }, newText: `${content}${eol}` };
}

/** Applies non-overlapping edits (later ones first), as an editor does. Edits at the same position
 *  are applied in their given order. */
export function applyTextEdits(lines: LineIndex, edits: readonly TextEdit[]): string {
  const resolved = edits.map((edit, order) => ({ start: lines.offsetAt(edit.range.start), end: lines.offsetAt(edit.range.end), text: edit.newText, order }));
  resolved.sort((a, b) => b.start - a.start || b.end - a.end || b.order - a.order);
  let text = lines.text;
  for (const edit of resolved) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  return text;
}

/** Whether two edits touch the same text (two insertions at one point do not). */
export function overlaps(lines: LineIndex, a: TextEdit, b: TextEdit): boolean {
  const [as, ae, bs, be] = [lines.offsetAt(a.range.start), lines.offsetAt(a.range.end), lines.offsetAt(b.range.start), lines.offsetAt(b.range.end)];
  return as < be && bs < ae;
}

/** A unified diff (3 lines of context) of two texts that differ in a few lines, as `diff -u` prints. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string): string {
  if (oldText === newText) return '';
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const ops = lineDiff(a, b);
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  const context = 3;
  let i = 0;
  while (i < ops.length) {
    if (ops[i].op === ' ') {
      i++;
      continue;
    }
    let start = Math.max(0, i - context);
    while (start > 0 && ops[start - 1].op !== ' ') start--;
    let end = i;
    // Extend the hunk while the next change is within 2 × context lines.
    for (let j = i; j < ops.length; j++) {
      if (ops[j].op !== ' ') end = j;
      else if (j - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + 1 + context);
    const slice = ops.slice(start, stop);
    const oldStart = (ops[start].a ?? nextIndex(ops, start, 'a')) + 1;
    const newStart = (ops[start].b ?? nextIndex(ops, start, 'b')) + 1;
    const oldCount = slice.filter((o) => o.op !== '+').length;
    const newCount = slice.filter((o) => o.op !== '-').length;
    out.push(`@@ -${oldCount ? oldStart : oldStart - 1},${oldCount} +${newCount ? newStart : newStart - 1},${newCount} @@`);
    for (const o of slice) out.push(`${o.op}${o.text}`);
    i = stop;
  }
  return `${out.join('\n')}\n`;
}

interface DiffOp {
  op: ' ' | '-' | '+';
  text: string;
  /** Line index in the old (a) / new (b) text. */
  a?: number;
  b?: number;
}

function nextIndex(ops: DiffOp[], from: number, side: 'a' | 'b'): number {
  for (let i = from; i < ops.length; i++) if (ops[i][side] !== undefined) return ops[i][side]!;
  for (let i = from - 1; i >= 0; i--) if (ops[i][side] !== undefined) return ops[i][side]! + 1;
  return 0;
}

/** Lines without their endings; a final line ending gives no extra empty line. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Common prefix and suffix, then an LCS of the (small) middle: migrations change a few lines. */
function lineDiff(a: string[], b: string[]): DiffOp[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const ops: DiffOp[] = [];
  for (let i = 0; i < prefix; i++) ops.push({ op: ' ', text: a[i], a: i, b: i });
  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);
  if (midA.length * midB.length > 4_000_000) {
    midA.forEach((text, i) => ops.push({ op: '-', text, a: prefix + i }));
    midB.forEach((text, i) => ops.push({ op: '+', text, b: prefix + i }));
  } else {
    const n = midA.length;
    const m = midB.length;
    const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = midA[i] === midB[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) ops.push({ op: ' ', text: midA[i], a: prefix + i++, b: prefix + j++ });
      else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ op: '-', text: midA[i], a: prefix + i++ });
      else ops.push({ op: '+', text: midB[j], b: prefix + j++ });
    }
  }
  for (let k = 0; k < suffix; k++) ops.push({ op: ' ', text: a[a.length - suffix + k], a: a.length - suffix + k, b: b.length - suffix + k });
  return ops;
}

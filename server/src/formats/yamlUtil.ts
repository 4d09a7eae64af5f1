// Small helpers over the yaml package's documents: exact scalar source ranges and parse problems.
import { type Document, isMap, isScalar, isSeq, type Scalar } from 'yaml';
import type { LineIndex } from './lineIndex';
import type { ParseProblem } from './model';
import { t, tn } from '../l10n/l10n';

/** The source text of a scalar and its offsets, without the quotes of a quoted scalar. */
export function scalarText(node: Scalar, text: string): { text: string; start: number; end: number } | undefined {
  if (!node.range) return undefined;
  let [start, end] = node.range;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    start += 1;
    end -= 1;
  } else if (node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL') {
    return undefined; // multi-line block scalars never hold a single ID
  }
  if (end < start) return undefined;
  return { text: text.slice(start, end), start, end };
}

/** The parser's own messages, at the parser's own ranges, without the code frame it appends. */
export function yamlProblems(document: Document.Parsed, lines: LineIndex): ParseProblem[] {
  const problems: ParseProblem[] = [];
  // Hostile input (a 50,000-deep flow sequence) yields a thousand copies of one error: keep the
  // first few of each message, the last of them counting the rest.
  const shown = new Map<string, ParseProblem[]>();
  const hidden = new Map<ParseProblem, number>();
  const add = (list: readonly { message: string; pos: [number, number] }[], severity: ParseProblem['severity']) => {
    for (const error of list) {
      const message = readableYamlError(error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, ''));
      const same = shown.get(message) ?? [];
      if (same.length === MAX_SAME_PROBLEM) {
        const last = same[same.length - 1];
        hidden.set(last, (hidden.get(last) ?? 0) + 1);
        continue;
      }
      const end = Math.max(error.pos[1], error.pos[0] + 1);
      const problem: ParseProblem = { message: t('This file is not valid YAML: {0}', message), range: lines.range(error.pos[0], end), severity };
      same.push(problem);
      shown.set(message, same);
      problems.push(problem);
    }
  };
  add(document.errors, 'error');
  add(document.warnings, 'warning');
  for (const [problem, count] of hidden) problem.message += ` ${tn(count, '(and {0} more like it further on)', '(and {0} more like it further on)')}`;
  return problems;
}

const MAX_SAME_PROBLEM = 5;

/** The yaml package reports a stack overflow on deeply nested input as its message. */
function readableYamlError(message: string): string {
  return /Maximum call stack size exceeded/.test(message) ? t('the document is nested too deeply to read') : message;
}

/** The value node under a key path in nested maps ("tags", "mitre_attack_id"), if any. */
export function nodeAt(root: unknown, ...keys: string[]): unknown {
  let node = root;
  for (const key of keys) {
    if (!isMap(node)) return undefined;
    node = node.get(key, true);
  }
  return node;
}

/** The scalar items of a sequence node, with their source text and offsets (quotes excluded). */
export function seqScalars(node: unknown, text: string): { text: string; start: number; end: number; node: Scalar }[] {
  if (!isSeq(node)) return [];
  const out: { text: string; start: number; end: number; node: Scalar }[] = [];
  for (const item of node.items) {
    if (!isScalar(item)) continue;
    const located = scalarText(item, text);
    if (located && located.text.trim()) out.push({ text: located.text, start: located.start, end: located.end, node: item });
  }
  return out;
}

export function stringAt(root: unknown, ...keys: string[]): string | undefined {
  const node = nodeAt(root, ...keys);
  return isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined;
}

// Shared steps of the YAML rule formats (Splunk, Sentinel, MaxPatrol): parse one document, collect
// parser problems, turn list items into references, and place the insertion point after a list.
import { isMap, isScalar, parseDocument, type YAMLMap } from 'yaml';
import { interpretBareId } from './bareIds';
import { LineIndex } from './lineIndex';
import type { AttackReference, InsertionPoint, RuleDocument } from './model';
import { seqScalars, yamlProblems } from './yamlUtil';

export interface ParsedYaml {
  root: YAMLMap | undefined;
  lines: LineIndex;
  text: string;
}

export function parseYamlRule(rule: RuleDocument, text: string): ParsedYaml {
  const lines = new LineIndex(text);
  const document = parseDocument(text, { uniqueKeys: false });
  // Not push(...list): broken 3 MB input gives a million problems, beyond the argument limit.
  for (const problem of yamlProblems(document, lines)) rule.problems.push(problem);
  return { root: isMap(document.contents) ? document.contents : undefined, lines, text };
}

/** References for the scalar items of a sequence of bare IDs. */
export function bareIdItems(parsed: ParsedYaml, seq: unknown, key: string, extra: Partial<AttackReference> = {}, expected: AttackReference['kind'] = 'technique'): AttackReference[] {
  return seqScalars(seq, parsed.text).map((item) => {
    const { malformed, ...meaning } = interpretBareId(item.text, expected);
    const reference: AttackReference = { ...meaning, written: item.text, form: 'bareId', range: parsed.lines.range(item.start, item.end), key, ...extra };
    if (malformed) reference.malformed = malformed;
    return reference;
  });
}

/** Where a new item of a block sequence goes: a new line after its last item, same prefix. */
export function insertionAfter(parsed: ParsedYaml, seq: unknown): InsertionPoint | undefined {
  const items = seqScalars(seq, parsed.text);
  const last = items[items.length - 1];
  if (!last || !isScalar(last.node) || !last.node.range) return undefined;
  const start = parsed.lines.positionAt(last.node.range[0]);
  const end = parsed.lines.positionAt(last.node.range[1]);
  const prefix = parsed.lines.lineText(start.line).slice(0, start.character);
  if (!/^\s*-\s*$/.test(prefix)) return { position: end, itemPrefix: ', ', flow: true };
  return { position: { line: end.line + 1, character: 0 }, itemPrefix: prefix, flow: false };
}

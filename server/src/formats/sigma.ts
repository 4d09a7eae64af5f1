// Sigma rules (YAML, one or more documents) → RuleDocument, with ranges from the yaml package's
// nodes. Multi-document files (rule collections with `action: global`) are one rule file whose
// references are the union of its documents'.
import { isMap, isScalar, isSeq, type Scalar, type YAMLMap } from 'yaml';
import { LineIndex } from './lineIndex';
import { type AttackReference, emptyRuleDocument, type InsertionPoint, type LogSource, referenceWithRange, type RuleDocument } from './model';
import { scanSigma } from './sigmaScan';
import { isAttackTag, sigmaTagReference } from './sigmaTags';
import { notCheckedProblem, parseYamlRoots, strictParseRefusal } from './yamlRule';
import { scalarText } from './yamlUtil';

export function parseSigma(uri: string, text: string): RuleDocument {
  const lines = new LineIndex(text);
  const refusal = strictParseRefusal(text);
  if (refusal) {
    // The scanner's references equal the full parser's (tested on every SigmaHQ rule) and it reads a
    // megabyte in milliseconds; what it declines goes to the lenient reader.
    const scanned = scanSigma(uri, text);
    if (scanned) {
      scanned.problems.push(notCheckedProblem(text, lines, refusal));
      return scanned;
    }
  }
  const rule = emptyRuleDocument(uri, 'sigma');
  parseYamlRoots(rule, text, lines, true).forEach((root, documentIndex) => {
    if (!isMap(root)) return;
    readIdentity(root, rule);
    readTags(root, text, lines, documentIndex, rule);
    readLogSource(root, lines, rule);
  });
  return rule;
}

function readIdentity(root: YAMLMap, rule: RuleDocument): void {
  const identity = rule.identity;
  identity.title ??= stringValue(root, 'title');
  identity.id ??= stringValue(root, 'id');
  identity.status ??= stringValue(root, 'status');
  identity.level ??= stringValue(root, 'level');
}

function stringValue(map: YAMLMap, key: string): string | undefined {
  const value = map.get(key, true);
  return isScalar(value) && value.value !== null && value.value !== undefined ? String(value.value) : undefined;
}

function readTags(root: YAMLMap, text: string, lines: LineIndex, documentIndex: number, rule: RuleDocument): void {
  const tags = root.get('tags', true);
  if (!isSeq(tags)) return;
  // A hostile file repeats tags by the thousand: each distinct one is interpreted once.
  const meanings = new Map<string, AttackReference>();
  for (const item of tags.items) {
    if (!isScalar(item) || typeof item.value !== 'string') continue;
    const located = scalarText(item as Scalar<string>, text);
    if (!located || !isAttackTag(located.text)) continue;
    const range = lines.range(located.start, located.end);
    const known = meanings.get(located.text);
    if (known) {
      rule.references.push(referenceWithRange(known, range));
      continue;
    }
    const reference = sigmaTagReference(located.text, range, documentIndex);
    meanings.set(located.text, reference);
    rule.references.push(reference);
  }
  rule.insertion ??= insertionAfterLastItem(tags.items, lines, tags.flow === true);
}

/** Where a new tag goes: a new line after the last item, with the same prefix ("    - "). */
function insertionAfterLastItem(items: unknown[], lines: LineIndex, flow: boolean): InsertionPoint | undefined {
  const last = items[items.length - 1];
  if (!isScalar(last) || !last.range) return undefined;
  const end = lines.positionAt(last.range[1]);
  if (flow) return { position: end, itemPrefix: ', ', flow: true };
  const start = lines.positionAt(last.range[0]);
  const lineText = lines.lineText(start.line);
  const itemPrefix = lineText.slice(0, start.character);
  return { position: { line: end.line + 1, character: 0 }, itemPrefix, flow: false };
}

/** The log source's range is its `logsource` key: where a diagnostic about what the rule reads goes. */
function readLogSource(root: YAMLMap, lines: LineIndex, rule: RuleDocument): void {
  const pair = root.items.find((item) => isScalar(item.key) && item.key.value === 'logsource');
  const node = pair?.value;
  if (!pair || !isMap(node) || !isScalar(pair.key) || !pair.key.range) return;
  const source: LogSource = { range: lines.range(pair.key.range[0], pair.key.range[1]) };
  if (node.range) source.span = lines.range(pair.key.range[0], node.range[1]);
  for (const field of ['category', 'product', 'service'] as const) {
    const value = stringValue(node, field);
    if (value) source[field] = value;
  }
  if (source.category || source.product || source.service) rule.logSources.push(source);
}

// Elastic detection-rules TOML → RuleDocument, with ranges from toml-eslint-parser's AST.
// Every `[[rule.threat]]` (in table or inline form) gives its tactic ID and its techniques and
// sub-techniques, each with the name written next to it (a wrong name is a finding later) and the
// tactic it is filed under.
import { parseTOML } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';
import { parseAttackId } from '../corpus/ids';
import { LineIndex } from './lineIndex';
import { type AttackReference, emptyRuleDocument, type RuleDocument } from './model';

type Path = (string | number)[];

interface Entry {
  path: Path;
  node: AST.TOMLKeyValue | AST.TOMLValue;
  value: unknown;
  /** Offsets of the string's content (inside the quotes), for single-line strings. */
  start: number;
  end: number;
}

/** Flattens tables, inline tables and arrays of inline tables into (path → scalar) entries. */
function entries(ast: AST.TOMLProgram): Entry[] {
  const out: Entry[] = [];
  const visitValue = (path: Path, value: AST.TOMLContentNode) => {
    if (value.type === 'TOMLValue') {
      const quoted = value.kind === 'string' && !value.multiline;
      out.push({ path, node: value, value: value.value, start: value.range[0] + (quoted ? 1 : 0), end: value.range[1] - (quoted ? 1 : 0) });
    } else if (value.type === 'TOMLInlineTable') {
      for (const kv of value.body) visitKeyValue(path, kv);
    } else if (value.type === 'TOMLArray') {
      value.elements.forEach((element, i) => visitValue([...path, i], element));
    }
  };
  const visitKeyValue = (prefix: Path, kv: AST.TOMLKeyValue) => {
    const keys = kv.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
    visitValue([...prefix, ...keys], kv.value);
  };
  for (const top of ast.body) {
    for (const item of top.body) {
      if (item.type === 'TOMLKeyValue') visitKeyValue([], item);
      else for (const kv of item.body) visitKeyValue(item.resolvedKey, kv);
    }
  }
  return out;
}

const key = (path: Path) => path.filter((p) => typeof p === 'string').join('.');

export function parseElastic(uri: string, text: string): RuleDocument {
  const rule = emptyRuleDocument(uri, 'elastic');
  const lines = new LineIndex(text);
  let ast: AST.TOMLProgram;
  try {
    ast = parseTOML(text);
  } catch (error) {
    const e = error as { message: string; index?: number };
    const at = typeof e.index === 'number' ? e.index : 0;
    rule.problems.push({ message: `TOML: ${e.message}`, range: lines.range(at, Math.min(at + 1, text.length)), severity: 'error' });
    return rule;
  }
  const all = entries(ast);
  const find = (path: Path) => all.find((e) => e.path.length === path.length && e.path.every((p, i) => p === path[i]));
  const name = find(['rule', 'name']);
  const ruleId = find(['rule', 'rule_id']);
  if (typeof name?.value === 'string') rule.identity.title = name.value;
  if (typeof ruleId?.value === 'string') rule.identity.id = ruleId.value;
  for (const index of all.filter((e) => key(e.path) === 'rule.index' && typeof e.value === 'string')) {
    rule.logSources.push({ name: index.value as string, range: lines.range(index.start, index.end) });
  }

  // IDs of threat blocks, techniques and sub-techniques, with their sibling `name`.
  const ids = all.filter((e) => e.path[e.path.length - 1] === 'id' && e.path[0] === 'rule' && e.path[1] === 'threat' && typeof e.value === 'string');
  const threatTactic = new Map<number, string>();
  for (const id of ids) if (key(id.path) === 'rule.threat.tactic.id') threatTactic.set(id.path[2] as number, id.value as string);
  for (const id of ids) {
    const path = key(id.path);
    if (path !== 'rule.threat.tactic.id' && path !== 'rule.threat.technique.id' && path !== 'rule.threat.technique.subtechnique.id') continue;
    const written = text.slice(id.start, id.end);
    const parsed = parseAttackId(written.trim());
    const isTactic = path === 'rule.threat.tactic.id';
    const reference: AttackReference = {
      id: parsed?.id ?? written.toUpperCase(),
      kind: parsed?.kind ?? (isTactic ? 'tactic' : 'technique'),
      written,
      form: 'bareId',
      range: lines.range(id.start, id.end),
      key: path,
    };
    if (!parsed || written !== parsed.id) reference.malformed = parsed ? 'ATT&CK IDs are upper case' : `not an ATT&CK ${isTactic ? 'tactic' : 'technique'} ID`;
    const nameEntry = find([...id.path.slice(0, -1), 'name']);
    if (nameEntry && typeof nameEntry.value === 'string') reference.name = { text: nameEntry.value, range: lines.range(nameEntry.start, nameEntry.end) };
    const tactic = threatTactic.get(id.path[2] as number);
    if (!isTactic && tactic) reference.tactic = tactic;
    rule.references.push(reference);
  }
  rule.references.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return rule;
}

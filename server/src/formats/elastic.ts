// Elastic detection-rules TOML → RuleDocument, with ranges from toml-eslint-parser's AST.
// Every `[[rule.threat]]` (table, dotted-key or inline form) gives its tactic ID and its techniques
// and sub-techniques, each with the name written next to it (a wrong name is a finding later) and
// the tactic it is filed under.
import { parseTOML } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';
import { interpretBareId } from './bareIds';
import { LineIndex } from './lineIndex';
import { type AttackReference, emptyRuleDocument, type RuleDocument } from './model';
import { t } from '../l10n/l10n';

type Path = (string | number)[];

/** A string value at a resolved key path (array indices included), with the offsets of its content. */
interface StringEntry {
  path: Path;
  value: string;
  start: number;
  end: number;
}

const ID_KEYS: Record<string, AttackReference['kind']> = {
  'rule.threat.tactic.id': 'tactic',
  'rule.threat.technique.id': 'technique',
  'rule.threat.technique.subtechnique.id': 'technique',
};

/** The dotted key without array indices: ['rule','threat',0,'tactic','id'] → "rule.threat.tactic.id". */
const dotted = (path: Path) => path.filter((p) => typeof p === 'string').join('.');
const pathKey = (path: Path) => JSON.stringify(path);

export function parseElastic(uri: string, text: string): RuleDocument {
  const rule = emptyRuleDocument(uri, 'elastic');
  const lines = new LineIndex(text);
  const ast = parseWithRecovery(text, lines, rule);
  if (!ast) return rule;

  const entries = stringEntries(ast, text);
  const byPath = new Map(entries.map((e) => [pathKey(e.path), e]));
  const at = (path: Path) => byPath.get(pathKey(path));

  rule.identity.id = at(['rule', 'rule_id'])?.value;
  rule.identity.title = at(['rule', 'name'])?.value;
  for (const index of entries.filter((e) => dotted(e.path) === 'rule.index')) {
    rule.logSources.push({ name: index.value, range: lines.range(index.start, index.end) });
  }

  const ids = entries.filter((e) => ID_KEYS[dotted(e.path)] && attackFramework(e.path, at));
  // A technique is filed under the tactic of its own threat block.
  const blockTactic = new Map<string, string>();
  for (const id of ids) {
    if (ID_KEYS[dotted(id.path)] === 'tactic') blockTactic.set(pathKey(threatBlock(id.path)), interpretBareId(id.value, 'tactic').id);
  }
  for (const id of ids) {
    const key = dotted(id.path);
    const written = text.slice(id.start, id.end);
    const reference: AttackReference = { ...interpretBareId(written, ID_KEYS[key]), written, form: 'bareId', range: lines.range(id.start, id.end), key };
    if (!reference.malformed) delete reference.malformed;
    const name = at([...id.path.slice(0, -1), 'name']);
    if (name) reference.name = { text: name.value, range: lines.range(name.start, name.end) };
    const url = at([...id.path.slice(0, -1), 'reference']);
    if (url) reference.url = { text: url.value, range: lines.range(url.start, url.end) };
    const tactic = blockTactic.get(pathKey(threatBlock(id.path)));
    if (ID_KEYS[key] === 'technique' && tactic) reference.tactic = tactic;
    rule.references.push(reference);
  }
  rule.references.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return rule;
}

/** The parser's error as the one problem; what precedes the error is still read, so hover and
 *  diagnostics keep working on the references above a half-typed line. */
function parseWithRecovery(text: string, lines: LineIndex, rule: RuleDocument): AST.TOMLProgram | undefined {
  try {
    return parseTOML(text);
  } catch (error) {
    const e = error as { message?: string; index?: number; lineNumber?: number };
    const at = typeof e.index === 'number' ? Math.max(0, Math.min(e.index, text.length)) : 0;
    const end = at < text.length && text[at] !== '\n' && text[at] !== '\r' ? at + 1 : at;
    // Not a ParseError: the parser itself failed (0.10 overflows the stack on strings over ~120k characters).
    const message = typeof e.index === 'number' ? t('This file is not valid TOML: {0}', e.message) : /Maximum call stack size exceeded/.test(String(e.message)) ? t('This file is not valid TOML: the document is nested too deeply (or holds a string too long) to read.') : t('This file is not valid TOML: the parser could not read it ({0}).', e.message ?? String(error));
    rule.problems.push({ message, range: lines.range(at, end), severity: 'error' });
    // The parser reports some errors a line late (an unterminated `[[table]` at the next line):
    // try without the error line, then without the line before it too.
    const errorLine = typeof e.lineNumber === 'number' ? e.lineNumber - 1 : 0;
    for (const line of [errorLine, errorLine - 1]) {
      if (line <= 0) break;
      try {
        return parseTOML(text.slice(0, lines.lineStart(line)));
      } catch {
        // try one line earlier
      }
    }
    return undefined;
  }
}

/** Every string value in the document, tables, inline tables and arrays of them flattened to paths. */
function stringEntries(ast: AST.TOMLProgram, text: string): StringEntry[] {
  const out: StringEntry[] = [];
  const visitValue = (path: Path, value: AST.TOMLContentNode) => {
    if (value.type === 'TOMLValue') {
      if (value.kind === 'string') out.push({ path, value: value.value, ...stringContent(value, text) });
    } else if (value.type === 'TOMLInlineTable') {
      for (const kv of value.body) visitKeyValue(path, kv);
    } else {
      value.elements.forEach((element, i) => visitValue([...path, i], element));
    }
  };
  const visitKeyValue = (prefix: Path, kv: AST.TOMLKeyValue) => {
    visitValue([...prefix, ...kv.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value))], kv.value);
  };
  for (const item of ast.body[0]?.body ?? []) {
    if (item.type === 'TOMLKeyValue') visitKeyValue([], item);
    else for (const kv of item.body) visitKeyValue(item.resolvedKey, kv);
  }
  return out;
}

/** Offsets of a string's content: inside the quotes (three for multi-line strings, whose first
 *  newline TOML trims). */
function stringContent(value: AST.TOMLStringValue, text: string): { start: number; end: number } {
  const quote = value.multiline ? 3 : 1;
  let start = value.range[0] + quote;
  const end = Math.max(start, value.range[1] - quote);
  if (value.multiline) start += text.startsWith('\r\n', start) ? 2 : text.startsWith('\n', start) ? 1 : 0;
  return { start: Math.min(start, end), end };
}

/** The `[[rule.threat]]` block a path is in: its path up to the block's array index. */
function threatBlock(path: Path): Path {
  return typeof path[2] === 'number' ? path.slice(0, 3) : path.slice(0, 2);
}

/** Whether a threat block is ATT&CK's: Elastic writes `framework = "MITRE ATT&CK"`; other
 *  frameworks' IDs are not ours. A block without a framework is read (it is being written). */
function attackFramework(path: Path, at: (path: Path) => StringEntry | undefined): boolean {
  const framework = at([...threatBlock(path), 'framework']);
  return !framework || /att&?ck/i.test(framework.value);
}

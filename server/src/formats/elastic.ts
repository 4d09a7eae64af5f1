// Elastic detection-rules TOML → RuleDocument, with ranges from toml-eslint-parser's AST.
// Every `[[rule.threat]]` (table, dotted-key or inline form) gives its tactic ID and its techniques
// and sub-techniques, each with the name written next to it (a wrong name is a finding later) and
// the tactic it is filed under.
import { parseTOML } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';
import { interpretBareId } from './bareIds';
import { scanElasticEntries } from './elasticScan';
import { LineIndex } from './lineIndex';
import { type AttackReference, emptyRuleDocument, type RuleDocument } from './model';
import { t } from '../l10n/l10n';

type Path = (string | number)[];

/** A string value at a resolved key path (array indices included), with the offsets of its content. */
export interface StringEntry {
  path: Path;
  value: string;
  start: number;
  end: number;
  /** path without its last element, when the producer shares one array among a table's entries
   *  (their keys are then derived once per table). */
  parent?: Path;
}

/** The tables whose `id` is an ATT&CK ID, and its kind. */
const ID_TABLES = new Map<string, AttackReference['kind']>([
  ['rule.threat.tactic', 'tactic'],
  ['rule.threat.technique', 'technique'],
  ['rule.threat.technique.subtechnique', 'technique'],
]);

/** The dotted key without array indices: ['rule','threat',0,'tactic','id'] → "rule.threat.tactic.id". */
const dotted = (path: Path) => path.filter((p) => typeof p === 'string').join('.');
/** A path as one string key (numbers marked, so a bare key "0" is not an index). */
const pathKey = (path: Path) => path.map((p) => (typeof p === 'number' ? `#${p}` : p)).join('\u0000');

/** Above this size a TOML file is read by the fast scanner (elasticScan.ts), not parsed: the parser
 *  takes about 1.5 s per megabyte. Real Elastic rules are under 60 KB. */
export const TOML_PARSE_LIMIT = 256 * 1024;
/** Re-parsing above a syntax error (to keep what precedes it) is done for files up to this size. */
const RECOVERY_LIMIT = 64 * 1024;

export function parseElastic(uri: string, text: string): RuleDocument {
  const rule = emptyRuleDocument(uri, 'elastic');
  const lines = new LineIndex(text);
  if (text.length > TOML_PARSE_LIMIT) {
    const scanned = scanElastic(uri, text, lines);
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: Math.min(lines.lineText(0).length, 200) } };
    const megabytes = (Buffer.byteLength(text) / 1048576).toFixed(1);
    const read = scanned ?? rule;
    read.problems.push(
      scanned
        ? { message: t('This file is {0} MB: TTP Lens read its ATT&CK references with its fast reader and did not check its TOML syntax (it does for files up to {1} KB).', megabytes, TOML_PARSE_LIMIT / 1024), range, severity: 'information' }
        : { message: t("This file is {0} MB and written in a way TTP Lens's fast reader does not read; TTP Lens parses TOML files up to {1} KB: no ATT&CK hover, completion or checks here.", megabytes, TOML_PARSE_LIMIT / 1024), range, severity: 'information' },
    );
    return read;
  }
  const ast = parseWithRecovery(text, lines, rule);
  if (!ast) return rule;
  readEntries(rule, stringEntries(ast, text), text, lines);
  return rule;
}

/** The rule read by the fast scanner, or undefined when the scanner declines the text. */
export function scanElastic(uri: string, text: string, lines = new LineIndex(text)): RuleDocument | undefined {
  const entries = scanElasticEntries(text);
  if (!entries) return undefined;
  const rule = emptyRuleDocument(uri, 'elastic');
  readEntries(rule, entries, text, lines);
  return rule;
}

/** The rule's identity, indexes and threat references, from its string values. */
function readEntries(rule: RuleDocument, entries: StringEntry[], text: string, lines: LineIndex): void {
  // Each entry's key and its parent's dotted name computed once per table, not per entry (a 2 MB
  // file has 60,000 entries); lookups by the parent's name and the last key, never by a string
  // built per entry.
  const parents = new Map<Path, { key: string; dotted: string }>();
  const parentOf = (entry: StringEntry) => {
    const shared = entry.parent && parents.get(entry.parent);
    if (shared) return shared;
    const path = entry.parent ?? entry.path.slice(0, -1);
    const made = { key: pathKey(path), dotted: dotted(path) };
    if (entry.parent) parents.set(entry.parent, made);
    return made;
  };
  const keyed = entries.map((entry) => {
    const parent = parentOf(entry);
    const last = entry.path[entry.path.length - 1];
    return { entry, parent, last, key: `${parent.key}\u0000${typeof last === 'number' ? `#${last}` : last}` };
  });
  const byPath = new Map(keyed.map((k) => [k.key, k.entry]));
  const at = (path: Path) => byPath.get(pathKey(path));

  rule.identity.id = at(['rule', 'rule_id'])?.value;
  rule.identity.title = at(['rule', 'name'])?.value;
  for (const { entry } of keyed.filter((k) => typeof k.last === 'number' && k.parent.dotted === 'rule.index')) {
    rule.logSources.push({ name: entry.value, range: lines.range(entry.start, entry.end) });
  }

  const frameworks = new Map<string, boolean>();
  const isAttack = (path: Path) => {
    const block = pathKey(threatBlock(path));
    let attack = frameworks.get(block);
    if (attack === undefined) frameworks.set(block, (attack = attackFramework(path, at)));
    return attack;
  };
  const ids = keyed.filter((k) => k.last === 'id' && ID_TABLES.has(k.parent.dotted) && isAttack(k.entry.path));
  // A technique is filed under the tactic of its own threat block.
  const blockTactic = new Map<string, string>();
  for (const { entry, parent } of ids) {
    if (ID_TABLES.get(parent.dotted) === 'tactic') blockTactic.set(pathKey(threatBlock(entry.path)), interpretBareId(entry.value, 'tactic').id);
  }
  for (const { entry: id, parent } of ids) {
    const key = `${parent.dotted}.id`;
    const kind = ID_TABLES.get(parent.dotted)!;
    const written = text.slice(id.start, id.end);
    const meaning = interpretBareId(written, kind);
    const reference: AttackReference = { id: meaning.id, kind: meaning.kind, written, form: 'bareId', range: lines.range(id.start, id.end), key };
    if (meaning.malformed) reference.malformed = meaning.malformed;
    const name = byPath.get(`${parent.key}\u0000name`);
    if (name) reference.name = { text: name.value, range: lines.range(name.start, name.end) };
    const url = at([...id.path.slice(0, -1), 'reference']);
    if (url) reference.url = { text: url.value, range: lines.range(url.start, url.end) };
    const tactic = blockTactic.get(pathKey(threatBlock(id.path)));
    if (kind === 'technique' && tactic) reference.tactic = tactic;
    rule.references.push(reference);
  }
  rule.references.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
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
    const errorLine = typeof e.lineNumber === 'number' && text.length <= RECOVERY_LIMIT ? e.lineNumber - 1 : 0;
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
  // `parent` is the array a path was extended from, shared by siblings (see StringEntry.parent).
  const visitValue = (path: Path, value: AST.TOMLContentNode, parent?: Path) => {
    if (value.type === 'TOMLValue') {
      if (value.kind === 'string') out.push({ path, value: value.value, ...stringContent(value, text), parent });
    } else if (value.type === 'TOMLInlineTable') {
      for (const kv of value.body) visitKeyValue(path, kv);
    } else {
      value.elements.forEach((element, i) => visitValue([...path, i], element, path));
    }
  };
  const visitKeyValue = (prefix: Path, kv: AST.TOMLKeyValue) => {
    const keys = kv.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
    visitValue([...prefix, ...keys], kv.value, keys.length === 1 ? prefix : undefined);
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

// A fast line scanner for Elastic detection-rules TOML, for files too large to parse in time
// (toml-eslint-parser takes about 1.5 s per megabyte): the string values parseElastic reads — rule_id,
// name, index and the [[rule.threat]] ids, names, reference URLs and frameworks — at the same paths (array-of-tables
// indices included) and offsets as the parser's AST gives them. It reads the shapes detection-rules
// writes (tables, arrays of tables, bare keys, one-line strings, string arrays over several lines,
// multi-line strings skipped) and gives up — returns undefined — on anything else (dotted or quoted
// keys, inline tables, escapes in a value it reads), so the caller decides. A test checks it equals
// the parser on every Elastic sample.
import type { StringEntry } from './elastic';

class GiveUp extends Error {}

/** The keys parseElastic reads (dotted, without array indices); other values are skipped. */
const READ = new Set(['rule.rule_id', 'rule.name', 'rule.index', 'rule.threat.framework', 'rule.threat.tactic.id', 'rule.threat.tactic.name', 'rule.threat.tactic.reference', 'rule.threat.technique.id', 'rule.threat.technique.name', 'rule.threat.technique.reference', 'rule.threat.technique.subtechnique.id', 'rule.threat.technique.subtechnique.name', 'rule.threat.technique.subtechnique.reference']);

/** Keys whose value holds what parseElastic reads (an inline `tactic = { id = … }`): not skipped. */
const HOLDS_READ = new Set([...READ].flatMap((key) => key.split('.').slice(1).map((_, i, parts) => ['rule', ...parts.slice(0, i)].join('.')).filter((prefix) => !READ.has(prefix))));

const HEADER = /^\s*(\[\[?)\s*([A-Za-z0-9_-]+(?:\s*\.\s*[A-Za-z0-9_-]+)*)\s*(\]\]?)\s*(?:#.*)?$/;
const KEY = /^\s*([A-Za-z0-9_-]+)\s*=\s*/;

/** The entries, or undefined when the text holds a shape the scanner does not read. */
export function scanElasticEntries(text: string): StringEntry[] | undefined {
  try {
    return scan(text);
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
}

function scan(text: string): StringEntry[] {
  if (text.includes('\r') && /\r(?!\n)/.test(text)) throw new GiveUp();
  const out: StringEntry[] = [];
  // Arrays of tables seen so far (by dotted name) and their current index.
  const arrays = new Map<string, number>();
  let table: (string | number)[] = [];
  let tableDotted = '';
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (position < text.length) {
    let end = text.indexOf('\n', position);
    if (end < 0) end = text.length;
    const lineEnd = end > position && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const line = text.slice(position, lineEnd);
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) {
      position = end + 1;
      continue;
    }
    if (trimmed.startsWith('[')) {
      const header = HEADER.exec(line);
      if (!header || header[1].length !== header[3].length) throw new GiveUp();
      table = resolveTable(header[2].split('.').map((k) => k.trim()), header[1] === '[[', arrays);
      tableDotted = table.filter((p) => typeof p === 'string').join('.');
      position = end + 1;
      continue;
    }
    const key = KEY.exec(line);
    if (!key) throw new GiveUp();
    const valueStart = position + key[0].length;
    const path = [...table, key[1]];
    const dotted = tableDotted ? `${tableDotted}.${key[1]}` : key[1];
    if (HOLDS_READ.has(dotted)) throw new GiveUp();
    const read = READ.has(dotted);
    position = (read ? readValue(text, valueStart, path, out, table) : skipValue(text, valueStart)) + 1;
  }
  return out;
}

/** A header's resolved path: every array of tables on the way carries its current index; a new
 *  [[array]] starts the next element (and forgets the indices of arrays inside it). */
function resolveTable(keys: string[], isArray: boolean, arrays: Map<string, number>): (string | number)[] {
  const path: (string | number)[] = [];
  for (let i = 0; i < keys.length; i++) {
    path.push(keys[i]);
    const name = keys.slice(0, i + 1).join('.');
    const last = i === keys.length - 1;
    if (last && isArray) {
      const index = (arrays.get(name) ?? -1) + 1;
      arrays.set(name, index);
      for (const other of [...arrays.keys()]) if (other.startsWith(`${name}.`)) arrays.delete(other);
      path.push(index);
    } else if (arrays.has(name)) {
      path.push(arrays.get(name)!);
    }
  }
  return path;
}

/** Reads the value at `start` (after `key = `), adds its string entries, and returns the offset of
 *  the newline that ends it. */
function readValue(text: string, start: number, path: (string | number)[], out: StringEntry[], parent: (string | number)[]): number {
  const c = text[start];
  // A multi-line string where an ID, name or index is read: left to the parser.
  if (text.startsWith('"""', start) || text.startsWith("'''", start)) throw new GiveUp();
  if (c === '"' || c === "'") {
    const string = readString(text, start);
    out.push({ path, value: string.value, start: start + 1, end: string.close, parent });
    return restOfLine(text, string.close + 1);
  }
  if (c === '[') return readArray(text, start, path, out);
  if (c === '{' || c === undefined || c === '\n' || c === '\r') throw new GiveUp();
  // A number, boolean or date: not a string, nothing to read.
  const newline = text.indexOf('\n', start);
  const line = text.slice(start, newline < 0 ? text.length : newline);
  if (/["'[{]/.test(line.replace(/#.*$/, ''))) throw new GiveUp();
  return newline < 0 ? text.length : newline;
}

/** A one-line string: its value and the offset of its closing quote. */
function readString(text: string, open: number): { value: string; close: number } {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || c === '\r') throw new GiveUp();
    if (c === '\\' && quote === '"') throw new GiveUp(); // escapes: left to the parser
    if (c === quote) return { value: text.slice(open + 1, i), close: i };
  }
  throw new GiveUp();
}

/** An array of strings (over any number of lines, with comments): each item an entry. */
function readArray(text: string, open: number, path: (string | number)[], out: StringEntry[]): number {
  let i = open + 1;
  let index = 0;
  for (;;) {
    while (i < text.length && /[\s,]/.test(text[i])) i++;
    if (text[i] === '#') {
      const newline = text.indexOf('\n', i);
      if (newline < 0) throw new GiveUp();
      i = newline + 1;
      continue;
    }
    if (text[i] === ']') return restOfLine(text, i + 1);
    if (text[i] !== '"' && text[i] !== "'") throw new GiveUp();
    if (text.startsWith('"""', i) || text.startsWith("'''", i)) throw new GiveUp();
    const string = readString(text, i);
    out.push({ path: [...path, index++], value: string.value, start: i + 1, end: string.close });
    i = string.close + 1;
  }
}

/** Past a value nothing is read from — strings (escapes and multi-line ones included), arrays and
 *  inline tables, nested — to the newline that ends it. */
function skipValue(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (text.startsWith('"""', i) || text.startsWith("'''", i)) {
      const quote = text.slice(i, i + 3);
      let close = text.indexOf(quote, i + 3);
      while (quote === '"""' && close > 0 && escaped(text, close)) close = text.indexOf(quote, close + 1);
      if (close < 0) throw new GiveUp();
      i = close + 3;
      while (text[i] === quote[0]) i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += c === '"' && text[j] === '\\' ? 2 : 1;
      if (text[j] !== c) throw new GiveUp();
      i = j + 1;
    } else if (c === '[' || c === '{') {
      depth++;
      i++;
    } else if (c === ']' || c === '}') {
      depth--;
      i++;
      if (depth < 0) throw new GiveUp();
    } else if (c === '#') {
      const newline = text.indexOf('\n', i);
      i = newline < 0 ? text.length : newline;
    } else if (c === '\n') {
      if (depth === 0) return i;
      i++;
    } else {
      i++;
    }
  }
  if (depth > 0) throw new GiveUp();
  return text.length;
}

/** Whether the character at `at` is escaped by an odd run of backslashes before it. */
function escaped(text: string, at: number): boolean {
  let count = 0;
  for (let i = at - 1; i >= 0 && text[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

/** After a value: only a comment may follow on its line. Returns the offset of the newline. */
function restOfLine(text: string, from: number): number {
  let newline = text.indexOf('\n', from);
  if (newline < 0) newline = text.length;
  const rest = text.slice(from, newline).trim();
  if (rest && !rest.startsWith('#')) throw new GiveUp();
  return newline;
}

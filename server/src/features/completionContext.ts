// Where the cursor is, in terms of what may be typed there: a Sigma tag, a bare ID in a YAML list
// (Splunk, Sentinel, MaxPatrol), a tactic name, an Elastic `id = "…"` string, or an ID in prose.
// Line-based on purpose: completion runs while the text is half-typed and not valid YAML/TOML.
import type { ObjectKind } from '../corpus/model';
import type { LineIndex } from '../formats/lineIndex';
import type { RuleDocument } from '../formats/model';

export type CompletionSlot =
  /** `attack.…` in a Sigma tags list. */
  | { kind: 'sigmaTag' }
  /** A bare ID; `kinds` limits what fits; `tactic` ranks techniques of a tactic first (XP keys). */
  | { kind: 'bareId'; kinds: ObjectKind[]; tactic?: string }
  /** A tactic name in a format's spelling (Sentinel `tactics`, MaxPatrol tactic keys). */
  | { kind: 'tacticName' }
  /** Elastic `id = "…"` in a threat table; `table` tells technique, sub-technique or tactic. */
  | { kind: 'elasticId'; table: 'technique' | 'subtechnique' | 'tactic'; line: number; parentTechnique?: string; tactic?: string };

export interface CompletionContext {
  slot: CompletionSlot;
  /** What is typed so far, and the range it covers (replaced by the completion). */
  typed: string;
  start: number;
  end: number;
  line: number;
}

// Letters of any script too: a name in the user's language is searched as well ("межпроц" → T1559).
const isTokenChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45 || (c > 127 && /[\p{L}\p{N}]/u.test(String.fromCharCode(c)));

/** The word before the cursor ([\p{L}\p{N}_.-]*): scanned backwards, since /[\w.-]*$/ is quadratic on a long
 *  line of word characters with one other character in it. */
function trailingToken(text: string): string {
  let i = text.length;
  while (i > 0 && isTokenChar(text.charCodeAt(i - 1))) i--;
  return text.slice(i);
}

/** The word after the cursor, scanned forwards and bounded: a regular expression's greedy loop over
 *  a multi-megabyte line of word characters overflows the stack (found by the fuzzer). */
function leadingToken(text: string, from: number, max = MAX_TOKEN): string {
  let i = from;
  const end = Math.min(text.length, from + max);
  while (i < end && isTokenChar(text.charCodeAt(i))) i++;
  return text.slice(from, i);
}

/** Longer words are no ID, tag or name being typed. */
const MAX_TOKEN = 256;
/** Past this many characters before the cursor (a long prose line has a few thousand) nothing is
 *  being typed that completion could help with. */
const MAX_SHAPE_PREFIX = 10_000;

/** Keys above a line, innermost first (by decreasing indentation), e.g. ["mitre_attack_id", "tags"]. */
export function enclosingKeys(lines: LineIndex, line: number, indent: number): string[] {
  const keys: string[] = [];
  let limit = indent;
  for (let i = line - 1; i >= 0 && limit > 0; i--) {
    const text = lines.lineText(i);
    const trimmed = text.trimStart();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const itemIndent = text.length - trimmed.length;
    const key = /^(?:-\s+)?([\w.\-]+)\s*:/.exec(trimmed);
    if (itemIndent < limit && key) {
      keys.push(key[1]);
      limit = itemIndent;
    } else if (itemIndent === limit && trimmed.startsWith('- ')) {
      continue; // a sibling item of the list the cursor is in
    } else if (itemIndent < limit) {
      limit = itemIndent;
    }
  }
  return keys;
}

export function completionContext(rule: RuleDocument, lines: LineIndex, lineNumber: number, requested: number): CompletionContext | undefined {
  // A position past the end of its line means the line's end (LSP); past the last line, nothing.
  if (lineNumber < 0 || lineNumber >= lines.lineCount) return undefined;
  const lineText = lines.lineText(lineNumber);
  const character = Math.max(0, Math.min(requested, lineText.length));
  const before = lineText.slice(0, character);
  // A line this long before the cursor, or a word this long, is nothing being typed (and the
  // expressions below are not run on it).
  if (before.length > MAX_SHAPE_PREFIX) return undefined;
  const token = trailingToken(before);
  if (token.length > MAX_TOKEN) return undefined;
  const start = character - token.length;
  const rest = leadingToken(lineText, character);
  const base = { typed: token, start, end: character + rest.length, line: lineNumber };
  const indent = lineText.length - lineText.trimStart().length;

  if (rule.format === 'elastic') return elasticContext(lines, lineNumber, before, base);

  const listItem = /^\s*-\s*['"]?[\p{L}\p{N}_.\-]*$/u.test(before);
  const flowItem = /^\s*([\w.\-]+)\s*:\s*\[[^\]]*$/.exec(before);
  const keys = flowItem ? [flowItem[1]] : listItem ? enclosingKeys(lines, lineNumber, Math.max(indent, 1)) : [];
  // A list item at column 0 ("tags:\n- attack.x") belongs to the key right above.
  if (listItem && indent === 0) keys.unshift(...enclosingKeys(lines, lineNumber, 1));
  const mapKey = /^(\s+)([\w\-]*)$/.exec(before);

  switch (rule.format) {
    case 'sigma':
      if (keys[0] === 'tags') return { slot: { kind: 'sigmaTag' }, ...base };
      break;
    case 'splunk':
      if (keys[0] === 'mitre_attack_id') return { slot: { kind: 'bareId', kinds: ['technique'] }, ...base };
      break;
    case 'sentinel':
      if (keys[0] === 'relevantTechniques' || keys[0] === 'subTechniques') return { slot: { kind: 'bareId', kinds: ['technique'] }, ...base };
      if (keys[0] === 'tactics') return { slot: { kind: 'tacticName' }, ...base };
      break;
    case 'xp':
      if (keys[1] === 'ATTACK' && (listItem || flowItem)) return { slot: { kind: 'bareId', kinds: ['technique'], tactic: keys[0] }, ...base };
      if (mapKey && enclosingKeys(lines, lineNumber, mapKey[1].length)[0] === 'ATTACK') return { slot: { kind: 'tacticName' }, ...base };
      break;
    default:
      break;
  }
  // Prose, comments and any other place: an ID being typed.
  if (/^(?:TA|DS|DC|DET|AN|T|M|G|S|C)\d[\d.]*$/i.test(token) || /^(?:TA|DS|DC|DET|AN)$/i.test(token)) {
    return { slot: { kind: 'bareId', kinds: ['technique', 'tactic', 'dataSource', 'dataComponent', 'mitigation', 'detectionStrategy', 'analytic', 'group', 'software', 'campaign'] }, ...base };
  }
  return undefined;
}

const THREAT_HEADER = /^\[\[?\s*rule\.threat(?:\.(technique(?:\.subtechnique)?|tactic))?\s*\]\]?\s*(#.*)?$/;
const ID_LINE = /^\s*id\s*=\s*"([^"]*)"/;

function elasticContext(lines: LineIndex, lineNumber: number, before: string, base: Omit<CompletionContext, 'slot'>): CompletionContext | undefined {
  const value = /^\s*id\s*=\s*"([^"]*)$/.exec(before);
  if (!value) return undefined;
  const header = (i: number) => THREAT_HEADER.exec(lines.lineText(i).trim());
  // The table the cursor is in, and the [[rule.threat]] block around it.
  let tableLine = lineNumber - 1;
  while (tableLine >= 0 && !lines.lineText(tableLine).trim().startsWith('[')) tableLine--;
  const tableHeader = tableLine >= 0 ? header(tableLine) : null;
  if (!tableHeader || tableHeader[1] === undefined) return undefined;
  const table = tableHeader[1] === 'technique' ? 'technique' : tableHeader[1] === 'tactic' ? 'tactic' : 'subtechnique';
  let blockStart = tableLine;
  const isThreatStart = (i: number) => {
    const h = header(i);
    return !!h && h[1] === undefined;
  };
  while (blockStart >= 0 && !isThreatStart(blockStart)) blockStart--;
  let blockEnd = lineNumber + 1;
  while (blockEnd < lines.lineCount && !isThreatStart(blockEnd)) blockEnd++;

  let tactic: string | undefined;
  let parentTechnique: string | undefined;
  let current: string | undefined;
  for (let i = Math.max(blockStart, 0); i < blockEnd; i++) {
    const h = header(i);
    if (h) {
      current = h[1];
      continue;
    }
    const id = ID_LINE.exec(lines.lineText(i));
    if (!id || i === lineNumber) continue;
    if (current === 'tactic') tactic = id[1];
    // The technique whose sub-technique table holds the cursor: the last technique id above it.
    if (current === 'technique' && i < tableLine) parentTechnique = id[1];
  }
  return {
    slot: { kind: 'elasticId', table, line: lineNumber, parentTechnique: table === 'subtechnique' ? parentTechnique : undefined, tactic },
    ...base,
    typed: value[1],
    start: before.length - value[1].length,
  };
}

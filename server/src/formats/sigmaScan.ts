// A fast line scanner for Sigma files in the workspace index: title/id/status/level, `tags` and
// `logsource`, with exact ranges, without building a YAML tree. It handles the shapes real rule
// repositories use (block or one-line flow `tags`, plain and simply-quoted scalars, comments,
// multi-document collections) and gives up — returns undefined — on anything else (anchors,
// aliases, escapes, block scalars, tabs (but in comment lines), odd indentation, duplicate keys), so the caller falls back
// to the full parser (sigma.ts). Its references equal the full parser's: a test checks every
// SigmaHQ rule, and the benchmark checks it again.
import type { LogSource, RuleDocument } from './model';
import { copiedString, emptyRuleDocument, keptString, referenceWithRange } from './model';
import { sigmaTagTemplate } from './sigmaTags';

type Section = 'tags' | 'logsource' | 'identity' | 'other';

interface ScalarToken {
  value: string;
  /** Offsets within the line of the value without quotes. */
  start: number;
  end: number;
}

/** A newline followed by a line that starts at column 0 and is neither blank nor a comment. */
const NEXT_TOP_LEVEL = /\n(?=[^ \r\n#])/g;
const KEY_LINE = /^([A-Za-z_][\w.-]*)[ ]*:(?:[ ]+(.*))?$/;
const IDENTITY_KEYS = new Set(['title', 'id', 'status', 'level']);
const SPECIAL_START = /^[&*!|>%@`{[]/;
/** Plain scalars the YAML 1.2 core schema reads as something other than a string (null, booleans, numbers). */
const NON_STRING_PLAIN = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

class GiveUp extends Error {}

/** Scans one line-relative value: a plain scalar or a quoted one without escapes. */
function scalar(line: string, from: number, inFlow = false): ScalarToken {
  let text = line.slice(from);
  const leading = text.length - text.trimStart().length;
  const start = from + leading;
  text = text.trim();
  if (!text) throw new GiveUp();
  const quote = text[0];
  if (quote === "'" || quote === '"') {
    const close = text.indexOf(quote, 1);
    if (close < 0) throw new GiveUp();
    const inner = text.slice(1, close);
    if ((quote === "'" && text[close + 1] === "'") || (quote === '"' && inner.includes('\\'))) throw new GiveUp();
    const after = text.slice(close + 1).trim();
    if (after && !after.startsWith('#')) throw new GiveUp();
    return { value: inner, start: start + 1, end: start + 1 + inner.length };
  }
  if (SPECIAL_START.test(text) || text.startsWith('- ') || text.startsWith('? ')) throw new GiveUp();
  // A comment starts at " #"; a ": " would make this a mapping.
  const comment = text.search(/\s#/);
  const value = (comment >= 0 ? text.slice(0, comment) : text).trimEnd();
  if (!value || value.includes(': ') || value.endsWith(':') || value.startsWith('#')) throw new GiveUp();
  if (inFlow && /[,[\]{}]/.test(value)) throw new GiveUp();
  return { value, start, end: start + value.length };
}

/** Whether a tab is anywhere but in a comment line (one whose first character after spaces is "#"):
 *  a tab there is comment text to YAML — or content of a block or multi-line scalar, which the
 *  scanners never read — while elsewhere it may be indentation, which YAML refuses. */
export function hasTabOutsideComments(text: string): boolean {
  for (let tab = text.indexOf('\t'); tab >= 0; tab = text.indexOf('\t', tab + 1)) {
    let first = Math.max(text.lastIndexOf('\n', tab), text.lastIndexOf('\r', tab)) + 1;
    while (text.charCodeAt(first) === 32) first++;
    if (text.charCodeAt(first) !== 35 /* # */ || first > tab) return true;
  }
  return false;
}

export function scanSigma(uri: string, text: string): RuleDocument | undefined {
  try {
    return scan(uri, text);
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
}

function scan(uri: string, text: string): RuleDocument {
  // Lines here end at \n (\r\n included); a lone \r also ends one for the editor: left to the parser.
  if (text.charCodeAt(0) === 0xfeff || hasTabOutsideComments(text) || (text.includes('\r') && /\r(?!\n)/.test(text))) throw new GiveUp();
  const rule = emptyRuleDocument(uri, 'sigma');
  let documentIndex = 0;
  let documentHasContent = false;
  let section: Section = 'other';
  let keysInDocument = new Set<string>();
  let tagItemIndent = -1;
  let logSource: LogSource | undefined;
  let logSourceIndent = -1;
  let lastFieldTracked = false;

  const finishLogSource = () => {
    if (logSource && (logSource.category || logSource.product || logSource.service)) rule.logSources.push(logSource);
    logSource = undefined;
  };
  // Where a new tag goes (as the full parser places it): after the last item of the first tags list.
  let lastTag: { line: number; lineStart: number; prefixEnd: number; end: number; flow: boolean } | undefined;
  const finishTags = () => {
    if (lastTag && !rule.insertion) {
      rule.insertion = lastTag.flow
        ? { position: { line: lastTag.line, character: lastTag.end }, itemPrefix: ', ', flow: true }
        : { position: { line: lastTag.line + 1, character: 0 }, itemPrefix: text.slice(lastTag.lineStart, lastTag.lineStart + lastTag.prefixEnd), flow: false };
    }
    lastTag = undefined;
  };

  const addTag = (token: ScalarToken, line: number) => {
    const meaning = sigmaTagTemplate(token.value);
    if (!meaning) return;
    const reference = referenceWithRange(meaning, { start: { line, character: token.start }, end: { line, character: token.end } });
    if (documentIndex > 0) reference.documentIndex = documentIndex;
    rule.references.push(reference);
  };

  // Lines are walked by offset. Inside a section we do not read (detection, description…: most of a
  // rule) the walk jumps with one regular-expression search to the next line at column 0.
  let i = 0;
  let start = 0;
  const advance = (end: number) => {
    if (section !== 'other') {
      start = end + 1;
      i++;
      return;
    }
    NEXT_TOP_LEVEL.lastIndex = end;
    const next = NEXT_TOP_LEVEL.exec(text);
    const to = next ? next.index + 1 : text.length + 1;
    for (let p = end; p >= 0 && p < to; p = text.indexOf('\n', p + 1)) i++;
    start = to;
  };
  const processLine = (lineStart: number, end: number, lineNumber: number): void => {
    const contentEnd = end > lineStart && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    let first = lineStart;
    while (first < contentEnd && text.charCodeAt(first) === 32) first++;
    if (first === contentEnd || text.charCodeAt(first) === 35 /* # */) return;
    const line = text.slice(lineStart, contentEnd);
    if (line.startsWith('---')) {
      if (line.trim() !== '---') throw new GiveUp();
      finishLogSource();
      finishTags();
      if (documentHasContent || documentIndex > 0 || keysInDocument.size) documentIndex++;
      documentHasContent = true;
      keysInDocument = new Set();
      section = 'other';
      return;
    }
    if (line.startsWith('...') || line.startsWith('%')) throw new GiveUp();
    const trimmed = line.trimStart();
    if (!trimmed || trimmed.startsWith('#')) return;
    const indent = line.length - trimmed.length;

    if (indent === 0 && !trimmed.startsWith('- ') && trimmed !== '-') {
      documentHasContent = true;
      finishLogSource();
      finishTags();
      const match = KEY_LINE.exec(line);
      if (!match) throw new GiveUp();
      const [, key, rest = ''] = match;
      if (keysInDocument.has(key)) throw new GiveUp();
      keysInDocument.add(key);
      const value = rest.trim();
      section = 'other';
      if (key === 'tags') {
        section = 'tags';
        tagItemIndent = -1;
        if (value && !value.startsWith('#')) {
          const last = scanFlowTags(line, line.indexOf(rest), lineNumber, addTag);
          if (last) lastTag = { line: lineNumber, lineStart, prefixEnd: 0, end: last.end, flow: true };
        }
      } else if (key === 'logsource') {
        if (value && !value.startsWith('#')) throw new GiveUp();
        section = 'logsource';
        logSourceIndent = -1;
        lastFieldTracked = false;
        logSource = { range: { start: { line: lineNumber, character: 0 }, end: { line: lineNumber, character: key.length } } };
      } else if (IDENTITY_KEYS.has(key)) {
        if (!value || value.startsWith('#')) throw new GiveUp();
        const token = scalar(line, line.length - rest.length);
        const quoted = value[0] === "'" || value[0] === '"';
        if (!quoted && NON_STRING_PLAIN.test(token.value)) throw new GiveUp();
        const field = key as 'title' | 'id' | 'status' | 'level';
        rule.identity[field] ??= copiedString(token.value);
        section = 'identity';
      }
      return;
    }

    // An indented line after title/id/status/level continues a multi-line scalar.
    if (section === 'identity') throw new GiveUp();

    if (section === 'tags') {
      if (!trimmed.startsWith('- ') || (tagItemIndent >= 0 && indent !== tagItemIndent)) throw new GiveUp();
      tagItemIndent = indent;
      const token = scalar(line, indent + 2);
      addTag(token, lineNumber);
      const quoted = line[token.start - 1] === "'" || line[token.start - 1] === '"';
      lastTag = { line: lineNumber, lineStart, prefixEnd: token.start - (quoted ? 1 : 0), end: token.end, flow: false };
    } else if (section === 'logsource') {
      if (indent === 0) throw new GiveUp(); // a sequence at column 0 under logsource
      if (logSourceIndent < 0) logSourceIndent = indent;
      if (indent < logSourceIndent) throw new GiveUp();
      if (indent > logSourceIndent) {
        // A nested value of another field (e.g. definition) is skipped; one of ours continues a scalar.
        if (lastFieldTracked) throw new GiveUp();
        return;
      }
      const match = KEY_LINE.exec(trimmed);
      if (!match) throw new GiveUp();
      const [, field, rest = ''] = match;
      lastFieldTracked = field === 'category' || field === 'product' || field === 'service';
      if (field !== 'category' && field !== 'product' && field !== 'service') return;
      if (!rest.trim() || rest.trim().startsWith('#')) throw new GiveUp();
      const token = scalar(line, line.length - rest.length);
      if (NON_STRING_PLAIN.test(token.value) && rest.trim()[0] !== "'" && rest.trim()[0] !== '"') throw new GiveUp();
      if (logSource![field] !== undefined) throw new GiveUp();
      logSource![field] = keptString(token.value);
    }
  };
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const lineStart = start;
    processLine(lineStart, end, i);
    // After the line: a key line may have changed the section, which decides how far to jump.
    advance(end);
  }
  finishLogSource();
  finishTags();
  return rule;
}

/** `tags: [attack.execution, attack.t1059]` on one line; returns the last item. */
function scanFlowTags(line: string, from: number, lineNumber: number, addTag: (token: ScalarToken, line: number) => void): ScalarToken | undefined {
  const open = line.indexOf('[', from);
  const close = line.lastIndexOf(']');
  if (open < 0 || close < open || line.slice(from, open).trim() || (line.slice(close + 1).trim() && !line.slice(close + 1).trim().startsWith('#'))) {
    throw new GiveUp();
  }
  let position = open + 1;
  const body = line.slice(0, close);
  let last: ScalarToken | undefined;
  while (position < close) {
    const comma = body.indexOf(',', position);
    const end = comma < 0 ? close : comma;
    const item = line.slice(position, end);
    if (item.includes("'") || item.includes('"')) throw new GiveUp();
    if (item.trim()) {
      last = scalar(line.slice(0, end), position, true);
      addTag(last, lineNumber);
    }
    position = end + 1;
  }
  return last;
}

// Shared steps of the YAML rule formats (Splunk, Sentinel, MaxPatrol): parse one document, collect
// parser problems, turn list items into references, and place the insertion point after a list.
import { type Document, isMap, isScalar, isSeq, parseAllDocuments, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { interpretBareId } from './bareIds';
import { LineIndex } from './lineIndex';
import type { AttackReference, InsertionPoint, RuleDocument } from './model';
import { readYamlLeniently } from './yamlLenient';
import { scalarText, seqScalars, yamlProblems } from './yamlUtil';
import { formatCount, t, translated } from '../l10n/l10n';

export interface ParsedYaml {
  root: YAMLMap | undefined;
  lines: LineIndex;
  text: string;
}

/** Above this many characters a file is not parsed strictly: the `yaml` package takes about a
 *  second per megabyte (twice that on a busy machine), on every edit, and the server answers nothing
 *  meanwhile — at 256 KB a hostile 10,000-tag rule (195 KB) held every request for 160–260 ms. The
 *  largest real rule seen (SigmaHQ's vulnerable-driver list, 295 KB; the next is under 64 KB) is read
 *  by the Sigma scanner, whose references equal the parser's on every SigmaHQ rule. */
export const STRICT_PARSE_LIMIT = 128 * 1024;
/** Collections nested deeper than this are not parsed strictly either: the parser's time grows with
 *  the depth (50,000 levels: half a second to ten seconds) and no rule nests more than a few. */
export const STRICT_DEPTH_LIMIT = 1000;

/** Why a text is read by a fast reader only (too large, or nested too deeply), or undefined. */
export function strictParseRefusal(text: string): 'size' | 'depth' | undefined {
  if (text.length > STRICT_PARSE_LIMIT) return 'size';
  return flowDepthOver(text, STRICT_DEPTH_LIMIT) ? 'depth' : undefined;
}

/** Whether brackets ([ {) ever nest deeper than `limit`, or one line opens more than `limit`
 *  sequences ("- - - … x", which took the parser ten seconds at 50,000) — one pass, quotes not
 *  considered (a real rule's strings never hold a thousand unclosed brackets). */
function flowDepthOver(text: string, limit: number): boolean {
  let depth = 0;
  let dashes = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if ((c === 93 || c === 125) && depth > 0) {
      depth--;
    }
    if (c === 10 || c === 13) {
      lineStart = true;
      dashes = 0;
    } else if (lineStart && c === 45 /* - */ && (text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 9)) {
      if (++dashes > limit) return true;
      i++;
    } else if (c !== 32 && c !== 9) {
      lineStart = false;
    }
  }
  return false;
}

export function parseYamlRule(rule: RuleDocument, text: string): ParsedYaml {
  const lines = new LineIndex(text);
  const root = parseYamlRoots(rule, text, lines, false)[0];
  return { root: isMap(root) ? root : undefined, lines, text };
}

/** The roots of a rule file's YAML documents (one for single-document formats), with the parse
 *  problems added to the rule. Strict YAML 1.2 first; when that fails, the lenient reader
 *  (yamlLenient.ts): a file it reads whole is one PyYAML reads, and gets one warning saying so —
 *  no reference lost; a file broken for both keeps the strict parser's errors, with the
 *  references the lenient reader found. Files over STRICT_PARSE_LIMIT are read leniently only. */
export function parseYamlRoots(rule: RuleDocument, text: string, lines: LineIndex, multiDocument: boolean): unknown[] {
  const refusal = strictParseRefusal(text);
  if (refusal) {
    const lenient = readYamlLeniently(text);
    rule.problems.push(notCheckedProblem(text, lines, refusal));
    // What the fast reader skipped (for a deep file, the depth: already said).
    for (const problem of refusal === 'size' ? lenient.problems.slice(0, MAX_LENIENT_PROBLEMS) : []) {
      rule.problems.push({ message: t('This file is not valid YAML: {0}', translated(problem.message)), range: lines.range(problem.start, Math.max(problem.end, problem.start + 1)), severity: 'warning' });
    }
    return lenient.documents;
  }
  const documents: Document.Parsed[] = multiDocument ? parseAllDocuments(text, { uniqueKeys: false }) as Document.Parsed[] : [parseDocument(text, { uniqueKeys: false })];
  const list = Array.isArray(documents) ? documents : [documents];
  const strictProblems = list.flatMap((document) => yamlProblems(document, lines));
  const firstError = list.flatMap((document) => document.errors)[0];
  if (!firstError) {
    for (const problem of strictProblems) rule.problems.push(problem);
    return list.map((document) => document.contents);
  }
  const lenient = readYamlLeniently(text);
  if (!lenient.problems.length) {
    const error = strictProblems.find((p) => p.severity === 'error')!;
    rule.problems.push({ ...error, severity: 'warning', message: lenientMessage(parserMessage(firstError.message)) });
    return lenient.documents;
  }
  // Not push(...list): broken 3 MB input gives a million problems, beyond the argument limit.
  for (const problem of strictProblems) rule.problems.push(problem);
  return lenient.documents;
}

const MAX_LENIENT_PROBLEMS = 5;

/** The yaml package's message without the position and code frame it appends. */
function parserMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
}

/** The warning on a file only lenient readers accept (a quoted value continued at column 0). */
export function lenientMessage(parserMessage: string): string {
  return t("This file is not valid YAML 1.2 ({0}), although lenient readers such as PyYAML, which Sigma's and Splunk's own tools use, read it; TTP Lens read it the same way, so no reference is lost.", parserMessage);
}

/** The note on a file read by a fast reader only: too large (information), or nested too deeply
 *  (an error: no YAML reader reads such a file as meant). */
export function notCheckedProblem(text: string, lines: LineIndex, refusal: 'size' | 'depth'): RuleDocument['problems'][number] {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: Math.min(lines.lineText(0).length, 200) } };
  if (refusal === 'depth') {
    return { message: t('This file is not valid YAML: the document nests collections more than {0} levels deep, too deeply to read; TTP Lens read its ATT&CK references with its fast reader.', formatCount(STRICT_DEPTH_LIMIT, 'en')), range, severity: 'error' };
  }
  const megabytes = (Buffer.byteLength(text) / 1048576).toFixed(1);
  return { message: t('This file is {0} MB: TTP Lens read its ATT&CK references with its fast reader and did not check its YAML syntax (it does for files up to {1} KB).', megabytes, STRICT_PARSE_LIMIT / 1024), range, severity: 'information' };
}

/** References for the scalar items of a sequence of bare IDs (filed under `tactic`, if given). */
export function bareIdItems(parsed: ParsedYaml, seq: unknown, key: string, tactic?: string, expected: AttackReference['kind'] = 'technique'): AttackReference[] {
  // Each distinct text is interpreted once (hostile files repeat one ID 100,000 times); every
  // reference is built with one shape (see referenceWithRange).
  const meanings = new Map<string, ReturnType<typeof interpretBareId>>();
  return seqScalars(seq, parsed.text).map((item) => {
    let meaning = meanings.get(item.text);
    if (!meaning) meanings.set(item.text, (meaning = interpretBareId(item.text, expected)));
    const reference: AttackReference = { id: meaning.id, kind: meaning.kind, written: item.text, form: 'bareId', range: parsed.lines.range(item.start, item.end), key };
    if (tactic !== undefined) reference.tactic = tactic;
    if (meaning.malformed) reference.malformed = meaning.malformed;
    return reference;
  });
}

/** Where a new item of a block sequence goes: a new line after its last item, same prefix. */
export function insertionAfter(parsed: ParsedYaml, seq: unknown): InsertionPoint | undefined {
  // The last non-empty scalar item, found from the end (not by listing 100,000 items again).
  let last: { node: Scalar } | undefined;
  const items = isSeq(seq) ? seq.items : [];
  for (let i = items.length - 1; i >= 0 && !last; i--) {
    const item = items[i];
    if (isScalar(item) && scalarText(item, parsed.text)?.text.trim()) last = { node: item };
  }
  if (!last || !last.node.range) return undefined;
  const start = parsed.lines.positionAt(last.node.range[0]);
  const end = parsed.lines.positionAt(last.node.range[1]);
  const prefix = parsed.lines.lineText(start.line).slice(0, start.character);
  if (!/^\s*-\s*$/.test(prefix)) return { position: end, itemPrefix: ', ', flow: true };
  return { position: { line: end.line + 1, character: 0 }, itemPrefix: prefix, flow: false };
}

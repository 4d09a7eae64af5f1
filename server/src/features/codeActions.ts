// Quick-fixes from diagnostics' code + data (never from message text): replace with the successor or
// a suggestion, normalise, fix a name, add a missing tactic tag, remove a duplicate; "fix all of this
// kind in the file" and source.fixAll. Edits touch only the bytes they must and carry the document
// version, so a stale fix is refused by the editor instead of corrupting the file. "Fix all" covers
// every finding, also those a capped diagnostics list leaves out; for a client that resolves code
// actions, its edit (which may be 100,000 edits) is computed only when the user picks it.
import { type CodeAction, CodeActionKind, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import type { RuleDocument } from '../formats/model';
import type { LineIndex } from '../formats/lineIndex';
import { autoFixesOf, DIAGNOSTIC_SOURCE, fixableCounts, type FixData } from './diagnostics';
import { formatCount, later, t, translated } from '../l10n/l10n';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.ttpLens`;

const CODE_LABEL: Record<string, string> = {
  'ttp.revoked': later('revoked IDs'),
  'ttp.malformed': later('malformed references'),
  'ttp.name-mismatch': later('technique names'),
  'ttp.duplicate': later('duplicate references'),
  'ttp.missing-tactic': later('missing tactic tags'),
};

export interface CodeActionInput {
  rule: RuleDocument;
  lines: LineIndex;
  version: number;
  /** Diagnostics the editor sent for the requested range. */
  contextDiagnostics: Diagnostic[];
  /** All of the document's current diagnostics, for the fix-all actions. */
  allDiagnostics: Diagnostic[];
  /** Requested kinds (`context.only`), if any. */
  only?: string[];
  /** The client resolves code actions' edits (codeAction/resolve): "fix all" edits wait for it. */
  resolveEdits?: boolean;
}

/** What a "fix all" action left for codeAction/resolve carries. */
export interface FixAllData {
  ttpLensFixAll: { uri: string; version: number; code?: string };
}

function edit(uri: string, version: number, edits: TextEdit[]) {
  return { documentChanges: [{ textDocument: { uri, version }, edits }] };
}

const dataOf = (diagnostic: Diagnostic) => (diagnostic.data ?? {}) as FixData;

export function codeActions(input: CodeActionInput): CodeAction[] {
  const { rule, version } = input;
  const wants = (kind: string) => !input.only || input.only.some((k) => kind === k || kind.startsWith(`${k}.`));
  const actions: CodeAction[] = [];
  // Counted without building a capped list's full one; the edits (inline, or on resolve) need it.
  const counts = fixableCounts(input.allDiagnostics);
  if (wants(CodeActionKind.QuickFix)) {
    for (const diagnostic of input.contextDiagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const data = dataOf(diagnostic);
      data.replacements?.forEach((replacement, i) => {
        actions.push({
          title: replacement.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: i === 0 && (data.autoFix === true || data.replacements!.length === 1),
          edit: edit(rule.uri, version, [{ range: replacement.range, newText: replacement.text }]),
        });
      });
      for (const insertion of data.insertions ?? []) {
        const insert = insertionEdit(rule, input.lines, insertion.text);
        if (insert) actions.push({ title: insertion.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: edit(rule.uri, version, [insert]) });
      }
      if (data.deletion) {
        const removal = deletionEdit(input.lines, data.deletion);
        if (removal) actions.push({ title: data.deletionTitle ?? t('Remove the duplicate'), kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: edit(rule.uri, version, [removal]) });
      }
    }
    for (const code of new Set(input.contextDiagnostics.map((d) => String(d.code)))) {
      const count = counts.get(code) ?? 0;
      if (!CODE_LABEL[code] || count < 2) continue;
      const action: CodeAction = { title: t('Fix all {0} in this file ({1})', translated(CODE_LABEL[code]), formatCount(count)), kind: CodeActionKind.QuickFix, diagnostics: input.contextDiagnostics.filter((d) => String(d.code) === code) };
      if (withEdit(action, input, code)) actions.push(action);
    }
  }
  if (wants(FIX_ALL_KIND) && [...counts.values()].some((n) => n > 0)) {
    const action: CodeAction = { title: t('Fix all auto-fixable ATT&CK problems'), kind: FIX_ALL_KIND, diagnostics: fixable(input.allDiagnostics) };
    if (withEdit(action, input)) actions.push(action);
  }
  return actions;
}

/** The diagnostics "fix all" applies (of one code, or of every code). */
function fixable(diagnostics: Diagnostic[], code?: string): Diagnostic[] {
  return diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && dataOf(d).autoFix && (code === undefined || String(d.code) === code));
}

/** Adds the edit of a "fix all" action now, or — for a client that resolves — the data to compute it
 *  later. False when there is nothing to edit. */
function withEdit(action: CodeAction, input: CodeActionInput, code?: string): boolean {
  if (input.resolveEdits) {
    const data: FixAllData = { ttpLensFixAll: { uri: input.rule.uri, version: input.version, code } };
    action.data = data;
    return true;
  }
  const edits = autoFixes(input.rule, input.lines, input.allDiagnostics, code).map((f) => f.edit);
  if (!edits.length) return false;
  action.edit = edit(input.rule.uri, input.version, edits);
  return true;
}

/** codeAction/resolve for a "fix all" action: its edit, computed against the document's current
 *  diagnostics — none when the document changed since the action was offered. */
export function resolveCodeAction(action: CodeAction, input: Pick<CodeActionInput, 'rule' | 'lines' | 'version' | 'allDiagnostics'>): CodeAction {
  const data = (action.data as Partial<FixAllData> | undefined)?.ttpLensFixAll;
  if (!data || data.uri !== input.rule.uri || data.version !== input.version) return action;
  const edits = autoFixes(input.rule, input.lines, input.allDiagnostics, data.code).map((f) => f.edit);
  return edits.length ? { ...action, edit: edit(input.rule.uri, input.version, edits) } : action;
}

/** A fix "fix all" (or `ttp-lens check --fix`) applies: the code and 0-based line it fixes, and its edit. */
export interface PlannedFix {
  code: string;
  line: number;
  edit: TextEdit;
}

/** The unambiguous fix of each auto-fixable diagnostic of the document (also those a capped list
 *  leaves out), skipping any edit that would overlap an earlier one and a second identical insertion
 *  (two techniques missing the same tactic) — removals of duplicates first, so a repeat that is also
 *  malformed is removed, not rewritten into a copy. Kept edits are filed by line (fixes touch one
 *  line, a removal the line and the next one's start), so 100,000 fixes cost n, not n². */
export function autoFixes(rule: RuleDocument, lines: LineIndex, published: Diagnostic[], code?: string): PlannedFix[] {
  const unordered = autoFixesOf(published, code);
  const entries = [...unordered.filter((f) => f.fix.deletion), ...unordered.filter((f) => !f.fix.deletion)];
  const planned: PlannedFix[] = [];
  // The first span kept on each line in typed arrays (one per line is the rule), further ones in a map.
  const firstStart = new Float64Array(lines.lineCount + 1).fill(-1);
  const firstEnd = new Float64Array(lines.lineCount + 1);
  const more = new Map<number, [number, number][]>();
  const inserted = new Set<string>();
  const overlaps = (line: number, start: number, end: number) => {
    if (firstStart[line] < 0) return false;
    if (start < firstEnd[line] && firstStart[line] < end) return true;
    return more.get(line)?.some(([s, e]) => start < e && s < end) === true;
  };
  const keep = (line: number, start: number, end: number) => {
    if (firstStart[line] < 0) {
      firstStart[line] = start;
      firstEnd[line] = end;
    } else {
      const list = more.get(line);
      if (list) list.push([start, end]);
      else more.set(line, [[start, end]]);
    }
  };
  for (const { code: fixCode, line: fixLine, fix } of entries) {
    const candidate = fix.deletion
      ? deletionEdit(lines, fix.deletion)
      : fix.replacements?.[0]
        ? { range: fix.replacements[0].range, newText: fix.replacements[0].text }
        : fix.insertions?.length === 1
          ? insertionEdit(rule, lines, fix.insertions[0].text)
          : undefined;
    if (!candidate) continue;
    const start = lines.offsetAt(candidate.range.start);
    const end = lines.offsetAt(candidate.range.end);
    if (start === end) {
      const key = `${start}\u0000${candidate.newText}`;
      if (inserted.has(key)) continue;
      inserted.add(key);
    }
    const first = Math.min(candidate.range.start.line, lines.lineCount);
    const last = Math.min(candidate.range.end.line, lines.lineCount);
    let clash = false;
    for (let line = first; line <= last && !clash; line++) clash = overlaps(line, start, end);
    if (clash) continue;
    for (let line = first; line <= last; line++) keep(line, start, end);
    planned.push({ code: fixCode, line: fixLine, edit: candidate });
  }
  return planned;
}

/** A new list item after the last one ("    - attack.execution"), or ", item" in a flow list. */
export function insertionEdit(rule: RuleDocument, lines: LineIndex, text: string): TextEdit | undefined {
  const point = rule.insertion;
  if (!point) return undefined;
  if (point.flow) return { range: { start: point.position, end: point.position }, newText: `, ${text}` };
  if (point.position.line >= lines.lineCount) {
    // The list ends the file without a final newline: append after the last line.
    const end = lines.positionAt(lines.text.length);
    return { range: { start: end, end }, newText: `\n${point.itemPrefix}${text}` };
  }
  const eol = lines.text.includes('\r\n') ? '\r\n' : '\n';
  return { range: { start: point.position, end: point.position }, newText: `${point.itemPrefix}${text}${eol}` };
}

/** Removes a list item: the whole line for a block item ("  - x  # comment"), or the item and one
 *  separating comma in a flow list. Anything else (a key's value, a table) is not removed. */
export function deletionEdit(lines: LineIndex, range: Range): TextEdit | undefined {
  if (range.start.line !== range.end.line) return undefined;
  const line = lines.lineText(range.start.line);
  const before = line.slice(0, range.start.character);
  const after = line.slice(range.end.character);
  if (/^\s*-\s*['"]?$/.test(before) && /^['"]?\s*(#.*)?$/.test(after)) {
    const start = { line: range.start.line, character: 0 };
    const end = range.start.line + 1 < lines.lineCount ? { line: range.start.line + 1, character: 0 } : { line: range.start.line, character: line.length };
    return { range: { start, end }, newText: '' };
  }
  const quoteBefore = /['"]$/.test(before) ? 1 : 0;
  const quoteAfter = /^['"]/.test(after) ? 1 : 0;
  const itemStart = range.start.character - quoteBefore;
  const itemEnd = range.end.character + quoteAfter;
  const preceding = /,\s*$/.exec(line.slice(0, itemStart));
  if (preceding) return { range: { start: { line: range.start.line, character: preceding.index }, end: { line: range.start.line, character: itemEnd } }, newText: '' };
  const following = /^\s*,\s*/.exec(line.slice(itemEnd));
  if (following && /\[\s*$/.test(line.slice(0, itemStart))) {
    return { range: { start: { line: range.start.line, character: itemStart }, end: { line: range.start.line, character: itemEnd + following[0].length } }, newText: '' };
  }
  return undefined;
}

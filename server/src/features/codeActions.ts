// Quick-fixes from diagnostics' code + data (never from message text): replace with the successor or
// a suggestion, normalise, fix a name, add a missing tactic tag, remove a duplicate; "fix all of this
// kind in the file" and source.fixAll. Edits touch only the bytes they must and carry the document
// version, so a stale fix is refused by the editor instead of corrupting the file.
import { type CodeAction, CodeActionKind, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import type { RuleDocument } from '../formats/model';
import type { LineIndex } from '../formats/lineIndex';
import type { FixData } from './diagnostics';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.ttpLens`;

const CODE_LABEL: Record<string, string> = {
  'ttp.revoked': 'revoked IDs',
  'ttp.malformed': 'malformed references',
  'ttp.name-mismatch': 'technique names',
  'ttp.duplicate': 'duplicate references',
  'ttp.missing-tactic': 'missing tactic tags',
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
}

function edit(uri: string, version: number, edits: TextEdit[]) {
  return { documentChanges: [{ textDocument: { uri, version }, edits }] };
}

const dataOf = (diagnostic: Diagnostic) => (diagnostic.data ?? {}) as FixData;

export function codeActions(input: CodeActionInput): CodeAction[] {
  const { rule, version } = input;
  const wants = (kind: string) => !input.only || input.only.some((k) => kind === k || kind.startsWith(`${k}.`));
  const actions: CodeAction[] = [];
  if (wants(CodeActionKind.QuickFix)) {
    for (const diagnostic of input.contextDiagnostics) {
      if (diagnostic.source !== 'TTP Lens') continue;
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
        if (removal) actions.push({ title: 'Remove the duplicate', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: edit(rule.uri, version, [removal]) });
      }
    }
    for (const code of new Set(input.contextDiagnostics.map((d) => String(d.code)))) {
      const same = input.allDiagnostics.filter((d) => String(d.code) === code && dataOf(d).autoFix);
      if (same.length < 2 || !CODE_LABEL[code]) continue;
      const edits = autoFixes(rule, input.lines, same).map((fix) => fix.edit);
      if (edits.length) actions.push({ title: `Fix all ${CODE_LABEL[code]} in this file (${same.length})`, kind: CodeActionKind.QuickFix, diagnostics: same, edit: edit(rule.uri, version, edits) });
    }
  }
  if (wants(FIX_ALL_KIND)) {
    const fixable = input.allDiagnostics.filter((d) => d.source === 'TTP Lens' && dataOf(d).autoFix);
    const edits = autoFixes(rule, input.lines, fixable).map((fix) => fix.edit);
    if (edits.length) actions.push({ title: 'Fix all auto-fixable ATT&CK problems', kind: FIX_ALL_KIND, diagnostics: fixable, edit: edit(rule.uri, version, edits) });
  }
  return actions;
}

/** The unambiguous fix of each auto-fixable diagnostic, with the diagnostic it fixes, skipping any
 *  edit that would overlap an earlier one (and a second identical insertion): what Fix All applies in
 *  the editor and `ttp-lens check --fix` on disk. */
export function autoFixes(rule: RuleDocument, lines: LineIndex, diagnostics: readonly Diagnostic[]): { diagnostic: Diagnostic; edit: TextEdit }[] {
  const fixes: { diagnostic: Diagnostic; edit: TextEdit }[] = [];
  const taken: [number, number, string][] = [];
  for (const diagnostic of diagnostics) {
    const data = dataOf(diagnostic);
    if (diagnostic.source !== 'TTP Lens' || !data.autoFix) continue;
    const candidate = data.deletion
      ? deletionEdit(lines, data.deletion)
      : data.replacements?.[0]
        ? { range: data.replacements[0].range, newText: data.replacements[0].text }
        : data.insertions?.length === 1
          ? insertionEdit(rule, lines, data.insertions[0].text)
          : undefined;
    if (!candidate) continue;
    const span: [number, number] = [lines.offsetAt(candidate.range.start), lines.offsetAt(candidate.range.end)];
    // Two techniques missing the same tactic insert the same tag at the same place: once is enough.
    if (taken.some(([start, end, text]) => (span[0] < end && start < span[1]) || (start === span[0] && end === span[1] && text === candidate.newText))) continue;
    taken.push([...span, candidate.newText]);
    fixes.push({ diagnostic, edit: candidate });
  }
  return fixes;
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

// Is a response well-formed? The LSP shapes of hover, completion, code actions, document links and
// published diagnostics, with every range inside the document as the client sees it (LSP lines end
// at \n, \r\n or \r; characters are UTF-16 units). Each returns the problems found, empty when none.
import type { TextDocument } from 'vscode-languageserver-textdocument';

type Json = unknown;

/** A document version as the validators need it: its lines' lengths, measured once. */
export interface View {
  uri: string;
  version: number;
  lengths: number[];
  offsetAt(position: { line: number; character: number }): number;
}

export function viewOf(document: TextDocument): View {
  return { uri: document.uri, version: document.version, lengths: document.getText().split(/\r\n|\r|\n/).map((l) => l.length), offsetAt: (p) => document.offsetAt(p) };
}

const isObject = (value: Json): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isUint = (value: Json): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

export function checkRange(range: Json, document: View, what: string): string[] {
  if (!isObject(range) || !isObject(range.start) || !isObject(range.end)) return [`${what}: not a range: ${JSON.stringify(range)}`];
  const problems: string[] = [];
  const lines = document.lengths;
  for (const [name, position] of [['start', range.start], ['end', range.end]] as const) {
    if (!isUint(position.line) || !isUint(position.character)) {
      problems.push(`${what}.${name}: not a position: ${JSON.stringify(position)}`);
      continue;
    }
    if (position.line >= lines.length) problems.push(`${what}.${name}: line ${position.line} beyond the document's ${lines.length} lines`);
    else if (position.character > lines[position.line]) problems.push(`${what}.${name}: character ${position.character} beyond line ${position.line}'s ${lines[position.line]}`);
  }
  if (!problems.length) {
    const start = range.start as { line: number; character: number };
    const end = range.end as { line: number; character: number };
    if (start.line > end.line || (start.line === end.line && start.character > end.character)) problems.push(`${what}: starts after it ends`);
  }
  return problems;
}

const isString = (value: Json): value is string => typeof value === 'string';

export function checkHover(result: Json, document: View): string[] {
  if (result === null) return [];
  if (!isObject(result)) return [`hover: not an object: ${JSON.stringify(result).slice(0, 200)}`];
  const problems: string[] = [];
  const contents = result.contents;
  const markup = isObject(contents) && (contents.kind === 'markdown' || contents.kind === 'plaintext') && isString(contents.value);
  if (!markup && !isString(contents)) problems.push(`hover.contents: not MarkupContent: ${JSON.stringify(contents).slice(0, 200)}`);
  if (markup && !(contents as { value: string }).value) problems.push('hover.contents: empty');
  if (result.range !== undefined) problems.push(...checkRange(result.range, document, 'hover.range'));
  return problems;
}

export function checkCompletion(result: Json, document: View): string[] {
  if (result === null) return [];
  const items = Array.isArray(result) ? result : isObject(result) && typeof result.isIncomplete === 'boolean' && Array.isArray(result.items) ? result.items : undefined;
  if (!items) return [`completion: neither a list nor a CompletionList: ${JSON.stringify(result).slice(0, 200)}`];
  const problems: string[] = [];
  for (const [i, item] of items.entries()) {
    if (!isObject(item) || !isString(item.label) || !item.label) {
      problems.push(`completion[${i}]: no label`);
      continue;
    }
    if (item.kind !== undefined && !(isUint(item.kind) && item.kind >= 1 && item.kind <= 25)) problems.push(`completion[${i}].kind: ${String(item.kind)}`);
    const edit = item.textEdit;
    if (isObject(edit)) {
      if (!isString(edit.newText)) problems.push(`completion[${i}].textEdit: no newText`);
      if (edit.range !== undefined) problems.push(...checkRange(edit.range, document, `completion[${i}].textEdit.range`));
      if (edit.insert !== undefined) problems.push(...checkRange(edit.insert, document, `completion[${i}].textEdit.insert`), ...checkRange(edit.replace, document, `completion[${i}].textEdit.replace`));
    }
    if (problems.length > 5) break;
  }
  return problems;
}

export function checkCompletionItem(result: Json): string[] {
  return isObject(result) && isString(result.label) && result.label ? [] : [`completionItem/resolve: no label: ${JSON.stringify(result).slice(0, 200)}`];
}

/** A code action's edits: ranges inside the document, for this document and version, not overlapping. */
function checkEdit(edit: Json, document: View, what: string): string[] {
  if (edit === undefined) return [];
  if (!isObject(edit) || !Array.isArray(edit.documentChanges)) return [`${what}: not a WorkspaceEdit with documentChanges`];
  const problems: string[] = [];
  for (const change of edit.documentChanges) {
    if (!isObject(change) || !isObject(change.textDocument) || !Array.isArray(change.edits)) {
      problems.push(`${what}: not a TextDocumentEdit`);
      continue;
    }
    if (change.textDocument.uri !== document.uri) problems.push(`${what}: edits another document ${String(change.textDocument.uri)}`);
    if (change.textDocument.version !== document.version) problems.push(`${what}: for version ${String(change.textDocument.version)}, not ${document.version}`);
    const spans: [number, number][] = [];
    for (const [i, textEdit] of change.edits.entries()) {
      if (!isObject(textEdit) || !isString(textEdit.newText)) {
        problems.push(`${what}.edits[${i}]: no newText`);
        continue;
      }
      const rangeProblems = checkRange(textEdit.range, document, `${what}.edits[${i}]`);
      problems.push(...rangeProblems);
      if (!rangeProblems.length) {
        const range = textEdit.range as { start: { line: number; character: number }; end: { line: number; character: number } };
        spans.push([document.offsetAt(range.start), document.offsetAt(range.end)]);
      }
      if (problems.length > 5) return problems;
    }
    spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let i = 1; i < spans.length; i++) if (spans[i][0] < spans[i - 1][1]) problems.push(`${what}: overlapping edits at offset ${spans[i][0]}`);
  }
  return problems;
}

export function checkCodeActions(result: Json, document: View): string[] {
  if (result === null) return [];
  if (!Array.isArray(result)) return [`codeAction: not a list: ${JSON.stringify(result).slice(0, 200)}`];
  const problems: string[] = [];
  for (const [i, action] of result.entries()) problems.push(...checkCodeAction(action, document, `codeAction[${i}]`));
  return problems;
}

export function checkCodeAction(action: Json, document: View, what = 'codeAction'): string[] {
  if (!isObject(action) || !isString(action.title) || !action.title) return [`${what}: no title`];
  const problems: string[] = [];
  if (action.kind !== undefined && !isString(action.kind)) problems.push(`${what}.kind: ${String(action.kind)}`);
  if (action.diagnostics !== undefined && !Array.isArray(action.diagnostics)) problems.push(`${what}.diagnostics: not a list`);
  problems.push(...checkEdit(action.edit, document, `${what}.edit`));
  return problems;
}

export function checkLinks(result: Json, document: View): string[] {
  if (result === null) return [];
  if (!Array.isArray(result)) return [`documentLink: not a list`];
  const problems: string[] = [];
  for (const [i, link] of result.entries()) {
    if (!isObject(link)) {
      problems.push(`documentLink[${i}]: not an object`);
      continue;
    }
    problems.push(...checkRange(link.range, document, `documentLink[${i}].range`));
    if (!isString(link.target) || !/^https:\/\//.test(link.target)) problems.push(`documentLink[${i}].target: ${String(link.target)}`);
    if (problems.length > 5) break;
  }
  if (result.length > 1000) problems.push(`documentLink: ${result.length} links, more than the cap of 1,000`);
  return problems;
}

export function checkDiagnostics(diagnostics: Json, document: View): string[] {
  if (!Array.isArray(diagnostics)) return ['publishDiagnostics: not a list'];
  const problems: string[] = [];
  if (diagnostics.length > 1001) problems.push(`publishDiagnostics: ${diagnostics.length} diagnostics, more than the cap`);
  for (const [i, diagnostic] of diagnostics.entries()) {
    if (!isObject(diagnostic)) {
      problems.push(`diagnostics[${i}]: not an object`);
      continue;
    }
    problems.push(...checkRange(diagnostic.range, document, `diagnostics[${i}] (${String(diagnostic.code)})`));
    if (!isString(diagnostic.message) || !diagnostic.message) problems.push(`diagnostics[${i}]: no message`);
    if (!(isUint(diagnostic.severity) && diagnostic.severity >= 1 && diagnostic.severity <= 4)) problems.push(`diagnostics[${i}].severity: ${String(diagnostic.severity)}`);
    if (diagnostic.source !== 'TTP Lens') problems.push(`diagnostics[${i}].source: ${String(diagnostic.source)}`);
    if (problems.length > 5) break;
  }
  return problems;
}

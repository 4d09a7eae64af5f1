// Applying LSP text edits to a string, as an editor would, to compare whole resulting texts.
import type { TextEdit } from 'vscode-languageserver-types';

function offsetAt(text: string, line: number, character: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + character, text.length);
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const resolved = edits
    .map((e) => ({ start: offsetAt(text, e.range.start.line, e.range.start.character), end: offsetAt(text, e.range.end.line, e.range.end.character), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  for (let i = 1; i < resolved.length; i++) {
    if (resolved[i].end > resolved[i - 1].start) throw new Error('overlapping edits');
  }
  let result = text;
  for (const edit of resolved) result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return result;
}

interface WorkspaceEditLike {
  documentChanges?: { textDocument: { uri: string; version: number | null }; edits: TextEdit[] }[];
  changes?: Record<string, TextEdit[]>;
}

/** The edits of a WorkspaceEdit for one document, and the version they were made for. */
export function editsFor(edit: WorkspaceEditLike, uri: string): { edits: TextEdit[]; version: number | null | undefined } {
  const change = edit.documentChanges?.find((c) => c.textDocument.uri === uri);
  if (change) return { edits: change.edits, version: change.textDocument.version };
  return { edits: edit.changes?.[uri] ?? [], version: undefined };
}

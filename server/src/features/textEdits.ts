// Applying LSP text edits to a text, as an editor applies a WorkspaceEdit: every range refers to the
// original text; inserts at one position keep their order. Overlapping edits are refused.
import type { TextEdit } from 'vscode-languageserver-types';
import { LineIndex } from '../formats/lineIndex';

export function applyTextEdits(text: string, edits: readonly TextEdit[], lines = new LineIndex(text)): string {
  const resolved = edits
    .map((edit, order) => ({ start: lines.offsetAt(edit.range.start), end: lines.offsetAt(edit.range.end), newText: edit.newText, order }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
  let result = '';
  let at = 0;
  for (const edit of resolved) {
    if (edit.start < at) throw new Error('overlapping text edits');
    result += text.slice(at, edit.start) + edit.newText;
    at = edit.end;
  }
  return result + text.slice(at);
}

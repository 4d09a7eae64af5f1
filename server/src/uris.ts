// File paths ↔ URIs the way VS Code writes them (vscode-uri), so the index's URIs equal the URIs of
// documents the editor opens — Node's pathToFileURL encodes characters such as `!`, `(` or `@`
// differently, which would make one file two entries.
import { URI } from 'vscode-uri';

/** Paths made only of these characters need no encoding: the URI is the path behind "file://". */
const SAFE_PATH = /^\/[A-Za-z0-9._\-/]*$/;

export function fileUri(path: string): string {
  return SAFE_PATH.test(path) ? `file://${path}` : URI.file(path).toString();
}

/** The inverse of fileUri: URIs of safe paths (nearly all, and all fileUri wrote without encoding)
 *  are read without parsing. */
export function uriToPath(uri: string): string {
  if (uri.startsWith('file:///') && SAFE_PATH.test(uri.slice(7))) return uri.slice(7);
  return URI.parse(uri).fsPath;
}

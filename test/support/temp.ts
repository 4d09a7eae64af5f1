// Temporary folders for tests, removed when the test process exits (each test file runs in its own
// process under node --test), so runs do not pile up workspaces and code-server profiles in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const created: string[] = [];
process.on('exit', () => {
  for (const folder of created) rmSync(folder, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(folder);
  return folder;
}

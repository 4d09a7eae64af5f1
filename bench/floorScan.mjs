// The physical floor of the workspace index: list a folder's .yml/.yaml/.toml files, read each and
// regex-scan it for technique tags — no parsing, no index, no corpus. Imported by bench/child.mjs
// (floor a, in-process) and run as a whole process (floor b, what the CLI cannot beat):
//   node bench/floorScan.mjs <dir>     prints {"ms", "files", "tags"}
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const RULE_FILE = /\.(ya?ml|toml)$/i;
const TECHNIQUE_TAG = /attack\.t\d{4}(?:\.\d{3})?/gi;

export function floorScan(dir) {
  let files = 0;
  let tags = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !RULE_FILE.test(entry.name)) continue;
    files++;
    const text = readFileSync(path.join(entry.parentPath ?? entry.path, entry.name), 'utf8');
    tags += text.match(TECHNIQUE_TAG)?.length ?? 0;
  }
  return { files, tags };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const result = floorScan(process.argv[2]);
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - started, ...result })}\n`);
}

// Where the read-only shared material (ATT&CK bundles, rule corpora) is, for scripts and tests:
// $TTPLENS_SHARED, else ../shared next to the checkout, else /work/shared (where this workplace
// keeps it, for checkouts made elsewhere, e.g. a fresh clone in a temp dir). Undefined if none.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export function findShared(repoRoot) {
  const candidates = [process.env.TTPLENS_SHARED, path.resolve(repoRoot, '..', 'shared'), '/work/shared'].filter(Boolean);
  return candidates.find((dir) => existsSync(path.join(dir, 'attack')));
}

// Where the read-only shared material is (the big third-party corpora that tests and benchmarks
// read: SigmaHQ, rule samples, ATT&CK 17.1, reference files): $TTPLENS_SHARED, else ../shared next
// to the checkout. Undefined when it is not there — the product itself never needs it.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export function findShared(repoRoot) {
  const dir = process.env.TTPLENS_SHARED || path.resolve(repoRoot, '..', 'shared');
  return existsSync(path.join(dir, 'attack')) ? dir : undefined;
}

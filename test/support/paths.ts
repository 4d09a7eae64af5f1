// Where tests find the repository, the built bundles and the read-only shared material.
// Tests run compiled, from out/test/<layer>/, so the repository root is three levels up.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** $TTPLENS_SHARED, else ../shared next to the checkout, else /work/shared (where this workplace keeps
 *  it, for checkouts made elsewhere such as a fresh clone in a temp dir); same rule as scripts/sharedDir.mjs. */
export const SHARED =
  [process.env.TTPLENS_SHARED, path.resolve(REPO_ROOT, '..', 'shared'), '/work/shared'].find((dir): dir is string => !!dir && existsSync(path.join(dir, 'attack'))) ??
  path.resolve(REPO_ROOT, '..', 'shared');
/** Whether the shared third-party corpora are present (CI has them; a user's fresh clone does not). */
export const HAS_SHARED = existsSync(path.join(SHARED, 'attack'));
/** node:test options for a suite or test that needs the shared corpora: skipped, by name, without them.
 *  `describe('…', needsShared, () => …)` — a skipped suite's body does not run. */
export const needsShared: { skip?: string } = HAS_SHARED ? {} : { skip: 'needs the shared corpora (../shared or $TTPLENS_SHARED), absent here' };
export const DIST = path.join(REPO_ROOT, 'dist');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');

export const BUNDLE_18 = path.join(SHARED, 'attack', 'enterprise-attack-18.1.json');
export const BUNDLE_17 = path.join(SHARED, 'attack', 'enterprise-attack-17.1.json');
export const BUNDLE_MOBILE = path.join(SHARED, 'attack', 'mobile-attack-18.1.json');
export const BUNDLE_ICS = path.join(SHARED, 'attack', 'ics-attack-18.1.json');
export const SIGMAHQ_RULES = path.join(SHARED, 'corpora', 'sigmahq', 'rules');
export const SAMPLES = path.join(SHARED, 'corpora', 'samples');

/** Fails loudly, naming the missing file, when the shared material is not where tests expect it. */
export function requireShared(file: string): string {
  if (!existsSync(file)) {
    throw new Error(`Test input ${file} is missing: tests read ATT&CK bundles and rule corpora from ../shared (or $TTPLENS_SHARED).`);
  }
  return file;
}

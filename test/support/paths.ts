// Where tests find the repository, the built bundles, the embedded ATT&CK data and the read-only
// shared material. Tests run compiled, from out/test/<layer>/, so the repository root is three levels up.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The big third-party corpora (SigmaHQ, samples, ATT&CK 17.1, reference material): $TTPLENS_SHARED,
 *  else ../shared next to the checkout (same rule as scripts/sharedDir.mjs). The product never reads it. */
export const SHARED = process.env.TTPLENS_SHARED || path.resolve(REPO_ROOT, '..', 'shared');
/** Whether the shared third-party corpora are present (CI has them; a user's fresh clone does not). */
export const HAS_SHARED = existsSync(path.join(SHARED, 'attack'));
/** node:test options for a suite or test that needs the shared corpora: skipped, by name, without them.
 *  `describe('…', needsShared, () => …)` — a skipped suite's body does not run. */
export const needsShared: { skip?: string } = HAS_SHARED ? {} : { skip: 'needs the shared corpora (../shared or $TTPLENS_SHARED), absent here' };
export const DIST = path.join(REPO_ROOT, 'dist');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
export const DEMO = path.join(REPO_ROOT, 'demo');

/** The ATT&CK data embedded in the project (data/attack/): every test that needs v18.1 reads it. */
export const EMBEDDED = path.join(REPO_ROOT, 'data', 'attack');
export const BUNDLE_18 = path.join(EMBEDDED, 'enterprise-attack-18.1.json.gz');
export const BUNDLE_MOBILE = path.join(EMBEDDED, 'mobile-attack-18.1.json.gz');
export const BUNDLE_ICS = path.join(EMBEDDED, 'ics-attack-18.1.json.gz');

/** Only in the shared material. */
export const BUNDLE_17 = path.join(SHARED, 'attack', 'enterprise-attack-17.1.json');
/** The uncompressed v18.1 bundle the embedded one was made from. */
export const SHARED_BUNDLE_18_JSON = path.join(SHARED, 'attack', 'enterprise-attack-18.1.json');
export const SIGMAHQ_RULES = path.join(SHARED, 'corpora', 'sigmahq', 'rules');
export const SAMPLES = path.join(SHARED, 'corpora', 'samples');
export const RELEASE_INDEX = path.join(SHARED, 'reference', 'attack-stix-data', 'index.json');

/** Fails loudly, naming the missing file, when the shared material is not where tests expect it
 *  (a test that reads it must be marked `needsShared`). */
export function requireShared(file: string): string {
  if (!existsSync(file)) {
    throw new Error(`Test input ${file} is missing: tests read rule corpora and ATT&CK 17.1 from ../shared (or $TTPLENS_SHARED); mark the test needsShared.`);
  }
  return file;
}

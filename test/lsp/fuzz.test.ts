// The short, seeded fuzz run of `npm test`: a few hundred mutated real rules (or the project's
// fixtures, without ../shared) through the running server. No crash, no stall, every response
// well-formed. How fast each request answered is reported, not asserted here (a shared machine's
// timings are noise); the long run — `npm run fuzz -- --count 20000` — fails on a request over 1 s.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFuzz, summary } from '../fuzz/run';

const SEED = 20261201;
const COUNT = 300;

test(`fuzz: ${COUNT} mutated rules (seed ${SEED}): no crash, no stall, every response well-formed`, { timeout: 600_000 }, async () => {
  const report = await runFuzz({ seed: SEED, count: COUNT });
  process.stdout.write(`${summary(report)}\n`);
  assert.equal(report.documents, COUNT);
  assert.ok(report.requests > COUNT * 3, `${report.requests} requests`);
  const { crash, stall, malformed } = report.failures;
  assert.deepEqual({ crash, stall, errorResponses: report.failures['error-response'], loggedErrors: report.failures['logged-error'], malformed }, { crash: 0, stall: 0, errorResponses: 0, loggedErrors: 0, malformed: 0 }, `saved: ${report.savedCases.join(', ')}`);
});

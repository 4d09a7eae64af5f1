// Release diff and migration as whole CLI processes (node dist/cli.js …) on SigmaHQ, with both
// releases in a warm corpus cache, next to `coverage` of SigmaHQ in the same run as the baseline.
// The migration runs on a copy of SigmaHQ downgraded to v18.1 tags, migrated to the SYNTHETIC
// v19-like release the tests build (out/test/support), so it has ~1,500 changes to make.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUNDLE_18, median, out, ROOT, requireShared, SIGMAHQ } from './lib.mjs';

const CLI = path.join(ROOT, 'dist', 'cli.js');

function timed(args, env) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, TTPLENS_STIX: '', ...env }, maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (result.status !== 0 && result.status !== 1) throw new Error(`ttp-lens ${args[0]} failed (${result.status}): ${result.stderr}`);
  return ms;
}

export function releaseCommands(reps = 5) {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'ttplens-bench-cache-'));
  const env = { TTPLENS_CACHE_DIR: cacheDir };
  const { writeSyntheticRelease } = out('test/support/syntheticRelease.js');
  const { copySigmaHq, downgradeToV18 } = out('test/support/releaseCorpora.js');
  const work = mkdtempSync(path.join(os.tmpdir(), 'ttplens-bench-releases-'));
  try {
    const releases = path.join(requireShared('attack'));
    const synthetic = writeSyntheticRelease(work);
    const downgraded = copySigmaHq();
    const changed = downgradeToV18(downgraded);
    const coverage = ['coverage', SIGMAHQ(), '--stix', BUNDLE_18()];
    const diff = ['diff', '--from', '17.1', '--to', '18.1', '--releases', releases, SIGMAHQ()];
    const migrate = ['migrate', '--from', '18.1', '--to', synthetic, '--releases', releases, downgraded];
    // Warm the cache: v17.1, v18.1 and the synthetic release.
    for (const args of [coverage, diff, migrate]) timed(args, env);
    const baseline = [];
    const diffs = [];
    const migrations = [];
    for (let i = 0; i < reps; i++) {
      baseline.push(timed(coverage, env));
      diffs.push(timed(diff, env));
      migrations.push(timed(migrate, env));
    }
    return { coverageMs: median(baseline), diffMs: median(diffs), migrateMs: median(migrations), files: changed };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

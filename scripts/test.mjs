// npm test: build, compile the tests, run the layers with node's test runner, print one summary.
//   node scripts/test.mjs            unit + lsp + e2e
//   node scripts/test.mjs unit lsp   only these layers
// Layers: unit (pure modules), lsp (dist/server.js over stdio), e2e (the .vsix in code-server,
// driven by Playwright in Chromium; needs `bash test/e2e/setup.sh` once).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const ALL = ['unit', 'lsp', 'e2e'];
const layers = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
for (const layer of layers) {
  if (!ALL.includes(layer)) {
    console.error(`test: unknown layer "${layer}" (layers: ${ALL.join(', ')})`);
    process.exit(2);
  }
}

const step = (title, command, args) => {
  console.log(`\n== ${title}`);
  execFileSync(command, args, { stdio: 'inherit' });
};

step('build', process.execPath, ['scripts/build.mjs']);
rmSync('out', { recursive: true, force: true });
step('compile tests (tsc, strict)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
if (layers.includes('e2e')) step('package the .vsix for e2e', process.execPath, ['scripts/package.mjs']);

const totals = { tests: 0, pass: 0, fail: 0, skipped: 0 };
const rows = [];
mkdirSync('out/test-results', { recursive: true });
for (const layer of layers) {
  const dir = path.join('out', 'test', layer);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join(dir, f)) : [];
  console.log(`\n== ${layer} tests (${files.length} files)`);
  if (!files.length) {
    rows.push({ layer, tests: 0, pass: 0, fail: 1, note: 'no test files' });
    totals.fail++;
    continue;
  }
  const tap = path.join('out', 'test-results', `${layer}.tap`);
  const result = spawnSync(
    process.execPath,
    ['--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
    { stdio: 'inherit', env: { ...process.env, TTPLENS_NO_CACHE: process.env.TTPLENS_NO_CACHE ?? '' } },
  );
  const summary = readFileSync(tap, 'utf8');
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(summary)?.[1] ?? 0);
  const row = { layer, tests: count('tests'), pass: count('pass'), fail: count('fail') + count('cancelled'), skipped: count('skipped') };
  if (result.status !== 0 && row.fail === 0) row.fail = 1; // the runner itself failed
  rows.push(row);
  for (const key of ['tests', 'pass', 'fail', 'skipped']) totals[key] += row[key] ?? 0;
}

console.log('\n== summary');
for (const row of rows) console.log(`# layer ${row.layer}: tests ${row.tests}, pass ${row.pass}, fail ${row.fail}${row.note ? ` (${row.note})` : ''}`);
console.log(`# tests ${totals.tests}\n# pass ${totals.pass}\n# fail ${totals.fail}\n# skipped ${totals.skipped}`);
process.exit(totals.fail > 0 ? 1 : 0);

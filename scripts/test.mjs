// npm test: build, compile the tests, run the layers with node's test runner, print one summary.
//   node scripts/test.mjs            unit + lsp + e2e
//   node scripts/test.mjs unit lsp   only these layers
// Layers: unit (pure modules), lsp (dist/server.js over stdio), e2e (the .vsix in code-server,
// driven by Playwright in Chromium). When the e2e layer runs and code-server or Chromium is missing,
// test/e2e/setup.sh installs them first (npm registry and Debian packages only), as `npm run demo` does.
// Tests that need the shared third-party corpora (../shared or $TTPLENS_SHARED) are skipped without
// them, and the summary names every skipped test.
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

if (layers.includes('e2e')) {
  const codeServer = process.env.TTPLENS_CODE_SERVER_DIR ?? path.join(root, '.vscode-test', 'code-server');
  const chromium = process.env.TTPLENS_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path.join(codeServer, '.done')) || !existsSync(chromium)) step('install what the e2e layer needs (test/e2e/setup.sh)', 'bash', ['test/e2e/setup.sh', codeServer]);
}
step('build', process.execPath, ['scripts/build.mjs']);
rmSync('out', { recursive: true, force: true });
step('compile tests (tsc, strict)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
if (layers.includes('e2e')) step('package the .vsix for e2e', process.execPath, ['scripts/package.mjs']);

const totals = { tests: 0, pass: 0, fail: 0, skipped: 0 };
const rows = [];
const skippedNames = [];
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
    // The CLI speaks the language of LANG: tests that expect English get English on any machine
    // (the ones about Russian ask for it).
    { stdio: 'inherit', env: { ...process.env, TTPLENS_NO_CACHE: process.env.TTPLENS_NO_CACHE ?? '', LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' } },
  );
  const summary = readFileSync(tap, 'utf8');
  // "ok 3 - name # SKIP reason", for tests and for whole suites (which node:test does not count).
  for (const match of summary.matchAll(/^\s*ok \d+ - (.*?) # SKIP(?: (.*))?$/gm)) skippedNames.push({ name: `${layer}: ${match[1]}`, reason: match[2] ?? 'skipped' });
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(summary)?.[1] ?? 0);
  const row = { layer, tests: count('tests'), pass: count('pass'), fail: count('fail') + count('cancelled'), skipped: count('skipped') };
  if (result.status !== 0 && row.fail === 0) row.fail = 1; // the runner itself failed
  rows.push(row);
  for (const key of ['tests', 'pass', 'fail', 'skipped']) totals[key] += row[key] ?? 0;
}

console.log('\n== summary');
for (const row of rows) console.log(`# layer ${row.layer}: tests ${row.tests}, pass ${row.pass}, fail ${row.fail}${row.note ? ` (${row.note})` : ''}`);
console.log(`# tests ${totals.tests}\n# pass ${totals.pass}\n# fail ${totals.fail}\n# skipped ${totals.skipped}`);
for (const reason of new Set(skippedNames.map((s) => s.reason))) {
  const names = skippedNames.filter((s) => s.reason === reason).map((s) => s.name);
  console.log(`# skipped, ${reason} — ${names.length} (tests and whole suites):`);
  for (const name of names) console.log(`#   ${name}`);
}
process.exit(totals.fail > 0 ? 1 : 0);

// npm run bench / npm run bench:e2e: build what the benchmark measures, then run bench/run.mjs.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const args = process.argv.slice(2);
const run = (script, extra = []) => execFileSync(process.execPath, [script, ...extra], { stdio: 'inherit' });
run('scripts/build.mjs');
run('node_modules/typescript/bin/tsc', ['-p', 'tsconfig.json']);
if (args[0] === 'e2e') {
  execFileSync('bash', ['test/e2e/setup.sh'], { stdio: 'inherit' });
  run('scripts/package.mjs');
  run('scripts/build.mjs'); // package.mjs leaves a production build; the benchmark measures the same bundles either way
}
execFileSync(process.execPath, ['bench/run.mjs', ...args], { stdio: 'inherit' });

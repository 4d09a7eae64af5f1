// npm run bench / npm run bench:e2e: build what the benchmark measures, then run bench/run.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const args = process.argv.slice(2);
const run = (script, extra = []) => execFileSync(process.execPath, [script, ...extra], { stdio: 'inherit' });
if (args[0] === 'e2e') execFileSync('bash', ['test/e2e/setup.sh'], { stdio: 'inherit' });
// The .vsix (the packaged first start, and the e2e metric); package.mjs leaves its production build
// in dist/, which the other metrics run too: the minified bundles users get from the .vsix and the
// npm package (prepack), not the development build with its comments.
run('scripts/package.mjs');
run('node_modules/typescript/bin/tsc', ['-p', 'tsconfig.json']);
// bench/run.mjs exits 1 when a goal is missed: passed on as the exit code, without a stack trace.
process.exit(spawnSync(process.execPath, ['bench/run.mjs', ...args], { stdio: 'inherit' }).status ?? 1);

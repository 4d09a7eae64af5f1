// npm run fuzz: build the server, compile the tests, run the fuzzer (test/fuzz/main.ts).
//   npm run fuzz -- --count 20000 --seed 7      a long run
//   npm run fuzz -- --replay test-artifacts/fuzz/case-7-123.json
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
const result = spawnSync(process.execPath, ['out/test/fuzz/main.js', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);

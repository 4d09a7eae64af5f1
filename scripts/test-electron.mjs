// npm run test:electron: build, compile, then run test/electron/runTest.ts (see that file).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

process.chdir(path.resolve(import.meta.dirname, '..'));
execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
execFileSync(process.execPath, ['out/test/electron/runTest.js'], { stdio: 'inherit' });

// Bundles the three entry points with esbuild (see README "Build"):
//   dist/extension.js  the VS Code client (vscode is provided by the editor)
//   dist/server.js     the language server (`node dist/server.js --stdio`, or IPC from the client)
//   dist/cli.js        the command line: starts dist/cli-main.js with V8's code cache (server/src/cli/launch.ts)
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // jsonc-parser's main entry is a UMD module that requires its parts at run time (which a bundle
  // cannot resolve); its ES module entry bundles.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};
const entries = [
  // The banner and footer mark when the extension's code starts and ends loading, for the activation
  // time (client/src/activationTime.ts).
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], banner: { js: 'globalThis.__ttpLensLoadStart = performance.now();' }, footer: { js: 'globalThis.__ttpLensLoadEnd = performance.now();' } },
  { entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' },
  // The command line in two files: cli.js starts cli-main.js with V8's code cache (server/src/cli/launch.ts).
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli-main.js' },
  { entryPoints: ['server/src/cli/launch.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
const started = Date.now();
await Promise.all(entries.map((entry) => build({ ...common, ...entry })));
chmodSync('dist/cli.js', 0o755);
if (!watch && !process.argv.includes('--quiet')) console.log(`build: dist/extension.js, dist/server.js, dist/cli.js (+ cli-main.js) in ${Date.now() - started} ms`);

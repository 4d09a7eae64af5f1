// Bundles the entry points with esbuild (see README "Build"):
//   dist/extension.js  the VS Code extension's entry: a small loader that runs dist/client.js
//                      through V8's code cache (client/src/loader.ts)
//   dist/client.js     the VS Code client (vscode is provided by the editor)
//   dist/server.js     the language server (`node dist/server.js --stdio`, or IPC from the client)
//   dist/cli.js        the command line: starts dist/cli-main.js with V8's code cache (server/src/cli/launch.ts)
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { eagerModules } from './eagerModules.mjs';

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
// The loader's banner and footer mark when the extension's code starts and ends loading, for the
// activation time (client/src/activationMarks.ts, activationTime.ts).
const markAs = (name) => `(globalThis.__ttpLensActivation ??= {}).${name} = { ms: performance.now(), cpuMs: ((c) => (c.user + c.system) / 1000)(process.cpuUsage()) };`;
// vscode-languageclient as published, less three costs it adds to every activation: its tsc helper
// __importStar copies the whole vscode API (hundreds of properties) into a new object in 16 of its
// modules, which only read properties of it (so a plain require does the same); it loads semver
// for one version check (client/src/versionCheck.ts stands in); and it compiles, runs and registers
// the client side of every language feature, while our server (server/src/server.ts, its
// capabilities) offers a few. The others are left out (UNUSED_FEATURES): the client no longer
// announces them to the server, which never offers or registers them, so nothing else changes.
// They were a sixth of dist/client.js (file operations, semantic tokens, formatting…), all of it
// compiled and run at the first start. A feature the server comes to offer must leave the list;
// one another feature uses (client.getFeature) must stay.
const UNUSED_FEATURES = {
  signatureHelp: ['SignatureHelpFeature'],
  definition: ['DefinitionFeature'],
  reference: ['ReferencesFeature'],
  documentHighlight: ['DocumentHighlightFeature'],
  codeLens: ['CodeLensFeature'],
  formatting: ['DocumentFormattingFeature', 'DocumentRangeFormattingFeature', 'DocumentOnTypeFormattingFeature'],
  rename: ['RenameFeature'],
  typeDefinition: ['TypeDefinitionFeature'],
  implementation: ['ImplementationFeature'],
  colorProvider: ['ColorProviderFeature'],
  foldingRange: ['FoldingRangeFeature'],
  declaration: ['DeclarationFeature'],
  selectionRange: ['SelectionRangeFeature'],
  callHierarchy: ['CallHierarchyFeature'],
  semanticTokens: ['SemanticTokensFeature'],
  linkedEditingRange: ['LinkedEditingFeature'],
  fileOperations: ['DidCreateFilesFeature', 'DidRenameFilesFeature', 'DidDeleteFilesFeature', 'WillCreateFilesFeature', 'WillRenameFilesFeature', 'WillDeleteFilesFeature'],
  typeHierarchy: ['TypeHierarchyFeature'],
  inlineValue: ['InlineValueFeature'],
  inlayHint: ['InlayHintsFeature'],
  inlineCompletion: ['InlineCompletionItemFeature'],
  textDocumentContent: ['TextDocumentContentFeature'],
  // workspaceSymbol.js reads documentSymbol.js's symbol kinds: that module stays, unregistered.
  // (Notebooks stay: the pull diagnostics listen to the notebook feature's events.)
  documentSymbol: ['DocumentSymbolFeature'],
};
const KEPT_MODULES = new Set(['documentSymbol']);
/** common/client.js without the unused features; throws when the library's text is not as expected. */
function withoutUnusedFeatures(code) {
  const cut = (text, what) => {
    if (!code.includes(text)) throw new Error(`build: vscode-languageclient's client.js has no ${what} (has the library changed? see UNUSED_FEATURES in scripts/build.mjs)`);
    code = code.replace(text, '');
  };
  for (const [module, features] of Object.entries(UNUSED_FEATURES)) {
    for (const feature of features) cut(`        this.registerFeature(new ${module}_1.${feature}(this));\n`, `registration of ${feature}`);
    if (!KEPT_MODULES.has(module)) cut(`const ${module}_1 = require("./${module}");\n`, `require of ./${module}`);
  }
  for (const module of Object.keys(UNUSED_FEATURES)) if (!KEPT_MODULES.has(module) && code.includes(`${module}_1`)) throw new Error(`build: vscode-languageclient's client.js still uses ./${module}`);
  return code;
}
const leanLanguageClient = {
  name: 'lean-languageclient',
  setup(build) {
    const fromLanguageClient = /[\\/]node_modules[\\/]vscode-languageclient[\\/]/;
    build.onResolve({ filter: /^semver\/functions\/(parse|satisfies)$/ }, (args) => (fromLanguageClient.test(args.importer) ? { path: path.basename(args.path), namespace: 'version-check' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'version-check' }, (args) => ({ contents: `module.exports = require('./client/src/versionCheck.ts').${args.path};`, resolveDir: path.resolve('.'), loader: 'js' }));
    build.onLoad({ filter: /[\\/]node_modules[\\/]vscode-languageclient[\\/]lib[\\/].*\.js$/ }, async (args) => {
      let contents = (await readFile(args.path, 'utf8')).replaceAll('__importStar(require("vscode"))', 'require("vscode")');
      if (/[\\/]lib[\\/]common[\\/]client\.js$/.test(args.path)) contents = withoutUnusedFeatures(contents);
      return { contents, loader: 'js' };
    });
  },
};
// No "module" condition (esbuild's default): vscode-languageserver-types and -textdocument then
// resolve to their CommonJS builds, not their ES modules, which every require() from the CommonJS
// protocol copied into a new object (esbuild's interop; three copies of the types while loading).
const client = { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'], conditions: [], plugins: [leanLanguageClient] };
// The loader names the code cache after the client it was built with (client/src/loader.ts).
const loader = () => {
  const hash = createHash('sha256').update(readFileSync('dist/client.js')).digest('hex').slice(0, 16);
  return { entryPoints: ['client/src/loader.ts'], outfile: 'dist/extension.js', external: ['vscode'], define: { CLIENT_HASH: JSON.stringify(hash) }, banner: { js: markAs('loadStart') }, footer: { js: markAs('loadEnd') } };
};
const entries = [
  { entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' },
  // The command line in two files: cli.js starts cli-main.js with V8's code cache (server/src/cli/launch.ts).
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli-main.js' },
  { entryPoints: ['server/src/cli/launch.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
const started = Date.now();
// Minified, the client's module wrappers are compiled with the script instead of when each module
// is first required (scripts/eagerModules.mjs): the first start after installing, which has no code
// cache, parses the bundle once instead of twice. (Not the development build: its source map.)
const buildClient = async () => {
  await build({ ...common, ...client });
  if (production && !eagerModules('dist/client.js')) throw new Error('build: no module wrappers found in dist/client.js (has esbuild changed how it writes them? see scripts/eagerModules.mjs)');
};
await Promise.all([buildClient().then(() => build({ ...common, ...loader() })), ...entries.map((entry) => build({ ...common, ...entry }))]);
chmodSync('dist/cli.js', 0o755);
if (!watch && !process.argv.includes('--quiet')) console.log(`build: dist/extension.js (+ client.js), dist/server.js, dist/cli.js (+ cli-main.js) in ${Date.now() - started} ms`);

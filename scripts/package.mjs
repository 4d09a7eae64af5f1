// npm run package: a production build and ttp-lens-<version>.vsix (made with @vscode/vsce, offline,
// no node_modules). The package holds the embedded ATT&CK data (data/attack/: the bundles, MITRE's
// license, the README) and a corpus cache prebuilt from the enterprise bundle (dist/corpus-cache/),
// so that the first start after installing reads the cache instead of parsing the bundle.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });

const embedded = path.join('data', 'attack');
const bundles = existsSync(embedded) ? readdirSync(embedded).filter((f) => /^enterprise-attack-\d+\.\d+\.json\.gz$/.test(f)) : [];
if (!bundles.length || !existsSync(path.join(embedded, 'LICENSE.txt'))) {
  console.error(`package: ${embedded}/ must hold enterprise-attack-<version>.json.gz and MITRE's LICENSE.txt (see ${embedded}/README.md)`);
  process.exit(2);
}

// The prebuilt cache, written by the same loader the server uses (bundled on the fly from the sources).
rmSync(path.join('dist', 'data'), { recursive: true, force: true }); // the former packaged-bundle folder
const cacheDir = path.join('dist', 'corpus-cache');
rmSync(cacheDir, { recursive: true, force: true });
const temp = mkdtempSync(path.join(os.tmpdir(), 'ttplens-package-'));
try {
  const script = path.join(temp, 'prebuild.js');
  await build({
    stdin: {
      contents: `const { writePrebuiltCache } = require('./server/src/corpus/load');
const { embeddedReleases, prebuiltCacheDir } = require('./server/src/releases/store');
const dist = ${JSON.stringify(path.join(root, 'dist'))};
const enterprise = embeddedReleases(dist).filter((file) => file.domain === 'enterprise').map((file) => file.path);
writePrebuiltCache(enterprise, prebuiltCacheDir(dist)).then((file) => console.log(file));`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: script,
    logLevel: 'warning',
  });
  const written = execFileSync(process.execPath, [script], { encoding: 'utf8' }).trim();
  console.log(`package: prebuilt corpus cache ${path.relative(root, written)} (${(statSync(written).size / 1048576).toFixed(1)} MB) for ${bundles.join(', ')}`);
} finally {
  rmSync(temp, { recursive: true, force: true });
}

const out = `${pkg.name}-${pkg.version}.vsix`;
execFileSync(path.join('node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out], { stdio: 'inherit' });
console.log(`package: ${path.resolve(out)}`);

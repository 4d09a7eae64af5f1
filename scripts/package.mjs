// npm run package: a production build, plus an ATT&CK bundle in dist/data/ so the extension works
// with no configuration, into ttp-lens-<version>.vsix (made with @vscode/vsce, offline, no node_modules).
//   TTPLENS_PACKAGE_STIX=path[:path…]   bundles to package (default: enterprise-attack-18.1.json from the
//                                       shared material, see sharedDir.mjs, when present). TTPLENS_PACKAGE_STIX=none packages no bundle.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { findShared } from './sharedDir.mjs';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });

const dataDir = path.join('dist', 'data');
rmSync(dataDir, { recursive: true, force: true });
const requested = process.env.TTPLENS_PACKAGE_STIX;
const shared = findShared(root);
const defaultBundle = shared ? path.join(shared, 'attack', 'enterprise-attack-18.1.json') : '';
const bundles = requested === 'none' ? [] : requested ? requested.split(path.delimiter).filter(Boolean) : defaultBundle && existsSync(defaultBundle) ? [defaultBundle] : [];
for (const bundle of bundles) {
  if (!existsSync(bundle)) {
    console.error(`package: ${bundle} does not exist (from TTPLENS_PACKAGE_STIX)`);
    process.exit(2);
  }
}
if (bundles.length) {
  mkdirSync(dataDir, { recursive: true });
  for (const bundle of bundles) copyFileSync(bundle, path.join(dataDir, path.basename(bundle)));
  const license = path.join(path.dirname(bundles[0]), 'LICENSE.txt');
  if (existsSync(license)) copyFileSync(license, path.join(dataDir, 'ATTACK-LICENSE.txt'));
  console.log(`package: bundled ${bundles.map((b) => path.basename(b)).join(', ')} into dist/data/`);
} else {
  console.log('package: no ATT&CK bundle packaged; users set ttpLens.attack.stixPath (or TTPLENS_STIX)');
}

const out = `${pkg.name}-${pkg.version}.vsix`;
execFileSync(path.join('node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out], { stdio: 'inherit' });
console.log(`package: ${path.resolve(out)}`);

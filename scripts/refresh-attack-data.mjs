// Refreshes the ATT&CK data embedded in TTP Lens (data/attack/, see its README.md):
//   node scripts/refresh-attack-data.mjs <dir>                 bundles already on disk
//   node scripts/refresh-attack-data.mjs <index-url> [--version V]   MITRE's collection index (or a mirror)
// A folder holds <domain>-attack-<version>.json (or <domain>-attack.json, whose version comes from its
// x-mitre-collection object) for enterprise, mobile and ICS, and MITRE's LICENSE.txt. From an index
// URL the bundles are fetched with `ttp-lens download` (which validates them) into a temporary folder.
// Each bundle is checked (a STIX bundle of that domain), written as <domain>-attack-<version>.json.gz
// (gzip level 9, no timestamp, so the same input gives the same bytes), older versions of that domain
// are removed, and the file table in data/attack/README.md is rewritten.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');
const target = path.join(root, 'data', 'attack');
const DOMAINS = ['enterprise', 'mobile', 'ics'];

const { values, positionals } = parseArgs({ allowPositionals: true, options: { version: { type: 'string', default: 'latest' } } });
const source = positionals[0];
if (!source) {
  console.error('Usage: node scripts/refresh-attack-data.mjs <dir-with-bundles | index-url> [--version V|latest]');
  process.exit(2);
}

let dir = source;
let temp;
if (/^https?:\/\//i.test(source)) {
  temp = mkdtempSync(path.join(os.tmpdir(), 'ttplens-refresh-'));
  if (!existsSync(path.join(root, 'dist', 'cli.js'))) execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  for (const domain of DOMAINS) {
    execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'download', '--index-url', source, '--version', values.version, '--domain', domain, '--dir', temp], { stdio: 'inherit' });
  }
  dir = temp;
  console.log('refresh: MITRE publishes its license with the data (LICENSE.txt in mitre-attack/attack-stix-data); data/attack/LICENSE.txt is kept as it is');
}

try {
  const written = [];
  for (const domain of DOMAINS) {
    const found = findBundle(dir, domain);
    if (!found) {
      console.error(`refresh: no ${domain}-attack bundle in ${dir}`);
      process.exitCode = 1;
      continue;
    }
    const text = readFileSync(found.file, 'utf8');
    const version = checkBundle(found.file, text, domain) ?? found.version;
    if (!version) throw new Error(`${found.file}: no version in its name or in an x-mitre-collection object`);
    const name = `${domain}-attack-${version}.json.gz`;
    for (const old of readdirSync(target).filter((f) => f.startsWith(`${domain}-attack-`) && f.endsWith('.json.gz') && f !== name)) unlinkSync(path.join(target, old));
    writeFileSync(path.join(target, name), gzipSync(Buffer.from(text, 'utf8'), { level: 9 }));
    written.push({ name, domain, version, bytes: Buffer.byteLength(text), from: found.file });
    console.log(`refresh: ${path.relative(root, path.join(target, name))} from ${found.file}`);
  }
  const license = path.join(dir, 'LICENSE.txt');
  if (existsSync(license)) copyFileSync(license, path.join(target, 'LICENSE.txt'));
  updateReadme(written);
} finally {
  if (temp) rmSync(temp, { recursive: true, force: true });
}

/** The newest <domain>-attack-<version>.json in `folder`, or <domain>-attack.json. */
function findBundle(folder, domain) {
  const versioned = readdirSync(folder)
    .map((f) => ({ f, match: new RegExp(`^${domain}-attack-(\\d+\\.\\d+)\\.json$`).exec(f) }))
    .filter((x) => x.match)
    .sort((a, b) => compareVersions(b.match[1], a.match[1]));
  if (versioned.length) return { file: path.join(folder, versioned[0].f), version: versioned[0].match[1] };
  for (const candidate of [path.join(folder, `${domain}-attack.json`), path.join(folder, `${domain}-attack`, `${domain}-attack.json`)]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return { file: candidate, version: undefined };
  }
  return undefined;
}

/** Checks that the text is an ATT&CK bundle of `domain`; returns the collection's version, if any. */
function checkBundle(file, text, domain) {
  const bundle = JSON.parse(text);
  if (bundle?.type !== 'bundle' || !Array.isArray(bundle.objects)) throw new Error(`${file} is not a STIX bundle`);
  const techniques = bundle.objects.filter((o) => o?.type === 'attack-pattern');
  if (!techniques.length) throw new Error(`${file} has no ATT&CK techniques`);
  const ofDomain = techniques.filter((o) => o.x_mitre_domains?.includes(`${domain}-attack`)).length;
  if (ofDomain * 2 < techniques.length) throw new Error(`${file} is not a ${domain}-attack bundle`);
  return bundle.objects.find((o) => o?.type === 'x-mitre-collection')?.x_mitre_version;
}

function compareVersions(a, b) {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

function updateReadme(written) {
  const readme = path.join(target, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const files = readdirSync(target).filter((f) => f.endsWith('.json.gz')).sort();
  const fresh = new Map(written.map((w) => [w.name, w]));
  const rows = files.map((name) => {
    const bytes = statSync(path.join(target, name)).size;
    const info = fresh.get(name);
    const domain = name.replace(/-attack-.*$/, '');
    const version = /-(\d+\.\d+)\.json\.gz$/.exec(name)?.[1];
    const raw = info ? `${(info.bytes / 1048576).toFixed(1)} MB` : '';
    return `| \`${name}\` | ${domain} | ${version} | ${(bytes / 1048576).toFixed(1)} MB${raw ? ` (${raw} as JSON)` : ''} |`;
  });
  const table = ['| file | domain | version | size |', '| --- | --- | --- | --- |', ...rows].join('\n');
  const updated = text.replace(/<!-- files:start -->[\s\S]*<!-- files:end -->/, `<!-- files:start -->\n${table}\n<!-- files:end -->`);
  writeFileSync(readme, updated);
}

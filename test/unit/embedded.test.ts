// The embedded ATT&CK data (data/attack/) and how bundles are chosen without a configured path:
// the embedded release per domain, a downloaded release chosen for a domain, the prebuilt cache that
// ships with the package, and .json.gz read exactly like the .json it was made from.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { verifyInputs } from '../../server/src/corpus/cache';
import { loadCorpus, resolveStixPaths, writePrebuiltCache } from '../../server/src/corpus/load';
import { DOMAINS, embeddedReleases, ReleaseStore } from '../../server/src/releases/store';
import { DEFAULT_RELEASE_INDEX_URL, DEFAULT_SETTINGS, withDefaults } from '../../server/src/settings';
import { BUNDLE_18, DIST, EMBEDDED, REPO_ROOT } from '../support/paths';
import { tempDir } from '../support/temp';

const technique = (id: string, name: string) => ({
  type: 'attack-pattern',
  id: `attack-pattern--${id}`,
  name,
  external_references: [{ source_name: 'mitre-attack', external_id: id }],
  kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'execution' }],
  x_mitre_domains: ['enterprise-attack'],
});

describe('embedded ATT&CK data', () => {
  test('enterprise, mobile and ICS are embedded, each with MITRE\'s license beside it', () => {
    const files = embeddedReleases(DIST);
    assert.deepEqual(files.map((f) => `${f.domain} ${f.version}`), ['enterprise 18.1', 'mobile 18.1', 'ics 18.1']);
    assert.ok(files.every((f) => f.path.startsWith(EMBEDDED) && f.path.endsWith('.json.gz')));
    assert.match(readFileSync(path.join(EMBEDDED, 'LICENSE.txt'), 'utf8'), /MITRE Corporation/);
    assert.match(readFileSync(path.join(EMBEDDED, 'README.md'), 'utf8'), /enterprise-attack-18\.1\.json\.gz/);
  });

  test('nothing configured: the embedded enterprise bundle; ttpLens.attack.domains adds the others', () => {
    const none = resolveStixPaths({ distDir: DIST });
    assert.ok(none.ok && none.kind === 'releases');
    assert.deepEqual(none.paths, [BUNDLE_18]);
    assert.equal(none.from, 'the ATT&CK data embedded in TTP Lens');
    const all = resolveStixPaths({ distDir: DIST, domains: ['ics', 'enterprise', 'Mobile', 'ics'] });
    assert.ok(all.ok);
    assert.deepEqual(all.paths.map((p) => path.basename(p)), ['enterprise-attack-18.1.json.gz', 'mobile-attack-18.1.json.gz', 'ics-attack-18.1.json.gz'], 'enterprise first, no repeats');
    const wrong = resolveStixPaths({ distDir: DIST, domains: ['enterprize'] });
    assert.ok(!wrong.ok && /ttpLens\.attack\.domains lists "enterprize", which is not an ATT&CK domain \(enterprise, mobile or ics\)/.test(wrong.problem));
  });

  test('a setting or TTPLENS_STIX comes before the embedded data', () => {
    const setting = resolveStixPaths({ distDir: DIST, setting: BUNDLE_18, env: '/no/such/env.json' });
    assert.ok(setting.ok && setting.kind === 'setting');
    const env = resolveStixPaths({ distDir: DIST, env: BUNDLE_18 });
    assert.ok(env.ok && env.kind === 'env');
  });

  test('a downloaded release chosen for a domain replaces its embedded one; gone again, the embedded one is back', () => {
    const store = new ReleaseStore(tempDir('ttplens-store-'));
    assert.deepEqual(store.selection(), {});
    const downloaded = path.join(store.dir, 'enterprise-attack-19.1.json');
    writeFileSync(downloaded, JSON.stringify({ type: 'bundle', objects: [technique('T1001', 'x')] }));
    writeFileSync(path.join(store.dir, 'mobile-attack-19.1.json'), '{}');
    assert.deepEqual(store.list().map((f) => `${f.domain} ${f.version}`), ['enterprise 19.1', 'mobile 19.1']);
    store.select({ enterprise: '19.1' });
    const chosen = resolveStixPaths({ distDir: DIST, domains: ['enterprise', 'ics'], releases: store });
    assert.ok(chosen.ok);
    assert.deepEqual(chosen.paths.map((p) => path.basename(p)), ['enterprise-attack-19.1.json', 'ics-attack-18.1.json.gz']);
    assert.equal(chosen.from, 'downloaded release enterprise v19.1 and the embedded data');
    store.select({ mobile: '19.1' });
    const withMobile = resolveStixPaths({ distDir: DIST, releases: store });
    assert.ok(withMobile.ok);
    assert.deepEqual(withMobile.paths.map((p) => path.basename(p)), ['enterprise-attack-19.1.json', 'mobile-attack-19.1.json'], 'a chosen domain loads even if the setting omits it');
    rmSync(downloaded);
    store.select({ mobile: undefined });
    const back = resolveStixPaths({ distDir: DIST, releases: store });
    assert.ok(back.ok);
    assert.deepEqual(back.paths, [BUNDLE_18]);
  });

  test('a damaged selection file means the embedded release, not a crash', () => {
    const store = new ReleaseStore(tempDir('ttplens-store-'));
    writeFileSync(path.join(store.dir, 'selection.json'), '{"enterprise": ');
    assert.deepEqual(store.selection(), {});
    const resolution = resolveStixPaths({ distDir: DIST, releases: store });
    assert.ok(resolution.ok && resolution.paths[0] === BUNDLE_18);
  });
});

describe('prebuilt cache (shipped with the package)', () => {
  const bundle = (dir: string, name = 'enterprise-attack-18.1.json', objects = [technique('T1001', 'Data Obfuscation'), technique('T1002', 'Data Compressed')]) => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify({ type: 'bundle', objects }));
    return file;
  };

  test('matches the bundles by name and size wherever they are installed (new inode and mtime), and never names the build machine', async () => {
    const built = bundle(tempDir('ttplens-build-'));
    const cacheDir = tempDir('ttplens-prebuilt-');
    const cacheFile = await writePrebuiltCache([built], cacheDir);
    assert.equal(readFileSync(cacheFile, 'latin1').includes(path.dirname(built)), false, 'no build-machine path in the cache');
    const installed = path.join(tempDir('ttplens-installed-'), path.basename(built));
    copyFileSync(built, installed);
    assert.notEqual(statSync(installed).ino, statSync(built).ino);
    const load = await loadCorpus([installed], { cacheDir: tempDir('ttplens-user-cache-'), prebuiltCacheDir: cacheDir });
    assert.equal(load.source, 'cache');
    assert.equal(load.prebuilt, true);
    assert.equal(load.corpus.data.bundles[0].path, installed);
    assert.equal(load.corpus.get('T1002')!.name, 'Data Compressed');
    assert.equal(await verifyInputs(load.inputs), true, 'verified off the start path');
  });

  test('a bundle of another size is a miss; the same size with other content fails the later verification', async () => {
    const built = bundle(tempDir('ttplens-build-'));
    const cacheDir = tempDir('ttplens-prebuilt-');
    await writePrebuiltCache([built], cacheDir);
    const other = bundle(tempDir('ttplens-installed-'), path.basename(built), [technique('T1001', 'Renamed')]);
    const miss = await loadCorpus([other], { cacheDir: false, prebuiltCacheDir: cacheDir });
    assert.equal(miss.source, 'bundle');
    assert.equal(miss.corpus.get('T1001')!.name, 'Renamed');
    const sameSize = bundle(tempDir('ttplens-installed-'), path.basename(built), [technique('T1001', 'Data Obfuscatiox'), technique('T1002', 'Data Compressed')]);
    const trusted = await loadCorpus([sameSize], { cacheDir: false, prebuiltCacheDir: cacheDir });
    assert.equal(trusted.prebuilt, true);
    assert.equal(await verifyInputs(trusted.inputs), false, 'the verification finds the difference');
    assert.equal((await loadCorpus([sameSize], { cacheDir: false, prebuiltCacheDir: cacheDir, verifyContent: true })).source, 'bundle');
  });

  test('another file name does not match at all', async () => {
    const built = bundle(tempDir('ttplens-build-'));
    const cacheDir = tempDir('ttplens-prebuilt-');
    await writePrebuiltCache([built], cacheDir);
    const renamed = bundle(tempDir('ttplens-installed-'), 'enterprise-attack-19.1.json');
    assert.equal((await loadCorpus([renamed], { cacheDir: false, prebuiltCacheDir: cacheDir })).source, 'bundle');
  });
});

describe('settings: ttpLens.attack.domains and releaseIndexUrl', () => {
  test('the server\'s defaults are package.json\'s; bad values fall back to them', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default: unknown; items?: { enum?: string[] } }> } } };
    const properties = pkg.contributes.configuration.properties;
    assert.deepEqual(properties['ttpLens.attack.domains'].default, DEFAULT_SETTINGS.attack.domains);
    assert.deepEqual(properties['ttpLens.attack.domains'].items?.enum, [...DOMAINS]);
    assert.equal(properties['ttpLens.attack.releaseIndexUrl'].default, DEFAULT_RELEASE_INDEX_URL);
    assert.deepEqual(properties['ttpLens.attack.overlayPaths'].default, DEFAULT_SETTINGS.attack.overlayPaths);
    assert.deepEqual(withDefaults({ attack: { domains: ['enterprise', 'ics'], releaseIndexUrl: ' https://mirror.example/index.json ', overlayPaths: ['ru.yaml', 3] } }).attack, {
      stixPath: null,
      domains: ['enterprise', 'ics'],
      releaseIndexUrl: 'https://mirror.example/index.json',
      overlayPaths: ['ru.yaml'],
    });
    assert.deepEqual(withDefaults({ attack: { domains: [], releaseIndexUrl: '' } }).attack, DEFAULT_SETTINGS.attack);
  });
});

describe('.json.gz and .json', () => {
  test('the embedded enterprise bundle and its decompressed JSON give the same corpus', async () => {
    const json = path.join(tempDir('ttplens-json-'), 'enterprise-attack-18.1.json');
    writeFileSync(json, gunzipSync(readFileSync(BUNDLE_18)));
    const [gz, plain] = [await loadCorpus([BUNDLE_18], { cacheDir: false }), await loadCorpus([json], { cacheDir: false })];
    assert.equal(gz.corpus.objects.length, plain.corpus.objects.length);
    assert.equal(gz.corpus.versionLabel, 'ATT&CK v18.1');
    assert.deepEqual(gz.corpus.objects.map((o) => o.id), plain.corpus.objects.map((o) => o.id));
    const t1559 = (c: typeof gz.corpus) => c.description(c.get('T1559')!);
    assert.equal(t1559(gz.corpus), t1559(plain.corpus));
    assert.ok(existsSync(json));
  });
});

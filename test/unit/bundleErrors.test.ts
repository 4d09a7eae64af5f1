// Bad bundles each give a clear message naming the file and the problem; the cache is rebuilt when
// stale or corrupt, never trusted.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { BundleError } from '../../server/src/corpus/bundleFile';
import { cacheFileFor } from '../../server/src/corpus/cache';
import { loadCorpus, resolveStixPaths } from '../../server/src/corpus/load';
import { tempDir } from '../support/temp';

const temp = tempDir('ttplens-bundles-');

function write(name: string, content: unknown): string {
  const file = path.join(temp, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

async function loadError(file: string): Promise<BundleError> {
  try {
    await loadCorpus([file], { cacheDir: false });
  } catch (error) {
    assert.ok(error instanceof BundleError, `expected a BundleError, got ${error}`);
    return error;
  }
  assert.fail(`${file} loaded without error`);
}

const technique = (id: string, name: string, stixId = `attack-pattern--${id}`) => ({
  type: 'attack-pattern',
  id: stixId,
  name,
  external_references: [{ source_name: 'mitre-attack', external_id: id }],
  kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'execution' }],
  x_mitre_domains: ['enterprise-attack'],
});

describe('bad bundles', () => {
  test('missing file', async () => {
    const error = await loadError(path.join(temp, 'nope.json'));
    assert.match(error.message, /nope\.json: does not exist/);
  });

  test('truncated JSON names the file and where it ends', async () => {
    const file = write('truncated.json', '{"type": "bundle", "objects": [{"type": "attack-pattern", "id": "x"');
    const error = await loadError(file);
    assert.equal(error.file, file);
    assert.match(error.problem, /not valid JSON .*truncated/);
  });

  test('JSON that is not a bundle', async () => {
    assert.match((await loadError(write('array.json', [1, 2]))).problem, /not a STIX bundle/);
    assert.match((await loadError(write('other.json', { type: 'report', objects: [] }))).problem, /"type" is "report", expected "bundle"/);
    assert.match((await loadError(write('noobjects.json', { type: 'bundle' }))).problem, /without an "objects" array/);
  });

  test('a bundle with no techniques', async () => {
    const file = write('empty.json', { type: 'bundle', id: 'bundle--1', objects: [{ type: 'identity', id: 'identity--1', name: 'x' }] });
    assert.match((await loadError(file)).problem, /no ATT&CK techniques/);
  });

  test('empty file and directory', async () => {
    assert.match((await loadError(write('zero.json', ''))).problem, /is empty/);
    assert.match((await loadError(temp)).problem, /is a directory/);
  });

  test('dangling references and duplicate IDs load, with warnings naming the file', async () => {
    const file = write('dangling.json', {
      type: 'bundle',
      id: 'bundle--2',
      objects: [
        technique('T1001', 'Data Obfuscation'),
        technique('T1001', 'Impostor', 'attack-pattern--other'),
        { type: 'relationship', id: 'relationship--1', relationship_type: 'mitigates', source_ref: 'course-of-action--missing', target_ref: 'attack-pattern--T1001' },
      ],
    });
    const { corpus } = await loadCorpus([file], { cacheDir: false });
    assert.equal(corpus.get('T1001')!.name, 'Data Obfuscation');
    const problems = corpus.data.warnings.map((w) => `${w.file}: ${w.problem}`).join('\n');
    assert.match(problems, /dangling\.json: duplicate ID T1001/);
    assert.match(problems, /dangling\.json: 1 relationships point to objects not in the bundle \(dangling references\)/);
  });
});

describe('gzip-compressed bundles', () => {
  const gzipped = (name: string, content: unknown) => {
    const file = path.join(temp, name);
    writeFileSync(file, gzipSync(JSON.stringify(content)));
    return file;
  };
  const bundle = { type: 'bundle', objects: [technique('T1001', 'Data Obfuscation')] };

  test('a .json.gz loads like its .json; the content hash is of the stored (compressed) bytes', async () => {
    const file = gzipped('small-attack-18.1.json.gz', bundle);
    const { corpus, inputs } = await loadCorpus([file], { cacheDir: false });
    assert.equal(corpus.get('T1001')!.name, 'Data Obfuscation');
    assert.equal(corpus.data.bundles[0].version, '18.1', 'version from the name without .json.gz');
    assert.equal(inputs[0].contentHash, createHash('sha1').update(readFileSync(file)).digest('hex'));
  });

  test('a gzip file without the .gz name is recognised by its signature', async () => {
    const file = gzipped('disguised.json', bundle);
    assert.equal((await loadCorpus([file], { cacheDir: false })).corpus.get('T1001')!.name, 'Data Obfuscation');
  });

  test('a truncated .gz says so, naming the file', async () => {
    const whole = gzipSync(JSON.stringify(bundle));
    const file = path.join(temp, 'truncated.json.gz');
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    const error = await loadError(file);
    assert.equal(error.file, file);
    assert.match(error.problem, /is a truncated gzip file/);
  });

  test('a .gz that is not gzip, and gzip data that is damaged, say so', async () => {
    assert.match((await loadError(write('plain.json.gz', bundle))).problem, /is named \.gz but is not gzip-compressed/);
    const damaged = Buffer.from(gzipSync(JSON.stringify(bundle)));
    for (let i = 12; i < damaged.length - 8; i += 3) damaged[i] ^= 0x5a;
    const file = path.join(temp, 'damaged.json.gz');
    writeFileSync(file, damaged);
    assert.match((await loadError(file)).problem, /is not valid gzip data .*damaged|is a truncated gzip file/);
  });

  test('gzip-compressed text that is not JSON is reported like a plain file', async () => {
    const file = path.join(temp, 'text.json.gz');
    writeFileSync(file, gzipSync('{"type": "bundle", "objects": [{"type": "attack-pattern"'));
    assert.match((await loadError(file)).problem, /not valid JSON .*truncated/);
  });
});

describe('bundle path resolution', () => {
  test('a setting that names a missing file says which file and which setting', async () => {
    const result = resolveStixPaths({ setting: '/no/such/bundle.json', settingName: 'ttpLens.attack.stixPath' });
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.file === '/no/such/bundle.json' && /ttpLens\.attack\.stixPath/.test(result.problem));
  });

  test('TTPLENS_STIX is used when no setting is given; nothing configured is a clear error', async () => {
    const file = write('env.json', { type: 'bundle', objects: [technique('T1001', 'x')] });
    const fromEnv = resolveStixPaths({ env: file });
    assert.ok(fromEnv.ok && fromEnv.paths[0] === file && fromEnv.from === 'TTPLENS_STIX');
    const none = resolveStixPaths({ distDir: path.join(temp, 'dist') });
    assert.ok(!none.ok && /no ATT&CK enterprise bundle is embedded in this copy of TTP Lens .*: set ttpLens\.attack\.stixPath/.test(none.problem), JSON.stringify(none));
  });
});

/** Loads, and waits for the cache write that follows a load from the bundles. */
async function loadAndCache(...args: Parameters<typeof loadCorpus>) {
  const load = await loadCorpus(...args);
  assert.equal(await load.cacheWritten, undefined, 'the cache is written');
  return load;
}

describe('corpus cache', () => {
  const bundle = () =>
    write('cached.json', {
      type: 'bundle',
      objects: [technique('T1001', 'Data Obfuscation'), technique('T1002', 'Data Compressed')],
    });

  test('second load comes from the cache and equals the first', async () => {
    const cacheDir = tempDir('ttplens-cache-');
    const file = bundle();
    const first = await loadAndCache([file], { cacheDir });
    const second = await loadAndCache([file], { cacheDir });
    assert.equal(first.source, 'bundle');
    assert.equal(second.source, 'cache');
    assert.deepEqual(second.corpus.objects.map((o) => [o.id, o.name, second.corpus.description(o)]), first.corpus.objects.map((o) => [o.id, o.name, first.corpus.description(o)]));
  });

  test('a changed bundle makes the cache stale', async () => {
    const cacheDir = tempDir('ttplens-cache-');
    const file = bundle();
    await loadAndCache([file], { cacheDir });
    writeFileSync(file, JSON.stringify({ type: 'bundle', objects: [technique('T1001', 'Renamed')] }));
    const reloaded = await loadAndCache([file], { cacheDir });
    assert.equal(reloaded.source, 'bundle');
    assert.equal(reloaded.cacheMiss, 'changed');
    assert.equal(reloaded.corpus.get('T1001')!.name, 'Renamed');
  });

  test('same content with a new mtime is re-hashed and still a hit; verifyContent re-hashes anyway', async () => {
    const cacheDir = tempDir('ttplens-cache-');
    const file = bundle();
    await loadAndCache([file], { cacheDir });
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    assert.equal((await loadAndCache([file], { cacheDir })).source, 'cache');
    assert.equal((await loadAndCache([file], { cacheDir, verifyContent: true })).source, 'cache');
  });

  test('a touched bundle is hashed once: the header takes the new stat, the payload is kept byte for byte', async () => {
    const cacheDir = tempDir('ttplens-cache-');
    const file = write('touched.json', { type: 'bundle', objects: [{ ...technique('T1001', 'Data Obfuscation'), description: 'Adversaries may obfuscate command and control traffic.' }] });
    await loadAndCache([file], { cacheDir });
    const cacheFile = cacheFileFor(cacheDir, [file]);
    const lines = (text: string) => text.split('\n');
    const before = lines(readFileSync(cacheFile, 'latin1'));
    // An mtime of 1 s after the epoch is written "1000", shorter than any of today's: the header
    // shrinks, so the texts move within the file.
    utimesSync(file, new Date(1000), new Date(1000));
    const load = await loadCorpus([file], { cacheDir });
    assert.equal(load.source, 'cache');
    const after = lines(readFileSync(cacheFile, 'latin1'));
    assert.deepEqual(after.slice(1), before.slice(1), 'structure and texts unchanged');
    assert.equal(JSON.parse(after[0]).inputs[0].mtimeMs, statSync(file).mtimeMs, 'the header has the new mtime');
    assert.notEqual(after[0].length, before[0].length);
    // The bundle gone, the texts can only come from the restamped cache.
    renameSync(file, `${file}.away`);
    assert.equal(load.corpus.description(load.corpus.get('T1001')!), 'Adversaries may obfuscate command and control traffic.', 'texts found after the restamp');
    renameSync(`${file}.away`, file);
    assert.equal((await loadCorpus([file], { cacheDir })).source, 'cache');
  });

  test('a corrupt texts section is found when first read, rebuilt from the bundle, and the cache rewritten', async () => {
    const cacheDir = tempDir('ttplens-cache-');
    const file = write('described.json', { type: 'bundle', objects: [{ ...technique('T1001', 'Data Obfuscation'), description: 'Adversaries may obfuscate command and control traffic.' }] });
    await loadAndCache([file], { cacheDir });
    const cacheFile = cacheFileFor(cacheDir, [file]);
    const text = readFileSync(cacheFile, 'latin1');
    writeFileSync(cacheFile, text.replace('obfuscate command', 'obfuscate c0mmand'), 'latin1');
    const load = await loadAndCache([file], { cacheDir });
    assert.equal(load.source, 'cache', 'the structure is intact');
    assert.equal(load.corpus.description(load.corpus.get('T1001')!), 'Adversaries may obfuscate command and control traffic.');
    assert.match(readFileSync(cacheFile, 'latin1'), /obfuscate command/, 'cache rewritten');
  });

  test('the texts are read from the cache file when first needed, not held: a file changed after the load is caught by their hash', async () => {
    const cacheDir = tempDir('ttplens-cache-');
    const file = write('described-later.json', { type: 'bundle', objects: [{ ...technique('T1001', 'Data Obfuscation'), description: 'Adversaries may obfuscate command and control traffic.' }] });
    await loadAndCache([file], { cacheDir });
    const cacheFile = cacheFileFor(cacheDir, [file]);
    const load = await loadCorpus([file], { cacheDir });
    assert.equal(load.source, 'cache');
    // Changed between the load and the first description: what the load read then cannot answer.
    writeFileSync(cacheFile, readFileSync(cacheFile, 'latin1').replace('obfuscate command', 'obfuscate c0mmand'), 'latin1');
    assert.equal(load.corpus.description(load.corpus.get('T1001')!), 'Adversaries may obfuscate command and control traffic.');
    assert.match(readFileSync(cacheFile, 'latin1'), /obfuscate command/, 'cache rewritten');
  });

  test('a corrupt cache is detected and rebuilt', async () => {
    const cacheDir = tempDir('ttplens-cache-');
    const file = bundle();
    await loadAndCache([file], { cacheDir });
    const cacheFile = cacheFileFor(cacheDir, [file]);
    const text = readFileSync(cacheFile, 'latin1');
    writeFileSync(cacheFile, text.replace('Data Compressed', 'Data Comprossed'), 'latin1');
    const corrupted = await loadAndCache([file], { cacheDir });
    assert.equal(corrupted.source, 'bundle');
    assert.equal(corrupted.cacheMiss, 'corrupt');
    writeFileSync(cacheFile, text.slice(0, text.length / 2), 'latin1');
    assert.equal((await loadAndCache([file], { cacheDir })).cacheMiss, 'corrupt');
    // The load reads the header and the structure only (its length is in the header): a file cut
    // right after the structure, or one byte into it, is caught there too.
    const rewritten = readFileSync(cacheFile, 'latin1');
    const structureEnd = rewritten.indexOf('\n', rewritten.indexOf('\n') + 1);
    for (const cut of [structureEnd + 1, structureEnd - 1]) {
      writeFileSync(cacheFile, rewritten.slice(0, cut), 'latin1');
      assert.equal((await loadAndCache([file], { cacheDir })).cacheMiss, 'corrupt', `cut at ${cut}`);
    }
    assert.equal((await loadAndCache([file], { cacheDir })).source, 'cache');
  });

  test('a bundle path with characters beyond Latin-1 still hits the cache', async () => {
    const cacheDir = tempDir('ttplens-cache-');
    const file = write('Тактики 攻撃.json', { type: 'bundle', objects: [technique('T1001', 'Data Obfuscation')] });
    assert.equal((await loadAndCache([file], { cacheDir })).source, 'bundle');
    assert.equal((await loadAndCache([file], { cacheDir })).source, 'cache');
  });

  test('the corpus is ready before its cache is written, and the write settles with its outcome', async () => {
    const cacheDir = tempDir('ttplens-cache-');
    const file = bundle();
    const load = await loadCorpus([file], { cacheDir });
    assert.equal(existsSync(cacheFileFor(cacheDir, [file])), false);
    assert.equal(await load.cacheWritten, undefined);
    assert.equal(existsSync(cacheFileFor(cacheDir, [file])), true);
    const blocked = write('not-a-dir', 'a file where the cache directory should be');
    const failed = await loadCorpus([file], { cacheDir: path.join(blocked, 'cache') });
    assert.match((await failed.cacheWritten) ?? '', /cannot write the corpus cache/);
    assert.equal((await loadCorpus([file], { cacheDir: false })).cacheWritten, undefined);
  });
});

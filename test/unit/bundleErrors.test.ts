// Bad bundles each give a clear message naming the file and the problem; the cache is rebuilt when
// stale or corrupt, never trusted.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
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

function loadError(file: string): BundleError {
  try {
    loadCorpus([file], { cacheDir: false });
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
  test('missing file', () => {
    const error = loadError(path.join(temp, 'nope.json'));
    assert.match(error.message, /nope\.json: does not exist/);
  });

  test('truncated JSON names the file and where it ends', () => {
    const file = write('truncated.json', '{"type": "bundle", "objects": [{"type": "attack-pattern", "id": "x"');
    const error = loadError(file);
    assert.equal(error.file, file);
    assert.match(error.problem, /not valid JSON .*truncated/);
  });

  test('JSON that is not a bundle', () => {
    assert.match(loadError(write('array.json', [1, 2])).problem, /not a STIX bundle/);
    assert.match(loadError(write('other.json', { type: 'report', objects: [] })).problem, /"type" is "report", expected "bundle"/);
    assert.match(loadError(write('noobjects.json', { type: 'bundle' })).problem, /without an "objects" array/);
  });

  test('a bundle with no techniques', () => {
    const file = write('empty.json', { type: 'bundle', id: 'bundle--1', objects: [{ type: 'identity', id: 'identity--1', name: 'x' }] });
    assert.match(loadError(file).problem, /no ATT&CK techniques/);
  });

  test('empty file and directory', () => {
    assert.match(loadError(write('zero.json', '')).problem, /is empty/);
    assert.match(loadError(temp).problem, /is a directory/);
  });

  test('dangling references and duplicate IDs load, with warnings naming the file', () => {
    const file = write('dangling.json', {
      type: 'bundle',
      id: 'bundle--2',
      objects: [
        technique('T1001', 'Data Obfuscation'),
        technique('T1001', 'Impostor', 'attack-pattern--other'),
        { type: 'relationship', id: 'relationship--1', relationship_type: 'mitigates', source_ref: 'course-of-action--missing', target_ref: 'attack-pattern--T1001' },
      ],
    });
    const { corpus } = loadCorpus([file], { cacheDir: false });
    assert.equal(corpus.get('T1001')!.name, 'Data Obfuscation');
    const problems = corpus.data.warnings.map((w) => `${w.file}: ${w.problem}`).join('\n');
    assert.match(problems, /dangling\.json: duplicate ID T1001/);
    assert.match(problems, /dangling\.json: 1 relationships point to objects not in the bundle \(dangling references\)/);
  });
});

describe('bundle path resolution', () => {
  test('a setting that names a missing file says which file and which setting', () => {
    const result = resolveStixPaths({ setting: '/no/such/bundle.json', settingName: 'ttpLens.attack.stixPath' });
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.file === '/no/such/bundle.json' && /ttpLens\.attack\.stixPath/.test(result.problem));
  });

  test('TTPLENS_STIX is used when no setting is given; nothing configured is a clear error', () => {
    const file = write('env.json', { type: 'bundle', objects: [technique('T1001', 'x')] });
    const fromEnv = resolveStixPaths({ env: file });
    assert.ok(fromEnv.ok && fromEnv.paths[0] === file && fromEnv.from === 'TTPLENS_STIX');
    const none = resolveStixPaths({ distDir: path.join(temp, 'dist') });
    assert.ok(!none.ok && /no ATT&CK STIX bundle is configured/.test(none.problem));
  });
});

describe('corpus cache', () => {
  const bundle = () =>
    write('cached.json', {
      type: 'bundle',
      objects: [technique('T1001', 'Data Obfuscation'), technique('T1002', 'Data Compressed')],
    });

  test('second load comes from the cache and equals the first', () => {
    const cacheDir = tempDir('ttplens-cache-');
    const file = bundle();
    const first = loadCorpus([file], { cacheDir });
    const second = loadCorpus([file], { cacheDir });
    assert.equal(first.source, 'bundle');
    assert.equal(second.source, 'cache');
    assert.deepEqual(second.corpus.objects.map((o) => [o.id, o.name, second.corpus.description(o)]), first.corpus.objects.map((o) => [o.id, o.name, first.corpus.description(o)]));
  });

  test('a changed bundle makes the cache stale', () => {
    const cacheDir = tempDir('ttplens-cache-');
    const file = bundle();
    loadCorpus([file], { cacheDir });
    writeFileSync(file, JSON.stringify({ type: 'bundle', objects: [technique('T1001', 'Renamed')] }));
    const reloaded = loadCorpus([file], { cacheDir });
    assert.equal(reloaded.source, 'bundle');
    assert.equal(reloaded.cacheMiss, 'changed');
    assert.equal(reloaded.corpus.get('T1001')!.name, 'Renamed');
  });

  test('same content with a new mtime is re-hashed and still a hit; verifyContent re-hashes anyway', () => {
    const cacheDir = tempDir('ttplens-cache-');
    const file = bundle();
    loadCorpus([file], { cacheDir });
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    assert.equal(loadCorpus([file], { cacheDir }).source, 'cache');
    assert.equal(loadCorpus([file], { cacheDir, verifyContent: true }).source, 'cache');
  });

  test('a corrupt texts section is found when first read, rebuilt from the bundle, and the cache rewritten', () => {
    const cacheDir = tempDir('ttplens-cache-');
    const file = write('described.json', { type: 'bundle', objects: [{ ...technique('T1001', 'Data Obfuscation'), description: 'Adversaries may obfuscate command and control traffic.' }] });
    loadCorpus([file], { cacheDir });
    const cacheFile = cacheFileFor(cacheDir, [file]);
    const text = readFileSync(cacheFile, 'latin1');
    writeFileSync(cacheFile, text.replace('obfuscate command', 'obfuscate c0mmand'), 'latin1');
    const load = loadCorpus([file], { cacheDir });
    assert.equal(load.source, 'cache', 'the structure is intact');
    assert.equal(load.corpus.description(load.corpus.get('T1001')!), 'Adversaries may obfuscate command and control traffic.');
    assert.match(readFileSync(cacheFile, 'latin1'), /obfuscate command/, 'cache rewritten');
  });

  test('a corrupt cache is detected and rebuilt', () => {
    const cacheDir = tempDir('ttplens-cache-');
    const file = bundle();
    loadCorpus([file], { cacheDir });
    const cacheFile = cacheFileFor(cacheDir, [file]);
    const text = readFileSync(cacheFile, 'latin1');
    writeFileSync(cacheFile, text.replace('Data Compressed', 'Data Comprossed'), 'latin1');
    const corrupted = loadCorpus([file], { cacheDir });
    assert.equal(corrupted.source, 'bundle');
    assert.equal(corrupted.cacheMiss, 'corrupt');
    writeFileSync(cacheFile, text.slice(0, text.length / 2), 'latin1');
    assert.equal(loadCorpus([file], { cacheDir }).cacheMiss, 'corrupt');
    assert.equal(loadCorpus([file], { cacheDir }).source, 'cache');
  });
});

// The batched read of a bundle (bundleBatches.ts, stixObjects.ts) must give exactly the corpus the
// whole-text parse gives: every object, fact, link, text and warning, and the same bundle info.
// And a bundle it cannot split must fall back to the whole-text parse, never to a different answer.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { asciiText, BundleBatches } from '../../server/src/corpus/bundleBatches';
import { readBundleFile, readBundleForCorpus, type RawBundle } from '../../server/src/corpus/bundleFile';
import { buildCorpusData } from '../../server/src/corpus/build';
import { Corpus } from '../../server/src/corpus/corpus';
import { BUNDLE_17, BUNDLE_18, BUNDLE_ICS, BUNDLE_MOBILE, HAS_SHARED, needsShared, SHARED_BUNDLE_18_JSON } from '../support/paths';
import { tempDir } from '../support/temp';

const temp = tempDir('ttplens-equality-');

/** Everything a corpus answers from (its data: objects, relations, texts, warnings), and a sample
 *  of what the Corpus derives from it (descriptions, links, search). */
function everything(bundles: RawBundle[]) {
  const data = buildCorpusData(bundles);
  const corpus = new Corpus(data);
  const sample = data.objects.filter((_, index) => index % 40 === 0);
  return {
    data,
    derived: sample.map((object) => ({
      id: object.id,
      description: corpus.description(object),
      subtechniques: corpus.subtechniquesOf(object).map((found) => found.id),
      users: corpus.usersOf(object).map((found) => found.id),
      search: corpus.find(object.name, { limit: 5 }).map((found) => found.object.id),
    })),
  };
}

async function assertSameCorpus(files: string[]): Promise<void> {
  const whole: RawBundle[] = [];
  const batched: RawBundle[] = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    assert.ok(batchesOf(text), `${file} is read in batches (not by the fallback)`);
    whole.push(await readBundleFile(file));
    batched.push(await readBundleForCorpus(file));
  }
  assert.deepEqual(batched.map((b) => b.info), whole.map((b) => b.info));
  assert.deepEqual(everything(batched), everything(whole));
}

/** What BundleBatches gives for a text: the objects and the bundle around them, or undefined. */
function batchesOf(text: string, chunkBytes = Infinity): { objects: unknown[]; wrapper: unknown } | undefined {
  const objects: unknown[] = [];
  const batches = new BundleBatches((elements) => objects.push(...elements));
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += Math.min(chunkBytes, bytes.length)) {
    if (!batches.push(bytes.subarray(at, Math.min(bytes.length, at + chunkBytes)))) return undefined;
  }
  const wrapper = batches.end();
  return wrapper ? { objects, wrapper } : undefined;
}

/** Either the split gives what JSON.parse gives, or it gives up (then the whole text is parsed). */
function assertSplitsLikeJsonParse(text: string, expectSplit: boolean): void {
  let parsed: { objects: unknown[] } | undefined;
  try {
    parsed = JSON.parse(text) as { objects: unknown[] };
  } catch {
    parsed = undefined;
  }
  for (const chunkBytes of text.length < 20_000 ? [Infinity, 7, 1000] : [Infinity, 4099, 100_003]) {
    const split = batchesOf(text, chunkBytes);
    if (expectSplit) {
      assert.ok(split, `expected ${JSON.stringify(text.slice(0, 60))}… to split in chunks of ${chunkBytes}`);
      assert.ok(parsed);
      assert.deepEqual(split.objects, parsed.objects);
      assert.deepEqual(split.wrapper, { ...parsed, objects: [] });
    } else {
      assert.equal(split, undefined, `expected ${JSON.stringify(text.slice(0, 60))}… not to split (chunks of ${chunkBytes})`);
    }
  }
}

const object = (n: number, extra: Record<string, unknown> = {}) => ({
  type: 'attack-pattern',
  id: `attack-pattern--${n}`,
  name: `Technique ${n}`,
  description: `Über ${n} “quoted” \\ back\\slash 𝒳 \u2028 done`,
  external_references: [{ source_name: 'mitre-attack', external_id: `T${1000 + n}` }, { source_name: 'x', description: 'a }\n  } b' }],
  kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'execution' }],
  x_mitre_domains: ['enterprise-attack'],
  ...extra,
});
const bundleOf = (objects: unknown[], extra: Record<string, unknown> = {}) => ({ type: 'bundle', id: 'bundle--1', objects, ...extra });

describe('batched bundle read', () => {
  test('splits pretty-printed bundles exactly as JSON.parse reads them', () => {
    const many = Array.from({ length: 200 }, (_, n) => object(n, n % 7 ? {} : { x_big: 'é'.repeat(3000 + n) }));
    for (const indent of [1, 2, 4, '\t']) assertSplitsLikeJsonParse(JSON.stringify(bundleOf(many), null, indent), true);
    assertSplitsLikeJsonParse(JSON.stringify(bundleOf(many, { spec_version: '2.1' }), null, 2), true); // a key after the array
    assertSplitsLikeJsonParse(JSON.stringify({ objects: many.slice(0, 3), type: 'bundle' }, null, 2), true); // "objects" first
    assertSplitsLikeJsonParse(JSON.stringify(bundleOf([]), null, 2), true);
    assertSplitsLikeJsonParse(JSON.stringify(bundleOf([1, 'two', null, [3], object(4)]), null, 2), true);
    assertSplitsLikeJsonParse(JSON.stringify({ type: 'bundle', note: { objects: [1] }, objects: many.slice(0, 2) }, null, 2), true);
  });

  test('gives up, rather than answer differently, on anything else', () => {
    const few = [object(1), object(2)];
    const pretty = JSON.stringify(bundleOf(few), null, 2);
    assertSplitsLikeJsonParse(JSON.stringify(bundleOf(few)), false); // minified
    assertSplitsLikeJsonParse(`\uFEFF${pretty}`, false); // a byte-order mark: JSON.parse refuses it
    assertSplitsLikeJsonParse(pretty.slice(0, -30), false); // truncated
    assertSplitsLikeJsonParse(pretty.replace('"Technique 2"', '"Technique 2",'), false); // a syntax error in an object
    assertSplitsLikeJsonParse(pretty.replace('"type": "bundle"', '"type": "bundle",,'), false); // and around the array
    assertSplitsLikeJsonParse(`${pretty.slice(0, -2)},\n  "objects": []\n}`, false); // a later "objects" wins in JSON.parse
    assertSplitsLikeJsonParse(pretty.replace('Über', '\\Über'), false); // an escape of a non-ASCII character is invalid
    assertSplitsLikeJsonParse(pretty.replace('"name"', 'é"name"'), false); // non-ASCII outside a string
    assertSplitsLikeJsonParse('[\n  {"type": "x"}\n]', false);
  });

  test('one-byte text with escapes parses to the UTF-8 text', () => {
    const samples = ['plain', 'Über “q” 𝒳', '\\\\é', 'a\\"é', 'x'.repeat(100) + 'é'.repeat(70) + 'y'.repeat(200) + '😀'];
    for (const sample of samples) {
      const bytes = Buffer.from(`["${sample}"]`);
      const text = asciiText(bytes, 0, bytes.length);
      assert.ok(text !== undefined && /^[\x00-\x7f]*$/.test(text));
      assert.deepEqual(JSON.parse(text), JSON.parse(bytes.toString('utf8')));
    }
    const invalid = Buffer.from([0x5b, 0x22, 0x61, 0xff, 0xc3, 0x22, 0x5d]); // invalid UTF-8 becomes U+FFFD alike
    assert.deepEqual(JSON.parse(asciiText(invalid, 0, invalid.length)!), JSON.parse(invalid.toString('utf8')));
    const escaping = Buffer.from('["\\é"]');
    assert.equal(asciiText(escaping, 0, escaping.length), undefined);
  });

  test('the same corpus from a small pretty-printed bundle, plain and gzipped, as from the whole text', async () => {
    const file = path.join(temp, 'small.json');
    writeFileSync(file, JSON.stringify(bundleOf([object(1), object(2), { type: 'relationship', id: 'relationship--1', relationship_type: 'subtechnique-of', source_ref: 'attack-pattern--2', target_ref: 'attack-pattern--1', description: 'kept?' }]), null, 2));
    writeFileSync(`${file}.gz`, gzipSync(readFileSync(file)));
    await assertSameCorpus([file]);
    await assertSameCorpus([`${file}.gz`]);
  });

  test('a broken pretty-printed bundle, plain or gzipped, gives the message the whole-text parse gives', async () => {
    const pretty = JSON.stringify(bundleOf([object(1), object(2)]), null, 2);
    const broken: Record<string, string> = {
      truncated: pretty.slice(0, -40),
      'syntax-error': pretty.replace('"Technique 2"', '"Technique 2",'),
      'not-a-bundle': pretty.replace('"type": "bundle"', '"type": "report"'),
      'no-techniques': JSON.stringify(bundleOf([{ type: 'x-custom', id: 'x-custom--1' }]), null, 2),
      'objects-not-array': pretty.replace('"objects": [', '"objects": {"a": [').replace(/\]\n\}$/, ']}\n}'),
    };
    for (const [name, text] of Object.entries(broken)) {
      const file = path.join(temp, `broken-${name}.json`);
      writeFileSync(file, text);
      writeFileSync(`${file}.gz`, gzipSync(text));
      for (const each of [file, `${file}.gz`]) {
        const expected = await readBundleFile(each).then(() => 'loaded', (error: Error) => error.message);
        const actual = await readBundleForCorpus(each).then(() => 'loaded', (error: Error) => error.message);
        assert.notEqual(expected, 'loaded', `${name} is broken`);
        assert.equal(actual, expected, name);
        assert.ok(actual.startsWith(each), `${name}: the message names the file`);
      }
    }
  });

  test('the same corpus from the embedded bundles (.json.gz), one and all together', async () => {
    await assertSameCorpus([BUNDLE_18]);
    await assertSameCorpus([BUNDLE_18, BUNDLE_MOBILE, BUNDLE_ICS]);
  });

  test('the same corpus from v18.1 as .json (the shared file, else the embedded one decompressed)', async () => {
    let file = SHARED_BUNDLE_18_JSON;
    if (!HAS_SHARED) {
      file = path.join(temp, 'enterprise-attack-18.1.json');
      writeFileSync(file, gunzipSync(readFileSync(BUNDLE_18)));
    }
    await assertSameCorpus([file]);
  });

  test('the same corpus from the shared v17.1 bundle, alone and with v18.1', needsShared, async () => {
    await assertSameCorpus([BUNDLE_17]);
    await assertSameCorpus([BUNDLE_17, SHARED_BUNDLE_18_JSON]);
  });
});

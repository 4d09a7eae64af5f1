// Search: ID prefix, word-prefix and fuzzy names, aliases, acronyms, kinds, retired objects.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Corpus } from '../../server/src/corpus/corpus';
import { acronymOf } from '../../server/src/corpus/search';
import { corpus18 } from '../support/corpora';

let corpus: Corpus;
const top = (query: string, options = {}) => corpus.find(query, { limit: 5, ...options }).map((r) => r.object.id);

describe('search', () => {
  before(async () => {
    corpus = await corpus18();
  });

  test('word prefix: "powers" finds T1059.001 PowerShell first', () => {
    assert.equal(top('powers', { kinds: ['technique'] })[0], 'T1059.001');
    assert.equal(top('powers')[0], 'T1059.001');
  });

  test('acronym: "ipc" finds T1559 Inter-Process Communication, "wmi" finds T1047', () => {
    assert.equal(top('ipc')[0], 'T1559');
    assert.equal(top('wmi')[0], 'T1047');
    assert.equal(acronymOf('Inter-Process Communication'), 'ipc');
  });

  test('ID prefix in ID order, exact match first', () => {
    assert.deepEqual(top('T1059'), ['T1059', 'T1059.001', 'T1059.002', 'T1059.003', 'T1059.004']);
    assert.deepEqual(top('t1559.00'), ['T1559.001', 'T1559.002', 'T1559.003']);
    assert.equal(top('DC0032')[0], 'DC0032');
  });

  test('aliases: "fancy bear" finds APT28', () => {
    const results = corpus.find('fancy bear', { limit: 3 });
    assert.equal(results[0].object.id, 'G0007');
    assert.equal(results[0].matchedOn, 'alias');
  });

  test('fuzzy: a typo still finds the technique', () => {
    assert.ok(top('credntial dumping', { kinds: ['technique'] }).includes('T1003'));
  });

  test('detection strategies: several words each start a word of the name, no fuzzy match in the sentence', () => {
    // DET0426 "Detection of Direct Volume Access for File System Evasion".
    assert.ok(top('direct volume', { kinds: ['detectionStrategy'] }).includes('DET0426'));
    assert.ok(top('dire acc', { limit: 50 }).includes('DET0426'));
    // "Windows COM Hijacking Detection via Registry and DLL Load Correlation" has "dll" but no word
    // starting "side": a fuzzy match only, no longer offered for "dll side".
    assert.equal(corpus.find('dll side', { limit: 50 }).some((r) => r.object.id === 'DET0481'), false);
    // One word is still matched fuzzily everywhere, strategies included.
    assert.ok(top('hijackng', { kinds: ['detectionStrategy'], limit: 50 }).length > 0);
  });

  test('retired objects only on request, ranked after live ones', () => {
    assert.equal(top('DLL Side-Loading', { kinds: ['technique'] }).includes('T1574.002'), false);
    const withRetired = corpus.find('DLL Side-Loading', { kinds: ['technique'], includeRetired: true, limit: 10 }).map((r) => r.object.id);
    assert.ok(withRetired.includes('T1574.002'));
  });

  test('empty and whitespace queries return nothing', () => {
    assert.deepEqual(top(''), []);
    assert.deepEqual(top('   '), []);
  });
});

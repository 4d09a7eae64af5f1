// Sigma: the full parser (exact ranges, malformed tags, multi-document files, parser problems) and the
// fast scanner, whose output must equal the full parser's on every SigmaHQ rule.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseSigma } from '../../server/src/formats/sigma';
import { scanSigma } from '../../server/src/formats/sigmaScan';
import { interpretSigmaTag } from '../../server/src/formats/sigmaTags';
import type { RuleDocument } from '../../server/src/formats/model';
import { needsShared, requireShared, SIGMAHQ_RULES } from '../support/paths';

function* walk(directory: string): Generator<string> {
  for (const entry of readdirSync(directory)) {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else if (/\.ya?ml$/.test(entry)) yield full;
  }
}

function slice(text: string, range: RuleDocument['references'][number]['range']): string {
  const lines = text.split('\n');
  if (range.start.line !== range.end.line) throw new Error('multi-line reference');
  return lines[range.start.line].slice(range.start.character, range.end.character);
}

/** What the index compares: references, log-source fields and identity. */
function comparable(rule: RuleDocument) {
  return {
    references: rule.references,
    logSources: rule.logSources.map((l) => ({ range: l.range, category: l.category, product: l.product, service: l.service })),
    identity: { title: rule.identity.title, id: rule.identity.id, status: rule.identity.status, level: rule.identity.level },
    insertion: rule.insertion,
  };
}

describe('sigma tags', () => {
  const cases: [string, string, string, string | undefined][] = [
    ['attack.t1059.001', 'T1059.001', 'technique', undefined],
    ['attack.execution', 'execution', 'tactic', undefined],
    ['attack.g0007', 'G0007', 'group', undefined],
    ['attack.s0002', 'S0002', 'software', undefined],
    ['attack.ds0009', 'DS0009', 'dataSource', undefined],
    ['attack.m1013', 'M1013', 'mitigation', undefined],
    ['attack.T1059', 'T1059', 'technique', 'technique tags are lower case in Sigma'],
    ['attack.t1059-001', 'T1059.001', 'technique', 'a sub-technique is written with a dot'],
    ['attack.t1059.1', 'T1059.001', 'technique', 'a sub-technique number has three digits'],
    ['attack.Execution', 'execution', 'tactic', 'tactic tags are lower case in Sigma'],
    ['attack.defense_evesion', 'defense_evesion', 'tactic', undefined],
    ['Attack.t1059', 'T1059', 'technique', 'the "attack." namespace is lower case in Sigma'],
    ['attack.g0007.001', 'G0007.001', 'unknown', 'only techniques have sub-technique numbers'],
  ];
  for (const [tag, id, kind, malformed] of cases) {
    test(`${tag} → ${id} (${kind})${malformed ? ' malformed' : ''}`, () => {
      const meaning = interpretSigmaTag(tag);
      assert.deepEqual([meaning.id, meaning.kind, meaning.malformed], [id, kind, malformed]);
    });
  }
});

describe('sigma parser', () => {
  test('quoted and flow-sequence tags get ranges without quotes', () => {
    const text = 'title: t\nlogsource:\n  product: windows\ndetection:\n  condition: x\ntags: ["attack.t1059.001", \'attack.execution\', attack.g0007]\n';
    const rule = parseSigma('untitled:a', text);
    assert.deepEqual(rule.references.map((r) => [r.id, slice(text, r.range)]), [
      ['T1059.001', 'attack.t1059.001'],
      ['execution', 'attack.execution'],
      ['G0007', 'attack.g0007'],
    ]);
    assert.equal(rule.insertion?.flow, true);
  });

  test('multi-document collections: references are the union, with their document index', () => {
    const text = [
      'action: global',
      'title: Collection',
      'tags:',
      '  - attack.execution',
      'detection:',
      '  condition: selection',
      '---',
      'logsource:',
      '  product: windows',
      '  category: process_creation',
      'tags:',
      '  - attack.t1059.001',
      '---',
      'logsource:',
      '  product: linux',
      '  category: process_creation',
      'tags:',
      '  - attack.t1059.004',
    ].join('\n');
    const rule = parseSigma('untitled:b', text);
    assert.deepEqual(rule.references.map((r) => [r.id, r.documentIndex]), [['execution', undefined], ['T1059.001', 1], ['T1059.004', 2]]);
    assert.deepEqual(rule.logSources.map((l) => l.product), ['windows', 'linux']);
    assert.deepEqual(comparable(scanSigma('untitled:b', text)!), comparable(rule));
  });

  test('broken YAML: the parser message at the parser range, and what could be read is kept', () => {
    const text = 'title: Broken\ntags:\n  - attack.t1059\nlogsource:\n  category: [process_creation\ndetection:\n  condition: x\n';
    const rule = parseSigma('untitled:c', text);
    assert.ok(rule.problems.length > 0);
    assert.match(rule.problems[0].message, /^This file is not valid YAML: /);
    assert.ok(rule.problems[0].range.start.line >= 4, JSON.stringify(rule.problems[0].range));
    assert.equal(rule.references[0]?.id, 'T1059');
  });

  test('empty, binary and huge input never throw', () => {
    assert.deepEqual(parseSigma('untitled:d', '').references, []);
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    assert.doesNotThrow(() => parseSigma('untitled:e', garbage));
    assert.equal(scanSigma('untitled:e', garbage), undefined);
    const huge = `title: big\ntags:\n${'  - attack.t1059\n'.repeat(150000)}`;
    assert.equal(parseSigma('untitled:f', huge).references.length, 150000);
  });

  test('the scanner declines what it does not handle exactly', () => {
    const declined = [
      'title: &a anchored\ntags:\n  - attack.t1059\n',
      'title: t\ntags:\n  - "attack.t1059\\u0030"\n',
      'title: t\ntags:\n  - attack.t1059\n  -   attack.t1003\n    - x\n',
      'title: t\ntags: [attack.t1059,\n  attack.t1003]\n',
      'title: t\ntitle: again\n',
      'title: a long\n  title\n',
      'title: t\ntags:\n\t- attack.t1059\n',
    ];
    for (const text of declined) assert.equal(scanSigma('untitled:g', text), undefined, text);
  });
});

describe('sigma scanner vs full parser on SigmaHQ', needsShared, () => {
  test('every SigmaHQ rule: identical references (exact ranges), log sources and identity', () => {
    const files = [...walk(requireShared(SIGMAHQ_RULES))];
    assert.ok(files.length >= 3000, `${files.length} files`);
    let scanned = 0;
    let references = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const full = parseSigma(file, text);
      for (const reference of full.references) assert.equal(slice(text, reference.range), reference.written, file);
      references += full.references.length;
      const fast = scanSigma(file, text);
      if (!fast) continue;
      scanned++;
      assert.deepEqual(comparable(fast), comparable(full), file);
    }
    // The scanner must carry the index: it may decline only rare files.
    assert.ok(scanned / files.length > 0.99, `scanned ${scanned} of ${files.length}`);
    assert.ok(references > 8000, `${references} references`);
  });
});

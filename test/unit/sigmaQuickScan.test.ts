// The index's quick Sigma scanner: whenever it reads a file, its RuleDocument must be exactly the line
// scanner's (itself checked against the full parser in sigma.test.ts) — on every SigmaHQ rule, every
// fixture, and mutated copies of them; and the index must read a file as it did before it existed.
// Its WebAssembly build on the file's bytes (sigmaQuickScanBytes.ts) is checked with it, on the same
// texts: it declines, or it reads exactly what the JavaScript scanner reads.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { detectFormat, isPlainYamlRuleFile } from '../../server/src/formats/detect';
import { detachFromText, type RuleDocument } from '../../server/src/formats/model';
import { parseWithFormat } from '../../server/src/formats/parse';
import { parseSigma } from '../../server/src/formats/sigma';
import { quickScanSigma } from '../../server/src/formats/sigmaQuickScan';
import { SigmaByteScanner, sigmaByteScanner } from '../../server/src/formats/sigmaQuickScanBytes';
import { scanSigma } from '../../server/src/formats/sigmaScan';
import { STRICT_PARSE_LIMIT } from '../../server/src/formats/yamlRule';
import { fileUri } from '../../server/src/uris';
import { indexFile, indexText } from '../../server/src/workspace/indexer';
import { DEMO, FIXTURES, needsShared, requireShared, SIGMAHQ_RULES } from '../support/paths';

function* yamlFiles(directory: string): Generator<string> {
  for (const entry of readdirSync(directory)) {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) yield* yamlFiles(full);
    else if (/\.ya?ml$/i.test(entry)) yield full;
  }
}

/** What the index read before the quick scanner: detect, then the line scanner or the parser. */
function indexedWithoutQuickScan(uri: string, file: string, text: string): RuleDocument | undefined {
  const format = detectFormat(file, text, {}, true);
  if (!format) return undefined;
  const scanned = format === 'sigma' && text.length <= STRICT_PARSE_LIMIT ? scanSigma(uri, text) : undefined;
  return scanned ?? detachFromText(parseWithFormat(uri, text, format));
}

/** What the byte scanner reads in `text`'s UTF-8 bytes (undefined: declined). */
function byteScan(text: string): RuleDocument | undefined {
  const scanner = sigmaByteScanner()!;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length + 16 > scanner.buffer.length) scanner.grow(bytes.length + 16);
  bytes.copy(scanner.buffer);
  // What the last file left after this one's end must not matter.
  scanner.buffer.fill(0x23, bytes.length, bytes.length + 16);
  return scanner.scan('file:///rule.yml', bytes.length);
}

const byteScans = { read: 0, declinedWhereTextRead: 0 };

/** Checks one text; returns whether the quick scanner read it. */
function check(text: string, label: string): boolean {
  const quick = quickScanSigma('file:///rule.yml', text);
  const fromBytes = byteScan(text);
  if (fromBytes) {
    byteScans.read++;
    assert.deepStrictEqual(fromBytes, quick, `bytes: ${label}`);
  } else if (quick) {
    byteScans.declinedWhereTextRead++;
  }
  if (!quick) return false;
  assert.deepStrictEqual(quick, scanSigma('file:///rule.yml', text), label);
  const lines = text.split('\n');
  for (const reference of quick.references) {
    const { start, end } = reference.range;
    assert.equal(lines[start.line].slice(start.character, end.character), reference.written, label);
  }
  return true;
}

function checkAll(files: string[], minimumShare: number): void {
  let read = 0;
  const bytesBefore = byteScans.read;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (check(text, file)) read++;
    const uri = `file://${file}`;
    assert.deepStrictEqual(indexText(uri, file, text), indexedWithoutQuickScan(uri, file, text), file);
    // The index's own way: the file read into the byte scanner's memory.
    const outcome = indexFile(file);
    assert.deepStrictEqual('rule' in outcome ? outcome.rule : undefined, indexedWithoutQuickScan(fileUri(file), file, text), file);
  }
  assert.ok(read / files.length >= minimumShare, `read ${read} of ${files.length}`);
  assert.ok((byteScans.read - bytesBefore) / files.length >= minimumShare, `bytes read ${byteScans.read - bytesBefore} of ${files.length}`);
}

/** Small seeded edits (characters YAML cares about, lines added and removed) near the keys the
 *  scanner reads: the scanner must either decline or still agree. */
function* mutations(text: string, count: number, seed: number): Generator<string> {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const pieces = [' ', '  ', '#', ' #', ':', ': ', '-', '- ', '\n', "'", '"', '\\', '\n- x', '\n  - attack.t1059', '\n#c\n', '\u00a0', '\t', '\r', 'é', '\u2028', '\ud83d\ude00', '\ufeff', '\u000b', '\f', '---\n', '\ntags:\n', '\nlogsource:\n', '\ntitle: x\n', ' # c', '&a ', '*a', '[', '{', '?', '|', '>', '~', 'null', '12', '\n  ', '\n      nested: 1', "''"];
  const head = text.indexOf('\ndetection:');
  for (let i = 0; i < count; i++) {
    let mutated = text;
    for (let edit = 1 + Math.floor(random() * 3); edit > 0; edit--) {
      const at = Math.floor(random() * (random() < 0.7 && head > 0 ? head + 12 : mutated.length));
      const kind = random();
      if (kind < 0.6) mutated = mutated.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + mutated.slice(at);
      else if (kind < 0.9) mutated = mutated.slice(0, at) + mutated.slice(at + 1 + Math.floor(random() * 3));
      else mutated = mutated.slice(0, at) + mutated.slice(mutated.indexOf('\n', at) + 1);
    }
    yield mutated;
  }
}

const SIGMA_RULE = [
  'title: Quick scan sample',
  'id: 0c3a53a5-8ad2-4b9b-8a43-6b1d5e5a5a5a',
  'status: test',
  'description: A rule with the usual keys # and a comment',
  'references:',
  '    - https://example.invalid/a#b',
  'author: Someone',
  'date: 2024-01-02',
  'tags:',
  '    - attack.execution',
  '    - attack.t1059.001',
  "    - 'attack.T1003'",
  '    - cve.2021-44228',
  'logsource:',
  '    product: windows',
  '    category: process_creation',
  '    definition: |',
  '        Requirements: something',
  'detection:',
  '    selection:',
  '        Image|endswith: \\powershell.exe',
  '    condition: selection',
  'falsepositives:',
  '    - Unknown',
  'level: high',
  '',
].join('\n');

describe('quick Sigma scanner', () => {
  test('a rule in the common shape: read, with the line scanner\'s references, log source, identity and insertion point', () => {
    assert.ok(check(SIGMA_RULE, 'sample'));
    const rule = quickScanSigma('file:///rule.yml', SIGMA_RULE)!;
    assert.deepEqual(rule.references.map((r) => r.written), ['attack.execution', 'attack.t1059.001', 'attack.T1003']);
    assert.deepEqual(rule.logSources.map((l) => [l.product, l.category, l.range.start.line]), [['windows', 'process_creation', 13]]);
    assert.deepEqual(rule.identity, { title: 'Quick scan sample', id: '0c3a53a5-8ad2-4b9b-8a43-6b1d5e5a5a5a', status: 'test', level: 'high' });
    assert.deepEqual(rule.insertion, { position: { line: 13, character: 0 }, itemPrefix: '    - ', flow: false });
  });

  test('declines what the line scanner reads differently or not at all, and files that are no Sigma rule', () => {
    const declined = [
      SIGMA_RULE.replace('tags:\n', 'tags: [attack.t1059]\nx:\n'),
      SIGMA_RULE.replace('title: Quick', 'title: &a Quick'),
      SIGMA_RULE.replace('    - attack.execution', '\t- attack.execution'),
      SIGMA_RULE.replace(/\n/g, '\r\n'),
      `\ufeff${SIGMA_RULE}`,
      `${SIGMA_RULE}---\ntitle: second\nlogsource:\n    product: linux\n`,
      SIGMA_RULE.replace('status: test', 'status: test\ntitle: again'),
      SIGMA_RULE.replace('status: test', 'status: test\n    continued'),
      SIGMA_RULE.replace('    - attack.execution', '- attack.execution'),
      SIGMA_RULE.replace('    - attack.t1059.001', '      - attack.t1059.001'),
      SIGMA_RULE.replace('    product: windows', '    product: windows\n      more: x'),
      SIGMA_RULE.replace('    product: windows', '    product: "win\\u0064ows"'),
      SIGMA_RULE.replace('status: test', 'status: 12'),
      SIGMA_RULE.replace('status: test', 'status: a: b'),
      SIGMA_RULE.replace('logsource:', 'logsource: {}'),
      SIGMA_RULE.replace('logsource:', 'log_source:').replace('detection:', 'detections:'),
      SIGMA_RULE.replace('title: Quick scan sample\n', ''),
      'tags:\n  - attack.t1059\n',
      '',
    ];
    for (const text of declined) assert.equal(quickScanSigma('file:///rule.yml', text), undefined, JSON.stringify(text.slice(0, 120)));
  });

  test('tabs in comment lines are comment text: read, as the line scanner and the full parser read them', () => {
    const text = SIGMA_RULE.replace('detection:\n', 'detection:\n    # a\ttab\n#\t\n').replace('tags:\n', 'tags:\n        # -\t\'\t\'\n');
    assert.ok(check(text, 'tabs in comments'));
    const quick = quickScanSigma('file:///rule.yml', text)!;
    const full = parseSigma('file:///rule.yml', text);
    assert.deepEqual(full.problems, []);
    assert.deepEqual(quick.references, full.references);
    assert.deepEqual(quick.identity, full.identity);
    assert.deepEqual(quick.insertion, full.insertion);
    assert.deepEqual(quick.logSources.map(({ span: _, ...source }) => source), full.logSources.map(({ span: _, ...source }) => source));
    for (const elsewhere of ['status: te\tst', 'status:\ttest', '\tstatus: test']) {
      const declined = SIGMA_RULE.replace('status: test', elsewhere);
      assert.equal(quickScanSigma('file:///rule.yml', declined), undefined, elsewhere);
      assert.equal(scanSigma('file:///rule.yml', declined), undefined, elsewhere);
    }
  });

  test('mutated rules: declined, or read exactly as the line scanner reads them', () => {
    let read = 0;
    let total = 0;
    const bytesBefore = byteScans.read;
    for (const text of mutations(SIGMA_RULE, 4000, 7)) {
      total++;
      if (check(text, JSON.stringify(text))) read++;
    }
    // Both ways must be exercised: most edits keep the shape, many do not.
    assert.ok(read > total / 10 && read < total, `${read} of ${total} read`);
    assert.ok(byteScans.read - bytesBefore > read / 2, `bytes read ${byteScans.read - bytesBefore} of ${read}`);
  });

  test('the byte scanner declines what it cannot read byte for byte, which the JavaScript scanner then reads', () => {
    const texts = [
      SIGMA_RULE.replace('Quick scan sample', 'Quick scan – sample'),
      SIGMA_RULE.replace('    - attack.t1059.001', '    - attack.t1059.001 # é'),
      SIGMA_RULE.replace('product: windows', 'product: wíndows'),
      SIGMA_RULE.replace('detection:\n', 'detection:\n    # a\ttab\n'),
    ];
    for (const text of texts) {
      assert.equal(byteScan(text), undefined, text);
      assert.ok(check(text, text));
    }
    // Bytes outside ASCII where the scanner reads no value change nothing.
    const elsewhere = SIGMA_RULE.replace('author: Someone', 'author: Séverine').replace('    condition: selection', '    condition: selection # ✓');
    assert.deepStrictEqual(byteScan(elsewhere), quickScanSigma('file:///rule.yml', elsewhere));
    assert.ok(byteScan(elsewhere));
    // Many strings of the same bytes: one string number each, the same string every time.
    const first = byteScan(SIGMA_RULE)!;
    for (let i = 0; i < 3; i++) byteScan(SIGMA_RULE.replace('test', `test${i}`));
    assert.equal(byteScan(SIGMA_RULE)!.identity.status, first.identity.status);
  });

  test('a byte scanner whose module traps declines from then on, and the bytes it was given are intact', () => {
    const scanner = new SigmaByteScanner();
    const bytes = Buffer.from(SIGMA_RULE);
    bytes.copy(scanner.buffer);
    assert.deepStrictEqual(scanner.scan('file:///rule.yml', bytes.length), quickScanSigma('file:///rule.yml', SIGMA_RULE));
    const exports = (scanner as unknown as { exports: { scan: () => number } }).exports;
    (scanner as unknown as { exports: object }).exports = { ...exports, scan: () => { throw new Error('unreachable'); } };
    assert.equal(scanner.scan('file:///rule.yml', bytes.length), undefined);
    (scanner as unknown as { exports: object }).exports = exports;
    assert.equal(scanner.scan('file:///rule.yml', bytes.length), undefined);
    assert.equal(scanner.buffer.toString('utf8', 0, bytes.length), SIGMA_RULE);
  });

  test('every fixture and demo rule: declined, or read as the line scanner reads it; the index reads them as before', () => {
    checkAll([...yamlFiles(FIXTURES), ...yamlFiles(DEMO)], 0);
  });

  test('the quick path is taken only for file names detectFormat would read as YAML rules first', () => {
    const names = ['a.yml', 'A.YML', 'x/y/b.yaml', 'x.Yaml', 'a.b.yml', '.yml', '..yml', 'a..yml', 'a.yml/', 'metainfo.yaml', 'd/MetaInfo.YML', 'metainfo.yml.yml', 'a.ymll', 'a.yam', '/a/.b.yml', 'yml', 'a.toml', '/', ''];
    for (const name of names) {
      const quick = isPlainYamlRuleFile(name);
      const base = path.basename(name).toLowerCase();
      const extension = path.extname(base);
      if (quick) assert.ok((extension === '.yml' || extension === '.yaml') && base !== 'metainfo.yaml' && base !== 'metainfo.yml', name);
    }
    assert.ok(isPlainYamlRuleFile('/rules/windows/proc_creation_win_x.yml'));
    assert.ok(!isPlainYamlRuleFile('/rules/xp/metainfo.yaml'));
  });
});

describe('quick Sigma scanner on SigmaHQ', needsShared, () => {
  const files = () => [...yamlFiles(requireShared(SIGMAHQ_RULES))];

  test('every SigmaHQ rule: read as the line scanner reads it (nearly all are read), and indexed as before', () => {
    const all = files();
    assert.ok(all.length >= 3000, `${all.length} files`);
    checkAll(all, 0.99);
  });

  test('mutated SigmaHQ rules: declined, or read as the line scanner reads them', () => {
    const sample = files().filter((_, i) => i % 50 === 0);
    let seed = 1;
    for (const file of sample) for (const text of mutations(readFileSync(file, 'utf8'), 100, seed++)) check(text, `${file}: ${JSON.stringify(text)}`);
  });
});

// The lenient YAML reader: on every real rule it builds the strict parser's tree (same nodes, same
// scalar ranges and values); on files only PyYAML-style readers accept (quoted values continued at
// column 0) every format recovers every reference with its exact range and reports one warning; on
// hostile input it never throws and says what it skipped.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { isMap, isScalar, isSeq, parseAllDocuments, parseDocument } from 'yaml';
import type { RuleDocument } from '../../server/src/formats/model';
import { parseRule } from '../../server/src/formats/parse';
import { readYamlLeniently } from '../../server/src/formats/yamlLenient';
import { FIXTURES, needsShared, SAMPLES, SIGMAHQ_RULES } from '../support/paths';

function* walk(directory: string): Generator<string> {
  for (const entry of readdirSync(directory).sort()) {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else if (/\.ya?ml$/.test(entry)) yield full;
  }
}

/** Differences between a strict and a lenient tree, as paths (empty when they agree). Scalars must
 *  agree in type, start, end (block scalars: start) and value; maps in keys; sequences in length. */
function differences(strict: unknown, lenient: unknown, where = '', out: string[] = []): string[] {
  if (out.length > 3) return out;
  const kind = (n: unknown) => (isMap(n) ? 'map' : isSeq(n) ? 'seq' : isScalar(n) ? (n.value === null ? 'null' : 'scalar') : n === null || n === undefined ? 'null' : 'other');
  if (kind(strict) !== kind(lenient)) out.push(`${where}: ${kind(strict)} vs ${kind(lenient)}`);
  else if (isScalar(strict) && isScalar(lenient)) {
    const block = String(strict.type).startsWith('BLOCK');
    if (strict.type !== lenient.type || strict.range![0] !== lenient.range![0] || (!block && strict.range![1] !== lenient.range![1])) out.push(`${where}: ${strict.type} ${strict.range} vs ${lenient.type} ${lenient.range}`);
    else if (!block && strict.value !== lenient.value) out.push(`${where}: ${JSON.stringify(strict.value)} vs ${JSON.stringify(lenient.value)}`);
  } else if (isMap(strict) && isMap(lenient)) {
    if (strict.items.length !== lenient.items.length) out.push(`${where}: ${strict.items.length} vs ${lenient.items.length} keys`);
    else strict.items.forEach((pair, i) => {
      differences(pair.key, lenient.items[i].key, `${where}.<key ${i}>`, out);
      differences(pair.value, lenient.items[i].value, `${where}.${String(isScalar(pair.key) ? pair.key.value : i)}`, out);
    });
  } else if (isSeq(strict) && isSeq(lenient)) {
    if (strict.items.length !== lenient.items.length) out.push(`${where}: ${strict.items.length} vs ${lenient.items.length} items`);
    else strict.items.forEach((item, i) => differences(item, lenient.items[i], `${where}[${i}]`, out));
  }
  return out;
}

const slice = (text: string, range: RuleDocument['references'][number]['range']) => {
  assert.equal(range.start.line, range.end.line);
  return text.split('\n')[range.start.line].slice(range.start.character, range.end.character);
};
const summary = (rule: RuleDocument) => rule.references.map((r) => `${r.key} ${r.written} ${r.id}${r.tactic ? ` under ${r.tactic}` : ''}`);

describe('lenient YAML: the same tree as the strict parser on every real rule', needsShared, () => {
  test('SigmaHQ, Splunk and MaxPatrol samples: identical trees, nothing skipped', () => {
    const files = [...walk(SIGMAHQ_RULES), ...walk(path.join(SAMPLES, 'splunk')), ...walk(path.join(SAMPLES, 'xp'))];
    assert.ok(files.length >= 3200, `${files.length} files`);
    let compared = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const strict = parseAllDocuments(text, { uniqueKeys: false });
      const list = Array.isArray(strict) ? strict : [strict];
      if (list.some((d) => d.errors.length)) continue;
      const lenient = readYamlLeniently(text);
      assert.deepEqual(lenient.problems, [], file);
      assert.equal(lenient.documents.length, list.length, `${file}: documents`);
      list.forEach((document, i) => assert.deepEqual(differences(document.contents, lenient.documents[i]), [], `${file} document ${i}`));
      compared++;
    }
    assert.ok(compared >= 3200, `${compared} compared`);
  });
});

describe('lenient YAML: files only PyYAML-style readers accept', () => {
  test('fixtures of every YAML format: strict YAML fails, every reference is found at its exact range, one warning', () => {
    const cases: [string, string[]][] = [
      ['splunk_column0_search.yml', ['tags.mitre_attack_id T1490 T1490', 'tags.mitre_attack_id T1059.003 T1059.003', 'tags.mitre_attack_id T1070.004 T1070.004']],
      ['sentinel_column0_description.yaml', ['tactics Collection Collection', 'tactics Exfiltration Exfiltration', 'relevantTechniques T1530 T1530', 'relevantTechniques T1567 T1567']],
      [
        'xp_column0/Suspicious_service_install/metainfo.yaml',
        [
          'ContentRelations.Implements.ATTACK persistence persistence',
          'ContentRelations.Implements.ATTACK.persistence T1543.003 T1543.003 under persistence',
          'ContentRelations.Implements.ATTACK privilege-escalation privilege-escalation',
          'ContentRelations.Implements.ATTACK.privilege-escalation T1543.003 T1543.003 under privilege-escalation',
          'ContentRelations.Implements.ATTACK execution execution',
          'ContentRelations.Implements.ATTACK.execution T1569.002 T1569.002 under execution',
        ],
      ],
      ['sigma_column0_description.yml', ['tags attack.execution execution', 'tags attack.persistence persistence', 'tags attack.t1053.005 T1053.005']],
    ];
    for (const [name, expected] of cases) {
      const file = path.join(FIXTURES, 'lenient', name);
      const text = readFileSync(file, 'utf8');
      assert.ok(parseDocument(text).errors.length > 0, `${name} is not valid YAML 1.2`);
      const rule = parseRule(pathToFileURL(file).href, text);
      assert.deepEqual(summary(rule), expected, name);
      for (const reference of rule.references) assert.equal(slice(text, reference.range), reference.written, name);
      assert.equal(rule.problems.length, 1, `${name}: ${JSON.stringify(rule.problems)}`);
      assert.equal(rule.problems[0].severity, 'warning');
      assert.match(rule.problems[0].message, /^This file is not valid YAML 1\.2 \(.+\), although lenient readers such as PyYAML, which Sigma's and Splunk's own tools use, read it; TTP Lens read it the same way, so no reference is lost\.$/);
    }
    // What the rest of the rule says is read too.
    const splunk = parseRule('file:///x/splunk_column0_search.yml', readFileSync(path.join(FIXTURES, 'lenient', 'splunk_column0_search.yml'), 'utf8'));
    assert.equal(splunk.identity.title, 'Windows Shadow Copy Deletion Via Vssadmin');
    assert.deepEqual(splunk.logSources.map((l) => l.name), ['Sysmon EventID 1', 'Windows Event Log Security 4688']);
    assert.ok(splunk.insertion, 'new IDs have a place to go');
    const xp = parseRule(pathToFileURL(path.join(FIXTURES, 'lenient', 'xp_column0/Suspicious_service_install/metainfo.yaml')).href, readFileSync(path.join(FIXTURES, 'lenient', 'xp_column0/Suspicious_service_install/metainfo.yaml'), 'utf8'));
    assert.deepEqual(xp.logSources.map((l) => `${l.provider} ${l.eventId}`), ['Microsoft-Windows-Security-Auditing 4697', 'Service Control Manager 7045']);
  });

  test('every real Splunk detection, its search rewrapped at column 0: the same references at exact ranges, one warning', needsShared, () => {
    let rewrapped = 0;
    for (const file of walk(path.join(SAMPLES, 'splunk'))) {
      const text = readFileSync(file, 'utf8');
      const wrapped = wrapAtColumn0(text);
      if (wrapped === text) continue;
      assert.ok(parseDocument(wrapped).errors.length > 0, `${file}: rewrapped is not YAML 1.2`);
      const original = parseRule(pathToFileURL(file).href, text);
      const lenient = parseRule(pathToFileURL(file).href, wrapped);
      assert.deepEqual(summary(lenient), summary(original), file);
      for (const reference of lenient.references) assert.equal(slice(wrapped, reference.range), reference.written, file);
      assert.deepEqual(lenient.logSources.map((l) => l.name), original.logSources.map((l) => l.name), file);
      assert.deepEqual(lenient.identity, original.identity, file);
      assert.deepEqual(lenient.problems.map((p) => p.severity), ['warning'], file);
      rewrapped++;
    }
    assert.ok(rewrapped >= 35, `${rewrapped} rewrapped`);
  });
});

/** The `search:` value of a Splunk detection rewritten the way older security_content wrote it: a
 *  one-line quoted search broken before each pipe, a multi-line one with its continuation lines
 *  moved to column 0. PyYAML reads both as the same string; YAML 1.2 rejects them. */
function wrapAtColumn0(text: string): string {
  const document = parseDocument(text);
  const search = isMap(document.contents) ? document.contents.get('search', true) : undefined;
  if (!isScalar(search) || (search.type !== 'QUOTE_SINGLE' && search.type !== 'QUOTE_DOUBLE') || !search.range) return text;
  const [start, end] = search.range;
  const source = text.slice(start, end);
  const rewritten = source.includes('\n') ? source.replace(/\n[ \t]+/g, '\n') : source.split(' | ').join('\n| ');
  return text.slice(0, start) + rewritten + text.slice(end);
}

describe('lenient YAML: hostile input', () => {
  test('unclosed quotes and brackets stay local: the lines after them are read', () => {
    const text = "title: 'It's broken\ntags:\n  - attack.t1059\n  - [attack.t1003\nlevel: high\n";
    const lenient = readYamlLeniently(text);
    assert.ok(lenient.problems.length > 0);
    const root = lenient.documents[0];
    assert.ok(isMap(root));
    assert.equal(root.get('level'), 'high');
    const tags = root.get('tags', true);
    assert.ok(isSeq(tags));
    assert.equal((tags.items[0] as { value: unknown }).value, 'attack.t1059');
  });

  test('many unclosed quotes, deep nesting, tabs, NUL and CR line ends: no throw, problems said', () => {
    const inputs = [
      "a: 'x\n".repeat(20000),
      'a: "x\\"\n'.repeat(20000),
      `${'- '.repeat(50000)}x\n`,
      `k: ${'['.repeat(50000)}`,
      `${Array.from({ length: 600 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')}\n`,
      'a:\n\t- b\n',
      'a: b\u0000c\r\nd: e\r\n',
      '\ufeff%YAML 1.2\n---\na: 1\n...\n---\nb: 2\n',
    ];
    for (const input of inputs) {
      const result = readYamlLeniently(input);
      assert.ok(result.documents.length >= 1);
    }
    assert.deepEqual(readYamlLeniently('\ufeff%YAML 1.2\n---\na: 1\n...\n---\nb: 2\n').documents.map((d) => (isMap(d) ? d.items.map((p) => String((p.key as { value: unknown }).value)) : null)), [['a'], ['b']]);
    assert.ok(readYamlLeniently('a:\n\t- b\n').problems.some((p) => /tab/.test(p.message)));
  });
});

// The rule formats on the real samples (Elastic, Splunk, MaxPatrol from ../shared) and our Sentinel
// fixtures: detection, exact ranges, names and tactic keys kept, and bad input handled.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { detectFormat } from '../../server/src/formats/detect';
import type { RuleDocument } from '../../server/src/formats/model';
import { parseRule } from '../../server/src/formats/parse';
import { FIXTURES, requireShared, SAMPLES } from '../support/paths';

function* walk(directory: string): Generator<string> {
  for (const entry of readdirSync(directory)) {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}

function slice(text: string, range: RuleDocument['references'][number]['range']): string {
  const lines = text.split('\n');
  return lines[range.start.line].slice(range.start.character, range.end.character);
}

function parse(file: string, text = readFileSync(file, 'utf8')): { rule: RuleDocument; text: string } {
  return { rule: parseRule(pathToFileURL(file).href, text), text };
}

const samples = (folder: string, pattern: RegExp) => [...walk(requireShared(path.join(SAMPLES, folder)))].filter((f) => pattern.test(f));

describe('formats: every sample is detected and every reference slices back to what is written', () => {
  for (const [folder, format, pattern, count] of [
    ['elastic', 'elastic', /\.toml$/, 40],
    ['splunk', 'splunk', /\.yml$/, 40],
    ['xp', 'xp', /metainfo\.yaml$/, 20],
  ] as const) {
    test(`${folder}: ${count} rules`, () => {
      const files = samples(folder, pattern);
      assert.equal(files.length, count);
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        assert.equal(detectFormat(file, text), format, file);
        const { rule } = parse(file, text);
        assert.equal(rule.format, format);
        assert.deepEqual(rule.problems, [], file);
        // Every Elastic and Splunk sample claims techniques; MaxPatrol rules without ContentRelations do not.
        if (format !== 'xp' || text.includes('ContentRelations')) assert.ok(rule.references.some((r) => r.kind === 'technique'), `${file} has techniques`);
        for (const reference of rule.references) {
          assert.equal(slice(text, reference.range), reference.written, `${file}: ${reference.written}`);
          assert.ok(reference.written.toUpperCase().includes(reference.id.toUpperCase()) || reference.kind === 'tactic', reference.written);
        }
        assert.ok(rule.identity.title, file);
      }
    });
  }
});

describe('formats: what each model keeps', () => {
  test('Elastic: tactic IDs with names, techniques and sub-techniques filed under their tactic', () => {
    const file = path.join(requireShared(SAMPLES), 'elastic', 'credential_access_lsass_handle_via_malseclogon.toml');
    const { rule } = parse(file);
    assert.deepEqual(
      rule.references.map((r) => [r.key, r.id, r.name?.text, r.tactic]),
      [
        ['rule.threat.technique.id', 'T1003', 'OS Credential Dumping', 'TA0006'],
        ['rule.threat.technique.subtechnique.id', 'T1003.001', 'LSASS Memory', 'TA0006'],
        ['rule.threat.tactic.id', 'TA0006', 'Credential Access', undefined],
      ],
    );
    assert.equal(rule.identity.title, 'Suspicious LSASS Access via MalSecLogon');
    assert.deepEqual(rule.logSources.map((l) => l.name), ['winlogbeat-*', 'logs-windows.sysmon_operational-*']);
  });

  test('Elastic: a wrong technique name is visible in the model, at its range', () => {
    const original = path.join(requireShared(SAMPLES), 'elastic', 'credential_access_lsass_handle_via_malseclogon.toml');
    const text = readFileSync(original, 'utf8').replace('name = "LSASS Memory"', 'name = "LSASS Dumping"');
    const { rule } = parse('/tmp/wrong_name.toml', text);
    const sub = rule.references.find((r) => r.id === 'T1003.001')!;
    assert.equal(sub.name?.text, 'LSASS Dumping');
    assert.equal(slice(text, sub.name!.range), 'LSASS Dumping');
  });

  test('MaxPatrol: tactic keys kept verbatim as references; techniques filed under them; data sources per event', () => {
    const file = samples('xp', /EventLog_Service_Crashed\/metainfo\.yaml$/)[0];
    const { rule } = parse(file);
    assert.deepEqual(rule.references.map((r) => [r.form, r.id, r.tactic, r.key]), [
      ['tacticName', 'defense-evasion', undefined, 'ContentRelations.Implements.ATTACK'],
      ['bareId', 'T1562.002', 'defense-evasion', 'ContentRelations.Implements.ATTACK.defense-evasion'],
    ]);
    assert.deepEqual(rule.logSources.map((l) => [l.provider, l.eventId]), [['Microsoft-Windows-Sysmon', 1]]);
    assert.equal(rule.identity.id, 'SEC-CR-533254622');
    assert.equal(path.basename(rule.identity.folder!), 'EventLog_Service_Crashed');
    const keys = samples('xp', /metainfo\.yaml$/).flatMap((f) => parse(f).rule.references.filter((r) => r.form === 'tacticName').map((r) => r.written));
    assert.ok(keys.length >= 20 && keys.every((k) => /^[a-z-]+$/.test(k)), keys.join(' '));
  });

  test('Splunk: mitre_attack_id and data_source', () => {
    const file = path.join(requireShared(SAMPLES), 'splunk', 'kerberoasting_spn_request_with_rc4_encryption.yml');
    const { rule } = parse(file);
    assert.deepEqual(rule.references.map((r) => [r.id, r.key]), [['T1558', 'tags.mitre_attack_id'], ['T1558.003', 'tags.mitre_attack_id']]);
    assert.deepEqual(rule.logSources.map((l) => l.name), ['Windows Event Log Security 4769']);
    assert.ok(rule.insertion && !rule.insertion.flow);
  });

  test('Sentinel: tactics by name, relevant techniques (malformed ones normalised), data types', () => {
    const file = path.join(FIXTURES, 'sentinel', 'suspicious_scheduled_task.yaml');
    const { rule, text } = parse(file);
    assert.equal(detectFormat(file, text), 'sentinel');
    assert.deepEqual(rule.references.map((r) => [r.form, r.id, r.malformed]), [
      ['tacticName', 'Persistence', undefined],
      ['tacticName', 'Discovery', undefined],
      ['bareId', 'T1053.005', 'a sub-technique is written with a dot'],
      ['bareId', 'T1053.005', undefined],
    ]);
    assert.deepEqual(rule.logSources.map((l) => l.name), ['SecurityEvent', 'DeviceProcessEvents']);
    for (const reference of rule.references) assert.equal(slice(text, reference.range), reference.written);
  });
});

describe('formats: bad input', () => {
  test('invalid TOML and YAML: the parser message at the right line, what could be read is kept', () => {
    const toml = parse(path.join(FIXTURES, 'elastic', 'broken.toml'));
    assert.equal(toml.rule.problems.length, 1);
    assert.match(toml.rule.problems[0].message, /^TOML: /);
    // The parser reports the key/value line after the unterminated table header (1-based line 4).
    assert.equal(toml.rule.problems[0].range.start.line, 3);
    assert.match(toml.rule.problems[0].message, /must be on the same line/);
    const yaml = parse(path.join(FIXTURES, 'sentinel', 'broken.yaml'));
    assert.ok(yaml.rule.problems.length > 0);
    assert.match(yaml.rule.problems[0].message, /^YAML: /);
    assert.ok(yaml.rule.problems[0].range.start.line >= 4);
  });

  test('empty files, binary garbage and a 3 MB file never throw', () => {
    const garbage = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131) % 256)).toString('latin1');
    const huge = `name = "big"\n${'# filler line\n'.repeat(220000)}`;
    for (const name of ['rule.toml', 'rule.yml', 'metainfo.yaml', 'notes.md']) {
      for (const text of ['', garbage, huge]) assert.doesNotThrow(() => parseRule(`file:///tmp/${name}`, text), name);
    }
  });
});

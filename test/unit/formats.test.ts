// The Splunk, Elastic, Sentinel and MaxPatrol parsers on the real samples (from ../shared) and our
// fixtures: detection, exact ranges, technique IDs checked against an independent line-based
// extraction, names and tactic keys kept as written, and bad input that never throws.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { parseTOML } from 'toml-eslint-parser';
import type { Range } from 'vscode-languageserver-types';
import { parseDocument } from 'yaml';
import { detectFormat } from '../../server/src/formats/detect';
import { parseElastic, scanElastic } from '../../server/src/formats/elastic';
import type { RuleDocument, RuleFormat } from '../../server/src/formats/model';
import { parseRule } from '../../server/src/formats/parse';
import { parseSentinel } from '../../server/src/formats/sentinel';
import { parseSplunk } from '../../server/src/formats/splunk';
import { parseXp } from '../../server/src/formats/xp';
import { FIXTURES, HAS_SHARED, needsShared, requireShared, SAMPLES } from '../support/paths';

type Parser = (uri: string, text: string) => RuleDocument;
const PARSER: Record<'splunk' | 'elastic' | 'sentinel' | 'xp', Parser> = { splunk: parseSplunk, elastic: parseElastic, sentinel: parseSentinel, xp: parseXp };

function* walk(directory: string): Generator<string> {
  for (const entry of readdirSync(directory).sort()) {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}

const samples = (folder: string, pattern: RegExp) => [...walk(requireShared(path.join(SAMPLES, folder)))].filter((f) => pattern.test(f));
const SAMPLE_SETS = [
  { format: 'elastic', files: () => samples('elastic', /\.toml$/), count: 40 },
  { format: 'splunk', files: () => samples('splunk', /\.yml$/), count: 40 },
  { format: 'xp', files: () => samples('xp', /metainfo\.yaml$/), count: 20 },
] as const;
const sentinelFixtures = () => [...walk(path.join(FIXTURES, 'sentinel'))].filter((f) => !f.endsWith('broken.yaml'));

/** The source text of a single-line range, by splitting lines (not the parser's LineIndex). */
function slice(text: string, range: Range): string {
  assert.equal(range.start.line, range.end.line, 'a reference is on one line');
  return text.split('\n')[range.start.line].slice(range.start.character, range.end.character);
}

function parseFile(file: string, text = readFileSync(file, 'utf8')): { rule: RuleDocument; text: string } {
  return { rule: parseRule(pathToFileURL(file).href, text), text };
}

const sorted = (values: Iterable<string>) => [...values].sort();
const techniqueIds = (rule: RuleDocument) => sorted(new Set(rule.references.filter((r) => r.kind === 'technique').map((r) => r.id)));

// --- Independent extractions: line by line over the raw text, no YAML/TOML parser. ----------------

/** A technique ID in any written form (T1059.001, t1059-001, an attack.mitre.org URL) → canonical. */
function canonicalTechnique(written: string): string {
  const match = /T(\d{4})(?:[./-](\d{1,3}))?/i.exec(written);
  assert.ok(match, `a technique ID in ${written}`);
  return match[2] ? `T${match[1]}.${match[2].padStart(3, '0')}` : `T${match[1]}`;
}

const unquote = (value: string) => value.trim().replace(/^(['"])(.*)\1$/, '$2');

/** The items of a YAML list under `key` (block `- item` lines below it, or a one-line flow `[a, b]`),
 *  where the key line is found by its indentation and name. */
function yamlListByLines(text: string, key: string, indent: string): string[] {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((l) => l.startsWith(`${indent}${key}:`) && !/^\s/.test(l.slice(indent.length)));
  if (at < 0) return [];
  const rest = lines[at].slice(indent.length + key.length + 1).trim();
  if (rest.startsWith('[')) return rest.slice(1, rest.lastIndexOf(']')).split(',').map(unquote).filter(Boolean);
  const items: string[] = [];
  for (const line of lines.slice(at + 1)) {
    const item = /^\s*- (.+)$/.exec(line);
    if (!item) break;
    items.push(unquote(item[1]));
  }
  return items;
}

/** Elastic: `id = "…"` lines by the `[[table]]` header they sit under. */
function elasticIdsByLines(text: string): { techniques: string[]; tactics: string[]; names: Map<string, string> } {
  const out = { techniques: [] as string[], tactics: [] as string[], names: new Map<string, string>() };
  let table = '';
  let lastId = '';
  for (const line of text.split(/\r?\n/)) {
    const header = /^\[\[?([\w.]+)\]\]?\s*$/.exec(line);
    if (header) table = header[1];
    const id = /^id\s*=\s*"([^"]*)"/.exec(line);
    const name = /^name\s*=\s*"([^"]*)"/.exec(line);
    if (id && (table === 'rule.threat.technique' || table === 'rule.threat.technique.subtechnique')) out.techniques.push((lastId = id[1]));
    if (id && table === 'rule.threat.tactic') out.tactics.push((lastId = id[1]));
    if (name && table.startsWith('rule.threat.')) out.names.set(lastId, name[1]);
  }
  return out;
}

/** MaxPatrol: the tactic keys under `ContentRelations: Implements: ATTACK:` and their `- T…` items. */
function xpAttackByLines(text: string): [tactic: string, techniques: string[]][] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l, i) => /^\s+ATTACK:\s*$/.test(l) && /^\s+Implements:\s*$/.test(lines[i - 1] ?? '') && /^ContentRelations:\s*$/.test(lines[i - 2] ?? ''));
  if (start < 0) return [];
  const depth = lines[start].search(/\S/);
  const out: [string, string[]][] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.trim()) continue;
    if (line.search(/\S/) <= depth) break;
    const key = /^\s+([^\s-][^:]*):\s*$/.exec(line);
    const item = /^\s+- (.+)$/.exec(line);
    if (key) out.push([key[1], []]);
    else if (item && out.length) out[out.length - 1][1].push(unquote(item[1]));
  }
  return out;
}

// --- The real samples --------------------------------------------------------------------------

describe('formats: the real samples', needsShared, () => {
  for (const { format, files, count } of SAMPLE_SETS) {
    test(`${format}: all ${count} samples are detected as ${format} and read without problems`, () => {
      const list = files();
      assert.equal(list.length, count);
      for (const file of list) {
        const text = readFileSync(file, 'utf8');
        assert.equal(detectFormat(file, text), format, file);
        const { rule } = parseFile(file, text);
        assert.equal(rule.format, format, file);
        assert.deepEqual(rule.problems, [], file);
        assert.ok(rule.identity.id && rule.identity.title, `${file}: identity`);
      }
    });

    test(`${format}: every reference slices back to exactly what is written, which names its canonical ID`, () => {
      for (const file of files()) {
        const { rule, text } = parseFile(file);
        for (const reference of rule.references) {
          assert.equal(slice(text, reference.range), reference.written, `${file}: ${reference.written}`);
          assert.ok(reference.written.toUpperCase().includes(reference.id.toUpperCase()), `${file}: ${reference.written} names ${reference.id}`);
          if (reference.kind === 'technique') assert.match(reference.id, /^T\d{4}(\.\d{3})?$/, file);
          if (reference.name) assert.equal(slice(text, reference.name.range), reference.name.text, file);
        }
        for (const source of rule.logSources) {
          const written = slice(text, source.range);
          assert.equal(written, source.eventId !== undefined ? String(source.eventId) : source.name, `${file}: log source`);
        }
      }
    });
  }

  test('splunk: technique IDs and data sources equal the `tags.mitre_attack_id` / `data_source` lines', () => {
    for (const file of samples('splunk', /\.yml$/)) {
      const { rule, text } = parseFile(file);
      const expected = yamlListByLines(text, 'mitre_attack_id', '  ');
      assert.ok(expected.length > 0, file);
      assert.deepEqual(techniqueIds(rule), sorted(new Set(expected.map(canonicalTechnique))), file);
      assert.ok(rule.references.every((r) => r.key === 'tags.mitre_attack_id' && r.form === 'bareId'), file);
      assert.deepEqual(rule.logSources.map((s) => s.name), yamlListByLines(text, 'data_source', ''), file);
      assert.equal(rule.identity.status, /^status: (\S+)/m.exec(text)?.[1], file);
    }
  });

  test('elastic: technique and tactic IDs (and names) equal the `id = …` lines of the threat tables', () => {
    for (const file of samples('elastic', /\.toml$/)) {
      const { rule, text } = parseFile(file);
      const expected = elasticIdsByLines(text);
      assert.ok(expected.techniques.length > 0, file);
      assert.deepEqual(techniqueIds(rule), sorted(new Set(expected.techniques.map(canonicalTechnique))), file);
      assert.deepEqual(sorted(rule.references.filter((r) => r.kind === 'tactic').map((r) => r.id)), sorted(expected.tactics), file);
      for (const reference of rule.references) {
        assert.equal(reference.name?.text, expected.names.get(reference.written), `${file}: name of ${reference.id}`);
        assert.equal(reference.kind === 'tactic', reference.key === 'rule.threat.tactic.id', file);
        if (reference.kind === 'technique') assert.match(reference.tactic ?? '', /^TA\d{4}$/, `${file}: ${reference.id} is filed under a tactic`);
      }
    }
  });

  test('xp: techniques per tactic key equal the lines under ContentRelations.Implements.ATTACK; keys kept verbatim', () => {
    let rulesWithAttack = 0;
    for (const file of samples('xp', /metainfo\.yaml$/)) {
      const { rule, text } = parseFile(file);
      const expected = xpAttackByLines(text);
      if (expected.length) rulesWithAttack++;
      // Tactic keys: in order, exactly as written, each a reference at the key.
      const keys = rule.references.filter((r) => r.form === 'tacticName');
      assert.deepEqual(keys.map((r) => [r.written, r.id, r.key]), expected.map(([tactic]) => [tactic, tactic, 'ContentRelations.Implements.ATTACK']), file);
      const techniques = rule.references.filter((r) => r.kind === 'technique');
      assert.deepEqual(
        techniques.map((r) => [r.tactic, r.key, r.id]),
        expected.flatMap(([tactic, items]) => items.map((item) => [tactic, `ContentRelations.Implements.ATTACK.${tactic}`, canonicalTechnique(item)])),
        file,
      );
      assert.equal(rule.identity.id, /^ObjectId: (\S+)/m.exec(text)?.[1], file);
      assert.equal(rule.identity.title, /^ContentAutoName: (\S+)/m.exec(text)?.[1], file);
      assert.equal(rule.identity.folder, path.dirname(file), file);
    }
    assert.equal(rulesWithAttack, 19, 'all samples but Enumeration_Users_In_Groups name techniques');
  });

  test('xp: data sources per event ID (numbers, and macOS events by name), at the event', () => {
    const byName = (name: string) => parseFile(samples('xp', new RegExp(`/${name}/metainfo\\.yaml$`))[0]).rule;
    assert.deepEqual(byName('Create_fake_SysmonDrv_symlink').logSources.map((s) => [s.provider, s.eventId]), [
      ['Microsoft-Windows-Security-Auditing', 4697],
      ['Microsoft-Windows-Security-Auditing', 4670],
      ['Microsoft-Windows-Sysmon', 255],
    ]);
    assert.deepEqual(byName('MacOS_Do_Shell_Script_with_Administrator_Privileges').logSources.map((s) => [s.provider, s.eventId, s.name]), [['MacOS', undefined, 'es_logger_process_execution']]);
    assert.deepEqual(byName('Enumeration_Users_In_Groups').logSources, []);
  });

  test('xp: a technique page URL instead of an ID is a malformed reference to that technique', () => {
    const rule = parseFile(samples('xp', /\/Wbadmin\/metainfo\.yaml$/)[0]).rule;
    const url = rule.references.find((r) => r.kind === 'technique')!;
    assert.equal(url.written, 'https://attack.mitre.org/techniques/T1486/');
    assert.equal(url.id, 'T1486');
    assert.ok(url.malformed);
  });

  test('insertion points: after the last ID of the list, with its prefix', () => {
    const splunk = parseFile(path.join(requireShared(SAMPLES), 'splunk', 'kerberoasting_spn_request_with_rc4_encryption.yml'));
    const last = splunk.rule.references[splunk.rule.references.length - 1];
    assert.deepEqual(splunk.rule.insertion, { position: { line: last.range.end.line + 1, character: 0 }, itemPrefix: '  - ', flow: false });
    const xp = parseFile(samples('xp', /\/Unquoted_Service_Path_Abuse\/metainfo\.yaml$/)[0]);
    const firstList = xp.rule.references.filter((r) => r.key === 'ContentRelations.Implements.ATTACK.privilege-escalation');
    assert.deepEqual(xp.rule.insertion, { position: { line: firstList[firstList.length - 1].range.end.line + 1, character: 0 }, itemPrefix: '                - ', flow: false });
  });
});

// --- Elastic forms and names -------------------------------------------------------------------

describe('formats: Elastic', () => {
  test('a wrong technique name is in the model as written, at its range', () => {
    const file = path.join(FIXTURES, 'elastic', 'wrong_name.toml');
    const { rule, text } = parseFile(file);
    assert.equal(detectFormat(file, text), 'elastic');
    const t1555 = rule.references.find((r) => r.id === 'T1555')!;
    assert.equal(t1555.name?.text, 'Credentials in Password Stores');
    assert.equal(slice(text, t1555.name!.range), 'Credentials in Password Stores');
    assert.equal(t1555.tactic, 'TA0006');
    assert.deepEqual(
      rule.references.map((r) => [r.key, r.id, r.name?.text, r.tactic]),
      [
        ['rule.threat.technique.id', 'T1003', 'OS Credential Dumping', 'TA0006'],
        ['rule.threat.technique.id', 'T1555', 'Credentials in Password Stores', 'TA0006'],
        ['rule.threat.tactic.id', 'TA0006', 'Credential Access', undefined],
        ['rule.threat.technique.id', 'T1059', 'Command and Scripting Interpreter', 'TA0002'],
        ['rule.threat.technique.subtechnique.id', 'T1059.001', 'PowerShell', 'TA0002'],
        ['rule.threat.tactic.id', 'TA0002', 'Execution', undefined],
      ],
    );
    assert.deepEqual(rule.identity, { id: '0b2f4c1e-7d3a-4e59-9f21-6a8c5d3e1b70', title: 'Backup Credential Table Queried' });
    assert.deepEqual(rule.logSources.map((s) => s.name), ['logs-endpoint.events.process-*', 'winlogbeat-*']);
  });

  test('inline tables and arrays, dotted keys; malformed IDs keep their canonical ID; other frameworks are not read', () => {
    const inline = [
      '[rule]',
      'name = "Inline"',
      'rule_id = "r-1"',
      'threat = [',
      '  { framework = "MITRE ATT&CK", tactic = { id = "TA0002", name = "Execution" }, technique = [{ id = "T1059", name = "Command and Scripting Interpreter", subtechnique = [{ id = \'t1059.001\', name = "PowerShell" }] }] },',
      '  { framework = "Other", tactic = { id = "TA0040", name = "Impact" } },',
      ']',
      '',
    ].join('\n');
    const rule = parseElastic('file:///r/inline.toml', inline);
    assert.deepEqual(rule.problems, []);
    assert.deepEqual(
      rule.references.map((r) => [r.key, r.id, r.written, r.name?.text, r.tactic, r.malformed]),
      [
        ['rule.threat.tactic.id', 'TA0002', 'TA0002', 'Execution', undefined, undefined],
        ['rule.threat.technique.id', 'T1059', 'T1059', 'Command and Scripting Interpreter', 'TA0002', undefined],
        ['rule.threat.technique.subtechnique.id', 'T1059.001', 't1059.001', 'PowerShell', 'TA0002', 'ATT&CK IDs are upper case'],
      ],
    );
    for (const reference of rule.references) assert.equal(slice(inline, reference.range), reference.written);

    const dotted = ['[[rule.threat]]', 'framework = "MITRE ATT&CK"', 'tactic.id = "TA0003"', 'tactic.name = "Persistence"', 'technique = [{ id = "T1053-005", name = "Scheduled Task" }]', ''].join('\n');
    const second = parseElastic('file:///r/dotted.toml', dotted);
    assert.deepEqual(
      second.references.map((r) => [r.id, r.written, r.tactic, r.malformed]),
      [
        ['TA0003', 'TA0003', undefined, undefined],
        ['T1053.005', 'T1053-005', 'TA0003', 'a sub-technique is written with a dot'],
      ],
    );
  });
});

// --- Sentinel fixtures --------------------------------------------------------------------------

describe('formats: Sentinel', () => {
  test('every fixture: detected, ranges exact, IDs equal the `relevantTechniques`/`subTechniques`/`tactics` lines', () => {
    const files = sentinelFixtures();
    assert.ok(files.length >= 3);
    for (const file of files) {
      const { rule, text } = parseFile(file);
      assert.equal(detectFormat(file, text), 'sentinel', file);
      assert.deepEqual(rule.problems, [], file);
      for (const reference of rule.references) assert.equal(slice(text, reference.range), reference.written, file);
      const expected = [...yamlListByLines(text, 'relevantTechniques', ''), ...yamlListByLines(text, 'subTechniques', '')];
      assert.deepEqual(techniqueIds(rule), sorted(new Set(expected.map(canonicalTechnique))), file);
      assert.deepEqual(
        rule.references.filter((r) => r.kind === 'tactic').map((r) => [r.id, r.form, r.key]),
        yamlListByLines(text, 'tactics', '').map((t) => [t, 'tacticName', 'tactics']),
        file,
      );
      assert.deepEqual(rule.logSources.map((s) => s.name), [...text.matchAll(/dataTypes:\s*\[([^\]]*)\]|dataTypes:\s*\n((?:[ \t]+- [^:\n]+\n)+)/g)].flatMap((m) => (m[1] ?? m[2]).split(/[,\n]/).map((s) => unquote(s.replace(/^\s*- /, ''))).filter(Boolean)), file);
      assert.equal(rule.identity.id, /^id: (\S+)/m.exec(text)?.[1], file);
      assert.equal(rule.identity.title, /^name: (.+)$/m.exec(text)?.[1], file);
    }
  });

  test('block lists: a malformed ID keeps its canonical ID; a tactic the technique lacks is still read as written', () => {
    const { rule } = parseFile(path.join(FIXTURES, 'sentinel', 'suspicious_scheduled_task.yaml'));
    assert.deepEqual(rule.references.map((r) => [r.form, r.key, r.id, r.written, r.malformed]), [
      ['tacticName', 'tactics', 'Persistence', 'Persistence', undefined],
      ['tacticName', 'tactics', 'Discovery', 'Discovery', undefined],
      ['bareId', 'relevantTechniques', 'T1053.005', 'T1053-005', 'a sub-technique is written with a dot'],
      ['bareId', 'relevantTechniques', 'T1053.005', 'T1053.005', undefined],
    ]);
    assert.equal(rule.insertion?.flow, false);
    assert.equal(rule.insertion?.itemPrefix, '  - ');
  });

  test('flow lists, a quoted malformed ID, subTechniques, and insertion into a flow list', () => {
    const { rule, text } = parseFile(path.join(FIXTURES, 'sentinel', 'privileged_role_outside_pim.yaml'));
    assert.deepEqual(rule.references.map((r) => [r.key, r.kind, r.id, r.written, r.malformed]), [
      ['tactics', 'tactic', 'Persistence', 'Persistence', undefined],
      ['tactics', 'tactic', 'PrivilegeEscalation', 'PrivilegeEscalation', undefined],
      ['tactics', 'tactic', 'CommandAndControl', 'CommandAndControl', undefined],
      ['relevantTechniques', 'technique', 'T1098', 'T1098', undefined],
      ['relevantTechniques', 'technique', 'T1078.004', 'T1078-004', 'a sub-technique is written with a dot'],
      ['subTechniques', 'technique', 'T1098.003', 'T1098.003', undefined],
    ]);
    const lastLine = text.split('\n').findIndex((l) => l.startsWith('relevantTechniques:'));
    assert.deepEqual(rule.insertion, { position: { line: lastLine, character: text.split('\n')[lastLine].length - 1 }, itemPrefix: ', ', flow: true });
    assert.equal(rule.identity.status, 'Available');
  });
});

// --- Bad input ----------------------------------------------------------------------------------

/** The YAML parser's own first error: message head and 0-based line. */
function yamlError(text: string): { message: string; line: number } {
  const error = parseDocument(text, { uniqueKeys: false }).errors[0];
  assert.ok(error?.linePos, 'the fixture is invalid YAML');
  return { message: error.message.split(' at line ')[0], line: error.linePos[0].line - 1 };
}

function tomlError(text: string): { message: string; line: number } {
  try {
    parseTOML(text);
  } catch (error) {
    const e = error as { message: string; lineNumber: number };
    return { message: e.message, line: e.lineNumber - 1 };
  }
  assert.fail('the fixture is invalid TOML');
}

describe('formats: the Elastic scanner (files over 256 KB) reads as the parser does', () => {
  test('every Elastic sample and fixture: identical references, identity and indexes', () => {
    // The project's fixtures always; Elastic's own samples where the shared corpora are.
    const fixtures = [...walk(path.join(FIXTURES, 'elastic'))].filter((f) => !f.endsWith('broken.toml'));
    const files = [...(HAS_SHARED ? samples('elastic', /\.toml$/) : []), ...fixtures];
    assert.ok(files.length >= (HAS_SHARED ? 41 : fixtures.length) && fixtures.length > 0, `${files.length} files`);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const parsed = parseElastic(file, text);
      const scanned = scanElastic(file, text);
      assert.ok(scanned, `${file}: read by the scanner`);
      assert.deepEqual([scanned.references, scanned.identity, scanned.logSources], [parsed.references, parsed.identity, parsed.logSources], file);
    }
  });

  test('it declines what it does not read exactly (dotted and quoted keys, inline tables, escapes in an ID)', () => {
    const declined = [
      '[[rule.threat]]\ntactic.id = "TA0002"\n',
      '[rule]\n"name" = "x"\n',
      '[[rule.threat]]\ntactic = { id = "TA0002" }\n',
      '[[rule.threat.technique]]\nid = "T1059\\u0030"\n',
      '[rule]\nname = """x"""\n',
    ];
    for (const text of declined) assert.equal(scanElastic('untitled:x.toml', text), undefined, text);
  });
});

describe('formats: bad input', () => {
  test('invalid TOML: one problem with the parser message at its line; what precedes the error is still read', () => {
    const broken = readFileSync(path.join(FIXTURES, 'elastic', 'broken.toml'), 'utf8');
    const expected = tomlError(broken);
    const rule = parseElastic('file:///r/broken.toml', broken);
    assert.equal(rule.problems.length, 1);
    assert.equal(rule.problems[0].message, `This file is not valid TOML: ${expected.message}`);
    assert.equal(rule.problems[0].range.start.line, expected.line);
    assert.equal(rule.problems[0].severity, 'error');
    assert.equal(rule.identity.title, 'Broken');

    // A half-typed table at the end of a real rule: its threat blocks are still read.
    const sample = readFileSync(path.join(FIXTURES, 'elastic', 'wrong_name.toml'), 'utf8');
    const typing = `${sample}\n[[rule.threat.technique]\nid = "T1`;
    const partial = parseElastic('file:///r/typing.toml', typing);
    assert.equal(partial.problems.length, 1);
    assert.equal(partial.problems[0].range.start.line, tomlError(typing).line);
    assert.equal(partial.references.length, 6);
    // A duplicate key: the parser's own message, at the repeated key.
    const dupe = parseElastic('file:///r/dupe.toml', '[rule]\nname = "a"\nname = "b"\n');
    assert.deepEqual([dupe.problems[0].message, dupe.problems[0].range.start], ['This file is not valid TOML: Defining a key multiple times is invalid', { line: 2, character: 0 }]);
  });

  test('invalid YAML (Sentinel, Splunk, MaxPatrol): the parser message at its line; what could be read is kept', needsShared, () => {
    const sentinel = readFileSync(path.join(FIXTURES, 'sentinel', 'broken.yaml'), 'utf8');
    const splunkSample = readFileSync(path.join(requireShared(SAMPLES), 'splunk', 'kerberoasting_spn_request_with_rc4_encryption.yml'), 'utf8');
    const xpSample = readFileSync(samples('xp', /\/EventLog_Service_Crashed\/metainfo\.yaml$/)[0], 'utf8');
    const cases: [keyof typeof PARSER, string][] = [
      ['sentinel', sentinel],
      ['splunk', splunkSample.replace('  mitre_attack_id:\n  - T1558\n', '  mitre_attack_id: [T1558\n  - T1558\n')],
      ['xp', xpSample.replace('ObjectId: SEC-CR-533254622', 'ObjectId: "SEC-CR-533254622')],
    ];
    for (const [format, text] of cases) {
      const expected = yamlError(text);
      const rule = PARSER[format](`file:///r/${format}/metainfo.yaml`, text);
      assert.ok(rule.problems.length > 0, format);
      assert.ok(rule.problems[0].message.startsWith(`This file is not valid YAML: ${expected.message}`), `${format}: ${rule.problems[0].message}`);
      assert.equal(rule.problems[0].range.start.line, expected.line, format);
    }
    const kept = parseSentinel('file:///r/broken.yaml', sentinel);
    assert.deepEqual(kept.references.map((r) => r.written), ['Execution', 'T1059.001']);
    assert.equal(kept.identity.title, 'Broken rule');
  });

  test('empty files, binary garbage and 3 MB files never throw, in any parser', needsShared, () => {
    let seed = 20260823;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) >> 8) & 255;
    const garbage = Buffer.from(Array.from({ length: 65536 }, random)).toString('latin1');
    const splunk = readFileSync(path.join(requireShared(SAMPLES), 'splunk', 'kerberoasting_spn_request_with_rc4_encryption.yml'), 'utf8');
    const elastic = readFileSync(path.join(FIXTURES, 'elastic', 'wrong_name.toml'), 'utf8');
    const xp = readFileSync(samples('xp', /\/Start_process_as_vshadow_child\/metainfo\.yaml$/)[0], 'utf8');
    const sentinel = readFileSync(path.join(FIXTURES, 'sentinel', 'suspicious_scheduled_task.yaml'), 'utf8');
    const toSize = (head: string, unit: string) => head + unit.repeat(Math.ceil((3_000_000 - head.length) / unit.length));
    const threatBlock = '\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "T1003"\nname = "OS Credential Dumping"\n[rule.threat.tactic]\nid = "TA0006"\n';
    const huge: Record<keyof typeof PARSER, string[]> = {
      // Dense: a quarter of a million IDs in one list, and 20,000 threat blocks (a few seconds each).
      splunk: [splunk.replace('  - T1558.003\n', toSize('  - T1558.003\n', '  - T1558.003\n'))],
      elastic: [
        toSize(elastic, threatBlock),
        // A 3 MB string is beyond what toml-eslint-parser can read (stack overflow): a problem, no throw.
        elastic.replace('name = "Backup', `note = """${'x'.repeat(3_000_000)}"""\nname = "Backup`),
      ],
      // Sparse: one 3 MB block scalar.
      xp: [xp.replace('    DataSources:', toSize('    Improvements: |\n', '        one more line of notes\n') + '    DataSources:')],
      sentinel: [sentinel.replace('query: |\n', toSize('query: |\n', '  SecurityEvent | where EventID == 4698\n'))],
    };
    const results = new Map<string, RuleDocument>();
    for (const [format, parse] of Object.entries(PARSER) as [keyof typeof PARSER, Parser][]) {
      for (const text of ['', '\n', '\uFEFF', garbage, garbage.slice(0, 100), ...huge[format]]) {
        let rule: RuleDocument | undefined;
        assert.doesNotThrow(() => (rule = parse(`file:///r/${format}/metainfo.yaml`, text)), `${format} (${text.length} chars)`);
        results.set(text, rule!);
        assert.equal(rule!.format, format as RuleFormat);
        assert.ok(Array.isArray(rule!.references) && Array.isArray(rule!.problems) && Array.isArray(rule!.logSources));
      }
      assert.doesNotThrow(() => detectFormat(`/r/rule.${format === 'elastic' ? 'toml' : 'yml'}`, garbage));
    }
    assert.equal(results.get(huge.splunk[0])!.references.length, 2 + Math.ceil((3_000_000 - 14) / 14), 'T1558 and the repeated T1558.003');
    assert.equal(results.get(huge.elastic[0])!.references.length, 6 + 2 * Math.ceil((3_000_000 - elastic.length) / threatBlock.length));
    // Over 128 KB, YAML is read by the fast lenient reader only, which says so (and reads it whole).
    assert.deepEqual(results.get(huge.xp[0])!.problems.map((p) => [p.severity, p.message]), [['information', 'This file is 2.9 MB: TTP Lens read its ATT&CK references with its fast reader and did not check its YAML syntax (it does for files up to 128 KB).']]);
    assert.equal(results.get(huge.sentinel[0])!.references.length, 4);
    // Over 256 KB, TOML is read by the fast scanner (the parser would take seconds, and overflows on
    // a 3 MB string): the references are all there, with a note on the first line.
    const bigString = results.get(huge.elastic[1])!;
    assert.deepEqual(bigString.problems.map((p) => p.severity), ['information']);
    assert.match(bigString.problems[0].message, /^This file is 2\.9 MB: TTP Lens read its ATT&CK references with its fast reader and did not check its TOML syntax/);
    assert.equal(bigString.references.length, parseElastic('file:///r/x.toml', elastic).references.length);
  });

  test('hostile nesting: one clear problem instead of a stack overflow, repeated errors capped', () => {
    // Nested deeper than the strict parser is given (its time grows with depth): one error, and the
    // references read by the fast reader.
    const deepFlow = `title: x\nlogsource: {}\ntags:\n  - attack.t1059\ndetection:\n  a: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`;
    const sigma = parseRule('file:///r/deep.yml', deepFlow);
    assert.equal(sigma.format, 'sigma');
    assert.deepEqual(sigma.problems.map((p) => [p.severity, p.message]), [['error', 'This file is not valid YAML: the document nests collections more than 1,000 levels deep, too deeply to read; TTP Lens read its ATT&CK references with its fast reader.']]);
    assert.deepEqual(sigma.references.map((r) => r.id), ['T1059']);
    const sentinelDeep = parseSentinel('file:///r/deep.yaml', `relevantTechniques: ${'['.repeat(50_000)}\nqueryFrequency: 1h\nquery: x\n`);
    assert.equal(sentinelDeep.problems.length, 1);
    // 50,000 sequences opened on one line (the parser took ten seconds on one): the same.
    const dashes = parseRule('file:///r/dashes.yml', `title: x\nlogsource: {product: windows}\ntags:\n  - attack.t1059\ndetection:\n  a:\n${'- '.repeat(50_000)}x\n`);
    assert.match(dashes.problems[0].message, /nests collections more than 1,000 levels deep/);
    assert.deepEqual(dashes.references.map((r) => r.id), ['T1059']);

    // 5,000 stray ']' give 5,000 copies of one parser error: five are shown, the fifth counts the rest.
    const sentinel = parseSentinel('file:///r/strays.yaml', `relevantTechniques:\n${'  - ]\n'.repeat(5000)}queryFrequency: 1h\nquery: x\n`);
    const byMessage = new Map<string, number>();
    for (const problem of sentinel.problems) {
      const key = problem.message.replace(/ \(and [\d,]+ more like it further on\)$/, '');
      byMessage.set(key, (byMessage.get(key) ?? 0) + 1);
    }
    assert.ok([...byMessage.values()].every((n) => n <= 5), JSON.stringify([...byMessage]));
    assert.ok(sentinel.problems.some((p) => /\(and [\d,]{3,} more like it further on\)$/.test(p.message)), JSON.stringify(sentinel.problems.map((p) => p.message)));

    const toml = parseElastic('file:///r/deep.toml', `[rule]\nname = "x"\n[[rule.threat]]\nx = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    assert.deepEqual(toml.problems.map((p) => p.message), ['This file is not valid TOML: the document is nested too deeply (or holds a string too long) to read.']);
  });
});

// Migration of rule files from ATT&CK v18.1 to the SYNTHETIC v19-like successor release
// (test/support/syntheticRelease.ts), one fixture per case and format; each result is compared as a
// whole text with the original edited by hand, so nothing else may change (comments, spacing,
// line endings).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { LineIndex } from '../../server/src/formats/lineIndex';
import { parseRule, parseWithFormat } from '../../server/src/formats/parse';
import { migrateRule, type FileMigration } from '../../server/src/releases/migrate';
import { migrationWorkspaceEdit, parseChoices, planMigration } from '../../server/src/releases/migrateFiles';
import { ReleaseDiff } from '../../server/src/releases/releaseDiff';
import { applyTextEdits, unifiedDiff } from '../../server/src/releases/textEdits';
import { preloaded, preloadCorpora } from '../support/corpora';
import { FIXTURES, needsShared, SAMPLES } from '../support/paths';

before(preloadCorpora);


const dir = path.join(FIXTURES, 'releases');

function migrate(file: string, choices: string[] = []): { text: string; migrated: string; migration: FileMigration } {
  const full = path.isAbsolute(file) ? file : path.join(dir, file);
  const text = readFileSync(full, 'utf8');
  const rule = parseRule(`file://${full}`, text);
  const migration = migrateRule(new ReleaseDiff(preloaded.v18, preloaded.synthetic), rule, text, parseChoices(choices).choices);
  const migrated = applyTextEdits(new LineIndex(text), migration.edits);
  // Whatever it does, the result parses as the same format without new errors.
  const errors = (t: string) => parseWithFormat(rule.uri, t, rule.format).problems.filter((p) => p.severity === 'error').length;
  assert.ok(errors(migrated) <= errors(text), `${file} still parses`);
  return { text, migrated, migration };
}

/** The original with these exact line replacements (old line → new lines). */
function expect(text: string, replacements: [string, string[]][]): string {
  let result = text;
  for (const [line, lines] of replacements) {
    assert.ok(result.includes(line), `fixture has ${line}`);
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    result = result.replace(`${line}${eol}`, lines.map((l) => `${l}${eol}`).join(''));
  }
  return result;
}

const kinds = (m: FileMigration) => [...new Set(m.edits.map((e) => e.kind))].sort();

describe('migrate v18.1 → SYNTHETIC v19-like release: Sigma', needsShared, () => {
  test('a renamed tactic, a revoked technique and the tactic its successor needs; comments and spacing untouched', () => {
    const { text, migrated, migration } = migrate('sigma_tools.yml');
    assert.equal(migrated, expect(text, [
      ['    - attack.defense-evasion   # the tactic', ['    - attack.stealth   # the tactic', '    - attack.defense-impairment']],
      ['    - attack.t1562.001         # Disable or Modify Tools', ['    - attack.t1685         # Disable or Modify Tools']],
    ]));
    assert.deepEqual(kinds(migration), ['revoked', 'tactic-renamed', 'tactics']);
    assert.deepEqual(migration.ambiguous, []);
  });

  test('a moved technique takes its tag along: defense-evasion → defense-impairment in place', () => {
    const { text, migrated } = migrate('sigma_registry.yml');
    assert.equal(migrated, expect(text, [['    - attack.defense-evasion', ['    - attack.defense-impairment']]]));
  });

  test('a split with no hint is asked, never guessed: T1562 stays; the tactic is only renamed', () => {
    const { text, migrated, migration } = migrate('sigma_split.yml');
    assert.equal(migrated, expect(text, [['    - attack.defense-evasion', ['    - attack.stealth']]]));
    assert.equal(migration.ambiguous.length, 1);
    const [question] = migration.ambiguous;
    assert.equal(question.key, 'T1562');
    assert.equal(question.kind, 'successor');
    assert.deepEqual(question.options.map((o) => o.id), ['T1685', 'T1686']);
  });

  test('the choice decides the split: one successor, or both', () => {
    const one = migrate('sigma_split.yml', ['T1562=T1685']);
    assert.equal(one.migrated, expect(one.text, [['    - attack.defense-evasion', ['    - attack.defense-impairment']], ['    - attack.t1562', ['    - attack.t1685']]]));
    assert.deepEqual(one.migration.ambiguous, []);
    const both = migrate('sigma_split.yml', ['T1562=T1685,T1686']);
    assert.equal(both.migrated, expect(both.text, [['    - attack.defense-evasion', ['    - attack.defense-impairment']], ['    - attack.t1562', ['    - attack.t1685', '    - attack.t1686']]]));
  });

  test("a split parent follows the rule's own sub-technique (T1562.002 → T1686.001, so T1562 → T1686)", () => {
    const { text, migrated, migration } = migrate('sigma_split_hinted.yml');
    assert.equal(migrated, expect(text, [
      ['    - attack.defense-evasion', ['    - attack.defense-impairment']],
      ['    - attack.t1562', ['    - attack.t1686']],
      ['    - attack.t1562.002', ['    - attack.t1686.001']],
    ]));
    assert.match(migration.edits.find((e) => e.newText === 'attack.t1686')!.description, /T1686 is the parent of T1686\.001, the successor of T1562\.002, which this rule also claims/);
  });

  test('a split parent next to the sub-technique that became one of its successors: T1562 + T1562.001 → T1685 once', () => {
    const { text, migrated, migration } = migrate('sigma_split_direct.yml');
    assert.equal(migrated, expect(text, [['    - attack.defense-evasion', ['    - attack.defense-impairment']], ['    - attack.t1562', ['    - attack.t1685']], ['    - attack.t1562.001', []]]));
    assert.match(migration.edits.find((e) => e.newText === 'attack.t1685')!.description, /T1562\.001, which this rule also claims, becomes T1685/);
    assert.deepEqual(kinds(migration), ['duplicates', 'revoked', 'tactics']);
  });

  test('CRLF line endings are kept, inserted lines included', () => {
    const { text, migrated } = migrate('sigma_crlf.yml');
    assert.equal(migrated, expect(text, [
      ['    - attack.defense-evasion', ['    - attack.stealth', '    - attack.defense-impairment']],
      ['    - attack.t1562.004', ['    - attack.t1685.001']],
    ]));
    assert.equal(migrated.split('\r\n').length, text.split('\r\n').length + 1);
    assert.ok(!/[^\r]\n/.test(migrated));
  });

  test('a flow list: a successor already listed is merged, the tag rewritten in place', () => {
    const { text, migrated, migration } = migrate('sigma_flow.yml');
    assert.equal(migrated, text.replace('tags: [attack.defense-evasion, attack.t1562.001, attack.t1685]', 'tags: [attack.defense-impairment, attack.t1685]'));
    assert.deepEqual(kinds(migration), ['duplicates', 'tactics']);
  });

  test('a tactic that was wrong in v18.1 already is the author\'s: left alone', () => {
    const { text, migrated, migration } = migrate('sigma_author.yml');
    assert.equal(migrated, text);
    assert.deepEqual(migration.edits, []);
  });
});

describe('migrate v18.1 → SYNTHETIC v19-like release: Sentinel, Splunk, Elastic, MaxPatrol', needsShared, () => {
  test('Sentinel: DefenseEvasion → DefenseImpairment for the successor of T1562.001', () => {
    const { text, migrated } = migrate('sentinel_tools.yaml');
    assert.equal(migrated, expect(text, [['  - DefenseEvasion', ['  - DefenseImpairment']], ['  - T1562.001', ['  - T1685']]]));
  });

  test('Splunk: the successor is already listed, so the revoked ID goes', () => {
    const { text, migrated, migration } = migrate('splunk_tools.yml');
    assert.equal(migrated, expect(text, [['  - T1562.001', []]]));
    assert.deepEqual(kinds(migration), ['duplicates']);
  });

  test("Elastic: a block's tactic follows its technique (id, name, reference); a renamed tactic's name", () => {
    const { text, migrated, migration } = migrate('elastic_registry.toml');
    const [first, second] = text.split('[[rule.threat]]\nframework = "MITRE ATT&CK"\n\n[[rule.threat.technique]]\nid = "T1070"');
    assert.ok(second, 'two blocks');
    const expected = first
      .replace('id = "TA0005"\nname = "Defense Evasion"\nreference = "https://attack.mitre.org/tactics/TA0005/"', 'id = "TA0112"\nname = "Defense Impairment"\nreference = "https://attack.mitre.org/tactics/TA0112/"') +
      '[[rule.threat]]\nframework = "MITRE ATT&CK"\n\n[[rule.threat.technique]]\nid = "T1070"' + second.replace('name = "Defense Evasion"', 'name = "Stealth"');
    assert.equal(migrated, expected);
    assert.deepEqual(kinds(migration), ['tactic-renamed', 'tactics']);
  });

  test('Elastic: revoked technique and sub-technique with names and references; the split told by the sub-technique', () => {
    const { text, migrated } = migrate('elastic_logging.toml');
    const expected = text
      .replace('id = "T1562"\nname = "Impair Defenses"\nreference = "https://attack.mitre.org/techniques/T1562/"', 'id = "T1686"\nname = "Impair Logging (synthetic)"\nreference = "https://attack.mitre.org/techniques/T1686/"')
      .replace('id = "T1562.002"\nname = "Disable Windows Event Logging"\nreference = "https://attack.mitre.org/techniques/T1562/002/"', 'id = "T1686.001"\nname = "Disable Windows Event Logging (synthetic)"\nreference = "https://attack.mitre.org/techniques/T1686/001/"')
      .replace('id = "TA0005"\nname = "Defense Evasion"\nreference = "https://attack.mitre.org/tactics/TA0005/"', 'id = "TA0112"\nname = "Defense Impairment"\nreference = "https://attack.mitre.org/tactics/TA0112/"');
    assert.equal(migrated, expected);
  });

  test('Elastic: a block whose techniques part ways: the moved ones go to a new block of their tactic', () => {
    const file = path.join(SAMPLES, 'elastic', 'defense_evasion_clearing_windows_event_logs.toml');
    const { text, migrated, migration } = migrate(file);
    const threats = (t: string) => t.slice(t.indexOf('[[rule.threat]]'));
    // T1562 is told by T1562.002 → T1686.001; T1070 stays in Stealth: T1686 and T1686.001 move.
    assert.equal(threats(migrated), [
      '[[rule.threat]]', 'framework = "MITRE ATT&CK"', '',
      '[[rule.threat.technique]]', 'id = "T1070"', 'name = "Indicator Removal"', 'reference = "https://attack.mitre.org/techniques/T1070/"', '',
      '[[rule.threat.technique.subtechnique]]', 'id = "T1070.001"', 'name = "Clear Windows Event Logs"', 'reference = "https://attack.mitre.org/techniques/T1070/001/"', '',
      '[rule.threat.tactic]', 'id = "TA0005"', 'name = "Stealth"', 'reference = "https://attack.mitre.org/tactics/TA0005/"', '',
      '[[rule.threat]]', 'framework = "MITRE ATT&CK"', '',
      '[[rule.threat.technique]]', 'id = "T1686"', 'name = "Impair Logging (synthetic)"', 'reference = "https://attack.mitre.org/techniques/T1686/"', '',
      '[[rule.threat.technique.subtechnique]]', 'id = "T1686.001"', 'name = "Disable Windows Event Logging (synthetic)"', 'reference = "https://attack.mitre.org/techniques/T1686/001/"', '',
      '[rule.threat.tactic]', 'id = "TA0112"', 'name = "Defense Impairment"', 'reference = "https://attack.mitre.org/tactics/TA0112/"', '',
    ].join('\n'));
    assert.equal(migrated.slice(0, migrated.indexOf('[[rule.threat]]')), text.slice(0, text.indexOf('[[rule.threat]]')), 'nothing before the threat blocks changes');
    assert.deepEqual(migration.unresolved, []);
    assert.ok(kinds(migration).includes('moved'));
  });

  test('Elastic: the moved techniques join the block their tactic has already', () => {
    const { text, migrated, migration } = migrate('elastic_partial.toml');
    const moved = '[[rule.threat.technique]]\nid = "T1686"\nname = "Impair Logging (synthetic)"\nreference = "https://attack.mitre.org/techniques/T1686/"\n\n[[rule.threat.technique.subtechnique]]\nid = "T1686.001"\nname = "Disable Windows Event Logging (synthetic)"\nreference = "https://attack.mitre.org/techniques/T1686/001/"\n\n';
    const expected = text
      .replace('[[rule.threat.technique]]\nid = "T1562"\nname = "Impair Defenses"\nreference = "https://attack.mitre.org/techniques/T1562/"\n\n[[rule.threat.technique.subtechnique]]\nid = "T1562.002"\nname = "Disable Windows Event Logging"\nreference = "https://attack.mitre.org/techniques/T1562/002/"\n\n', '')
      .replace('name = "Defense Evasion"', 'name = "Stealth"')
      .replace('[rule.threat.tactic]\nid = "TA0112"', `${moved}[rule.threat.tactic]\nid = "TA0112"`);
    assert.equal(migrated, expected);
    assert.deepEqual(migration.unresolved, []);
  });

  test('MaxPatrol: a tactic key whose techniques all moved is renamed', () => {
    const { text, migrated } = migrate('xp_key/metainfo.yaml');
    assert.equal(migrated, expect(text, [['            defense-evasion:', ['            defense-impairment:']], ['                - T1562.002', ['                - T1686.001']]]));
  });

  test('MaxPatrol: the moved technique goes under a new key, its comment with it; the rest stays under the renamed key', () => {
    const { text, migrated, migration } = migrate('xp_split/metainfo.yaml');
    assert.equal(migrated, expect(text, [
      ['            defense-evasion:', ['            stealth:']],
      ['                - T1562.002 # logging disabled', ['            defense-impairment:', '                - T1686.001 # logging disabled']],
    ]));
    assert.deepEqual(kinds(migration), ['moved', 'tactic-renamed']);
  });
});

describe('migration plan, workspace edit and diff output', needsShared, () => {
  const inputs = () => ['sigma_split.yml', 'sigma_split_hinted.yml', 'sigma_tools.yml', 'sentinel_tools.yaml'].map((name) => {
    const text = readFileSync(path.join(dir, name), 'utf8');
    return { rule: parseRule(`file://${path.join(dir, name)}`, text), text };
  });

  test('one question per ambiguous case across files; counts per kind', () => {
    const plan = planMigration(new ReleaseDiff(preloaded.v18, preloaded.synthetic), inputs());
    assert.deepEqual(plan.ambiguous.map((c) => [c.key, c.files.length]), [['T1562', 1]]);
    assert.equal(plan.ruleCount, 4);
    assert.deepEqual(plan.counts.revoked, { edits: 4, files: 3 });
  });

  test('the WorkspaceEdit: one annotation per kind (label, needs confirmation), every edit annotated, versions', () => {
    const plan = planMigration(new ReleaseDiff(preloaded.v18, preloaded.synthetic), inputs());
    const uri = plan.files[0].uri;
    const edit = migrationWorkspaceEdit(plan, (u) => (u === uri ? 7 : null));
    assert.deepEqual(Object.values(edit.changeAnnotations!).map((a) => a.label).sort(), ['Revoked → successor', 'Tactic renamed', 'Tactic tags recomputed']);
    assert.ok(Object.values(edit.changeAnnotations!).every((a) => a.needsConfirmation === true && /^\d+ changes? in \d+ files?$/.test(a.description!)));
    const changes = edit.documentChanges as { textDocument: { uri: string; version: number | null }; edits: { annotationId?: string }[] }[];
    assert.equal(changes.find((c) => c.textDocument.uri === uri)?.textDocument.version ?? 7, 7);
    assert.ok(changes.filter((c) => c.textDocument.uri !== uri).every((c) => c.textDocument.version === null));
    assert.ok(changes.every((c) => c.edits.every((e) => e.annotationId && e.annotationId in edit.changeAnnotations!)));
  });

  test('the unified diff applies with patch(1) to the same result', async () => {
    const { text, migrated } = migrate('sigma_tools.yml');
    const patch = unifiedDiff(text, migrated, 'a/rule.yml', 'b/rule.yml');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { execFileSync } = await import('node:child_process');
    const work = mkdtempSync(path.join(tmpdir(), 'ttplens-patch-'));
    writeFileSync(path.join(work, 'rule.yml'), text);
    execFileSync('patch', ['-p1', '-s'], { cwd: work, input: patch });
    assert.equal(readFileSync(path.join(work, 'rule.yml'), 'utf8'), migrated);
  });

  test('--choose values: ID=CHOICE, several with commas; a malformed one is a usage problem', () => {
    const { choices, problems } = parseChoices(['t1562=T1685,T1686', 'T1078 = privilege-escalation', 'nonsense']);
    assert.deepEqual([...choices], [['T1562', ['T1685', 'T1686']], ['T1078', ['privilege-escalation']]]);
    assert.equal(problems.length, 1);
  });
});

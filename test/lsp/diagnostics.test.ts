// Diagnostics and quick-fixes over stdio on real rule text: every code, its range and severity, and
// every fix applied to the document and compared as a whole text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-types';
import type { CorpusStatus } from '../../server/src/protocol';
import { applyEdits, editsFor } from '../support/edits';
import { LspTestClient, positionOf } from '../support/lspClient';
import { BUNDLE_18, FIXTURES } from '../support/paths';

const fixture = (name: string) => readFileSync(path.join(FIXTURES, 'diagnostics', name), 'utf8');
const ERROR = 1;
const WARNING = 2;
const INFORMATION = 3;

describe('lsp: diagnostics and quick-fixes on a Sigma rule (v18.1)', () => {
  let client: LspTestClient;
  let version = 1;
  const uri = 'untitled:sigma_problems.yml';
  let text = fixture('sigma_problems.yml');
  let diagnostics: Diagnostic[] = [];

  const at = (needle: string, occurrence = 0) => positionOf(text, needle, 0, occurrence);
  const find = (code: string, needle: string, occurrence = 0) => {
    const start = at(needle, occurrence);
    const found = diagnostics.find((d) => d.code === code && d.range.start.line === start.line && d.range.start.character === start.character);
    assert.ok(found, `${code} at "${needle}" in ${JSON.stringify(diagnostics.map((d) => [d.code, d.range.start, d.message]), null, 1)}`);
    return found;
  };
  const actionsFor = async (diagnostic: Diagnostic, only?: string[]) =>
    client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only } });
  const applied = (action: CodeAction) => {
    const { edits, version: editVersion } = editsFor(action.edit as never, uri);
    assert.equal(editVersion, version, 'the edit carries the document version');
    return applyEdits(text, edits);
  };

  before(async () => {
    client = await LspTestClient.start({ initializationOptions: { attack: { stixPath: BUNDLE_18 } } });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    await client.open(uri, text, 'yaml', version);
    diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
  });
  after(() => client.stop());

  test('revoked: warning naming the successor; the fix replaces only the tag', async () => {
    const diagnostic = find('ttp.revoked', 'attack.t1574.002');
    assert.equal(diagnostic.severity, WARNING);
    assert.match(String(diagnostic.message), /T1574\.002 DLL Side-Loading is revoked in ATT&CK v18\.1: use T1574\.001 DLL\./);
    assert.equal(diagnostic.source, 'TTP Lens');
    const [fix] = await actionsFor(diagnostic);
    assert.equal(fix.title, 'Replace with attack.t1574.001 (DLL)');
    assert.equal(fix.isPreferred, true);
    assert.equal(applied(fix), text.replace('    - attack.t1574.002   # revoked in v18.1', '    - attack.t1574.001   # revoked in v18.1'));
  });

  test('malformed tags: warning with the normalised form as the fix', async () => {
    const cases: [string, string, RegExp][] = [
      ['attack.T1059', 'attack.t1059', /technique tags are lower case/],
      ['attack.t1059-001', 'attack.t1059.001', /written with a dot/],
      ['attack.t1059.1', 'attack.t1059.001', /three digits/],
      ['attack.defense_evasion', 'attack.defense-evasion', /written attack\.defense-evasion/],
    ];
    for (const [written, fixed, reason] of cases) {
      const diagnostic = find('ttp.malformed', written);
      assert.equal(diagnostic.severity, WARNING);
      assert.match(String(diagnostic.message), reason);
      const [fix] = await actionsFor(diagnostic);
      const line = at(written).line;
      const lines = text.split('\n');
      lines[line] = lines[line].replace(written, fixed);
      assert.equal(applied(fix), lines.join('\n'), written);
    }
  });

  test('an ID from a newer release is information naming the loaded version', () => {
    const diagnostic = find('ttp.newer-id', 'attack.t1685');
    assert.equal(diagnostic.severity, INFORMATION);
    assert.match(String(diagnostic.message), /T1685 is not in the loaded ATT&CK v18\.1 \(its highest technique is T1681\); it is likely from a newer ATT&CK release/);
    const tactic = find('ttp.newer-tactic', 'attack.stealth');
    assert.equal(tactic.severity, INFORMATION);
  });

  test('an unknown ID is an error with "did you mean" fixes', async () => {
    const diagnostic = find('ttp.unknown-id', 'attack.t1000');
    assert.equal(diagnostic.severity, ERROR);
    assert.match(String(diagnostic.message), /T1000 is not an ATT&CK technique in ATT&CK v18\.1\. Did you mean T1001 Data Obfuscation/);
    const fixes = await actionsFor(diagnostic);
    assert.ok(fixes.length >= 2);
    assert.equal(fixes[0].title, 'Change to attack.t1001 (Data Obfuscation)');
    assert.equal(applied(fixes[0]), text.replace('    - attack.t1000\n', '    - attack.t1001\n'));
  });

  test('a near-miss tactic is a typo with a did-you-mean, not a newer tactic', async () => {
    const diagnostic = find('ttp.unknown-tactic', 'attack.defense_evesion');
    assert.equal(diagnostic.severity, ERROR);
    assert.match(String(diagnostic.message), /Did you mean attack\.defense-evasion \(Defense Evasion\)\?/);
    const [fix] = await actionsFor(diagnostic);
    assert.equal(applied(fix), text.replace('attack.defense_evesion', 'attack.defense-evasion'));
  });

  test('duplicate: the second occurrence, and the fix removes its whole line', async () => {
    const diagnostic = find('ttp.duplicate', 'attack.t1003.002', 1);
    const [fix] = await actionsFor(diagnostic);
    assert.equal(fix.title, 'Remove the duplicate');
    assert.equal(applied(fix), text.replace('    - attack.t1003.002\nlogsource:', 'logsource:'));
  });

  test('fix all of a kind in the file, and source.fixAll', async () => {
    const malformed = find('ttp.malformed', 'attack.T1059');
    const actions = await actionsFor(malformed);
    const fixAll = actions.find((a) => a.title.startsWith('Fix all malformed references in this file'));
    assert.ok(fixAll, actions.map((a) => a.title).join('\n'));
    assert.equal(
      applied(fixAll),
      text.replace('attack.T1059\n', 'attack.t1059\n').replace('attack.t1059-001', 'attack.t1059.001').replace('attack.t1059.1\n', 'attack.t1059.001\n').replace('attack.defense_evasion', 'attack.defense-evasion'),
    );
    const [source] = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.equal(source.kind, 'source.fixAll.ttpLens');
    const fixedText = applied(source);
    assert.match(fixedText, /attack\.t1574\.001 {3}# revoked in v18\.1/);
    assert.equal(fixedText.match(/- attack\.t1059\.001\n/g)?.length, 1, 'attack.t1059.1 repeats attack.t1059-001: removed, not rewritten into a copy');
    assert.equal(fixedText.match(/attack\.t1003\.002/g)?.length, 1, 'duplicate removed');
    assert.match(fixedText, /attack\.t1000/, 'ambiguous fixes are not applied');
    assert.match(fixedText, /attack\.defense_evesion/, 'ambiguous fixes are not applied');
  });

  test('diagnostics follow edits; severities are configurable and "off" silences a code', async () => {
    text = text.replace('    - attack.t1000\n', '');
    await client.change(uri, text, ++version);
    const updated = await client.diagnostics(uri, (d) => !d.some((x) => x.code === 'ttp.unknown-id'));
    assert.ok(updated.some((d) => d.code === 'ttp.revoked'));
    client.settings = { diagnostics: { severity: { 'ttp.revoked': 'error', 'ttp.newer-id': 'off' } } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const configured = await client.next<{ uri: string; diagnostics: Diagnostic[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri);
    assert.equal(configured.diagnostics.find((d) => d.code === 'ttp.revoked')?.severity, ERROR);
    assert.equal(configured.diagnostics.some((d) => d.code === 'ttp.newer-id'), false);
  });
});

describe('lsp: tactic checks and the missing tactic fix (Sigma)', () => {
  let client: LspTestClient;
  const uri = 'untitled:sigma_missing_tactic.yml';
  const text = fixture('sigma_missing_tactic.yml');

  before(async () => {
    client = await LspTestClient.start({ initializationOptions: { attack: { stixPath: BUNDLE_18 } } });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    await client.open(uri, text);
  });
  after(() => client.stop());

  test('a technique without its tactic tag, and a tactic none of the techniques belongs to', async () => {
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    const missing = diagnostics.find((d) => d.code === 'ttp.missing-tactic');
    assert.ok(missing, JSON.stringify(diagnostics));
    assert.deepEqual(missing.range.start, positionOf(text, 'attack.t1053.005'));
    assert.match(String(missing.message), /T1053\.005 Scheduled Task has no tactic tag in this rule: add attack\.execution or attack\.persistence or attack\.privilege-escalation/);
    const wrong = diagnostics.find((d) => d.code === 'ttp.wrong-tactic');
    assert.ok(wrong);
    assert.deepEqual(wrong.range.start, positionOf(text, 'attack.discovery'));
    const fixes = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: missing.range, context: { diagnostics: [missing] } });
    assert.deepEqual(fixes.map((f) => f.title), ['Add attack.execution', 'Add attack.persistence', 'Add attack.privilege-escalation']);
    const { edits } = editsFor(fixes[0].edit as never, uri);
    assert.equal(applyEdits(text, edits), text.replace('    - attack.t1053.005\n', '    - attack.t1053.005\n    - attack.execution\n'));
  });
});

// Every format over stdio: hovers of every ID kind (in prose), format-specific diagnostics and fixes
// (Elastic names, MaxPatrol tactic keys and URLs, Sentinel tactics and malformed IDs), and completion
// in each format's places.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, CompletionList, Diagnostic, TextEdit } from 'vscode-languageserver-types';
import type { CorpusStatus, WorkspaceStatus } from '../../server/src/protocol';
import { applyEdits, editsFor } from '../support/edits';
import { LspTestClient, positionOf } from '../support/lspClient';
import { BUNDLE_17, BUNDLE_18, DEMO, FIXTURES, needsShared, requireShared, SAMPLES } from '../support/paths';

describe('lsp: formats (v18.1)', () => {
  let client: LspTestClient;
  let counter = 0;
  const open = async (name: string, text: string, languageId = 'yaml') => {
    const uri = `file:///virtual/${++counter}/${name}`;
    await client.open(uri, text, languageId);
    return uri;
  };
  const fixFor = async (uri: string, diagnostic: Diagnostic) => {
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
    return actions;
  };

  before(async () => {
    // The workspace holds the demo rules, so hovers can list rules that read a component.
    client = await LspTestClient.start({ workspaceFolder: DEMO, initializationOptions: { attack: { stixPath: BUNDLE_18 } } });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    for (;;) {
      const status = await client.request<WorkspaceStatus>('ttpLens/workspaceStatus', undefined);
      if (!status.indexing && status.rules >= 30) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  after(() => client.stop());

  test('hover for every kind of ID in prose (T, TA, DC, M, DET, AN, G, S, C)', async () => {
    const text = 'Notes: T1059.001 TA0002 DC0032 M1013 DET0493 AN1357 G0007 S0002 C0001 DS0009\n';
    const uri = await open('notes.md', text, 'markdown');
    const expected: [string, RegExp][] = [
      ['T1059.001', /T1059\.001 · PowerShell\*\* — Technique/],
      ['TA0002', /TA0002 · Execution\*\* — Tactic[\s\S]*Techniques \(\d+\):/],
      ['DC0032', /DC0032 · Process Creation\*\* — Data component[\s\S]*Observes techniques \(\d+\)[\s\S]*In this workspace:\*\* \d+ rules read Process Creation/],
      ['M1013', /M1013 · Application Developer Guidance\*\* — Mitigation[\s\S]*Mitigates techniques/],
      ['DET0493', /DET0493 · Detect Abuse of Inter-Process Communication \(T1559\)\*\* — Detection strategy[\s\S]*T1559/],
      ['AN1357', /AN1357 · Analytic 1357\*\* — Analytic[\s\S]*Reads[\s\S]*WinEventLog:Sysmon/],
      ['G0007', /G0007 · APT28\*\* — Group[\s\S]*Also known as:[\s\S]*Uses techniques/],
      ['S0002', /S0002 · Mimikatz\*\* — Software \(tool\)/],
      ['C0001', /C0001 · .*\*\* — Campaign/],
      ['DS0009', /DS0009 · Process\*\* — Data source[\s\S]*Deprecated/],
    ];
    for (const [id, pattern] of expected) {
      const hover = await client.hover(uri, positionOf(text, id, 1));
      assert.ok(hover, id);
      assert.match(hover.contents.value, pattern, id);
    }
  });

  test('Elastic: a wrong technique name is flagged at the name, and the fix restores the sample', needsShared, async () => {
    const original = readFileSync(path.join(requireShared(SAMPLES), 'elastic', 'credential_access_lsass_handle_via_malseclogon.toml'), 'utf8');
    const text = original.replace('name = "LSASS Memory"', 'name = "LSASS Dumping"');
    const uri = await open('rule.toml', text, 'toml');
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    const mismatch = diagnostics.find((d) => d.code === 'ttp.name-mismatch')!;
    assert.match(String(mismatch.message), /The name of T1003\.001 is "LSASS Memory" in ATT&CK v18\.1, not "LSASS Dumping"/);
    assert.deepEqual(mismatch.range.start, positionOf(text, 'LSASS Dumping'));
    const [fix] = await fixFor(uri, mismatch);
    assert.equal(applyEdits(text, editsFor(fix.edit as never, uri).edits), original);
  });

  test('MaxPatrol: a technique under a tactic key it does not belong to; a technique URL is normalised', needsShared, async () => {
    const sample = readFileSync(path.join(requireShared(SAMPLES), 'xp', 'packages', 'windows_open_package', 'correlation_rules', 'mitre_attck_impact', 'Wbadmin', 'metainfo.yaml'), 'utf8');
    const text = sample.replace('            impact:\n', '            discovery:\n');
    const uri = await open('metainfo.yaml', text);
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 1);
    const wrong = diagnostics.find((d) => d.code === 'ttp.wrong-tactic')!;
    assert.match(String(wrong.message), /T1486 Data Encrypted for Impact does not belong to Discovery \(TA0007\)/);
    const url = diagnostics.find((d) => d.code === 'ttp.malformed')!;
    const [fix] = await fixFor(uri, url);
    assert.equal(applyEdits(text, editsFor(fix.edit as never, uri).edits), text.replace('- https://attack.mitre.org/techniques/T1486/', '- T1486'));
  });

  test('Sentinel: malformed ID fixed in place, the duplicate it makes, and a tactic none of the techniques has', async () => {
    const text = readFileSync(path.join(FIXTURES, 'sentinel', 'suspicious_scheduled_task.yaml'), 'utf8');
    const uri = await open('rule.yaml', text);
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    const codes = diagnostics.map((d) => `${d.code}@${d.range.start.line}`).sort();
    const line = (needle: string) => positionOf(text, needle).line;
    assert.deepEqual(codes, [`ttp.duplicate@${line('  - T1053.005')}`, `ttp.malformed@${line('T1053-005')}`, `ttp.wrong-tactic@${line('  - Discovery')}`].sort());
    const malformed = diagnostics.find((d) => d.code === 'ttp.malformed')!;
    const [fix] = await fixFor(uri, malformed);
    assert.equal(applyEdits(text, editsFor(fix.edit as never, uri).edits), text.replace('  - T1053-005', '  - T1053.005'));
  });

  test('Splunk, Sentinel, MaxPatrol and Elastic completion in their places', async () => {
    const complete = async (uri: string, text: string, needle: string) =>
      client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: positionOf(text, needle, needle.length) });

    const splunk = 'name: x\nsearch: "| tstats"\ndata_source:\n- Sysmon EventID 1\ntags:\n  mitre_attack_id:\n  - T1059.00\n';
    const splunkList = await complete(await open('detection.yml', splunk), splunk, 'T1059.00');
    assert.deepEqual(splunkList.items.slice(0, 2).map((i) => i.label), ['T1059.001', 'T1059.002']);

    const sentinel = 'id: x\nname: y\nrelevantTechniques:\n  - T155\ntactics:\n  - Ex\nquery: |\n  x\n';
    const sentinelUri = await open('analytic.yaml', sentinel);
    assert.ok((await complete(sentinelUri, sentinel, '  - T155')).items.some((i) => i.label === 'T1559'));
    assert.ok((await complete(sentinelUri, sentinel, '  - Ex')).items.some((i) => i.label === 'Execution'));
    assert.ok((await complete(sentinelUri, sentinel, '  - Ex')).items.some((i) => i.label === 'CommandAndControl'));

    const xp = 'ObjectId: SEC-CR-1\nContentRelations:\n    Implements:\n        ATTACK:\n            execution:\n                - T10\n';
    const xpList = await complete(await open('metainfo.yaml', xp), xp, '- T10');
    const first = xpList.items.sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1))[0];
    assert.ok(first.labelDetails?.description?.includes('Execution'), 'techniques of the tactic key first');

    const toml = '[rule]\nname = "x"\n\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "T1059"\nname = "Command and Scripting Interpreter"\n[[rule.threat.technique.subtechnique]]\nid = "T1059.00"\nname = "Wrong"\n\n[rule.threat.tactic]\nid = "TA0002"\n';
    const tomlUri = await open('rule.toml', toml, 'toml');
    const tomlList = await complete(tomlUri, toml, 'id = "T1059.00');
    const powershell = tomlList.items.find((i) => i.label === 'T1059.001')!;
    assert.ok(tomlList.items.every((i) => String(i.label).startsWith('T1059.')), 'sub-techniques of the enclosing technique only');
    const edits = [powershell.textEdit as TextEdit, ...(powershell.additionalTextEdits ?? [])];
    assert.equal(
      applyEdits(toml, edits),
      toml.replace('id = "T1059.00"\nname = "Wrong"', 'id = "T1059.001"\nreference = "https://attack.mitre.org/techniques/T1059/001/"\nname = "PowerShell"'),
    );
  });
  test('a document over 2 MB is not parsed: one information at its first line, no hover; the server keeps answering', async () => {
    let text = 'title: Huge\nlogsource:\n  category: process_creation\n  product: windows\ntags:\n  - attack.t1059.001\ndetection:\n  selection:\n    CommandLine|contains:\n';
    while (text.length < 2.5 * 1048576) text += "      - 'powershell -enc AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'\n";
    text += '  condition: selection\n';
    const uri = await open('huge.yml', text);
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].code, 'ttp.parse');
    assert.equal(diagnostics[0].severity, 3); // Information
    assert.match(String(diagnostics[0].message), /does not read files over 2 MB \(this one is 2\.5 MB\)/);
    assert.deepEqual(diagnostics[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 'title: Huge'.length } });
    assert.equal(await client.hover(uri, positionOf(text, 'attack.t1059.001', 8)), null);
    const smallUri = await open('small.md', 'See T1059.001.', 'markdown');
    assert.ok(await client.hover(smallUri, { line: 0, character: 6 }), 'the server answers after the huge document');
  });
});

describe('lsp: data-source hover with v17.1', needsShared, () => {
  test('DS0009 lists its components and the techniques it observes', async () => {
    const client = await LspTestClient.start({ initializationOptions: { attack: { stixPath: requireShared(BUNDLE_17) } } });
    try {
      await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
      const text = 'See DS0009 and M1040.';
      const uri = pathToFileURL('/virtual/notes.md').href;
      await client.open(uri, text, 'markdown');
      const value = (await client.hover(uri, positionOf(text, 'DS0009', 1)))!.contents.value;
      assert.match(value, /Data components:\*\* .*Process Creation/);
      assert.match(value, /Observes techniques \(\d+\):/);
    } finally {
      await client.stop();
    }
  });
});

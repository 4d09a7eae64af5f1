// Typo or newer release, over stdio (v18.1): IDs and tactics a later ATT&CK release plausibly has
// (v19's T1685, attack.stealth) are information; everything else (T9999, attack.powers) is an error
// with did-you-mean fixes — in diagnostics, quick-fixes and hovers alike.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-types';
import type { CorpusStatus } from '../../server/src/protocol';
import { applyEdits, editsFor } from '../support/edits';
import { LspTestClient, positionOf } from '../support/lspClient';
import { BUNDLE_18, needsShared, requireShared } from '../support/paths';

const ERROR = 1;
const INFORMATION = 3;

const SIGMA = `title: Verdicts
id: 6f1d3c1e-7a53-4c2b-9d59-0f0a8c3e2b11
status: test
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\powershell.exe'
    condition: selection
tags:
    - attack.execution
    - attack.t9999
    - attack.powers
    - attack.t1685
    - attack.stealth
    - attack.t1059.099
    - attack.t1059.015
level: medium
`;

const SENTINEL = `id: 0b5f2b7e-0000-4000-8000-000000000001
name: Verdicts in Sentinel
severity: Medium
queryFrequency: 1h
queryPeriod: 1h
tactics:
  - Execution
  - Stealth
  - Powers
relevantTechniques:
  - T1059
query: SecurityEvent | take 1
`;

describe('lsp: typo or newer release (v18.1)', needsShared, () => {
  let client: LspTestClient;
  const sigmaUri = 'untitled:verdicts.yml';
  const sentinelUri = 'untitled:verdicts_sentinel.yaml';
  const diagnostics = new Map<string, Diagnostic[]>();

  const find = (uri: string, text: string, written: string) => {
    const start = positionOf(text, written);
    const found = diagnostics.get(uri)!.find((d) => d.range.start.line === start.line && d.range.start.character === start.character && d.range.end.character === start.character + written.length);
    assert.ok(found, `a diagnostic at ${written}: ${JSON.stringify(diagnostics.get(uri)!.map((d) => [d.code, d.message]), null, 1)}`);
    return found;
  };
  const fixesFor = (uri: string, diagnostic: Diagnostic) =>
    client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });

  before(async () => {
    client = await LspTestClient.start({ initializationOptions: { attack: { stixPath: requireShared(BUNDLE_18) } } });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    await client.open(sigmaUri, SIGMA);
    await client.open(sentinelUri, SENTINEL);
    diagnostics.set(sigmaUri, await client.diagnostics(sigmaUri, (d) => d.length > 0));
    diagnostics.set(sentinelUri, await client.diagnostics(sentinelUri, (d) => d.length > 0));
  });
  after(() => client.stop());

  test('T9999 is an unknown ID (error) with its nearest IDs as fixes', async () => {
    const diagnostic = find(sigmaUri, SIGMA, 'attack.t9999');
    assert.equal(diagnostic.code, 'ttp.unknown-id');
    assert.equal(diagnostic.severity, ERROR);
    assert.match(String(diagnostic.message), /^T9999 is not an ATT&CK technique in ATT&CK v18\.1, and too far above its highest technique \(T1681\) to be from a newer release\. Did you mean T1599 /);
    const fixes = await fixesFor(sigmaUri, diagnostic);
    assert.ok(fixes.length >= 2, fixes.map((f) => f.title).join('\n'));
    assert.match(fixes[0].title, /^Change to attack\.t1599 \(Network Boundary Bridging\)$/);
    const { edits } = editsFor(fixes[0].edit as never, sigmaUri);
    assert.equal(applyEdits(SIGMA, edits), SIGMA.replace('attack.t9999', 'attack.t1599'));
  });

  test('attack.powers is an unknown tactic (error), suggested by name: attack.t1059.001 PowerShell', async () => {
    const diagnostic = find(sigmaUri, SIGMA, 'attack.powers');
    assert.equal(diagnostic.code, 'ttp.unknown-tactic');
    assert.equal(diagnostic.severity, ERROR);
    assert.match(String(diagnostic.message), /attack\.powers is not an ATT&CK tactic or ID in ATT&CK v18\.1, nor one of a newer release\. Did you mean attack\.t1059\.001 \(PowerShell\)/);
    const fixes = await fixesFor(sigmaUri, diagnostic);
    assert.equal(fixes[0].title, 'Change to attack.t1059.001 (PowerShell)');
  });

  test('T1685 and attack.stealth stay information, naming why they are plausible', () => {
    const technique = find(sigmaUri, SIGMA, 'attack.t1685');
    assert.equal(technique.code, 'ttp.newer-id');
    assert.equal(technique.severity, INFORMATION);
    assert.match(String(technique.message), /T1685 is not in the loaded ATT&CK v18\.1 \(its highest technique is T1681\); it is likely from a newer ATT&CK release/);
    const tactic = find(sigmaUri, SIGMA, 'attack.stealth');
    assert.equal(tactic.code, 'ttp.newer-tactic');
    assert.equal(tactic.severity, INFORMATION);
    assert.match(String(tactic.message), /ATT&CK v19 introduced Stealth, TA0005: Defense Evasion renamed/);
  });

  test('sub-techniques: a little above the parent\'s highest is newer, far above is a typo', () => {
    assert.equal(find(sigmaUri, SIGMA, 'attack.t1059.015').code, 'ttp.newer-id');
    const typo = find(sigmaUri, SIGMA, 'attack.t1059.099');
    assert.equal(typo.code, 'ttp.unknown-id');
    assert.match(String(typo.message), /T1059's highest sub-technique there is T1059\.013: \.099 is too far above it/);
  });

  test('Sentinel tactics by name: Stealth is newer, Powers is unknown', () => {
    assert.equal(find(sentinelUri, SENTINEL, 'Stealth').code, 'ttp.newer-tactic');
    const powers = find(sentinelUri, SENTINEL, 'Powers');
    assert.equal(powers.code, 'ttp.unknown-tactic');
    assert.equal(powers.severity, ERROR);
  });

  test('hovers give the same verdicts', async () => {
    const hoverAt = (needle: string) => client.hover(sigmaUri, positionOf(SIGMA, needle, 9));
    assert.match((await hoverAt('attack.t9999'))!.contents.value, /T9999 is not an ATT&CK technique in ATT&CK v18\.1, and too far above .* Did you mean T1599/);
    assert.match((await hoverAt('attack.t1685'))!.contents.value, /likely from a newer ATT&CK release/);
    assert.match((await hoverAt('attack.powers'))!.contents.value, /Did you mean attack\.t1059\.001 \(PowerShell\)/);
  });
});

// Release work over stdio: ttp.target-too-new on a Sentinel rule (by creation date, then by the
// target release's bundle found next to the bundle in use), the local releases, the release diff
// report, and the migration WorkspaceEdit against the SYNTHETIC v19-like release.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { CorpusStatus, DiffReleasesResult, LocalReleaseInfo, MigrationEditResult, WorkspaceStatus } from '../../server/src/protocol';
import { applyEdits } from '../support/edits';
import { fileUri, LspTestClient } from '../support/lspClient';
import { FIXTURES, needsShared, requireShared, SHARED_BUNDLE_18_JSON } from '../support/paths';
import { syntheticReleaseFile } from '../support/syntheticRelease';
import { tempDir } from '../support/temp';

const ERROR = 1;
const RULE = `id: 0c6b1f2a-4d3e-4b5a-8c7d-000000000099
name: Container CLI used (test)
queryFrequency: 1h
query: ContainerLog
tactics:
  - Execution
relevantTechniques:
  - T1059.013
  - T1059.001
`;

async function indexed(client: LspTestClient): Promise<void> {
  for (;;) {
    const status = await client.request<WorkspaceStatus>('ttpLens/workspaceStatus', undefined);
    if (!status.indexing && status.rules > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('lsp: ttp.target-too-new on a Sentinel rule', needsShared, () => {
  let client: LspTestClient;
  const uri = 'untitled:container_cli.yaml';
  const tooNew = (d: Diagnostic[]) => d.filter((x) => x.code === 'ttp.target-too-new');

  before(async () => {
    client = await LspTestClient.start({ initializationOptions: { attack: { stixPath: requireShared(SHARED_BUNDLE_18_JSON) } }, settings: { targets: { sentinel: '16.1' } } }); // next to v17.1's bundle
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
  });
  after(() => client.stop());

  test('target 16.1: T1059.013 (created 2025-06-15) is an error; T1059.001 is fine', async () => {
    await client.open(uri, RULE, 'yaml');
    const diagnostics = tooNew(await client.diagnostics(uri, (d) => tooNew(d).length > 0));
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].severity, ERROR);
    assert.deepEqual(diagnostics[0].range.start, { line: 7, character: 4 });
    assert.match(String(diagnostics[0].message), /T1059\.013 Container CLI\/API was added to ATT&CK after v16\.1 \(created 2025-06-15; v16\.1 was published 2024-11-12\)/);
  });

  test("target 17.1: decided by v17.1's bundle, found next to the bundle in use and loaded in the background", async () => {
    client.settings = { targets: { sentinel: '17.1' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const diagnostics = tooNew(await client.diagnostics(uri, (d) => tooNew(d).some((x) => /is not in ATT&CK v17\.1/.test(String(x.message)))));
    assert.deepEqual(diagnostics.map((d) => d.message), ['T1059.013 Container CLI/API is not in ATT&CK v17.1, the release Microsoft Sentinel rules target (ttpLens.targets): the SIEM will reject or mis-file it.']);
  });

  test('no target for the format: no finding; "off" silences the code', async () => {
    client.settings = { targets: { elastic: '16.1' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual(tooNew(await client.diagnostics(uri, (d) => tooNew(d).length === 0)), []);
    client.settings = { targets: { sentinel: '16.1' }, diagnostics: { severity: { 'ttp.target-too-new': 'off' } } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const all = await client.diagnostics(uri, (d) => !d.some((x) => x.code === 'ttp.target-too-new'));
    assert.deepEqual(tooNew(all), []);
  });
});

describe('lsp: releases, diff report and migration edit (SYNTHETIC v19-like release loaded)', needsShared, () => {
  let client: LspTestClient;
  let root: string;

  before(async () => {
    root = tempDir('ttplens-releases-ws-');
    mkdirSync(path.join(root, 'rules'));
    for (const name of ['sigma_tools.yml', 'sigma_split.yml', 'sentinel_tools.yaml']) cpSync(path.join(FIXTURES, 'releases', name), path.join(root, 'rules', name));
    client = await LspTestClient.start({ workspaceFolder: root, initializationOptions: { attack: { stixPath: syntheticReleaseFile() } } });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    await indexed(client);
  });
  after(() => client.stop());

  test('the releases next to the bundle in use, the loaded one marked', async () => {
    const releases = await client.request<LocalReleaseInfo[]>('ttpLens/localReleases', undefined);
    assert.deepEqual([releases[0].version, releases[0].inUse, releases[0].path], ['19.0-synthetic', true, syntheticReleaseFile()]);
    // v18.1 is linked next to it (the packaged extension's own copy may be listed too).
    assert.ok(releases.some((r) => r.version === '18.1' && !r.inUse && path.dirname(r.path) === path.dirname(syntheticReleaseFile())));
  });

  test('the diff report of the workspace rules, v18.1 → the loaded release', async () => {
    const result = await client.request<DiffReleasesResult>('ttpLens/diffReleases', { from: '18.1' });
    assert.ok(result.ok);
    assert.equal(result.title, 'ATT&CK v18.1 → ATT&CK v19.0-synthetic');
    assert.equal(result.files, 3);
    assert.match(result.markdown, /^# ATT&CK release changes: ATT&CK v18\.1 → ATT&CK v19\.0-synthetic$/m);
    assert.match(result.markdown, /^### rules\/sigma\\_tools\.yml — Security tool stopped with net\.exe \(test fixture\)$/m);
    assert.match(result.markdown, /\[line 16\]\(\/rules\/sigma_tools\.yml#L16\) `attack\.t1562\.001` — \*\*Revoked\*\*: T1562\.001 Disable or Modify Tools is revoked/);
    const missing = await client.request<DiffReleasesResult>('ttpLens/diffReleases', { from: '12.1' });
    assert.ok(!missing.ok && /ATT&CK v12\.1 is not available locally/.test(missing.error));
  });

  test('the migration edit: annotated by kind, the split asked, then decided by the choice', async () => {
    const first = await client.request<MigrationEditResult>('ttpLens/migrationEdit', { from: '18.1' });
    assert.ok(first.ok);
    assert.deepEqual(first.questions.map((q) => [q.key, q.kind, q.options.map((o) => o.id), q.files]), [['T1562', 'successor', ['T1685', 'T1686'], 1]]);
    assert.deepEqual(Object.values(first.edit.changeAnnotations!).map((a) => [a.label, a.needsConfirmation]).sort(), [['Revoked → successor', true], ['Tactic renamed', true], ['Tactic tags recomputed', true]]);
    const decided = await client.request<MigrationEditResult>('ttpLens/migrationEdit', { from: '18.1', choices: { T1562: ['T1686'] } });
    assert.ok(decided.ok);
    assert.deepEqual(decided.questions, []);
    const file = path.join(root, 'rules', 'sigma_split.yml');
    const change = (decided.edit.documentChanges as { textDocument: { uri: string; version: number | null }; edits: { range: never; newText: string }[] }[]).find((c) => c.textDocument.uri === fileUri(file))!;
    assert.equal(change.textDocument.version, null, 'a file on disk, not open');
    const text = readFileSync(file, 'utf8');
    assert.equal(applyEdits(text, change.edits), text.replace('    - attack.defense-evasion\n    - attack.t1562\n', '    - attack.defense-impairment\n    - attack.t1686\n'));
  });

  test("an open document's unsaved text is what is migrated, with its version", async () => {
    const file = path.join(root, 'rules', 'sentinel_tools.yaml');
    const text = readFileSync(file, 'utf8').replace('  - T1562.001\n', '  - T1562.001\n  - T1562.004\n');
    await client.open(fileUri(file), text, 'yaml', 5);
    const result = await client.request<MigrationEditResult>('ttpLens/migrationEdit', { from: '18.1' });
    assert.ok(result.ok);
    const change = (result.edit.documentChanges as { textDocument: { uri: string; version: number | null }; edits: { range: never; newText: string }[] }[]).find((c) => c.textDocument.uri === fileUri(file))!;
    assert.equal(change.textDocument.version, 5);
    assert.equal(applyEdits(text, change.edits), text.replace('  - DefenseEvasion\n', '  - DefenseImpairment\n').replace('  - T1562.001\n  - T1562.004\n', '  - T1685\n  - T1685.001\n'));
  });
});

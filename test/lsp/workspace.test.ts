// The workspace index over stdio: progress while indexing, coverage in hovers, and updates from
// edits and file events that touch one file only.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CorpusStatus, WorkspaceStatus } from '../../server/src/protocol';
import { copyFixture } from '../support/fixtures';
import { fileUri, LspTestClient, positionOf } from '../support/lspClient';
import { BUNDLE_18 } from '../support/paths';

async function indexed(client: LspTestClient): Promise<WorkspaceStatus> {
  for (;;) {
    const status = await client.request<WorkspaceStatus>('ttpLens/workspaceStatus', undefined);
    if (!status.indexing && status.rules > 0) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('lsp: workspace index', () => {
  let client: LspTestClient;
  let root: string;
  const hoverText = async (uri: string, text: string, needle: string) => (await client.hover(uri, positionOf(text, needle, 8)))!.contents.value;

  before(async () => {
    root = copyFixture('workspace');
    client = await LspTestClient.start({ workspaceFolder: root, initializationOptions: { attack: { stixPath: BUNDLE_18 } } });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
  });
  after(() => client.stop());

  test('indexes the folder with work-done progress "Indexing rules n / total"', async () => {
    const status = await indexed(client);
    assert.equal(status.rules, 2);
    const progress = client.notifications.filter((n) => n.method === '$/progress').map((n) => (n.params as { value: { kind: string; message?: string } }).value);
    assert.ok(progress.some((p) => p.kind === 'report' && /^Indexing rules 2 \/ 2$/.test(p.message ?? '')), JSON.stringify(progress));
    assert.ok(progress.some((p) => p.kind === 'end'));
  });

  test('hover says which workspace rules cover the technique, linked to the line', async () => {
    const file = path.join(root, 'rules', 'com_hijack_dde.yml');
    const text = readFileSync(file, 'utf8');
    await client.open(fileUri(file), text);
    const value = await hoverText(fileUri(file), text, 'attack.t1559.001');
    // Right after the title line: the coverage model's state, the rule at its line, the panel's rule list.
    const lines = value.split('\n');
    assert.match(lines[0], /^\*\*T1559\.001 · Component Object Model\*\*/);
    assert.match(lines[2], /^\*\*Workspace:\*\* covered by 1 rule · sigma 1: \[Office Application Spawning Through COM or DDE\]\(file:\/\/.*com_hijack_dde\.yml#L11\) — \[show rules\]\(command:ttpLens\.showTechnique\?%5B%22T1559\.001%22%2C%22rules%22%5D "Open the technique panel at its rules"\)$/);
    assert.equal(value.match(/\(command:/g)?.length, 1, 'one command link, the one the server wrote');
  });

  test('an edit of an open rule updates coverage without reading files', async () => {
    const before = await indexed(client);
    const file = path.join(root, 'rules', 'revoked_dll_sideloading.yml');
    const uri = fileUri(file);
    const text = readFileSync(file, 'utf8');
    await client.open(uri, text);
    await client.change(uri, text.replace('attack.t1574.002', 'attack.t1559.001'), 2);
    const other = path.join(root, 'rules', 'com_hijack_dde.yml');
    const otherText = readFileSync(other, 'utf8');
    const value = await hoverText(fileUri(other), otherText, 'attack.t1559.001');
    assert.match(value, /covered by 2 rules/);
    const after = await client.request<WorkspaceStatus>('ttpLens/workspaceStatus', undefined);
    assert.equal(after.filesRead, before.filesRead, 'no file was read');
    await client.close(uri);
    assert.match(await hoverText(fileUri(other), otherText, 'attack.t1559.001'), /covered by 1 rule /);
    // The parent T1559 is claimed by no rule itself: via sub-techniques.
    assert.match(await hoverText(fileUri(other), otherText, 'attack.t1559.001'), /covered by 1 rule · sigma 1/);
  });

  test('a file created on disk is indexed from the watched-file event', async () => {
    const file = path.join(root, 'rules', 'created.yml');
    writeFileSync(file, 'title: Created\nlogsource: {product: windows, category: process_creation}\ndetection: {sel: {a: b}, condition: sel}\ntags:\n  - attack.t1559.001\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(file), type: 1 }] });
    const other = path.join(root, 'rules', 'com_hijack_dde.yml');
    const text = readFileSync(other, 'utf8');
    assert.match(await hoverText(fileUri(other), text, 'attack.t1559.001'), /covered by 2 rules/);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(file), type: 3 }] });
    assert.match(await hoverText(fileUri(other), text, 'attack.t1559.001'), /covered by 1 rule /);
  });
});

// Workspace diagnostics follow the files: a change on disk, a deletion, an unsaved edit and its
// closing, the scope setting — pushed to a client without pull support, streamed to one that pulls.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { CorpusStatus, DiagnosticsStatus, WorkspaceStatus } from '../../server/src/protocol';
import { copyFixture } from '../support/fixtures';
import { fileUri, LspTestClient } from '../support/lspClient';
import { BUNDLE_18, requireShared } from '../support/paths';

const CHANGED = 1;
const DELETED = 3;

async function settled(client: LspTestClient): Promise<void> {
  for (;;) {
    const workspace = await client.request<WorkspaceStatus>('ttpLens/workspaceStatus', undefined);
    const diagnostics = await client.request<DiagnosticsStatus>('ttpLens/diagnosticsStatus', undefined);
    if (!workspace.indexing && !diagnostics.pending) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const pull of [false, true]) {
  describe(`lsp: workspace diagnostics follow the files (${pull ? 'pull, one streamed request' : 'push'})`, () => {
    let client: LspTestClient;
    let root: string;
    let revoked: string;
    let revokedUri: string;
    const settings: { diagnostics: { scope: string } } = { diagnostics: { scope: 'workspace' } };
    const token = 'stream';

    /** The diagnostics the client shows for a URI: the last pushed, or the last streamed report. */
    const shown = (uri: string): Diagnostic[] | undefined => {
      let last: Diagnostic[] | undefined;
      for (const n of client.notifications) {
        const params = n.params as { uri?: string; diagnostics?: Diagnostic[]; token?: string; value?: { items: { uri: string; kind: string; items?: Diagnostic[] }[] } };
        if (!pull && n.method === 'textDocument/publishDiagnostics' && params.uri === uri) last = params.diagnostics;
        if (pull && n.method === '$/progress' && params.token === token) for (const item of params.value!.items) if (item.uri === uri && item.kind === 'full') last = item.items;
      }
      return last;
    };
    const codes = (uri: string) => (shown(uri) ?? []).map((d) => d.code);

    before(async () => {
      root = copyFixture('workspace');
      revoked = path.join(root, 'rules', 'revoked_dll_sideloading.yml');
      revokedUri = fileUri(revoked);
      client = await LspTestClient.start({ workspaceFolder: root, settings, pullDiagnostics: pull, initializationOptions: { attack: { stixPath: requireShared(BUNDLE_18) } } });
      await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
      if (pull) void client.request('workspace/diagnostic', { identifier: 'ttpLens', previousResultIds: [], partialResultToken: token });
      await settled(client);
    });
    after(() => client.stop());

    test('a rule file never opened has its findings', () => {
      assert.deepEqual(codes(revokedUri), ['ttp.revoked']);
      assert.match(String(shown(revokedUri)![0].message), /T1574\.002 DLL Side-Loading is revoked in ATT&CK v18\.1: use T1574\.001 DLL\./);
    });

    test('a change on disk updates them; a deletion clears them', async () => {
      const text = readFileSync(revoked, 'utf8');
      writeFileSync(revoked, text.replace('    - attack.t1574.002', '    - attack.t1574.002\n    - attack.t1574.002'));
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: revokedUri, type: CHANGED }] });
      await settled(client);
      assert.deepEqual(codes(revokedUri), ['ttp.revoked', 'ttp.revoked', 'ttp.duplicate']);
      writeFileSync(revoked, text);
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: revokedUri, type: CHANGED }] });
      await settled(client);
      assert.deepEqual(codes(revokedUri), ['ttp.revoked']);

      const copy = path.join(root, 'rules', 'copy.yml');
      writeFileSync(copy, text);
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(copy), type: 2 }] });
      await settled(client);
      assert.deepEqual(codes(fileUri(copy)), ['ttp.revoked']);
      rmSync(copy);
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(copy), type: DELETED }] });
      await settled(client);
      assert.deepEqual(shown(fileUri(copy)), [], 'the deleted file loses its findings');
    });

    test('an unsaved edit shows while open; closing goes back to the file on disk', async () => {
      const text = readFileSync(revoked, 'utf8');
      await client.open(revokedUri, text);
      await client.change(revokedUri, text.replace('attack.t1574.002', 'attack.T1574.001'), 2);
      await settled(client);
      if (pull) {
        const report = await client.request<{ kind: string; items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: revokedUri } });
        assert.deepEqual(report.items.map((d) => d.code), ['ttp.malformed']);
      } else {
        assert.deepEqual(codes(revokedUri), ['ttp.malformed']);
      }
      await client.close(revokedUri);
      await settled(client);
      assert.deepEqual(codes(revokedUri), ['ttp.revoked'], 'the closed file keeps the findings of its text on disk');
    });

    test('scope openFiles clears closed files; workspace brings them back', async () => {
      settings.diagnostics.scope = 'openFiles';
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
      await settled(client);
      assert.deepEqual(shown(revokedUri), []);
      settings.diagnostics.scope = 'workspace';
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
      await settled(client);
      assert.deepEqual(codes(revokedUri), ['ttp.revoked']);
      if (pull) assert.ok(client.notifications.some((n) => n.method === 'workspace/diagnostic/refresh'), 'open documents are re-pulled after a settings change');
    });
  });
}

// Requests that arrive while the corpus is still loading (right after didOpen, before the settings
// round trip has loaded it) wait for it, and no empty diagnostics are published before the first load.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LspTestClient, positionOf } from '../support/lspClient';
import { BUNDLE_18 } from '../support/paths';

const RULE = `title: Revoked DLL side-loading tag
logsource:
  product: windows
  category: image_load
detection:
  sel: {ImageLoaded|endswith: '.dll'}
  condition: sel
tags:
  - attack.persistence
  - attack.t1574.002
  - attack.t1559.001
`;

describe('lsp: requests during the first corpus load', () => {
  let client: LspTestClient;
  const uri = 'untitled:early.yml';

  before(async () => {
    // No cache: the corpus is built from the bundle, so the load takes a while.
    client = await LspTestClient.start({ initializationOptions: { attack: { stixPath: BUNDLE_18 } }, env: { TTPLENS_NO_CACHE: '1' } });
  });
  after(() => client.stop());

  test('a hover sent right after didOpen answers with the technique; the first diagnostics are the real ones', async () => {
    const published: PublishDiagnosticsParams[] = [];
    client.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      if (params.uri === uri) published.push(params);
    });
    const opened = client.open(uri, RULE);
    const hover = client.hover(uri, positionOf(RULE, 'attack.t1559.001', 9)); // no wait, no sleep
    await opened;
    const answer = await hover;
    assert.ok(answer, 'the hover waited for the corpus instead of answering null');
    assert.match(answer.contents.value, /T1559\.001 · Component Object Model/);
    const deadline = Date.now() + 10000;
    while (!published.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(published.length, 'diagnostics were published');
    assert.ok(published[0].diagnostics.some((d) => d.code === 'ttp.revoked'), `the first diagnostics already have the revoked tag: ${JSON.stringify(published[0].diagnostics.map((d) => d.code))}`);
  });
});

// A long session in one server: thousands of edits and requests leave the heap where it was (after a
// forced GC) and no timers, watchers or handles behind. `npm run bench` runs the full 10,000 edits and
// 5,000 requests; this test runs a tenth of that so it fails fast if something accumulates.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CorpusStatus, DebugStats } from '../../server/src/protocol';
import { fileUri, LspTestClient, positionOf } from '../support/lspClient';
import { BUNDLE_18, FIXTURES } from '../support/paths';

const RULE = path.join(FIXTURES, 'workspace', 'rules', 'com_hijack_dde.yml');
const EDITS = 1000;
const REQUESTS = 500;

describe('lsp: a long session does not grow', () => {
  let client: LspTestClient;
  const uri = fileUri(RULE);
  const base = readFileSync(RULE, 'utf8');

  before(async () => {
    client = await LspTestClient.start({
      workspaceFolder: path.join(FIXTURES, 'workspace'),
      initializationOptions: { attack: { stixPath: BUNDLE_18 } },
      env: { TTPLENS_TEST_HOOKS: '1' },
      execArgv: ['--expose-gc'],
    });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    await client.open(uri, base);
  });
  after(() => client.stop());

  /** One round: an edit (a tag typed wrong, then right again), and a request of each kind. */
  async function session(edits: number, requests: number, version: { n: number }): Promise<void> {
    const kinds = ['textDocument/hover', 'textDocument/completion', 'textDocument/codeAction', 'textDocument/documentLink', 'ttpLens/coverageTree'];
    for (let i = 0; i < Math.max(edits, requests); i++) {
      if (i < edits) {
        const text = i % 2 ? base : base.replace('attack.t1559.001', `attack.t1559.00${i % 10}`);
        await client.change(uri, text, ++version.n);
      }
      if (i < requests) {
        const at = positionOf(base, 'attack.t1559.002', 9);
        const kind = kinds[i % kinds.length];
        const params =
          kind === 'textDocument/codeAction' ? { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [] } }
          : kind === 'ttpLens/coverageTree' ? { filter: {} }
          : kind === 'textDocument/documentLink' ? { textDocument: { uri } }
          : { textDocument: { uri }, position: at };
        await client.request(kind, params);
      }
    }
  }

  test(`${EDITS} edits and ${REQUESTS} requests: heap within 10 % after GC, no leaked timers or handles`, async (t) => {
    const version = { n: 1 };
    await session(200, 100, version); // warm-up: caches and JIT settle
    const before = await client.request<DebugStats>('ttpLens/debugStats', undefined);
    assert.equal(before.afterGc, true);
    await session(EDITS, REQUESTS, version);
    await new Promise((resolve) => setTimeout(resolve, 500)); // debounced work (index notifications) runs
    const afterStats = await client.request<DebugStats>('ttpLens/debugStats', undefined);
    const growth = (afterStats.heapUsed - before.heapUsed) / before.heapUsed;
    t.diagnostic(`heap after GC ${(before.heapUsed / 1048576).toFixed(1)} → ${(afterStats.heapUsed / 1048576).toFixed(1)} MB (${(growth * 100).toFixed(1)} %); resources ${JSON.stringify(afterStats.activeResources)}`);
    assert.ok(growth <= 0.1, `heap ${Math.round(before.heapUsed / 1048576)} → ${Math.round(afterStats.heapUsed / 1048576)} MB (+${(growth * 100).toFixed(1)} %)`);
    for (const type of ['Timeout', 'FSWatcher', 'FSEvent', 'TCPWrap', 'Immediate']) {
      assert.ok((afterStats.activeResources[type] ?? 0) <= (before.activeResources[type] ?? 0) + 1, `${type}: ${JSON.stringify(before.activeResources)} → ${JSON.stringify(afterStats.activeResources)}`);
    }
  });
});

// A long editing session in one server: 10,000 edits and 5,000 requests on one open rule, then the
// heap after a forced GC against the heap after a short warm-up (ttpLens/debugStats, a test hook).
// test/lsp/longSession.test.ts runs a tenth of this on every `npm test`.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspPeer } from './lspPeer.mjs';
import { BUNDLE_18, ROOT, serverEnv } from './lib.mjs';

const RULE = path.join(ROOT, 'test', 'fixtures', 'workspace', 'rules', 'com_hijack_dde.yml');

function positionOf(text, needle, offset) {
  const before = text.slice(0, text.indexOf(needle) + offset);
  return { line: before.split('\n').length - 1, character: before.length - (before.lastIndexOf('\n') + 1) };
}

export async function longSession(edits = 10000, requests = 5000) {
  const folder = path.dirname(path.dirname(RULE));
  const peer = await LspPeer.start({
    command: process.execPath,
    args: ['--expose-gc', path.join(ROOT, 'dist', 'server.js'), '--stdio'],
    env: { ...serverEnv(), TTPLENS_TEST_HOOKS: '1', TTPLENS_NO_CACHE: '1' },
    initializationOptions: { attack: { stixPath: BUNDLE_18() } },
    rootUri: pathToFileURL(folder).href,
    workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'workspace' }],
  });
  try {
    await peer.waitFor('ttpLens/corpusStatus', (s) => s.state === 'ready');
    const uri = pathToFileURL(RULE).href;
    const base = readFileSync(RULE, 'utf8');
    await peer.notifyServer('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: base } });
    const at = positionOf(base, 'attack.t1559.002', 9);
    const kinds = ['textDocument/hover', 'textDocument/completion', 'textDocument/codeAction', 'textDocument/documentLink', 'ttpLens/coverageTree'];
    let version = 1;
    const run = async (n, m) => {
      for (let i = 0; i < Math.max(n, m); i++) {
        if (i < n) {
          const text = i % 2 ? base : base.replace('attack.t1559.001', `attack.t1559.00${i % 10}`);
          await peer.notifyServer('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ text }] });
        }
        if (i < m) {
          const kind = kinds[i % kinds.length];
          const params = kind === 'textDocument/codeAction' ? { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [] } }
            : kind === 'ttpLens/coverageTree' ? { filter: {} }
            : kind === 'textDocument/documentLink' ? { textDocument: { uri } }
            : { textDocument: { uri }, position: at };
          await peer.request(kind, params);
        }
      }
    };
    await run(200, 100); // warm-up: caches and JIT settle
    const before = await peer.request('ttpLens/debugStats');
    const started = performance.now();
    await run(edits, requests);
    const ms = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await peer.request('ttpLens/debugStats');
    return { beforeMB: before.heapUsed / 1048576, afterMB: after.heapUsed / 1048576, afterGc: before.afterGc && after.afterGc, ms, edits, requests };
  } finally {
    await peer.stop();
  }
}

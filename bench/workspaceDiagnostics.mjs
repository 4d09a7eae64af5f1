// Workspace diagnostics at scale, as VS Code drives them (pull: one workspace/diagnostic request
// streamed as partial results, document pulls after edits): how long after the index is ready every
// file's findings are out, and an edit's diagnostics with every file of SigmaHQ × 10 in the report —
// against the same server with scope openFiles.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspPeer } from './lspPeer.mjs';
import { BUNDLE_18, percentile, ROOT, serverEnv } from './lib.mjs';

const EDITS = 300;
const WARMUP = 30;

async function until(check) {
  for (;;) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function workspaceDiagnostics(folder, cacheDir, scope, ruleFile) {
  const started = performance.now();
  const peer = await LspPeer.start({
    command: process.execPath,
    args: [path.join(ROOT, 'dist', 'server.js'), '--stdio'],
    env: serverEnv(),
    initializationOptions: { attack: { stixPath: BUNDLE_18() }, cacheDir },
    rootUri: pathToFileURL(folder).href,
    workspaceFolders: [{ uri: pathToFileURL(folder).href, name: path.basename(folder) }],
    settings: { ttpLens: { diagnostics: { scope } } },
    pullDiagnostics: true,
  });
  let reported = 0;
  const stream = peer.request('workspace/diagnostic', { identifier: 'ttpLens', previousResultIds: [], partialResultToken: 'bench' });
  void stream.catch(() => undefined);
  const indexedAt = await until(async () => {
    const status = await peer.request('ttpLens/workspaceStatus');
    return !status.indexing && status.rules > 0 && performance.now();
  });
  const reportedAt = await until(async () => !(await peer.request('ttpLens/diagnosticsStatus')).pending && performance.now());
  for (const n of peer.seen) if (n.method === '$/progress' && n.params.token === 'bench') reported += n.params.value.items.length;

  // Edits of one rule alternate a tag between a revoked and a live technique; each is followed by
  // the document pull VS Code sends, timed from the change to the answer.
  const uri = pathToFileURL(ruleFile).href;
  const base = readFileSync(ruleFile, 'utf8');
  await peer.notifyServer('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: base } });
  const times = [];
  for (let i = 0; i < WARMUP + EDITS; i++) {
    const text = i % 2 ? base.replace(/^( {4}- attack\.)t[\d.]+$/m, '$1t1574.002') : base;
    const t = performance.now();
    await peer.notifyServer('textDocument/didChange', { textDocument: { uri, version: i + 2 }, contentChanges: [{ text }] });
    const report = await peer.request('textDocument/diagnostic', { textDocument: { uri } });
    if (i >= WARMUP) times.push(performance.now() - t);
    if (report.kind !== 'full') throw new Error('an edit was answered unchanged');
  }
  await peer.stop();
  return { indexMs: indexedAt - started, afterIndexMs: reportedAt - indexedAt, reported, editP50: percentile(times, 50), editP99: percentile(times, 99) };
}

// Server memory with the corpus and a workspace indexed, and the scale run (SigmaHQ × 10).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspPeer } from './lspPeer.mjs';
import { BUNDLE_18, ROOT, settledRss, serverEnv } from './lib.mjs';

/** Starts dist/server.js on a folder, waits for the corpus and the index, returns RSS and timings. */
export async function serverOn(folder, cacheDir, { treeRequests = 0, settle = true } = {}) {
  const started = performance.now();
  const peer = await LspPeer.start({
    command: process.execPath,
    args: [path.join(ROOT, 'dist', 'server.js'), '--stdio'],
    env: serverEnv(),
    initializationOptions: { attack: { stixPath: BUNDLE_18() }, cacheDir },
    rootUri: pathToFileURL(folder).href,
    workspaceFolders: [{ uri: pathToFileURL(folder).href, name: path.basename(folder) }],
  });
  await peer.waitFor('ttpLens/corpusStatus', (s) => s.state === 'ready');
  let status;
  for (;;) {
    status = await peer.request('ttpLens/workspaceStatus');
    if (!status.indexing && status.rules > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const readyMs = performance.now() - started;
  const timed = async (method, params) => {
    const t = performance.now();
    await peer.request(method, params);
    return performance.now() - t;
  };
  // The first tree request builds the coverage model; the status bar and panel then render the same one.
  const treeTimes = [];
  const summaryTimes = [];
  const panelTimes = [];
  for (let i = 0; i < treeRequests; i++) {
    treeTimes.push(await timed('ttpLens/coverageTree', { filter: {} }));
    summaryTimes.push(await timed('ttpLens/coverageSummary', { filter: {} }));
    panelTimes.push(await timed('ttpLens/techniquePanel', { id: i % 2 ? 'T1059.001' : 'T1059' }));
  }
  // Right after indexing the server still holds the young generation V8 grew for the parse and the
  // buffers of the bundle's background re-hash: read the RSS once the idle server has settled.
  const { rssMB, settledAfterMs } = settle ? await settledRss(() => peer.rssMB()) : { rssMB: peer.rssMB(), settledAfterMs: 0 };
  const peakMB = peer.peakRssMB();
  await peer.stop();
  return { rssMB, peakMB, settledAfterMs, rules: status.rules, readyMs, treeTimes, summaryTimes, panelTimes };
}

/** SigmaHQ × `copies` in a temp dir, every copy with its own rule ids. */
export function syntheticWorkspace(source, copies) {
  const target = mkdtempSync(path.join(os.tmpdir(), 'ttplens-bench-scale-'));
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.yml')) files.push(full);
    }
  };
  walk(source);
  const texts = files.map((f) => [path.relative(source, f), readFileSync(f, 'utf8')]);
  for (let copy = 0; copy < copies; copy++) {
    const hex = copy.toString(16).padStart(2, '0');
    for (const [relative, text] of texts) {
      const file = path.join(target, `copy${copy}`, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      // A unique id per copy: the first two hex digits of each rule's UUID become the copy number.
      writeFileSync(file, text.replace(/^id: [0-9a-f]{2}/m, `id: ${hex}`));
    }
  }
  return { dir: target, files: texts.length * copies, remove: () => rmSync(target, { recursive: true, force: true }) };
}

// The packaged extension's first start, and .json.gz against .json: neither needs the shared corpora.
//   packagedFirstStart: the .vsix unpacked as an install does it (new files, new inodes and mtimes),
//     its dist/server.js started with an empty user cache; time from `initialized` to the corpus
//     being ready — with the prebuilt cache that ships in the package, and (baseline, same run) the
//     same package without it (the server parses the embedded .json.gz).
//   gzipVersusJson: the embedded enterprise bundle loaded cold (no cache) as .json.gz, and the same
//     bundle decompressed to .json (baseline), in fresh processes, interleaved.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { child, median, ROOT, serverEnv } from './lib.mjs';
import { LspPeer } from './lspPeer.mjs';

const temp = (prefix) => mkdtempSync(path.join(os.tmpdir(), prefix));

function unpackVsix() {
  const vsix = readdirSync(ROOT).filter((f) => f.endsWith('.vsix')).sort().pop();
  if (!vsix) throw new Error('bench: no .vsix in the repository root (npm run bench packages one first)');
  const dir = temp('ttplens-bench-vsix-');
  try {
    execFileSync('unzip', ['-q', path.join(ROOT, vsix), 'extension/*', '-d', dir]);
  } catch (error) {
    throw new Error(`bench: cannot unpack ${vsix} with unzip (install Debian's unzip): ${error.message}`);
  }
  return path.join(dir, 'extension');
}

/** One first start: a fresh copy of the unpacked extension (an install), an empty user cache. */
async function firstStart(extension, { prebuilt }) {
  const installed = temp('ttplens-bench-install-');
  const storage = temp('ttplens-bench-storage-');
  try {
    cpSync(extension, installed, { recursive: true });
    if (!prebuilt) rmSync(path.join(installed, 'dist', 'corpus-cache'), { recursive: true, force: true });
    const spawned = performance.now();
    const peer = await LspPeer.start({
      command: process.execPath,
      args: [path.join(installed, 'dist', 'server.js'), '--stdio'],
      env: { ...serverEnv(), TTPLENS_STIX: '', TTPLENS_NO_CACHE: '' },
      initializationOptions: { cacheDir: path.join(storage, 'corpus-cache'), releasesDir: path.join(storage, 'attack-releases') },
    });
    const initialized = performance.now();
    const status = await peer.waitFor('ttpLens/corpusStatus', (s) => s.state !== 'loading');
    const ready = performance.now();
    await peer.stop();
    if (status.state !== 'ready') throw new Error(`bench: the packaged server failed to load: ${JSON.stringify(status.error)}`);
    return { ms: ready - initialized, sinceSpawnMs: ready - spawned, loadMs: status.millis, version: status.versionLabel, from: status.from };
  } finally {
    rmSync(installed, { recursive: true, force: true });
    rmSync(storage, { recursive: true, force: true });
  }
}

export async function packagedFirstStart(reps) {
  const extension = unpackVsix();
  try {
    const warm = [];
    const cold = [];
    for (let i = 0; i < reps; i++) {
      warm.push(await firstStart(extension, { prebuilt: true }));
      cold.push(await firstStart(extension, { prebuilt: false }));
    }
    return { warm, cold };
  } finally {
    rmSync(path.dirname(extension), { recursive: true, force: true });
  }
}

export function gzipVersusJson(reps) {
  const embedded = readdirSync(path.join(ROOT, 'data', 'attack')).find((f) => /^enterprise-attack-.*\.json\.gz$/.test(f));
  if (!embedded) throw new Error('bench: no embedded enterprise bundle in data/attack/');
  const gz = path.join(ROOT, 'data', 'attack', embedded);
  const dir = temp('ttplens-bench-json-');
  const json = path.join(dir, embedded.replace(/\.gz$/, ''));
  writeFileSync(json, gunzipSync(readFileSync(gz)));
  try {
    const gzRuns = [];
    const jsonRuns = [];
    for (let i = 0; i < reps; i++) {
      gzRuns.push(child('corpus-load', [gz, 'none']));
      jsonRuns.push(child('corpus-load', [json, 'none']));
    }
    if (gzRuns[0].objects !== jsonRuns[0].objects) throw new Error('bench: the .json.gz and the .json gave different corpora');
    return { gzMs: median(gzRuns.map((r) => r.ms)), jsonMs: median(jsonRuns.map((r) => r.ms)), objects: gzRuns[0].objects, gzMB: readFileSync(gz).length / 1048576 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

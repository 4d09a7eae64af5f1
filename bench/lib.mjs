// Shared helpers of the benchmark: statistics, child processes, paths and the results table.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { findShared } from '../scripts/sharedDir.mjs';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const SHARED = findShared(ROOT);
export const require = createRequire(import.meta.url);
/** Compiled TypeScript (tsc → out/), for in-process measurements of the modules. */
export const out = (module) => require(path.join(ROOT, 'out', module));

/** The environment the client starts the language server with (server/src/serverEnv.ts): the
 *  benchmark measures the server as users run it. */
export const serverEnv = () => out('server/src/serverEnv.js').SERVER_ENV;

export function requireShared(relative) {
  if (!SHARED) throw new Error('bench: the shared material (ATT&CK bundles, SigmaHQ rules) was not found: set TTPLENS_SHARED or put it at ../shared');
  return path.join(SHARED, relative);
}

export const BUNDLE_18 = () => requireShared('attack/enterprise-attack-18.1.json');
export const SIGMAHQ = () => requireShared('corpora/sigmahq/rules');

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `node bench/child.mjs <task> …args` (a fresh process: no shared JIT or heap) and parses its JSON. */
export function child(task, args = [], options = {}) {
  const result = spawnSync(process.execPath, ['--expose-gc', path.join(ROOT, 'bench', 'child.mjs'), task, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...options.env },
  });
  if (result.status !== 0) throw new Error(`bench child ${task} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

export function machine() {
  const cpu = cpus();
  let model = cpu[0]?.model ?? 'unknown';
  try {
    model = execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], { encoding: 'utf8' }).trim() || model;
  } catch {
    // not Linux
  }
  return { cores: cpu.length, cpu: model, node: process.version, platform: `${process.platform} ${process.arch}`, date: new Date().toISOString() };
}

/** A metric row: ours vs the baseline measured in the same run, the ratio, and the goal. */
export function row(metric, ours, baseline, unit, goal, pass, note = '') {
  return { metric, ours, baseline, unit, ratio: baseline ? ours / baseline : null, goal, pass, note };
}

const fmt = (value, unit) => (value === null || value === undefined ? '—' : `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${unit}`);

export function table(rows) {
  const lines = ['| metric | ours | baseline (same run) | ratio | goal | |', '| --- | ---: | ---: | ---: | --- | --- |'];
  for (const r of rows) {
    lines.push(`| ${r.metric} | ${fmt(r.ours, r.unit)} | ${r.baselineLabel ?? fmt(r.baseline, r.unit)} | ${r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`} | ${r.goal} | ${r.pass ? 'pass' : 'MISS'} |`);
  }
  return lines.join('\n');
}

/** Samples `readRssMB` every second until the resident set has settled: it has dropped from its
 *  high (the server's idle collections, a few seconds after loading and indexing end) and held for
 *  6 s — or, when nothing drops, for `maxMs`. Returns the last sample. */
export async function settledRss(readRssMB, maxMs = 30000) {
  const started = performance.now();
  const samples = [];
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    samples.push(readRssMB());
    const last = samples.slice(-7);
    const dropped = Math.max(...samples) - samples.at(-1) >= 8;
    const held = last.length === 7 && Math.max(...last) - Math.min(...last) < 1;
    if ((dropped && held) || performance.now() - started >= maxMs) return { rssMB: samples.at(-1), settledAfterMs: performance.now() - started };
  }
}

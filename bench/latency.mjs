// Latency over stdio on a typical Sigma rule: hover, completion and diagnostics after an edit,
// TTP Lens (dist/server.js) against yaml-language-server configured with the Sigma JSON schema the
// way Sigma users set it up today. Same file, same counts, same run.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspPeer } from './lspPeer.mjs';
import { BUNDLE_18, percentile, requireShared, ROOT, serverEnv } from './lib.mjs';

const RULE = path.join(ROOT, 'test', 'fixtures', 'workspace', 'rules', 'com_hijack_dde.yml');
const WARMUP = 30;
export const COUNT = 300;

function positionOf(text, needle, offset = 0) {
  const index = text.indexOf(needle) + offset;
  const before = text.slice(0, index);
  return { line: before.split('\n').length - 1, character: index - before.lastIndexOf('\n') - 1 };
}

async function timed(fn) {
  for (let i = 0; i < WARMUP; i++) await fn(i);
  const times = [];
  for (let i = 0; i < COUNT; i++) {
    const started = performance.now();
    await fn(WARMUP + i);
    times.push(performance.now() - started);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), n: times.length };
}

/** Measures one server. `ready` resolves when it can answer (corpus loaded / schema applied). */
async function measure(peer, ready) {
  const base = readFileSync(RULE, 'utf8');
  const uri = pathToFileURL(path.join(path.dirname(RULE), 'bench-rule.yml')).href;
  const completionText = base.replace('    - attack.t1559.002\n', '    - attack.t1559.002\n    - attack.t155\n');
  await peer.notifyServer('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: completionText } });
  await ready();
  const hoverAt = positionOf(completionText, 'attack.t1559.001', 9);
  const completeAt = positionOf(completionText, '    - attack.t155\n', '    - attack.t155'.length);
  let answered = { hover: false, completion: false };
  const hover = await timed(async () => {
    const result = await peer.request('textDocument/hover', { textDocument: { uri }, position: hoverAt });
    answered.hover ||= !!result;
  });
  const completion = await timed(async () => {
    const result = await peer.request('textDocument/completion', { textDocument: { uri }, position: completeAt });
    answered.completion ||= !!(result && (result.items ?? result).length);
  });
  // Edits alternate a tag between a revoked and a live technique; each waits for its own diagnostics.
  let version = 1;
  const diagnostics = await timed(async (i) => {
    version++;
    const text = i % 2 ? completionText.replace('attack.t1559.002', 'attack.t1574.002') : completionText;
    const published = peer.next('textDocument/publishDiagnostics', (p) => p.uri === uri && (p.version === undefined || p.version === version));
    await peer.notifyServer('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    await published;
  });
  return { hover, completion, diagnostics, answered };
}

/** One server each way, measured `rounds` times in turn (ours, theirs, ours, …): a p99 of 300
 *  requests is three requests, which one scheduler hiccup on a 2-core machine moves; each kind's
 *  p50 and p99 are the medians over the rounds. */
export async function latency(rounds = 3) {
  const ours = [];
  const yls = [];
  for (let round = 0; round < rounds; round++) {
    ours.push(await measureOurs());
    yls.push(await measureYls());
  }
  return { ours: combine(ours), yls: combine(yls), rounds };
}

function combine(results) {
  const middle = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
  const kind = (name) => ({ p50: middle(results.map((r) => r[name].p50)), p99: middle(results.map((r) => r[name].p99)), p99s: results.map((r) => r[name].p99), n: results[0][name].n });
  return { hover: kind('hover'), completion: kind('completion'), diagnostics: kind('diagnostics'), answered: results[0].answered };
}

async function measureOurs() {
  const ours = await LspPeer.start({
    command: process.execPath,
    args: [path.join(ROOT, 'dist', 'server.js'), '--stdio'],
    env: { ...serverEnv(), TTPLENS_NO_CACHE: '1' },
    initializationOptions: { attack: { stixPath: BUNDLE_18() } },
  });
  const result = await measure(ours, () => ours.waitFor('ttpLens/corpusStatus', (s) => s.state === 'ready'));
  await ours.stop();
  return result;
}

async function measureYls() {
  const schema = pathToFileURL(requireShared('sigma-spec/sigma-detection-rule-schema.json')).href;
  const yamlSettings = { yaml: { validate: true, hover: true, completion: true, schemaStore: { enable: false }, schemas: { [schema]: ['*.yml', '*.yaml'] } } };
  const yls = await LspPeer.start({
    command: process.execPath,
    args: [path.join(ROOT, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server'), '--stdio'],
    settings: yamlSettings,
  });
  // Ready once it has validated the document against the schema (first diagnostics).
  const result = await measure(yls, () => yls.waitFor('textDocument/publishDiagnostics'));
  await yls.stop();
  return result;
}

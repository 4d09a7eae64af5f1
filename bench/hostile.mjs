// Bounded work per request on hostile documents: a Sigma rule with 100,000 tags (and one with
// 10,000), the tags cycled from every distinct attack.* tag SigmaHQ uses (live, revoked, v19,
// malformed — and repeated, so most are duplicates). Each request kind is timed over stdio on that
// document and, as the baseline, on a normal rule in the same server. The client declares
// codeAction/resolve, as VS Code does.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspPeer } from './lspPeer.mjs';
import { BUNDLE_18, median, ROOT, SIGMAHQ, serverEnv } from './lib.mjs';

// A normal-size rule with findings of most kinds (so its light bulb offers "fix all" too).
const NORMAL = path.join(ROOT, 'test', 'fixtures', 'diagnostics', 'sigma_problems.yml');
const REPS = 5;

function* walk(directory) {
  for (const entry of readdirSync(directory)) {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else if (entry.endsWith('.yml')) yield full;
  }
}

/** The distinct attack.* tags of SigmaHQ, in a stable order. */
function sigmaHqTags() {
  const tags = new Set();
  for (const file of walk(SIGMAHQ())) for (const match of readFileSync(file, 'utf8').matchAll(/^ {4}- (attack\.[a-z0-9.-]+)$/gm)) tags.add(match[1]);
  return [...tags].sort();
}

/** A Sigma rule with `count` tags cycled from `tags`, 2-space indented. */
export function hostileRule(count, tags) {
  const lines = ['title: Many Tags', 'id: 2f0c6a3e-1b7d-4e5f-9a8b-0c1d2e3f4a5b', 'status: test', 'logsource:', '  category: process_creation', '  product: windows', 'detection:', '  selection:', "    Image|endswith: '\\powershell.exe'", '  condition: selection', 'level: medium', 'tags:'];
  for (let i = 0; i < count; i++) lines.push(`  - ${tags[i % tags.length]}`);
  return `${lines.join('\n')}\n`;
}

/** Times every request kind on one document: open → diagnostics, hover, completion, code actions
 *  (the light bulb at a finding), resolving "fix all", document links, edit → diagnostics. */
async function measure(peer, uri, text, version0) {
  const lines = text.split('\n');
  const tagLine = lines.findIndex((l) => l.startsWith('  - attack.t1059'));
  const middle = lines.findIndex((l, i) => i > lines.length / 2 && l.startsWith('  - attack.'));
  const hoverAt = { line: middle > 0 ? middle : tagLine, character: 8 };
  const completionLine = lines.findIndex((l) => l === 'tags:') + 1;
  const times = { open: [], hover: [], completion: [], codeAction: [], resolve: [], links: [], change: [] };
  let version = version0;
  let diagnostics = [];
  for (let rep = 0; rep < REPS; rep++) {
    const docUri = `${uri.replace(/\.yml$/, '')}-${rep}.yml`;
    const published = peer.next('textDocument/publishDiagnostics', (p) => p.uri === docUri);
    let started = performance.now();
    await peer.notifyServer('textDocument/didOpen', { textDocument: { uri: docUri, languageId: 'yaml', version: ++version, text } });
    diagnostics = (await published).diagnostics;
    times.open.push(performance.now() - started);

    started = performance.now();
    await peer.request('textDocument/hover', { textDocument: { uri: docUri }, position: hoverAt });
    times.hover.push(performance.now() - started);

    started = performance.now();
    await peer.request('textDocument/completion', { textDocument: { uri: docUri }, position: { line: completionLine, character: lines[completionLine].length } });
    times.completion.push(performance.now() - started);

    const finding = diagnostics.find((d) => d.code === 'ttp.duplicate') ?? diagnostics[0];
    const range = finding?.range ?? { start: hoverAt, end: hoverAt };
    started = performance.now();
    const actions = await peer.request('textDocument/codeAction', { textDocument: { uri: docUri }, range, context: { diagnostics: finding ? [finding] : [] } });
    times.codeAction.push(performance.now() - started);

    const fixAll = actions.find((a) => a.data && !a.edit);
    started = performance.now();
    if (fixAll) await peer.request('codeAction/resolve', fixAll);
    times.resolve.push(performance.now() - started);

    started = performance.now();
    await peer.request('textDocument/documentLink', { textDocument: { uri: docUri } });
    times.links.push(performance.now() - started);

    const edited = text.replace(/^title: (.*)$/m, `title: $1 (edit ${rep})`);
    const nextVersion = version + 1;
    const republished = peer.next('textDocument/publishDiagnostics', (p) => p.uri === docUri && p.version === nextVersion);
    started = performance.now();
    await peer.notifyServer('textDocument/didChange', { textDocument: { uri: docUri, version: (version = nextVersion) }, contentChanges: [{ text: edited }] });
    await republished;
    times.change.push(performance.now() - started);
    await peer.notifyServer('textDocument/didClose', { textDocument: { uri: docUri } });
  }
  const result = Object.fromEntries(Object.entries(times).map(([kind, list]) => [kind, median(list)]));
  return { ...result, diagnostics: diagnostics.length, capped: diagnostics.some((d) => d.code === 'ttp.capped'), bytes: Buffer.byteLength(text) };
}

export async function hostile() {
  const peer = await LspPeer.start({
    command: process.execPath,
    args: [path.join(ROOT, 'dist', 'server.js'), '--stdio'],
    env: { ...serverEnv(), TTPLENS_NO_CACHE: '1' },
    initializationOptions: { attack: { stixPath: BUNDLE_18() } },
  });
  try {
    await peer.waitFor('ttpLens/corpusStatus', (s) => s.state === 'ready');
    const tags = sigmaHqTags();
    const base = pathToFileURL(path.join(ROOT, 'bench')).href;
    const normal = await measure(peer, `${base}/normal.yml`, readFileSync(NORMAL, 'utf8'), 0);
    const tenThousand = await measure(peer, `${base}/tags10k.yml`, hostileRule(10_000, tags), 100);
    const hundredThousand = await measure(peer, `${base}/tags100k.yml`, hostileRule(100_000, tags), 200);
    return { normal, tenThousand, hundredThousand, distinctTags: tags.length };
  } finally {
    await peer.stop();
  }
}

if (process.argv[1] === import.meta.filename) console.log(JSON.stringify(await hostile(), null, 2));

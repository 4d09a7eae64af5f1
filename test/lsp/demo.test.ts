// The demo workspace (demo/), opened file by file through the language server with the embedded
// ATT&CK data and nothing configured: exactly its deliberate problems are reported, nothing else;
// the coverage CLI counts its rules per format (detection content in other languages too, prose
// not); its Markdown note gets hovers like any prose.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CorpusStatus, WorkspaceStatus } from '../../server/src/protocol';
import { LspTestClient, positionOf } from '../support/lspClient';
import { DEMO, DIST } from '../support/paths';

function* walk(directory: string): Generator<string> {
  for (const entry of readdirSync(directory).sort()) {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}

const languageOf = (file: string) => (file.endsWith('.toml') ? 'toml' : file.endsWith('.md') ? 'markdown' : /\.ya?ml$/.test(file) ? 'yaml' : 'plaintext');

/** file (relative to demo/) → the diagnostic codes expected in it, each with the text it is on. */
const DELIBERATE: Record<string, string[]> = {
  'sigma/windows/image_load_win_unsigned_dll_next_to_signed_binary.yml': ['ttp.revoked attack.t1574.002'],
  'sigma/windows/proc_creation_win_vssadmin_delete_shadows.yml': ['ttp.malformed attack.T1490'],
  'maxpatrol/correlation_rules/mitre_attck_credential_access/Kerberoasting_RC4_Service_Ticket/metainfo.yaml': ['ttp.wrong-tactic T1558.003'],
  'sigma/windows/proc_creation_win_defender_disabled_with_set_mppreference.yml': ['ttp.newer-id attack.t1685', 'ttp.newer-tactic attack.defense-impairment'],
  'sigma/windows/registry_set_win_packet_capture_driver_installed.yml': ['ttp.unobservable attack.t1040'],
};

describe('the demo workspace', () => {
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start({ workspaceFolder: DEMO });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    for (;;) {
      const status = await client.request<WorkspaceStatus>('ttpLens/workspaceStatus', undefined);
      if (!status.indexing && status.rules > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  after(() => client?.stop());

  test('with nothing configured, the server reads the embedded ATT&CK v18.1 and indexes the 35 rules', async () => {
    const status = await client.request<CorpusStatus>('ttpLens/corpusStatusRequest', undefined);
    assert.equal(status.versionLabel, 'ATT&CK v18.1');
    assert.equal(status.from, 'the ATT&CK data embedded in TTP Lens');
    assert.equal((await client.request<WorkspaceStatus>('ttpLens/workspaceStatus', undefined)).rules, 35);
  });

  test('every file: exactly the deliberate findings, at the text they are about, and nothing else', async () => {
    const found: Record<string, string[]> = {};
    for (const file of walk(DEMO)) {
      if (!/\.(ya?ml|toml|md|yar|rules|kql)$/.test(file)) continue;
      const text = readFileSync(file, 'utf8');
      const uri = pathToFileURL(file).href;
      await client.open(uri, text, languageOf(file));
      const diagnostics = await client.diagnostics(uri);
      const relative = path.relative(DEMO, file).split(path.sep).join('/');
      const lines = text.split('\n');
      const entries = diagnostics.map((d) => `${d.code} ${lines[d.range.start.line].slice(d.range.start.character, d.range.end.character)}`).sort();
      if (entries.length) found[relative] = entries;
      await client.close(uri);
    }
    assert.deepEqual(found, Object.fromEntries(Object.entries(DELIBERATE).map(([file, list]) => [file, [...list].sort()])));
  });

  test('the Markdown note: hovers on bare IDs of every kind', async () => {
    const file = path.join(DEMO, 'notes', 'ransomware-coverage-review.md');
    const text = readFileSync(file, 'utf8');
    const uri = pathToFileURL(file).href;
    await client.open(uri, text, 'markdown');
    for (const [id, pattern] of [['S1068', /BlackCat/], ['G1015', /Scattered Spider/], ['T1486', /Data Encrypted for Impact/], ['M1053', /Data Backup/], ['DC0032', /Process Creation/], ['TA0040', /Impact/]] as const) {
      const hover = await client.hover(uri, positionOf(text, id, 1));
      assert.match(hover?.contents.value ?? '', pattern, id);
    }
  });
});

describe('the demo workspace in the coverage CLI', () => {
  test('35 rules in six formats (YARA, Suricata and KQL read as text), not the Markdown note, and the two deliberate non-live IDs', () => {
    const result = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'coverage', DEMO, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, TTPLENS_STIX: '', TTPLENS_NO_CACHE: '1' } });
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { attack: string; files: { file: string; format: string }[]; techniques: Record<string, { status: string }> };
    assert.equal(report.attack, 'ATT&CK v18.1');
    const formats: Record<string, number> = {};
    for (const file of report.files) formats[file.format] = (formats[file.format] ?? 0) + 1;
    assert.deepEqual(formats, { sigma: 12, elastic: 5, xp: 5, sentinel: 5, splunk: 5, text: 3 });
    assert.deepEqual(report.files.filter((f) => f.format === 'text').map((f) => path.extname(f.file)).sort(), ['.kql', '.rules', '.yar']);
    const notLive = Object.entries(report.techniques).filter(([, t]) => t.status !== 'live').map(([id, t]) => `${id} ${t.status}`).sort();
    assert.deepEqual(notLive, ['T1574.002 revoked', 'T1685 newer']);
  });
});

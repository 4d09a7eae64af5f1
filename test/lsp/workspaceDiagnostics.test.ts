// Workspace diagnostics over stdio, and the one engine behind the editor and CI: for every SigmaHQ
// rule, `check --format json` equals what the server publishes — for the files never opened
// (workspace scope, pushed and pulled) and for each file opened — in code, range, severity and message.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { CorpusStatus, DiagnosticsStatus, WorkspaceStatus } from '../../server/src/protocol';
import { fileUri, LspTestClient } from '../support/lspClient';
import { BUNDLE_18, DIST, needsShared, SIGMAHQ_RULES } from '../support/paths';

interface JsonFinding {
  code: string;
  severity: string;
  message: string;
  range: Diagnostic['range'];
}
const SEVERITY: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

/** `check --format json` of a folder: absolute path → findings as code/range/severity/message. */
function checkJson(folder: string): Map<string, string[]> {
  const result = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'check', folder, '--format', 'json', '--fail-on', 'never', '--stix', BUNDLE_18], {
    encoding: 'utf8',
    cwd: folder,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TTPLENS_STIX: '', TTPLENS_CACHE_DIR: path.join(DIST, '..', 'out', 'cli-cache') },
  });
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { files: { path: string; findings: JsonFinding[] }[] };
  return new Map(report.files.map((file) => [path.resolve(folder, file.path), file.findings.map((f) => JSON.stringify([f.code, f.range, f.severity, f.message]))]));
}

const asRows = (diagnostics: readonly Diagnostic[]) => diagnostics.map((d) => JSON.stringify([d.code, d.range, SEVERITY[d.severity ?? 1], d.message]));

async function settled(client: LspTestClient): Promise<void> {
  for (;;) {
    const workspace = await client.request<WorkspaceStatus>('ttpLens/workspaceStatus', undefined);
    const diagnostics = await client.request<DiagnosticsStatus>('ttpLens/diagnosticsStatus', undefined);
    if (!workspace.indexing && workspace.rules > 0 && !diagnostics.pending) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The latest diagnostics pushed per URI. */
function pushed(client: LspTestClient): Map<string, Diagnostic[]> {
  const latest = new Map<string, Diagnostic[]>();
  for (const n of client.notifications) {
    if (n.method !== 'textDocument/publishDiagnostics') continue;
    const params = n.params as { uri: string; diagnostics: Diagnostic[] };
    latest.set(params.uri, params.diagnostics);
  }
  return latest;
}

function compare(expected: Map<string, string[]>, actualFor: (file: string) => Diagnostic[] | undefined): void {
  let withFindings = 0;
  const differing: string[] = [];
  for (const [file, rows] of expected) {
    if (rows.length) withFindings++;
    const actual = asRows(actualFor(file) ?? []);
    if (JSON.stringify(actual) !== JSON.stringify(rows)) differing.push(`${file}\n  check: ${rows.join('\n         ')}\n  lsp:   ${actual.join('\n         ')}`);
  }
  assert.ok(expected.size > 3000 && withFindings > 1000, `${expected.size} files, ${withFindings} with findings`);
  assert.deepEqual(differing.slice(0, 5), [], `${differing.length} files differ`);
}

describe('lsp: workspace diagnostics of SigmaHQ equal `check --format json`', needsShared, () => {
  let expected: Map<string, string[]>;
  before(() => {
    expected = checkJson(SIGMAHQ_RULES);
  });

  test('pushed for every file never opened (a client without pull diagnostics)', async () => {
    const client = await LspTestClient.start({ workspaceFolder: SIGMAHQ_RULES, initializationOptions: { attack: { stixPath: BUNDLE_18 } } });
    try {
      await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
      await settled(client);
      const latest = pushed(client);
      // Files without findings are never sent: there is nothing to show or to clear.
      assert.ok([...latest.values()].every((d) => d.length > 0));
      compare(expected, (file) => latest.get(fileUri(file)));
    } finally {
      await client.stop();
    }
  });

  test('pulled: one workspace/diagnostic request, streamed as partial results', async () => {
    const client = await LspTestClient.start({ workspaceFolder: SIGMAHQ_RULES, pullDiagnostics: true, initializationOptions: { attack: { stixPath: BUNDLE_18 } } });
    try {
      assert.deepEqual(client.initializeResult?.capabilities.diagnosticProvider, { identifier: 'ttpLens', interFileDependencies: false, workspaceDiagnostics: true });
      await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
      const token = 'workspace-diagnostics-1';
      const open = client.request('workspace/diagnostic', { identifier: 'ttpLens', previousResultIds: [], partialResultToken: token });
      let answered = false;
      void open.then(() => (answered = true));
      await settled(client);
      const reports = new Map<string, { resultId: string; items: Diagnostic[] }>();
      for (const n of client.notifications) {
        const params = n.params as { token?: string; value?: { items: { kind: string; uri: string; resultId: string; items: Diagnostic[] }[] } };
        if (n.method !== '$/progress' || params.token !== token) continue;
        for (const item of params.value!.items) reports.set(item.uri, item);
      }
      assert.equal(answered, false, 'the request stays open for later changes');
      assert.equal(client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics').length, 0, 'nothing is pushed to a client that pulls');
      compare(expected, (file) => reports.get(fileUri(file))?.items);

      // A second request with the result ids the client holds: every file answered `unchanged`.
      const previousResultIds = [...reports].map(([uri, report]) => ({ uri, value: report.resultId }));
      const second = client.request<{ items: { kind: string }[] }>('workspace/diagnostic', { identifier: 'ttpLens', previousResultIds });
      const first = await open;
      assert.deepEqual(first, { items: [] }, 'the superseded request ends, its results having been streamed');
      const { items } = await second;
      assert.equal(items.length, previousResultIds.length);
      assert.ok(items.every((item) => item.kind === 'unchanged'));

      // A document pull with the current result id: unchanged too.
      const [uri, report] = [...reports][0];
      const again = await client.request<{ kind: string }>('textDocument/diagnostic', { textDocument: { uri }, previousResultId: report.resultId });
      assert.equal(again.kind, 'unchanged');
    } finally {
      await client.stop();
    }
  });

  test('each file opened in an editor gets the same diagnostics', async () => {
    const client = await LspTestClient.start({ initializationOptions: { attack: { stixPath: BUNDLE_18 } } });
    try {
      await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
      const opened = new Map<string, Diagnostic[]>();
      for (const file of expected.keys()) {
        const uri = fileUri(file);
        const published = client.next<{ uri: string; diagnostics: Diagnostic[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri);
        await client.open(uri, readFileSync(file, 'utf8'));
        opened.set(file, (await published).diagnostics);
        await client.close(uri);
      }
      compare(expected, (file) => opened.get(file));
    } finally {
      await client.stop();
    }
  });
});

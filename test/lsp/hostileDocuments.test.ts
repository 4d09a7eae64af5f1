// Hostile documents over stdio (v18.1), with a client that resolves code actions as VS Code does: a
// Sigma rule with 100,000 tags gets a capped diagnostics list that says so, hovers and links work,
// the light bulb offers "fix all" without computing it, and resolving it fixes every finding. How
// fast: bench/hostile.mjs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, Diagnostic, DocumentLink, TextEdit } from 'vscode-languageserver-types';
import type { CorpusStatus } from '../../server/src/protocol';
import { applyEdits } from '../support/edits';
import { LspTestClient } from '../support/lspClient';
import { BUNDLE_18, needsShared, requireShared } from '../support/paths';

const HEADER = "title: Many Tags\nid: 2f0c6a3e-1b7d-4e5f-9a8b-0c1d2e3f4a5b\nstatus: test\nlogsource:\n  category: process_creation\n  product: windows\ndetection:\n  selection:\n    Image|endswith: '\\powershell.exe'\n  condition: selection\nlevel: medium\ntags:\n";
const TAGS = ['attack.execution', 'attack.t1059.001', 'attack.t1003', 'attack.t9999', 'attack.defense-evasion', 'attack.t1218.011', 'attack.t1112', 'attack.persistence', 'attack.t1547.001', 'attack.T1566'];
const COUNT = 100_000;
const TEXT = HEADER + Array.from({ length: COUNT }, (_, i) => `  - ${TAGS[i % TAGS.length]}\n`).join('');
const FIRST_TAG_LINE = HEADER.split('\n').length - 1;

describe('lsp: a Sigma rule with 100,000 tags', needsShared, () => {
  let client: LspTestClient;
  const uri = 'untitled:many_tags.yml';
  let diagnostics: Diagnostic[] = [];

  before(async () => {
    client = await LspTestClient.start({
      initializationOptions: { attack: { stixPath: requireShared(BUNDLE_18) } },
      textDocumentCapabilities: { codeAction: { resolveSupport: { properties: ['edit'] } } },
    });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    await client.open(uri, TEXT);
    diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
  });
  after(() => client.stop());

  test('diagnostics: 1,000 listed, the errors first, and one that says how many more there are', () => {
    assert.equal(diagnostics.length, 1001);
    const notice = diagnostics.at(-1)!;
    assert.equal(notice.code, 'ttp.capped');
    assert.match(String(notice.message), /^TTP Lens lists 1,000 of this file's [\d,]+ findings, the most severe first; [\d,]+ more are not listed \(.*\d ttp\.duplicate.*\), the first of them here\./);
    // 10,000 attack.t9999 typos are errors: the listed 1,000 are all errors.
    assert.ok(diagnostics.slice(0, -1).every((d) => d.code === 'ttp.unknown-id' && d.severity === 1));
  });

  test('hover answers at the last tag', async () => {
    const line = FIRST_TAG_LINE + COUNT - 1;
    const hover = await client.hover(uri, { line, character: 6 });
    assert.ok(hover, 'a hover');
    assert.match(hover.contents.value, /T1566 · Phishing/);
  });

  test('document links: capped at 1,000', async () => {
    const links = await client.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri } });
    assert.equal(links.length, 1000);
  });

  test('the light bulb offers "fix all" without its edit; resolving it fixes every finding', async () => {
    const range = { start: { line: FIRST_TAG_LINE + TAGS.length, character: 4 }, end: { line: FIRST_TAG_LINE + TAGS.length, character: 4 } };
    const duplicate = { range: { start: range.start, end: { line: range.start.line, character: 20 } }, code: 'ttp.duplicate', source: 'TTP Lens', message: '', data: { deletion: { start: range.start, end: { line: range.start.line, character: 20 } }, autoFix: true } };
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [duplicate] } });
    const perCode = actions.find((a) => a.title.startsWith('Fix all duplicate references'));
    assert.ok(perCode, actions.map((a) => a.title).join('\n'));
    assert.equal(perCode.title, `Fix all duplicate references in this file (${(COUNT - TAGS.length).toLocaleString('en-US')})`);
    assert.equal(perCode.edit, undefined, 'not computed for the light bulb');
    const resolved = await client.request<CodeAction>('codeAction/resolve', perCode);
    const edits = (resolved.edit!.documentChanges![0] as { edits: TextEdit[] }).edits;
    assert.equal(edits.length, COUNT - TAGS.length);
    assert.equal(applyEdits(TEXT, edits), HEADER + TAGS.map((t) => `  - ${t}\n`).join(''));
  });
});

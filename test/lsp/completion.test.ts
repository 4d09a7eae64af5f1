// Completion over stdio in every context: Sigma tags (IDs, names, tactics, sub-techniques after a
// dot), bare IDs in prose, with documentation on resolve and log-source-aware ranking.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CompletionItem, CompletionList } from 'vscode-languageserver-types';
import type { CorpusStatus } from '../../server/src/protocol';
import { applyEdits } from '../support/edits';
import { LspTestClient, positionOf } from '../support/lspClient';
import { BUNDLE_18 } from '../support/paths';

const SIGMA = (tagLine: string) =>
  `title: Test\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        Image|endswith: '\\\\x.exe'\n    condition: selection\ntags:\n    - attack.execution\n    - ${tagLine}\n`;

describe('lsp: completion', () => {
  let client: LspTestClient;
  let counter = 0;

  async function completeAt(text: string, needle: string, languageId = 'yaml', extension = 'yml'): Promise<{ list: CompletionList; uri: string }> {
    const uri = `untitled:completion-${++counter}.${extension}`;
    await client.open(uri, text, languageId);
    const position = positionOf(text, needle, needle.length);
    const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position });
    return { list, uri };
  }

  before(async () => {
    client = await LspTestClient.start({ initializationOptions: { attack: { stixPath: BUNDLE_18 } } });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
  });
  after(() => client.stop());

  test('advertises completion with "." as a trigger and resolve', () => {
    const provider = client.initializeResult!.capabilities.completionProvider!;
    assert.ok(provider.triggerCharacters?.includes('.'));
    assert.equal(provider.resolveProvider, true);
  });

  test('Sigma: attack.t155 offers attack.t1559 and its sub-techniques, replacing the typed tag', async () => {
    const text = SIGMA('attack.t155');
    const { list } = await completeAt(text, 'attack.t155');
    const labels = list.items.map((i) => i.label);
    assert.ok(labels.includes('attack.t1559'), labels.slice(0, 20).join(' '));
    assert.ok(labels.includes('attack.t1559.001'));
    const t1559 = list.items.find((i) => i.label === 'attack.t1559')!;
    assert.equal(t1559.labelDetails?.detail, ' Inter-Process Communication');
    const edit = t1559.textEdit as { range: { start: { line: number; character: number }; end: unknown }; newText: string };
    assert.equal(applyEdits(text, [edit as never]), SIGMA('attack.t1559'));
  });

  test('Sigma: sub-techniques after the parent and a dot', async () => {
    const { list } = await completeAt(SIGMA('attack.t1059.'), 'attack.t1059.');
    assert.deepEqual(list.items.slice(0, 3).map((i) => i.label), ['attack.t1059.001', 'attack.t1059.002', 'attack.t1059.003']);
  });

  test('Sigma: typing a name ("powers") offers PowerShell as a tag', async () => {
    const { list } = await completeAt(SIGMA('attack.powers'), 'attack.powers');
    assert.equal(list.items[0].label, 'attack.t1059.001');
    assert.ok(list.items[0].filterText?.includes('PowerShell'));
  });

  test('Sigma: tactic names after attack.', async () => {
    const { list } = await completeAt(SIGMA('attack.exe'), 'attack.exe');
    assert.ok(list.items.some((i) => i.label === 'attack.execution'));
    const { list: all } = await completeAt(SIGMA('attack.'), 'attack.');
    assert.ok(all.items.some((i) => i.label === 'attack.defense-evasion'));
  });

  test('labels fit the suggest widget: the ID first, a short name and tactic beside it, the rest in detail', async () => {
    const { list } = await completeAt(SIGMA('attack.t1068'), 'attack.t1068');
    const item = list.items.find((i) => i.label === 'attack.t1068')!;
    assert.equal(item.labelDetails?.detail, ' Exploitation for Privilege…');
    assert.ok((item.labelDetails?.description ?? '').length <= 48, item.labelDetails?.description);
    assert.match(item.detail!, /^T1068 Exploitation for Privilege Escalation — Privilege Escalation/);
    for (const i of list.items) assert.ok(i.label.length + (i.labelDetails?.detail?.length ?? 0) <= 50, `${i.label}${i.labelDetails?.detail}`);
  });

  test('ranking: techniques the rule\'s log source can observe come first; only those it cannot are marked', async () => {
    const { list } = await completeAt(SIGMA('attack.t10'), 'attack.t10');
    const sorted = [...list.items].sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1)).filter((i) => i.sortText!.startsWith('0')); // techniques (sub-techniques are listed after them)
    const marked = (i: CompletionItem) => /not observable by this log source/.test(i.labelDetails?.description ?? '');
    const firstMarked = sorted.findIndex(marked);
    assert.ok(firstMarked > 0, 'process_creation observes some T10xx techniques and not others');
    assert.ok(sorted.slice(firstMarked).every(marked), 'what it cannot observe comes after what it can');
    assert.ok(!list.items.some((i) => /· observable by/.test(i.labelDetails?.description ?? '')), 'the observable majority is not marked');
  });

  test('each item carries its documentation on resolve', async () => {
    const { list } = await completeAt(SIGMA('attack.t1559'), 'attack.t1559');
    const item = list.items.find((i) => i.label === 'attack.t1559')!;
    const resolved = await client.request<CompletionItem>('completionItem/resolve', item);
    const documentation = resolved.documentation as { kind: string; value: string };
    assert.equal(documentation.kind, 'markdown');
    assert.match(documentation.value, /T1559 · Inter-Process Communication/);
    assert.match(documentation.value, /Tactics: Execution/);
  });

  test('prose (Markdown): a bare ID being typed', async () => {
    const text = '# Notes\n\nThis rule covers T155 and more.\n';
    const { list } = await completeAt(text, 'covers T155', 'markdown', 'md');
    const labels = list.items.map((i) => i.label);
    assert.ok(labels.includes('T1559'));
    assert.ok(labels.includes('T1559.001'));
  });

  test('no completion outside an ATT&CK position', async () => {
    const text = SIGMA('attack.t1059');
    const { list } = await completeAt(text, '    condition: sel');
    assert.equal(list, null);
  });
});

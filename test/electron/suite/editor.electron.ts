// The e2e checks inside the extension host, through VS Code's own provider APIs: the real extension
// and the real language server. Run by @vscode/test-electron (npm run test:electron) and, in
// code-server's extension host, by the e2e layer of npm test.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const WORKSPACE = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'workspace');

/** Polls until `read` gives a value `done` accepts (the server answers empty until the corpus is loaded). */
async function until<T>(read: () => Thenable<T> | T, done: (value: T) => boolean, what: string, timeoutMs = 60000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const hoverText = (hovers: vscode.Hover[] | undefined) => (hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');

const SIGMA = (tags: string) =>
  `title: Electron check\nlogsource:\n  category: process_creation\n  product: windows\ndetection:\n  selection:\n    Image|endswith: '\\\\cmd.exe'\n  condition: selection\ntags:\n${tags}`;

describe('TTP Lens in the extension host', () => {
  before(async () => {
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'ttp-lens');
    assert.ok(extension, 'the extension is installed');
    await extension.activate();
  });

  it('shows the ATT&CK hover on attack.t1559.001', async () => {
    const uri = vscode.Uri.file(path.join(WORKSPACE, 'rules', 'com_hijack_dde.yml'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const position = document.positionAt(document.getText().indexOf('attack.t1559.001') + 10);
    const text = await until(
      async () => hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)),
      (t) => /Component Object Model/.test(t),
      'the hover',
    );
    assert.match(text, /T1559\.001 · Component Object Model/);
    assert.match(text, /Tactics: Execution/);
  });

  it('completes attack.t1559 after attack.t155', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: SIGMA('  - attack.execution\n  - attack.t155\n') });
    await vscode.window.showTextDocument(document);
    const text = document.getText();
    const position = document.positionAt(text.indexOf('attack.t155') + 'attack.t155'.length);
    const list = await until(
      () => vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position),
      (l) => l.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'attack.t1559'),
      'attack.t1559 in the completion list',
    );
    assert.ok(list.items.length > 1);
  });

  it('reports a revoked tag and its quick-fix replaces it with the successor', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: SIGMA('  - attack.defense-evasion\n  - attack.t1574.002\n') });
    await vscode.window.showTextDocument(document);
    const revoked = await until(
      () => vscode.languages.getDiagnostics(document.uri).find((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'ttp.revoked'),
      (d) => d !== undefined,
      'the ttp.revoked diagnostic',
    );
    assert.match(revoked!.message, /T1574\.001/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, revoked!.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => /Replace with attack\.t1574\.001/.test(a.title));
    assert.ok(fix?.edit, actions.map((a) => a.title).join(', '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(document.getText(), /- attack\.t1574\.001\n/);
    assert.doesNotMatch(document.getText(), /t1574\.002/);
  });
});

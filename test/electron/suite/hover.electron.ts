// The e2e hover check, inside the extension host: the real extension, the real language server,
// queried through VS Code's own hover provider API.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const WORKSPACE = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'workspace');

async function hoverText(uri: vscode.Uri, position: vscode.Position, expected: RegExp): Promise<string> {
  // The server answers null until the corpus is loaded: poll the provider, bounded.
  const deadline = Date.now() + 60000;
  for (;;) {
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    if (expected.test(text) || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('electron: TTP Lens in the extension host', () => {
  it('activates and shows the ATT&CK hover on attack.t1559.001', async () => {
    const uri = vscode.Uri.file(path.join(WORKSPACE, 'rules', 'com_hijack_dde.yml'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'ttp-lens');
    assert.ok(extension, 'extension installed');
    await extension.activate();
    const offset = document.getText().indexOf('attack.t1559.001') + 10;
    const text = await hoverText(uri, document.positionAt(offset), /Component Object Model/);
    assert.match(text, /T1559\.001 · Component Object Model/);
    assert.match(text, /Tactics: Execution/);
  });
});

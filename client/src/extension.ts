// Activation: build the pieces, hand every Disposable to the context, start the language client.
// No ATT&CK logic lives in the client: it asks the server (see server/src/protocol.ts).
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { CorpusStatusView } from './corpusStatusView';
import { createLanguageClient } from './languageClient';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('TTP Lens', { log: true });
  context.subscriptions.push(output);
  const client = createLanguageClient(context, output);
  const statusView = new CorpusStatusView(client, output);
  context.subscriptions.push(statusView, ...registerCommands(client, output));
  context.subscriptions.push({ dispose: () => void client.stop() });
  await client.start();
  statusView.listen();
}

export function deactivate(): void {
  // The client is stopped through context.subscriptions.
}

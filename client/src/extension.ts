// Activation: build the pieces, hand every Disposable to the context, start the language client.
// No ATT&CK logic lives in the client: it asks the server (see server/src/protocol.ts).
import * as vscode from 'vscode';
import { CoverageFilterNotification, IndexChangedNotification } from '../../server/src/protocol';
import { newRuleForTechnique, registerCommands } from './commands';
import { CoverageFilterState, registerFilterCommands } from './coverageFilter';
import { CoverageStatusBar } from './coverageStatusBar';
import { CoverageTreeProvider } from './coverageTree';
import { CorpusStatusView } from './corpusStatusView';
import { createLanguageClient } from './languageClient';
import { registerReleaseCommands } from './releaseCommands';
import { TechniquePanels } from './techniquePanel';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('TTP Lens', { log: true });
  const client = createLanguageClient(context, output);
  const filter = new CoverageFilterState(context.workspaceState);
  const tree = new CoverageTreeProvider(client, filter);
  const treeView = vscode.window.createTreeView('ttpLens.coverage', { treeDataProvider: tree, showCollapseAll: true });
  const statusBar = new CoverageStatusBar(client, filter);
  const panels = new TechniquePanels(client, (id, component) => newRuleForTechnique(client, id, component), () => filter.value);
  const corpusStatus = new CorpusStatusView(client, output);
  context.subscriptions.push(output, filter, tree, treeView, statusBar, panels, corpusStatus);
  context.subscriptions.push(
    ...registerCommands(client, output, (id, section) => panels.show(id, true, section), () => filter.value),
    ...registerFilterCommands(filter, () => tree.current?.choices),
    ...registerReleaseCommands(client, output),
  );
  context.subscriptions.push({ dispose: () => void client.stop() });

  const refreshViews = () => {
    tree.refresh();
    void statusBar.refresh();
    void panels.refreshAll();
  };
  // The server keeps the filter too, so hovers and exports count what the views count.
  const sendFilter = () => void client.sendNotification(CoverageFilterNotification.type, { filter: filter.value });
  filter.onDidChange(() => {
    treeView.description = filter.describe();
    sendFilter();
    refreshViews();
  });
  treeView.description = filter.describe();

  await client.start();
  sendFilter();
  corpusStatus.listen();
  context.subscriptions.push(
    client.onNotification(IndexChangedNotification.type, refreshViews),
    corpusStatus.onDidChangeStatus((status) => {
      if (status.state !== 'loading') refreshViews();
    }),
  );
  refreshViews();
}

export function deactivate(): void {
  // The client is stopped through context.subscriptions.
}

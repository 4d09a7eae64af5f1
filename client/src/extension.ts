// Activation: build the pieces, hand every Disposable to the context, start the language client.
// No ATT&CK logic lives in the client: it asks the server (see server/src/protocol.ts).
import vscode = require('vscode');
import languageclient = require('vscode-languageclient/node');
import { CoverageFilterNotification, IndexChangedNotification } from '../../server/src/protocol';
import { newRuleForTechnique, registerCommands } from './commands';
import { CoverageFilterState, registerFilterCommands } from './coverageFilter';
import { CoverageStatusBar } from './coverageStatusBar';
import { CoverageTreeProvider } from './coverageTree';
import { CorpusStatusView } from './corpusStatusView';
import { reportActivationTime } from './activationTime';
import { createLanguageClient } from './languageClient';
import { RESTART_COMMAND } from './serverRecovery';
import { reportRestrictedMode } from './workspaceTrust';
import { registerReleaseCommands } from './releases';
import { registerReleaseChangeCommands } from './releaseCommands';
import { TechniquePanels } from './techniquePanel';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('TTP Lens', { log: true });
  const client = createLanguageClient(context, output);
  // The language client starts first: what the user waits for. The views and commands are made
  // right after, in the same turn, so no message from the server can come before their handlers.
  const started = client.start();
  reportActivationTime(output);
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
    ...registerReleaseCommands(client),
    ...registerReleaseChangeCommands(client, output),
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

  void reportRestrictedMode(output);
  await started;
  sendFilter();
  // After a restart (serverRecovery.ts) the new server knows nothing of the filter or the views.
  context.subscriptions.push(
    client.onDidChangeState(({ newState }) => {
      if (newState !== languageclient.State.Running) return;
      sendFilter();
      refreshViews();
    }),
    vscode.commands.registerCommand(RESTART_COMMAND, () => client.restart()),
  );
  corpusStatus.listen();
  context.subscriptions.push(
    client.onNotification(IndexChangedNotification.type, refreshViews),
    corpusStatus.onDidChangeStatus((status) => {
      // The coverage view's welcome text: loading, or why no bundle is loaded (with its actions).
      void vscode.commands.executeCommand('setContext', 'ttpLens.corpusState', status.state);
      if (status.state !== 'loading') refreshViews();
    }),
  );
  refreshViews();
}

export function deactivate(): void {
  // The client is stopped through context.subscriptions.
}

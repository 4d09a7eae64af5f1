// Commands contributed in package.json (ttpLens.*).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ReloadCorpusRequest } from '../../server/src/protocol';

export const CHOOSE_BUNDLE_COMMAND = 'ttpLens.chooseStixBundle';

export function registerCommands(client: LanguageClient, output: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CHOOSE_BUNDLE_COMMAND, chooseStixBundle),
    vscode.commands.registerCommand('ttpLens.reloadCorpus', async () => {
      await client.sendRequest(ReloadCorpusRequest.type, { verifyContent: true });
    }),
    vscode.commands.registerCommand('ttpLens.showOutput', () => output.show()),
  ];
}

/** Lets the user pick one or more STIX bundles and stores them in ttpLens.attack.stixPath. */
async function chooseStixBundle(): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    openLabel: 'Use as ATT&CK bundle',
    title: 'Choose ATT&CK STIX bundle(s) (enterprise-attack.json, mobile-attack.json, ics-attack.json)',
    filters: { 'STIX bundle': ['json'] },
  });
  if (!picked?.length) return;
  const paths = picked.map((uri) => uri.fsPath);
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('ttpLens').update('attack.stixPath', paths.length === 1 ? paths[0] : paths, target);
}

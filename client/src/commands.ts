// Commands contributed in package.json (ttpLens.*). They gather input and ask the server; the
// answers (search results, templates, layers) come from the server's ATT&CK engine.
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import { CorpusStatusRequest, type CoverageFilter, NavigatorLayerRequest, NewRuleRequest, ReloadCorpusRequest, type RuleRef, SearchRequest } from '../../server/src/protocol';
import { openRule } from './coverageTree';
import { bundleErrorText } from './corpusStatusView';

export const CHOOSE_BUNDLE_COMMAND = 'ttpLens.chooseStixBundle';

/** A technique picker that searches the corpus as the user types; starts from the word at the cursor.
 *  The server ranks (word starts before fuzzy matches) and matches aliases and acronyms: every item is
 *  `alwaysShow`, and VS Code keeps the server's order for items matched by description only. */
export async function pickTechnique(client: LanguageClient, title: string, step?: { step: number; totalSteps: number }): Promise<string | undefined> {
  const status = await client.sendRequest(CorpusStatusRequest.type);
  if (status.state !== 'ready') {
    const message = status.state === 'loading' ? vscode.l10n.t('TTP Lens cannot search techniques yet: the ATT&CK bundle is still loading.') : vscode.l10n.t('TTP Lens cannot search techniques. {0}', status.error ? bundleErrorText(status.error) : vscode.l10n.t('No ATT&CK bundle is loaded.'));
    const choose = vscode.l10n.t('Choose STIX Bundle…');
    const action = await vscode.window.showWarningMessage(message, choose);
    if (action === choose) await vscode.commands.executeCommand(CHOOSE_BUNDLE_COMMAND);
    return undefined;
  }
  const editor = vscode.window.activeTextEditor;
  const wordRange = editor?.document.getWordRangeAtPosition(editor.selection.active, /[\p{L}\p{N}_.]+/u);
  const word = wordRange ? editor!.document.getText(wordRange).replace(/^attack\./i, '') : '';
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { id: string }>();
  pick.title = title;
  if (step) [pick.step, pick.totalSteps] = [step.step, step.totalSteps];
  pick.placeholder = vscode.l10n.t('Technique ID or name, e.g. T1559 or "inter-process"');
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  const search = async (query: string) => {
    pick.busy = true;
    const results = query.trim() ? await client.sendRequest(SearchRequest.type, { query, kinds: ['technique'], limit: 50 }) : [];
    pick.items = results.map((r) => ({ id: r.id, label: r.id, description: r.name, detail: r.detail, alwaysShow: true }));
    pick.busy = false;
  };
  pick.onDidChangeValue((value) => void search(value));
  pick.value = /^t\d/i.test(word) ? word : '';
  void search(pick.value);
  return accepted(pick, (item) => item.id);
}

const formats = () => [
  { label: 'Sigma', format: 'sigma', description: vscode.l10n.t('YAML, log source chosen to observe the technique') },
  { label: 'Splunk ESCU', format: 'splunk', description: vscode.l10n.t('YAML detection') },
  { label: 'Elastic', format: 'elastic', description: vscode.l10n.t('TOML detection rule') },
  { label: 'Microsoft Sentinel', format: 'sentinel', description: vscode.l10n.t('YAML analytic rule') },
  { label: 'MaxPatrol SIEM', format: 'xp', description: 'metainfo.yaml' },
];

/** The second step of "New Rule for Technique…": the rule format, with its own title and placeholder. */
async function pickFormat(techniqueId: string, step?: { step: number; totalSteps: number }): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<ReturnType<typeof formats>[number]>();
  pick.title = vscode.l10n.t('New rule for {0}: format', techniqueId);
  pick.placeholder = vscode.l10n.t('Rule format (Sigma picks a log source that can observe the technique)');
  if (step) [pick.step, pick.totalSteps] = [step.step, step.totalSteps];
  pick.items = formats();
  return accepted(pick, (item) => item.format);
}

/** Shows a quick pick; resolves with the accepted item's value, or undefined when it is dismissed. */
function accepted<T extends vscode.QuickPickItem, R>(pick: vscode.QuickPick<T>, value: (item: T) => R): Promise<R | undefined> {
  pick.show();
  return new Promise((resolve) => {
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0];
      resolve(item ? value(item) : undefined);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
  });
}

/** Opens a new, unsaved rule pre-filled for a technique (as a snippet, so its placeholders are tab stops). */
export async function newRuleForTechnique(client: LanguageClient, techniqueId: string, component?: string, format = 'sigma'): Promise<void> {
  const template = await client.sendRequest(NewRuleRequest.type, { techniqueId, component, format });
  if (!template) {
    void vscode.window.showWarningMessage(`TTP Lens: ${techniqueId} is not a technique in the loaded ATT&CK release.`);
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: template.language, content: '' });
  const editor = await vscode.window.showTextDocument(document);
  await editor.insertSnippet(new vscode.SnippetString(template.snippet), new vscode.Position(0, 0));
  vscode.window.setStatusBarMessage(`TTP Lens: ${template.explanation}`, 10000);
}

export function registerCommands(client: LanguageClient, output: vscode.LogOutputChannel, showTechnique: (id: string, section?: string) => Promise<void>, coverageFilter: () => CoverageFilter): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CHOOSE_BUNDLE_COMMAND, chooseStixBundle),
    vscode.commands.registerCommand('ttpLens.reloadCorpus', async () => {
      await client.sendRequest(ReloadCorpusRequest.type, { verifyContent: true });
    }),
    vscode.commands.registerCommand('ttpLens.showOutput', () => output.show()),
    vscode.commands.registerCommand('ttpLens.openRule', (rule: RuleRef) => openRule(rule)),
    // From the palette, a tree item, or a hover's "show rules" link (["T1059", "rules"]).
    vscode.commands.registerCommand('ttpLens.showTechnique', async (node?: { technique?: { id: string } } | string, section?: unknown) => {
      const id = typeof node === 'string' ? node : (node?.technique?.id ?? (await pickTechnique(client, vscode.l10n.t('Show ATT&CK technique'))));
      if (id) await showTechnique(id, section === 'rules' ? 'rules' : undefined);
    }),
    vscode.commands.registerCommand('ttpLens.newRuleForTechnique', async (node?: { technique?: { id: string } } | string, component?: string, format?: string) => {
      const picked = typeof node === 'string' ? node : node?.technique?.id;
      const steps = (picked ? 0 : 1) + (format ? 0 : 1);
      const id = picked ?? (await pickTechnique(client, vscode.l10n.t('New rule: technique'), steps > 1 ? { step: 1, totalSteps: steps } : undefined));
      if (!id) return;
      const chosen = format ?? (await pickFormat(id, steps > 1 ? { step: 2, totalSteps: steps } : undefined));
      if (chosen) await newRuleForTechnique(client, id, component, chosen);
    }),
    vscode.commands.registerCommand('ttpLens.exportNavigatorLayer', async () => {
      const layer = await client.sendRequest(NavigatorLayerRequest.type, { filter: coverageFilter() });
      if (!layer) return void vscode.window.showWarningMessage(vscode.l10n.t('TTP Lens: no ATT&CK corpus is loaded.'));
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({ title: vscode.l10n.t('Export ATT&CK Navigator layer'), filters: { [vscode.l10n.t('Navigator layer')]: ['json'] }, defaultUri: folder ? vscode.Uri.joinPath(folder, 'ttp-lens-coverage-layer.json') : undefined });
      if (!target) return;
      await vscode.workspace.fs.writeFile(target, Buffer.from(`${JSON.stringify(layer, null, 2)}\n`));
      void vscode.window.showInformationMessage(vscode.l10n.t('TTP Lens: the Navigator layer is written to {0}.', target.fsPath));
    }),
  ];
}

/** Lets the user pick one or more STIX bundles and stores them in ttpLens.attack.stixPath: in the
 *  user settings, unless the user picks this workspace (a path of one machine must not land in a
 *  team's .vscode/settings.json unasked). */
async function chooseStixBundle(): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    openLabel: vscode.l10n.t('Use as ATT&CK bundle'),
    title: vscode.l10n.t('Choose ATT&CK STIX bundle(s) (enterprise-attack.json, mobile-attack.json, ics-attack.json; .json or .json.gz)'),
    filters: { [vscode.l10n.t('STIX bundle')]: ['json', 'gz'] },
  });
  if (!picked?.length) return;
  const paths = picked.map((uri) => uri.fsPath);
  let target = vscode.ConfigurationTarget.Global;
  if (vscode.workspace.workspaceFolders?.length) {
    const choice = await vscode.window.showQuickPick(
      [
        { label: vscode.l10n.t('For me (user settings)'), description: vscode.l10n.t('on this machine, in every workspace'), target: vscode.ConfigurationTarget.Global },
        { label: vscode.l10n.t('For this workspace'), description: vscode.l10n.t('.vscode/settings.json, shared with the team if it is committed'), target: vscode.ConfigurationTarget.Workspace },
      ],
      { title: vscode.l10n.t('TTP Lens: where to store ttpLens.attack.stixPath') },
    );
    if (!choice) return;
    target = choice.target;
  }
  await vscode.workspace.getConfiguration('ttpLens').update('attack.stixPath', paths.length === 1 ? paths[0] : paths, target);
}

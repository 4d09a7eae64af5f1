// "Compare ATT&CK Releases…" and "Upgrade Rules to the Loaded ATT&CK Release…": the user picks
// releases (and decides ambiguous cases); the server computes the report or the WorkspaceEdit; the
// edit is applied through VS Code, whose refactor preview groups it by kind of change.
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import { DiffReleasesRequest, type LocalReleaseInfo, LocalReleasesRequest, MigrationEditRequest, type MigrationQuestion } from '../../server/src/protocol';

export const COMPARE_RELEASES_COMMAND = 'ttpLens.compareReleases';
export const UPGRADE_RULES_COMMAND = 'ttpLens.upgradeRules';

interface ReleaseItem extends vscode.QuickPickItem {
  /** A bundle path; '' for the loaded release. */
  spec?: string;
  browse?: boolean;
}

/** A release: one found locally, the loaded one (when offered), or a bundle file chosen by hand. */
async function pickRelease(client: LanguageClient, title: string, options: { offerLoaded?: boolean; hideInUse?: boolean }): Promise<string | undefined> {
  const releases: LocalReleaseInfo[] = await client.sendRequest(LocalReleasesRequest.type);
  const items: ReleaseItem[] = [];
  if (options.offerLoaded) items.push({ label: vscode.l10n.t('The loaded release'), description: vscode.l10n.t('the bundle TTP Lens uses now'), spec: '' });
  for (const release of releases) {
    if (options.hideInUse && release.inUse) continue;
    items.push({ label: `ATT&CK v${release.version}`, description: `${release.domain}${release.inUse ? ` · ${vscode.l10n.t('loaded')}` : ''}`, detail: release.path, spec: release.path });
  }
  items.push({ label: `$(folder-opened) ${vscode.l10n.t('Browse for a bundle file…')}`, browse: true });
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('An ATT&CK release (STIX bundle)'), matchOnDetail: true, ignoreFocusOut: true });
  if (!picked) return undefined;
  if (!picked.browse) return picked.spec;
  const files = await vscode.window.showOpenDialog({ title, canSelectMany: false, openLabel: vscode.l10n.t('Use this release'), filters: { [vscode.l10n.t('ATT&CK STIX bundle')]: ['json', 'gz'] } });
  return files?.[0]?.fsPath;
}

async function compareReleases(client: LanguageClient): Promise<void> {
  const from = await pickRelease(client, vscode.l10n.t('Compare ATT&CK releases (1/2): the release the rules were written for'), {});
  if (from === undefined) return;
  const to = await pickRelease(client, vscode.l10n.t('Compare ATT&CK releases (2/2): the release to compare with'), { offerLoaded: true });
  if (to === undefined) return;
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('TTP Lens: comparing ATT&CK releases…') }, () =>
    client.sendRequest(DiffReleasesRequest.type, { from, to: to || undefined }),
  );
  if (!result.ok) {
    void vscode.window.showErrorMessage(vscode.l10n.t('TTP Lens: cannot compare the releases: {0}', result.error));
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: result.markdown });
  await vscode.window.showTextDocument(document, { preview: false });
  await vscode.commands.executeCommand('markdown.showPreview', document.uri);
}

/** One quick pick per open question; undefined when the user cancels. An empty choice leaves the case unchanged. */
async function decide(questions: MigrationQuestion[]): Promise<Record<string, string[]> | undefined> {
  const choices: Record<string, string[]> = {};
  for (const [i, question] of questions.entries()) {
    const items: (vscode.QuickPickItem & { value: string[] })[] = question.options.map((o) => ({ label: `${o.id} ${o.name}`, value: [o.id] }));
    if (question.kind === 'successor' && question.options.length > 1) items.push({ label: vscode.l10n.t('All of them'), description: question.options.map((o) => o.id).join(', '), value: question.options.map((o) => o.id) });
    items.push({ label: vscode.l10n.t('Leave unchanged'), description: vscode.l10n.t('decide later in the rule files'), value: [] });
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Upgrade rules: ambiguous case {0} of {1} — {2}, in {3} file(s)', i + 1, questions.length, question.subject.id, question.files),
      placeHolder: question.message,
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    choices[question.key] = picked.value;
  }
  return choices;
}

async function upgradeRules(client: LanguageClient, output: vscode.LogOutputChannel): Promise<void> {
  const from = await pickRelease(client, vscode.l10n.t('Upgrade rules to the loaded ATT&CK release: the release they were written for'), { hideInUse: true });
  if (!from) return;
  const request = (choices: Record<string, string[]>) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('TTP Lens: preparing the upgrade…') }, () => client.sendRequest(MigrationEditRequest.type, { from, choices }));
  let result = await request({});
  if (!result.ok) {
    void vscode.window.showErrorMessage(vscode.l10n.t('TTP Lens: cannot upgrade the rules: {0}', result.error));
    return;
  }
  if (result.questions.length) {
    const choices = await decide(result.questions);
    if (!choices) return;
    if (Object.values(choices).some((v) => v.length)) {
      result = await request(choices);
      if (!result.ok) return void vscode.window.showErrorMessage(vscode.l10n.t('TTP Lens: cannot upgrade the rules: {0}', result.error));
    }
  }
  for (const u of result.unresolved) output.warn(vscode.l10n.t('Upgrade {0} → {1}: {2}:{3}: {4}', result.from, result.to, vscode.Uri.parse(u.uri).fsPath, u.line + 1, u.message));
  const changes = result.edit.documentChanges ?? [];
  if (!changes.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('TTP Lens: nothing to upgrade from {0} to {1}.', result.from, result.to) + (result.unresolved.length ? ` ${vscode.l10n.t('{0} case(s) need a hand: see the output.', result.unresolved.length)}` : ''));
    return;
  }
  // The edits were made for the open documents' versions: an edit typed since then would misplace them.
  for (const change of changes) {
    if (!('textDocument' in change) || change.textDocument.version === null) continue;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === change.textDocument.uri);
    if (open && open.version !== change.textDocument.version) {
      void vscode.window.showWarningMessage(vscode.l10n.t('TTP Lens: {0} changed while the upgrade was prepared; run the upgrade again.', open.uri.fsPath));
      return;
    }
  }
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(result.edit);
  const applied = await vscode.workspace.applyEdit(edit, { isRefactoring: true });
  const total = Object.values(result.counts).reduce((sum, n) => sum + n, 0);
  const open = result.unresolved.length ? ` ${vscode.l10n.t('{0} case(s) need a hand: see the output.', result.unresolved.length)}` : '';
  void vscode.window.showInformationMessage(
    (applied ? vscode.l10n.t('TTP Lens: upgrade {0} → {1}: the chosen changes are applied (of {2} in {3} files); save the files to keep them.', result.from, result.to, total, changes.length) : vscode.l10n.t('TTP Lens: the upgrade was not applied.')) + open,
  );
}

export function registerReleaseChangeCommands(client: LanguageClient, output: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMPARE_RELEASES_COMMAND, () => compareReleases(client)),
    vscode.commands.registerCommand(UPGRADE_RULES_COMMAND, () => upgradeRules(client, output)),
  ];
}

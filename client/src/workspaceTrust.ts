// Restricted Mode: VS Code hides the workspace values of the settings package.json lists as
// restricted (bundle and overlay paths, the release index URL, the log-source table), so the server
// falls back to the packaged ATT&CK data. Say so once, naming the settings, with a way to trust the workspace.
import vscode = require('vscode');

export const RESTRICTED_SETTINGS = ['attack.stixPath', 'attack.overlayPaths', 'attack.releaseIndexUrl', 'logSourceMap'] as const;

/** The restricted settings this workspace sets (ignored while it is not trusted). VS Code hides their
 *  workspace values from `inspect` too in Restricted Mode, so the settings files are read (as text:
 *  reading is harmless; only using the values is not). */
export async function ignoredWorkspaceSettings(): Promise<string[]> {
  if (vscode.workspace.isTrusted) return [];
  const files = [...(vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json'))];
  if (vscode.workspace.workspaceFile?.scheme === 'file') files.push(vscode.workspace.workspaceFile);
  const found = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    } catch {
      continue; // no settings file in this folder
    }
    for (const key of RESTRICTED_SETTINGS) if (text.includes(`"ttpLens.${key}"`)) found.add(`ttpLens.${key}`);
  }
  return [...found];
}

export async function reportRestrictedMode(output: vscode.LogOutputChannel): Promise<void> {
  const ignored = await ignoredWorkspaceSettings();
  if (!ignored.length) return;
  const message = vscode.l10n.t("TTP Lens is in Restricted Mode: it ignores this workspace's {0} and uses its packaged ATT&CK data; hover, completion and checks still work. Trust the workspace to use the workspace settings.", ignored.join(', '));
  output.warn(message);
  const manage = vscode.l10n.t('Manage Workspace Trust');
  void vscode.window.showInformationMessage(message, manage).then((action) => {
    if (action === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
}

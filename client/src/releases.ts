// The ATT&CK release commands: "Switch ATT&CK Release…" (the status-bar item) and "Download ATT&CK
// Release…". They show what the server lists and send the user's choice back; which releases exist,
// what is in use, and the download itself are the server's business.
import { randomUUID } from 'node:crypto';
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import languageclient = require('vscode-languageclient/node');
import {
  DownloadReleaseRequest,
  ListReleasesRequest,
  type ReleaseChoice,
  type ReleaseEntry,
  type RemoteRelease,
  RemoteReleasesRequest,
  UseReleaseRequest,
} from '../../server/src/protocol';

import { CHOOSE_BUNDLE_COMMAND } from './commands';

export const SWITCH_RELEASE_COMMAND = 'ttpLens.switchRelease';
export const DOWNLOAD_RELEASE_COMMAND = 'ttpLens.downloadRelease';

export function registerReleaseCommands(client: LanguageClient): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(SWITCH_RELEASE_COMMAND, () => switchRelease(client)),
    vscode.commands.registerCommand(DOWNLOAD_RELEASE_COMMAND, () => downloadRelease(client)),
  ];
}

type ReleaseItem = vscode.QuickPickItem & { entry?: ReleaseEntry; action?: 'download' | 'choose' };

const SOURCE_LABELS: Record<ReleaseEntry['source'], () => string> = {
  embedded: () => vscode.l10n.t('embedded in TTP Lens'),
  downloaded: () => vscode.l10n.t('downloaded'),
  configured: () => vscode.l10n.t('configured path'),
};

/** The status-bar picker: the releases available without a download, and the ways to get others. */
export async function switchRelease(client: LanguageClient): Promise<void> {
  const list = await client.sendRequest(ListReleasesRequest.type);
  const items: ReleaseItem[] = list.releases.map((entry) => ({
    label: `${entry.active ? '$(check) ' : ''}${entry.label}`,
    description: entry.active ? vscode.l10n.t('{0} · in use', SOURCE_LABELS[entry.source]()) : SOURCE_LABELS[entry.source](),
    detail: entry.paths.join(', '),
    entry,
  }));
  items.push(
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: `$(cloud-download) ${vscode.l10n.t('Download ATT&CK Release…')}`, description: list.indexUrl, action: 'download' },
    { label: `$(folder-opened) ${vscode.l10n.t('Choose STIX Bundle File…')}`, action: 'choose' },
  );
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('TTP Lens: ATT&CK release'),
    placeHolder: list.overriddenBy ? vscode.l10n.t('{0} decides the bundles now; choosing a release offers to remove it', list.overriddenBy) : vscode.l10n.t('Choose the ATT&CK release TTP Lens uses'),
    matchOnDetail: true,
  });
  if (!picked) return;
  if (picked.action === 'download') return vscode.commands.executeCommand(DOWNLOAD_RELEASE_COMMAND);
  if (picked.action === 'choose') return vscode.commands.executeCommand(CHOOSE_BUNDLE_COMMAND);
  if (!picked.entry?.choice || picked.entry.active) return;
  await useRelease(client, picked.entry.choice, picked.entry.label);
}

async function useRelease(client: LanguageClient, choice: ReleaseChoice, label: string): Promise<void> {
  const result = await client.sendRequest(UseReleaseRequest.type, choice);
  if (!result.ok) {
    void vscode.window.showErrorMessage(vscode.l10n.t('TTP Lens: {0}.', result.message ?? ''));
    return;
  }
  if (result.overriddenBy) await offerToRemoveOverride(result.overriddenBy, label);
  else vscode.window.setStatusBarMessage(vscode.l10n.t('TTP Lens: using {0}', result.status.versionLabel ?? label), 5000);
}

/** A configured path decides over any release: say so, and offer to remove the setting (the user's
 *  own, or the workspace's when that is where it is). TTPLENS_STIX can only be unset outside. */
async function offerToRemoveOverride(overriddenBy: string, label: string): Promise<void> {
  if (overriddenBy === 'TTPLENS_STIX') {
    void vscode.window.showWarningMessage(vscode.l10n.t('TTP Lens: the environment variable TTPLENS_STIX decides the ATT&CK bundles, so {0} is used once it is unset (restart VS Code without it).', label));
    return;
  }
  const configuration = vscode.workspace.getConfiguration('ttpLens');
  const inspected = configuration.inspect<unknown>('attack.stixPath');
  const scopes: [vscode.ConfigurationTarget, string][] = [];
  if (inspected?.globalValue != null) scopes.push([vscode.ConfigurationTarget.Global, vscode.l10n.t('user settings')]);
  if (inspected?.workspaceValue != null) scopes.push([vscode.ConfigurationTarget.Workspace, vscode.l10n.t('workspace settings')]);
  if (inspected?.workspaceFolderValue != null) scopes.push([vscode.ConfigurationTarget.WorkspaceFolder, vscode.l10n.t('folder settings')]);
  if (!scopes.length) return;
  const remove = vscode.l10n.t('Remove the Setting');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('TTP Lens: ttpLens.attack.stixPath ({0}) decides the ATT&CK bundles. Remove it to use {1}?', scopes.map(([, name]) => name).join(', '), label),
    remove,
  );
  if (answer !== remove) return;
  for (const [target] of scopes) await configuration.update('attack.stixPath', undefined, target);
}

type RemoteItem = vscode.QuickPickItem & { release: RemoteRelease };

/** Reads the release index, lets the user pick a version (and domains), downloads with progress. */
export async function downloadRelease(client: LanguageClient): Promise<void> {
  const remote = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('TTP Lens: reading the ATT&CK release index…') }, () =>
    client.sendRequest(RemoteReleasesRequest.type),
  );
  if (!remote.ok) {
    void vscode.window.showErrorMessage(vscode.l10n.t('TTP Lens: {0}.', remote.message));
    return;
  }
  const items: RemoteItem[] = remote.releases.map((release) => ({
    label: `v${release.version}`,
    description: [release.modified?.slice(0, 10), release.domains.join(', ')].filter(Boolean).join(' · '),
    detail: release.downloaded.length ? vscode.l10n.t('downloaded: {0}', release.downloaded.join(', ')) : undefined,
    release,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('TTP Lens: download an ATT&CK release'),
    placeHolder: vscode.l10n.t('In use: {0} · index: {1}', remote.loaded.join(', ') || '—', remote.indexUrl),
  });
  if (!picked) return;
  const { version, domains: available } = picked.release;
  let domains = available.filter((d) => remote.loaded.some((l) => l.startsWith(`${d} `)));
  if (!domains.length) domains = available.includes('enterprise') ? ['enterprise'] : available.slice(0, 1);
  if (available.length > 1) {
    const chosen = await vscode.window.showQuickPick(
      available.map((domain) => ({ label: domain, picked: domains.includes(domain) })),
      { title: vscode.l10n.t('TTP Lens: ATT&CK v{0}: domains to download', version), canPickMany: true },
    );
    if (!chosen?.length) return;
    domains = chosen.map((item) => item.label);
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('TTP Lens: downloading ATT&CK v{0} ({1})', version, domains.join(', ')), cancellable: true },
    async (progress, token) => {
      const workDoneToken = randomUUID();
      let done = 0;
      const listener = client.onProgress(languageclient.WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind === 'end') return;
        const percentage = value.percentage ?? done;
        progress.report({ message: value.message, increment: Math.max(0, percentage - done) });
        done = Math.max(done, percentage);
      });
      try {
        return await client.sendRequest(DownloadReleaseRequest.type, { version, domains, workDoneToken }, token);
      } catch (error) {
        if (token.isCancellationRequested) return undefined; // the user pressed Cancel
        throw error;
      } finally {
        listener.dispose();
      }
    },
  );
  if (!result || (!result.ok && result.cancelled)) {
    vscode.window.setStatusBarMessage(vscode.l10n.t('TTP Lens: download cancelled; nothing was changed'), 5000);
    return;
  }
  if (!result.ok) {
    void vscode.window.showErrorMessage(vscode.l10n.t('TTP Lens: {0}.', result.message));
    return;
  }
  const label = vscode.l10n.t('ATT&CK v{0} ({1})', version, domains.join(', '));
  if (result.overriddenBy) {
    await offerToRemoveOverride(result.overriddenBy, label);
    return;
  }
  void vscode.window.showInformationMessage(
    vscode.l10n.t('TTP Lens: {0} is downloaded and in use; the previous release ({1}) is kept — switch back from the ATT&CK item in the status bar.', label, result.previous ?? '—'),
  );
}

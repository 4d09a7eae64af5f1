// Shows the corpus status: a status-bar item with the loaded ATT&CK version (a click opens the
// release picker), and one notification per distinct load failure, naming the file and the
// problem, with a way to fix it.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { type CorpusStatus, CorpusStatusNotification, CorpusStatusRequest } from '../../server/src/protocol';
import { CHOOSE_BUNDLE_COMMAND } from './commands';
import { SWITCH_RELEASE_COMMAND } from './releases';

export class CorpusStatusView implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ttpLens.corpus', vscode.StatusBarAlignment.Right, 100);
  private lastError: string | undefined;
  private lastWarnings: string | undefined;
  private readonly statusChanged = new vscode.EventEmitter<CorpusStatus>();
  /** The server's corpus status (one notification handler per method: others subscribe here). */
  readonly onDidChangeStatus = this.statusChanged.event;
  private readonly disposables: vscode.Disposable[] = [this.item, this.statusChanged];

  constructor(
    private readonly client: LanguageClient,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.item.name = 'TTP Lens: ATT&CK corpus';
    this.show({ state: 'loading' });
  }

  listen(): void {
    this.disposables.push(this.client.onNotification(CorpusStatusNotification.type, (status) => this.show(status)));
    // The first status may have been sent before this listener existed.
    void this.client.sendRequest(CorpusStatusRequest.type).then((status) => this.show(status));
  }

  private show(status: CorpusStatus): void {
    this.statusChanged.fire(status);
    switch (status.state) {
      case 'loading':
        this.item.text = '$(loading~spin) ATT&CK';
        this.item.tooltip = 'TTP Lens is loading the ATT&CK corpus…';
        this.item.command = undefined;
        break;
      case 'ready':
        this.item.text = `$(shield) ${status.versionLabel}`;
        this.item.tooltip = vscode.l10n.t('TTP Lens: {0} from {1} ({2}). Click to switch releases or download a newer one.', status.versionLabel ?? '', status.bundles?.map((b) => b.path).join(', ') ?? '', status.from ?? '');
        this.item.command = SWITCH_RELEASE_COMMAND;
        // A reload that failed while a good corpus stays in use: said once, the corpus unchanged.
        if (status.error) this.reportKept(status);
        else this.lastError = undefined;
        this.reportWarnings(status);
        break;
      case 'failed':
        this.item.text = '$(error) ATT&CK';
        this.item.tooltip = `TTP Lens: ${status.error?.file} ${status.error?.problem}`;
        this.item.command = SWITCH_RELEASE_COMMAND;
        this.reportFailure(status);
        break;
    }
    this.item.show();
  }

  private reportFailure(status: CorpusStatus): void {
    const error = status.error;
    if (!error) return;
    const key = `${error.file}\u0000${error.problem}`;
    if (key === this.lastError) return;
    this.lastError = key;
    const where = error.file === '(none)' ? '' : `${error.file} `;
    const choose = 'Choose STIX bundle…';
    const settings = 'Open Settings';
    void vscode.window.showErrorMessage(`TTP Lens: ATT&CK bundle ${where}${error.problem}.`, choose, settings).then((action) => {
      if (action === choose) void vscode.commands.executeCommand(CHOOSE_BUNDLE_COMMAND);
      if (action === settings) void vscode.commands.executeCommand('workbench.action.openSettings', 'ttpLens.attack.stixPath');
    });
  }

  private reportKept(status: CorpusStatus): void {
    const error = status.error!;
    const key = `${error.file}\u0000${error.problem}`;
    if (key === this.lastError) return;
    this.lastError = key;
    const output = 'Show Output';
    void vscode.window
      .showWarningMessage(`TTP Lens could not load the ATT&CK bundle ${error.file}: it ${error.problem}. TTP Lens keeps using ${status.versionLabel} until a bundle loads.`, output)
      .then((action) => action === output && this.output.show());
  }

  private reportWarnings(status: CorpusStatus): void {
    const warnings = status.warnings ?? [];
    const key = JSON.stringify(warnings);
    if (!warnings.length || key === this.lastWarnings) return;
    this.lastWarnings = key;
    for (const warning of warnings) this.output.warn(`${warning.file}: ${warning.problem}`);
    const show = 'Show Details';
    void vscode.window
      .showWarningMessage(`TTP Lens: ${warnings.length} problem${warnings.length > 1 ? 's' : ''} in the ATT&CK bundle(s): ${warnings[0].problem}`, show)
      .then((action) => action === show && this.output.show());
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

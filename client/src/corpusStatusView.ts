// Shows the corpus status: a status-bar item with the loaded ATT&CK version (a click opens the
// release picker), and one notification per distinct load failure, naming the file and the
// problem, with a way to fix it.
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import { type CorpusStatus, CorpusStatusNotification, CorpusStatusRequest } from '../../server/src/protocol';
import { CHOOSE_BUNDLE_COMMAND } from './commands';
import { SWITCH_RELEASE_COMMAND } from './releases';

/** One sentence naming the bundle (or, when no file is involved, what is configured) and the problem:
 *  the server's problems follow the file name ("does not exist", "is not valid JSON …"). */
export function bundleErrorText(error: { file: string; problem: string }): string {
  const problem = error.problem.replace(/\.$/, '');
  if (error.file === '(none)' || error.file === '(no file)') return vscode.l10n.t('No ATT&CK bundle can be loaded: {0}.', problem);
  return vscode.l10n.t('The ATT&CK bundle {0} {1}.', error.file, problem);
}

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
    this.item.name = vscode.l10n.t('TTP Lens: ATT&CK corpus');
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
        this.item.tooltip = vscode.l10n.t('TTP Lens is loading the ATT&CK corpus…');
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
        this.item.tooltip = status.error ? `TTP Lens: ${bundleErrorText(status.error)}` : 'TTP Lens';
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
    const choose = vscode.l10n.t('Choose STIX Bundle…');
    const settings = vscode.l10n.t('Open Settings');
    void vscode.window.showErrorMessage(`TTP Lens: ${bundleErrorText(error)}`, choose, settings).then((action) => {
      if (action === choose) void vscode.commands.executeCommand(CHOOSE_BUNDLE_COMMAND);
      if (action === settings) void vscode.commands.executeCommand('workbench.action.openSettings', 'ttpLens.attack.stixPath');
    });
  }

  private reportKept(status: CorpusStatus): void {
    const error = status.error!;
    const key = `${error.file}\u0000${error.problem}`;
    if (key === this.lastError) return;
    this.lastError = key;
    const output = vscode.l10n.t('Show Output');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('TTP Lens could not load a new ATT&CK bundle and keeps using {0} until one loads. {1}', status.versionLabel ?? '', bundleErrorText(error)), output)
      .then((action) => action === output && this.output.show());
  }

  private reportWarnings(status: CorpusStatus): void {
    const warnings = status.warnings ?? [];
    const key = JSON.stringify(warnings);
    if (!warnings.length || key === this.lastWarnings) return;
    this.lastWarnings = key;
    for (const warning of warnings) this.output.warn(`${warning.file}: ${warning.problem}`);
    const show = vscode.l10n.t('Show Details');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('TTP Lens found problems in the ATT&CK bundles ({0}); the first: {1}', warnings.length, warnings[0].problem), show)
      .then((action) => action === show && this.output.show());
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

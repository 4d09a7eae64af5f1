// When the language server process dies (killed, out of memory, a crash), the client restarts it —
// at most MAX_RESTARTS times in WINDOW_MS — and tells the user once per session; past the limit it
// stops trying and says how to restart by hand. vscode-languageclient re-opens the documents and
// re-registers our handlers on restart; extension.ts re-sends the coverage filter and refreshes.
import vscode = require('vscode');
import type { CloseHandlerResult, ErrorHandler, ErrorHandlerResult, Message } from 'vscode-languageclient/node';
import languageclient = require('vscode-languageclient/node');

export const MAX_RESTARTS = 4;
export const WINDOW_MS = 3 * 60 * 1000;
export const RESTART_COMMAND = 'ttpLens.restartServer';

export class ServerRecovery implements ErrorHandler {
  private restarts: number[] = [];
  private told = false;

  constructor(private readonly output: vscode.LogOutputChannel) {}

  error(_error: Error, _message: Message | undefined, count: number | undefined): ErrorHandlerResult {
    // A few write/read errors on a live connection are survivable; more mean the server is gone.
    return { action: count !== undefined && count <= 3 ? languageclient.ErrorAction.Continue : languageclient.ErrorAction.Shutdown, handled: true };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.restarts = [...this.restarts.filter((t) => now - t < WINDOW_MS), now];
    if (this.restarts.length > MAX_RESTARTS) {
      return {
        action: languageclient.CloseAction.DoNotRestart,
        message: vscode.l10n.t('TTP Lens: the language server stopped {0} times in 3 minutes and is not restarted again, so ATT&CK hover, completion and checks are off. See the TTP Lens output, then run "TTP Lens: Restart Language Server".', this.restarts.length),
      };
    }
    this.output.warn(vscode.l10n.t('The language server stopped unexpectedly; restarting it ({0} of {1} restarts allowed in 3 minutes).', this.restarts.length, MAX_RESTARTS));
    if (!this.told) {
      this.told = true;
      void vscode.window.showWarningMessage(vscode.l10n.t('TTP Lens: the language server stopped unexpectedly and was restarted; ATT&CK features are back. The TTP Lens output has the details.'));
    }
    return { action: languageclient.CloseAction.Restart, handled: true };
  }
}

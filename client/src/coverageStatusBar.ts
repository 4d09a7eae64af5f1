// "ATT&CK 37% (312/835)" for the coverage filter's platforms; click focuses the coverage tree
// (ttpLens.coverage.focus is the command VS Code creates for the view).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CoverageSummaryRequest } from '../../server/src/protocol';
import type { CoverageFilterState } from './coverageFilter';

export class CoverageStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ttpLens.coverage', vscode.StatusBarAlignment.Left, 50);

  constructor(
    private readonly client: LanguageClient,
    private readonly filter: CoverageFilterState,
  ) {
    this.item.name = 'TTP Lens: ATT&CK coverage';
    this.item.command = 'ttpLens.coverage.focus';
  }

  async refresh(): Promise<void> {
    const platforms = this.filter.value.platforms;
    const summary = await this.client.sendRequest(CoverageSummaryRequest.type, { filter: { platforms } });
    if (!summary) {
      this.item.hide();
      return;
    }
    this.item.text = `$(shield) ATT&CK ${summary.percent}% (${summary.covered}/${summary.total})`;
    this.item.tooltip = `${summary.covered} of ${summary.total} ATT&CK techniques and sub-techniques${platforms?.length ? ` on ${platforms.join(', ')}` : ''} are referenced by at least one of ${summary.rules} rules. Click to open the coverage view.`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

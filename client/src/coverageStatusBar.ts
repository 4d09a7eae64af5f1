// "160/216 techniques · 250/475 sub-techniques": the coverage tree's totals under the same filter,
// with the breakdown per state in the tooltip; click focuses the coverage tree
// (ttpLens.coverage.focus is the command VS Code creates for the view).
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import { CoverageSummaryRequest } from '../../server/src/protocol';
import type { CoverageFilterState } from './coverageFilter';
import { countsBreakdown, countsLabel } from './coverageTree';

export class CoverageStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ttpLens.coverage', vscode.StatusBarAlignment.Left, 50);

  constructor(
    private readonly client: LanguageClient,
    private readonly filter: CoverageFilterState,
  ) {
    this.item.name = vscode.l10n.t('TTP Lens: ATT&CK coverage');
    this.item.command = 'ttpLens.coverage.focus';
  }

  async refresh(): Promise<void> {
    const summary = await this.client.sendRequest(CoverageSummaryRequest.type, { filter: this.filter.value });
    if (!summary) {
      this.item.hide();
      return;
    }
    this.item.text = `$(shield) ${countsLabel(summary.counts)}`;
    const filtered = this.filter.describe();
    this.item.tooltip = new vscode.MarkdownString(
      `${filtered ? vscode.l10n.t('**{0} coverage**: {1} rules claim these techniques (filter: {2}).', summary.versionLabel, summary.rules.toLocaleString(), filtered) : vscode.l10n.t('**{0} coverage**: {1} rules claim these techniques.', summary.versionLabel, summary.rules.toLocaleString())}\n\n${countsBreakdown(summary.counts)}\n\n${vscode.l10n.t('Click to open the coverage view.')}`,
    );
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

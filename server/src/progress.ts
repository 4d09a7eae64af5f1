// LSP work-done progress, "TTP Lens: Indexing rules 1,234 / 3,141". Created before the work starts
// (one round trip), so even a short run shows its begin, reports and end.
import type { Connection } from 'vscode-languageserver';
import { formatCount } from './l10n/l10n';

export interface ProgressReporter {
  report(done: number, total: number): void;
  done(): void;
}

export async function progressReporter(connection: Connection, title: string): Promise<ProgressReporter> {
  const reporter = await connection.window.createWorkDoneProgress();
  reporter.begin('TTP Lens', 0, title, false);
  return {
    report: (done, total) => reporter.report(total ? Math.floor((done / total) * 100) : 100, `${title} ${formatCount(done, 'en')} / ${formatCount(total, 'en')}`),
    done: () => reporter.done(),
  };
}

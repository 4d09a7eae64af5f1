// The coverage views' filter (platform, gaps only, rule format, Sigma status/level, search), kept in
// workspace state so it survives reloads, and the pickers that change it.
import vscode = require('vscode');
import type { CoverageFilter, CoverageTree } from '../../server/src/protocol';

const KEY = 'ttpLens.coverageFilter';

export class CoverageFilterState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CoverageFilter>();
  readonly onDidChange = this.changed.event;
  private current: CoverageFilter;

  constructor(private readonly memento: vscode.Memento) {
    this.current = memento.get<CoverageFilter>(KEY) ?? {};
  }

  get value(): CoverageFilter {
    return this.current;
  }

  update(patch: Partial<CoverageFilter>): void {
    this.current = { ...this.current, ...patch };
    for (const key of Object.keys(this.current) as (keyof CoverageFilter)[]) {
      const value = this.current[key];
      if (value === undefined || value === false || value === '' || (Array.isArray(value) && !value.length)) delete this.current[key];
    }
    void this.memento.update(KEY, this.current);
    this.changed.fire(this.current);
  }

  clear(): void {
    this.current = {};
    void this.memento.update(KEY, this.current);
    this.changed.fire(this.current);
  }

  /** "Windows · gaps only · sigma" for the view's description. */
  describe(): string {
    const f = this.current;
    const parts: string[] = [];
    if (f.platforms?.length) parts.push(f.platforms.join(', '));
    if (f.uncoveredOnly) parts.push(vscode.l10n.t('gaps only'));
    if (f.formats?.length) parts.push(f.formats.join(', '));
    if (f.statuses?.length) parts.push(vscode.l10n.t('status {0}', f.statuses.join('/')));
    if (f.levels?.length) parts.push(vscode.l10n.t('level {0}', f.levels.join('/')));
    if (f.search) parts.push(`"${f.search}"`);
    return parts.join(' · ');
  }

  dispose(): void {
    this.changed.dispose();
  }
}

async function pickMany(title: string, choices: string[], selected: string[] | undefined): Promise<string[] | undefined> {
  const items = choices.map((label) => ({ label, picked: selected?.includes(label) ?? false }));
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title, placeHolder: vscode.l10n.t('None selected = all') });
  return picked?.map((p) => p.label);
}

export function registerFilterCommands(filter: CoverageFilterState, choices: () => CoverageTree['choices'] | undefined): vscode.Disposable[] {
  const available = () => choices() ?? { platforms: [], formats: [], statuses: [], levels: [] };
  return [
    vscode.commands.registerCommand('ttpLens.coverage.filterPlatforms', async () => {
      const platforms = await pickMany(vscode.l10n.t('Show techniques of these platforms'), available().platforms, filter.value.platforms);
      if (platforms) filter.update({ platforms });
    }),
    vscode.commands.registerCommand('ttpLens.coverage.filterFormats', async () => {
      const formats = await pickMany(vscode.l10n.t('Count rules of these formats'), available().formats, filter.value.formats);
      if (formats) filter.update({ formats });
    }),
    vscode.commands.registerCommand('ttpLens.coverage.filterSigma', async () => {
      const statuses = await pickMany(vscode.l10n.t('Count Sigma rules with these statuses'), available().statuses, filter.value.statuses);
      if (!statuses) return;
      const levels = await pickMany(vscode.l10n.t('Count Sigma rules with these levels'), available().levels, filter.value.levels);
      if (levels) filter.update({ statuses, levels });
    }),
    vscode.commands.registerCommand('ttpLens.coverage.toggleUncovered', () => filter.update({ uncoveredOnly: !filter.value.uncoveredOnly })),
    vscode.commands.registerCommand('ttpLens.coverage.search', async () => {
      const search = await vscode.window.showInputBox({ title: vscode.l10n.t('Search techniques'), prompt: vscode.l10n.t('Technique ID or name (empty clears the search)'), value: filter.value.search ?? '' });
      if (search !== undefined) filter.update({ search: search.trim() });
    }),
    vscode.commands.registerCommand('ttpLens.coverage.clearFilters', () => filter.clear()),
  ];
}

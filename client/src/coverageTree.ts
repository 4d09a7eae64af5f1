// The coverage tree: tactics in matrix order → techniques → sub-techniques and rules. Data comes from
// the server (ttpLens/coverageTree, ttpLens/techniqueRules); it refreshes when the server says the
// index or corpus changed. Node IDs are stable, so a refresh keeps what the user expanded.
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  type CoverageCounts,
  type CoverageState,
  type CoverageTacticNode,
  type CoverageTechniqueNode,
  type CoverageTree,
  CoverageTreeRequest,
  type RuleRef,
  TechniqueRulesRequest,
} from '../../server/src/protocol';
import type { CoverageFilterState } from './coverageFilter';

type Node =
  | { kind: 'tactic'; tactic: CoverageTacticNode }
  | { kind: 'technique'; technique: CoverageTechniqueNode; tacticId: string; parentId?: string }
  | { kind: 'rule'; rule: RuleRef; key: string };

const STATE_ICON: Record<CoverageState, vscode.ThemeIcon> = {
  covered: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')),
  'via-subtechniques': new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.blue')),
  'parent-only': new vscode.ThemeIcon('circle-large-outline', new vscode.ThemeColor('list.warningForeground')),
  gap: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('testing.iconFailed')),
};

const stateText = (state: CoverageState): string => {
  switch (state) {
    case 'covered':
      return vscode.l10n.t('covered: rules claim it');
    case 'via-subtechniques':
      return vscode.l10n.t('covered via sub-techniques: no rule claims it, rules claim some of its sub-techniques');
    case 'parent-only':
      return vscode.l10n.t('parent-only: no rule claims it, rules claim its parent (a generic detection; not counted as covered)');
    case 'gap':
      return vscode.l10n.t('gap: no rule claims it');
  }
};

const legend = () => `$(pass-filled) ${vscode.l10n.t('covered')} · $(pass) ${vscode.l10n.t('via sub-techniques')} · $(circle-large-outline) ${vscode.l10n.t('parent-only')} · $(circle-slash) ${vscode.l10n.t('gap')}`;

/** "12 rules"; the Russian bundle says "правил: 12", which fits every number. */
const rulesCount = (n: number) => (n === 1 ? vscode.l10n.t('1 rule') : vscode.l10n.t('{0} rules', n.toLocaleString()));

/** "11/17 techniques · 38/95 sub-techniques": techniques with rules (claimed or via sub-techniques),
 *  sub-techniques claimed — the same counting as the status bar and `ttp-lens coverage`. */
export function countsLabel(counts: CoverageCounts): string {
  const t = counts.techniques;
  const s = counts.subtechniques;
  return `${vscode.l10n.t('{0}/{1} techniques', t.covered + t.viaSubtechniques, t.total)} · ${vscode.l10n.t('{0}/{1} sub-techniques', s.covered, s.total)}`;
}

export function countsBreakdown(counts: CoverageCounts): string {
  const t = counts.techniques;
  const s = counts.subtechniques;
  return (
    `${vscode.l10n.t('Techniques: {0} covered, {1} via sub-techniques, {2} with gaps (of {3}).', t.covered, t.viaSubtechniques, t.gaps, t.total)}\n\n` +
    vscode.l10n.t('Sub-techniques: {0} covered, {1} parent-only (not counted), {2} with gaps (of {3}).', s.covered, s.parentOnly, s.gaps, s.total)
  );
}

function stateDescription(technique: CoverageTechniqueNode, isSubtechnique: boolean): string {
  const formats = Object.entries(technique.formats).map(([format, count]) => `${format} ${count}`).join(', ');
  switch (technique.state) {
    case 'covered':
      return `${rulesCount(technique.ruleCount)}${formats ? ` · ${formats}` : ''}${!isSubtechnique && technique.relatedRuleCount ? ` · ${vscode.l10n.t('+{0} on sub-techniques', technique.relatedRuleCount)}` : ''}`;
    case 'via-subtechniques':
      return `${vscode.l10n.t('via sub-techniques')} · ${rulesCount(technique.relatedRuleCount)}`;
    case 'parent-only':
      return `${vscode.l10n.t('parent-only')} · ${technique.relatedRuleCount === 1 ? vscode.l10n.t('1 parent-level rule') : vscode.l10n.t('{0} parent-level rules', technique.relatedRuleCount.toLocaleString())}`;
    case 'gap':
      return vscode.l10n.t('gap');
  }
}

export class CoverageTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private tree: CoverageTree | null | undefined;
  private loading: Promise<CoverageTree | null> | undefined;

  constructor(
    private readonly client: LanguageClient,
    private readonly filter: CoverageFilterState,
  ) {}

  get current(): CoverageTree | null | undefined {
    return this.tree;
  }

  /** Re-fetches from the server and redraws; expansion survives because node IDs are stable. */
  refresh(): void {
    this.loading = undefined;
    this.changed.fire(undefined);
  }

  private load(): Promise<CoverageTree | null> {
    this.loading ??= this.client.sendRequest(CoverageTreeRequest.type, { filter: this.filter.value }).then((tree) => (this.tree = tree));
    return this.loading;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const tree = await this.load();
      return tree ? tree.tactics.map((tactic) => ({ kind: 'tactic', tactic })) : [];
    }
    if (node.kind === 'tactic') return node.tactic.techniques.map((technique) => ({ kind: 'technique', technique, tacticId: node.tactic.id }));
    if (node.kind === 'technique') {
      const subs: Node[] = (node.technique.subtechniques ?? []).map((technique) => ({ kind: 'technique', technique, tacticId: node.tacticId, parentId: node.technique.id }));
      // "Gaps only" is about what is missing: the rules that do claim a technique are left out.
      if (this.filter.value.uncoveredOnly) return subs;
      const rules = await this.client.sendRequest(TechniqueRulesRequest.type, { id: node.technique.id, filter: this.filter.value });
      return [...subs, ...rules.map((rule): Node => ({ kind: 'rule', rule, key: `${node.tacticId}/${node.technique.id}` }))];
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'tactic': {
        const { tactic } = node;
        const item = new vscode.TreeItem(tactic.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `tactic/${tactic.id}`;
        item.description = `${tactic.id} · ${countsLabel(tactic.counts)}`;
        const tooltip = new vscode.MarkdownString(undefined, true).appendMarkdown('**').appendText(tactic.name).appendMarkdown('**').appendText(` (${tactic.id})`).appendMarkdown(`\n\n${countsBreakdown(tactic.counts)}\n\n${legend()}`);
        item.tooltip = tooltip;
        const { techniques: t, subtechniques: s } = tactic.counts;
        const complete = t.gaps === 0 && t.viaSubtechniques === 0 && s.gaps === 0 && s.parentOnly === 0;
        item.iconPath = complete ? STATE_ICON.covered : t.covered + t.viaSubtechniques + s.covered > 0 ? STATE_ICON['via-subtechniques'] : STATE_ICON.gap;
        item.contextValue = 'tactic';
        return item;
      }
      case 'technique': {
        const { technique } = node;
        const hasChildren = (technique.subtechniques?.length ?? 0) > 0 || (technique.ruleCount > 0 && !this.filter.value.uncoveredOnly);
        const item = new vscode.TreeItem(`${technique.id} ${technique.name}`, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `technique/${node.tacticId}/${node.parentId ? `${node.parentId}/` : ''}${technique.id}`;
        item.description = stateDescription(technique, node.parentId !== undefined);
        // Names come from the loaded bundle (and the overlay): appended as text, so a crafted one cannot add links or images.
        item.tooltip = new vscode.MarkdownString(undefined, true).appendMarkdown('**').appendText(`${technique.id} ${technique.name}`).appendMarkdown(`** — ${stateText(technique.state)}\n\n`).appendText(item.description).appendMarkdown(`\n\n${legend()}`);
        item.iconPath = STATE_ICON[technique.state];
        item.contextValue = `technique-${technique.state}`;
        return item;
      }
      case 'rule': {
        const { rule } = node;
        const item = new vscode.TreeItem(rule.title, vscode.TreeItemCollapsibleState.None);
        item.id = `rule/${node.key}/${rule.uri}`;
        item.description = [rule.format, rule.status, rule.level].filter(Boolean).join(' · ');
        item.tooltip = vscode.Uri.parse(rule.uri).fsPath;
        item.resourceUri = vscode.Uri.parse(rule.uri);
        item.iconPath = vscode.ThemeIcon.File;
        item.contextValue = 'rule';
        item.command = { command: 'ttpLens.openRule', title: vscode.l10n.t('Open rule'), arguments: [rule] };
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Opens a rule at its reference to the technique. */
export async function openRule(rule: RuleRef): Promise<void> {
  const range = rule.range ? new vscode.Range(rule.range.start.line, rule.range.start.character, rule.range.end.line, rule.range.end.character) : undefined;
  await vscode.window.showTextDocument(vscode.Uri.parse(rule.uri), { selection: range, preview: true });
}

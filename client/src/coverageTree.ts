// The coverage tree: tactics in matrix order → techniques → sub-techniques and rules. Data comes from
// the server (ttpLens/coverageTree, ttpLens/techniqueRules); it refreshes when the server says the
// index or corpus changed. Node IDs are stable, so a refresh keeps what the user expanded.
import * as vscode from 'vscode';
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

const STATE_TEXT: Record<CoverageState, string> = {
  covered: 'covered: rules claim it',
  'via-subtechniques': 'covered via sub-techniques: no rule claims it, rules claim some of its sub-techniques',
  'parent-only': 'parent-only: no rule claims it, rules claim its parent (a generic detection; not counted as covered)',
  gap: 'gap: no rule claims it',
};

const LEGEND = '$(pass-filled) covered · $(pass) via sub-techniques · $(circle-large-outline) parent-only · $(circle-slash) gap';

const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;

/** "11/17 techniques · 38/95 sub-techniques": techniques with rules (claimed or via sub-techniques),
 *  sub-techniques claimed — the same counting as the status bar and `ttp-lens coverage`. */
export function countsLabel(counts: CoverageCounts): string {
  const t = counts.techniques;
  const s = counts.subtechniques;
  return `${t.covered + t.viaSubtechniques}/${t.total} techniques · ${s.covered}/${s.total} sub-techniques`;
}

export function countsBreakdown(counts: CoverageCounts): string {
  const t = counts.techniques;
  const s = counts.subtechniques;
  return (
    `Techniques: ${t.covered} covered, ${t.viaSubtechniques} via sub-techniques, ${t.gaps} ${t.gaps === 1 ? 'gap' : 'gaps'} (of ${t.total}).\n\n` +
    `Sub-techniques: ${s.covered} covered, ${s.parentOnly} parent-only (not counted), ${s.gaps} ${s.gaps === 1 ? 'gap' : 'gaps'} (of ${s.total}).`
  );
}

function stateDescription(technique: CoverageTechniqueNode, isSubtechnique: boolean): string {
  const formats = Object.entries(technique.formats).map(([format, count]) => `${format} ${count}`).join(', ');
  switch (technique.state) {
    case 'covered':
      return `${plural(technique.ruleCount, 'rule')}${formats ? ` · ${formats}` : ''}${!isSubtechnique && technique.relatedRuleCount ? ` · +${technique.relatedRuleCount} on sub-techniques` : ''}`;
    case 'via-subtechniques':
      return `via sub-techniques · ${plural(technique.relatedRuleCount, 'rule')}`;
    case 'parent-only':
      return `parent-only · ${plural(technique.relatedRuleCount, 'parent-level rule')}`;
    case 'gap':
      return 'gap';
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
        const tooltip = new vscode.MarkdownString(`**${tactic.name}** (${tactic.id})\n\n${countsBreakdown(tactic.counts)}\n\n${LEGEND}`, true);
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
        // Names come from the loaded bundle: appended as text, so a crafted one cannot add links or images.
        item.tooltip = new vscode.MarkdownString(undefined, true).appendMarkdown('**').appendText(`${technique.id} ${technique.name}`).appendMarkdown(`** — ${STATE_TEXT[technique.state]}\n\n`).appendText(item.description).appendMarkdown(`\n\n${LEGEND}`);
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
        item.command = { command: 'ttpLens.openRule', title: 'Open rule', arguments: [rule] };
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

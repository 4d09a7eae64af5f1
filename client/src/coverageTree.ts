// The coverage tree: tactics in matrix order → techniques → sub-techniques and rules. Data comes from
// the server (ttpLens/coverageTree, ttpLens/techniqueRules); it refreshes when the server says the
// index or corpus changed. Node IDs are stable, so a refresh keeps what the user expanded.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
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
  partial: new vscode.ThemeIcon('circle-large-filled', new vscode.ThemeColor('testing.iconQueued')),
  uncovered: new vscode.ThemeIcon('circle-large-outline', new vscode.ThemeColor('testing.iconFailed')),
};

const STATE_TEXT: Record<CoverageState, string> = { covered: 'covered', partial: 'partly covered (some sub-techniques only)', uncovered: 'not covered' };

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
        item.description = `${tactic.id} · ${tactic.covered}/${tactic.total}`;
        item.tooltip = `${tactic.name} (${tactic.id}): ${tactic.covered} of ${tactic.total} techniques covered`;
        const ratio = tactic.total ? tactic.covered / tactic.total : 0;
        item.iconPath = ratio >= 0.999 ? STATE_ICON.covered : ratio > 0 ? STATE_ICON.partial : STATE_ICON.uncovered;
        item.contextValue = 'tactic';
        return item;
      }
      case 'technique': {
        const { technique } = node;
        const hasChildren = (technique.subtechniques?.length ?? 0) > 0 || technique.ruleCount > 0;
        const item = new vscode.TreeItem(`${technique.id} ${technique.name}`, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `technique/${node.tacticId}/${node.parentId ? `${node.parentId}/` : ''}${technique.id}`;
        const formats = Object.entries(technique.formats).map(([format, count]) => `${format} ${count}`).join(', ');
        item.description = technique.ruleCount ? `${technique.ruleCount} rule${technique.ruleCount === 1 ? '' : 's'}${formats ? ` · ${formats}` : ''}` : 'no rule';
        item.tooltip = new vscode.MarkdownString(`**${technique.id} ${technique.name}** — ${STATE_TEXT[technique.state]}\n\n${item.description}`);
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

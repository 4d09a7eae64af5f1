// The technique panel: one webview per technique (reused when already open), with a strict CSP.
// Its data comes from ttpLens/techniquePanel; its buttons open rules, techniques, external pages
// and "New rule for this data component".
import { randomBytes } from 'node:crypto';
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import { type CoverageFilter, type RuleRef, TechniquePanelRequest } from '../../server/src/protocol';
import { openRule } from './coverageTree';
import { panelHtml } from './panelHtml';

interface PanelMessage {
  action: 'openRule' | 'openTechnique' | 'external' | 'newRule';
  url?: string;
  id?: string;
  rule?: RuleRef;
  component?: string;
}

export class TechniquePanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(
    private readonly client: LanguageClient,
    private readonly newRule: (techniqueId: string, component?: string) => Promise<void>,
    private readonly filter: () => CoverageFilter,
  ) {}

  /** Opens (or redraws) the panel of a technique; `section` ("rules") scrolls to that part. */
  async show(id: string, reveal = true, section?: string): Promise<void> {
    const data = await this.client.sendRequest(TechniquePanelRequest.type, { id, filter: this.filter() });
    if (!data) {
      void vscode.window.showWarningMessage(vscode.l10n.t('TTP Lens: {0} is not a technique in the loaded ATT&CK release.', id));
      return;
    }
    let panel = this.panels.get(data.id);
    if (panel) {
      if (reveal) panel.reveal();
    } else {
      panel = vscode.window.createWebviewPanel('ttpLens.technique', `${data.id} ${data.name}`, vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [] });
      this.panels.set(data.id, panel);
      panel.onDidDispose(() => this.panels.delete(data.id));
      panel.webview.onDidReceiveMessage((message: PanelMessage) => this.handle(data.id, message));
    }
    panel.webview.html = panelHtml(data, panel.webview.cspSource, randomBytes(16).toString('base64'), section, (message, ...args) => vscode.l10n.t(message, ...args), vscode.env.language);
  }

  /** Redraws open panels (the index or corpus changed). */
  async refreshAll(): Promise<void> {
    for (const id of [...this.panels.keys()]) await this.show(id, false);
  }

  private async handle(techniqueId: string, message: PanelMessage): Promise<void> {
    switch (message.action) {
      case 'openRule':
        if (message.rule) await openRule(message.rule);
        break;
      case 'openTechnique':
        if (message.id) await this.show(message.id);
        break;
      case 'external':
        if (message.url?.startsWith('https://')) await vscode.env.openExternal(vscode.Uri.parse(message.url));
        break;
      case 'newRule':
        await this.newRule(techniqueId, message.component);
        break;
    }
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
  }
}

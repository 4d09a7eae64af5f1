// The technique panel's HTML: everything escaped, no remote content, theme colours from VS Code's
// CSS variables, buttons (keyboard reachable) that post messages to the extension.
import type { PanelComponent, RuleRef, TechniquePanel } from '../../server/src/protocol';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const attr = (value: unknown) => escapeHtml(JSON.stringify(value));

/** A tiny Markdown subset (links, code, paragraphs) — ATT&CK descriptions use no more. */
export function markdownToHtml(markdown: string): string {
  return markdown
    .split(/\n\s*\n/)
    .map((paragraph) => {
      let html = escapeHtml(paragraph.trim());
      html = html.replace(/`([^`]+)`/g, '<code>$1</code>');
      html = html.replace(/\[([^\]]+)\]\((https:\/\/[^)\s]+)\)/g, (_, text: string, url: string) => `<button class="link" data-action="external" data-url="${url}">${text}</button>`);
      return html ? `<p>${html.replace(/\n/g, '<br>')}</p>` : '';
    })
    .join('\n');
}

function ruleButton(rule: RuleRef): string {
  return `<li><button class="link" data-action="openRule" data-rule="${attr(rule)}">${escapeHtml(rule.title)}</button> <span class="muted">${escapeHtml([rule.format, rule.level].filter(Boolean).join(' · '))}</span></li>`;
}

function componentRow(panel: TechniquePanel, component: PanelComponent): string {
  const source = component.dataSource ? `${escapeHtml(component.dataSource.id)} ${escapeHtml(component.dataSource.name)}` : '<span class="muted">—</span>';
  const how = component.analytics.length
    ? `<ul>${component.analytics.map((a) => `<li><code>${escapeHtml(a.logSource)}</code> ${escapeHtml(a.channel)} <span class="muted">(${escapeHtml(a.id)}${a.platforms.length ? `, ${escapeHtml(a.platforms.join('/'))}` : ''})</span></li>`).join('')}</ul>`
    : component.description
      ? `<p class="small">${escapeHtml(component.description.split('\n')[0])}</p>`
      : '';
  const rules = component.observingRules.length
    ? `<ul>${component.observingRules.map(ruleButton).join('')}</ul>`
    : `<p class="gap" role="status">⚠ No rule observes ${escapeHtml(component.name)} for ${escapeHtml(panel.id)}.</p>
       <button class="action" data-action="newRule" data-component="${attr(component.name)}">New rule for this data component</button>`;
  const reading = component.readingRuleCount - component.observingRules.length;
  const others = reading > 0 ? `<details><summary>${reading} other rule${reading === 1 ? '' : 's'} read ${escapeHtml(component.name)}</summary><ul>${component.readingRules.map(ruleButton).join('')}</ul></details>` : '';
  return `<tr${component.observingRules.length ? '' : ' class="gap-row"'}>
    <td><strong>${escapeHtml(component.id || '')}</strong> ${escapeHtml(component.name)}</td>
    <td>${source}</td>
    <td>${how}</td>
    <td>${rules}${others}</td>
  </tr>`;
}

export function panelHtml(panel: TechniquePanel, cspSource: string, nonce: string): string {
  const gaps = panel.components.filter((c) => !c.observingRules.length).length;
  const status = panel.revoked ? `<p class="gap">Revoked${panel.successor ? ` — replaced by <button class="link" data-action="openTechnique" data-id="${attr(panel.successor.id)}">${escapeHtml(panel.successor.id)} ${escapeHtml(panel.successor.name)}</button>` : ''}.</p>` : panel.deprecated ? '<p class="gap">Deprecated.</p>' : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource}; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(panel.id)} ${escapeHtml(panel.name)}</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 24px; line-height: 1.45; }
  h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid var(--vscode-panel-border); padding-bottom: 4px; }
  .muted, .small { color: var(--vscode-descriptionForeground); } .small { font-size: 0.92em; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--vscode-panel-border); }
  th { color: var(--vscode-descriptionForeground); font-weight: 600; }
  ul { margin: 0; padding-left: 18px; } code { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 0 3px; }
  .gap { color: var(--vscode-editorWarning-foreground); font-weight: 600; margin: 0 0 6px; } .gap-row td:first-child { border-left: 3px solid var(--vscode-editorWarning-foreground); }
  button.link { background: none; border: none; padding: 0; color: var(--vscode-textLink-foreground); cursor: pointer; font: inherit; text-align: left; }
  button.link:hover { text-decoration: underline; } button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
  button.action { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 10px; cursor: pointer; font: inherit; border-radius: 2px; }
  button.action:hover { background: var(--vscode-button-hoverBackground); }
  .summary-line { display: flex; gap: 16px; flex-wrap: wrap; }
</style>
</head>
<body>
<header>
  <h1>${escapeHtml(panel.id)} · ${escapeHtml(panel.name)}</h1>
  <p class="muted">Technique · ${escapeHtml(panel.versionLabel)}${panel.parent ? ` · sub-technique of <button class="link" data-action="openTechnique" data-id="${attr(panel.parent.id)}">${escapeHtml(panel.parent.id)} ${escapeHtml(panel.parent.name)}</button>` : ''}</p>
  ${status}
  <p class="summary-line"><span><strong>Tactics:</strong> ${panel.tactics.map((t) => `${escapeHtml(t.name)} (${escapeHtml(t.id)})`).join(', ')}</span>
  <span><strong>Platforms:</strong> ${escapeHtml(panel.platforms.join(', '))}</span>
  <span><strong>Rules in this workspace:</strong> ${panel.rules.length}${panel.subtechniqueRuleCount ? ` (+ ${panel.subtechniqueRuleCount} on sub-techniques)` : ''}</span>
  <span><strong>Gaps:</strong> ${gaps} of ${panel.components.length} data components</span></p>
  <p><button class="action" data-action="newRule">New rule for this technique</button>
  ${panel.url ? `<button class="link" data-action="external" data-url="${escapeHtml(panel.url)}">Open on attack.mitre.org</button>` : ''}</p>
</header>
<section>${markdownToHtml(panel.summary)}</section>
<h2 id="detection">Detection — data components</h2>
${panel.components.length ? `<table>
  <thead><tr><th scope="col">Data component</th><th scope="col">Data source</th><th scope="col">How ATT&amp;CK observes it</th><th scope="col">Rules in this workspace</th></tr></thead>
  <tbody>${panel.components.map((c) => componentRow(panel, c)).join('')}</tbody>
</table>` : '<p class="muted">ATT&amp;CK lists no data component that observes this technique.</p>'}
${panel.detectionStrategies.length ? `<h2>Detection strategies</h2><ul>${panel.detectionStrategies.map((s) => `<li><strong>${escapeHtml(s.id)}</strong> ${escapeHtml(s.name)}<ul>${s.analytics.map((a) => `<li><strong>${escapeHtml(a.id)}</strong> <span class="muted">${escapeHtml(a.platforms.join(', '))}</span> — ${escapeHtml(a.summary)}</li>`).join('')}</ul></li>`).join('')}</ul>` : ''}
<h2>Mitigations</h2>
${panel.mitigations.length ? `<ul>${panel.mitigations.map((m) => `<li><strong>${escapeHtml(m.id)}</strong> ${escapeHtml(m.name)}${m.description ? `<p class="small">${escapeHtml(m.description)}</p>` : ''}</li>`).join('')}</ul>` : '<p class="muted">None listed.</p>'}
${panel.subtechniques.length ? `<h2>Sub-techniques</h2><ul>${panel.subtechniques.map((s) => `<li><button class="link" data-action="openTechnique" data-id="${attr(s.id)}">${escapeHtml(s.id)} ${escapeHtml(s.name)}</button> <span class="muted">${s.ruleCount} rule${s.ruleCount === 1 ? '' : 's'}</span></li>`).join('')}</ul>` : ''}
<h2>Rules referencing ${escapeHtml(panel.id)}</h2>
${panel.rules.length ? `<ul>${panel.rules.map(ruleButton).join('')}</ul>` : '<p class="muted">None yet.</p>'}
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  document.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const data = button.dataset;
    vscode.postMessage({ action: data.action, url: data.url, id: data.id ? JSON.parse(data.id) : undefined, rule: data.rule ? JSON.parse(data.rule) : undefined, component: data.component ? JSON.parse(data.component) : undefined });
  });
</script>
</body>
</html>`;
}

// The technique panel's HTML: everything escaped, no remote content, theme colours from VS Code's
// CSS variables, buttons (keyboard reachable) that post messages to the extension.
import type { CoverageState, PanelComponent, RuleRef, TechniquePanel } from '../../server/src/protocol';

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

const LIST_OPEN = 20;

function ruleButton(rule: RuleRef, panelId?: string): string {
  const claims = rule.claims && rule.claims !== panelId ? `<span class="claim">${escapeHtml(rule.claims)}</span> ` : '';
  return `<li>${claims}<button class="link" data-action="openRule" data-rule="${attr(rule)}">${escapeHtml(rule.title)}</button> <span class="muted">${escapeHtml([rule.format, rule.level].filter(Boolean).join(' · '))}</span></li>`;
}

/** A rule list; long ones show their first entries and fold the rest behind a count. */
function ruleList(rules: RuleRef[], panelId?: string): string {
  if (rules.length <= LIST_OPEN) return `<ul class="rules">${rules.map((r) => ruleButton(r, panelId)).join('')}</ul>`;
  return `<ul class="rules">${rules.slice(0, LIST_OPEN).map((r) => ruleButton(r, panelId)).join('')}</ul>
    <details><summary>${rules.length - LIST_OPEN} more</summary><ul class="rules">${rules.slice(LIST_OPEN).map((r) => ruleButton(r, panelId)).join('')}</ul></details>`;
}

const STATE_TEXT: Record<CoverageState, string> = {
  covered: 'covered',
  'via-subtechniques': 'covered via sub-techniques',
  'parent-only': 'parent-only (only its parent is claimed; not counted as covered)',
  gap: 'gap',
};

function componentRow(panel: TechniquePanel, component: PanelComponent, showSource: boolean): string {
  const source = component.dataSource ? `${escapeHtml(component.dataSource.id)} ${escapeHtml(component.dataSource.name)}` : '<span class="muted">—</span>';
  const how = component.analytics.length
    ? `<ul>${component.analytics.map((a) => `<li><code>${escapeHtml(a.logSource)}</code> ${escapeHtml(a.channel)} <span class="muted">(${escapeHtml(a.id)}${a.platforms.length ? `, ${escapeHtml(a.platforms.join('/'))}` : ''})</span></li>`).join('')}</ul>`
    : component.description
      ? `<p class="small">${escapeHtml(component.description.split('\n')[0])}</p>`
      : '';
  const detections = component.detections.length ? ruleList(component.detections, panel.id) : '';
  const others = component.visibility - component.detections.length;
  const visibility = others > 0
    ? `<details><summary>${others} other rule${others === 1 ? '' : 's'} read${others === 1 ? 's' : ''} ${escapeHtml(component.name)} on these platforms</summary><ul class="rules">${component.readingRules.map((r) => ruleButton(r)).join('')}</ul></details>`
    : component.gap
      ? ''
      : `<p class="small muted">No other rule reads ${escapeHtml(component.name)} on these platforms.</p>`;
  const marker = component.blindSpot
    ? `<p class="gap" role="status">⚠ Blind spot: no rule detects ${escapeHtml(panel.id)} through ${escapeHtml(component.name)}, and no rule in this workspace reads ${escapeHtml(component.name)} on these platforms at all.</p>`
    : component.gap
      ? `<p class="gap" role="status">⚠ Gap: no rule detects ${escapeHtml(panel.id)} through ${escapeHtml(component.name)}.</p>`
      : '';
  const action = component.gap ? `<button class="action" data-action="newRule" data-component="${attr(component.name)}">New rule for this data component</button>` : '';
  return `<tr class="${component.blindSpot ? 'gap-row blind-row' : component.gap ? 'gap-row' : ''}">
    <td><strong>${escapeHtml(component.id || '')}</strong> ${escapeHtml(component.name)}</td>
    ${showSource ? `<td>${source}</td>` : ''}
    <td>${how}</td>
    <td>${detections}${visibility}${marker}${action}</td>
  </tr>`;
}

function rulesSection(panel: TechniquePanel): string {
  const parts = [`<h2 id="rules">Rules claiming ${escapeHtml(panel.id)} (${panel.rules.length})</h2>`, panel.rules.length ? ruleList(panel.rules) : '<p class="muted">None.</p>'];
  if (panel.subtechniqueRules.length) {
    parts.push(`<h3>Rules claiming only its sub-techniques (${panel.subtechniqueRules.length})</h3>`, ruleList(panel.subtechniqueRules, panel.id));
  }
  if (panel.parent) {
    parts.push(
      `<h3>Parent-level rules (${panel.parentRules.length})</h3>`,
      panel.parentRules.length
        ? `<p class="small muted">These claim ${escapeHtml(panel.parent.id)} ${escapeHtml(panel.parent.name)}, not ${escapeHtml(panel.id)}: generic detections that may or may not catch this variant. They are not counted as its coverage.</p>${ruleList(panel.parentRules)}`
        : `<p class="muted">No rule claims ${escapeHtml(panel.parent.id)} either.</p>`,
    );
  }
  return parts.join('\n');
}

export function panelHtml(panel: TechniquePanel, cspSource: string, nonce: string, scrollTo?: string): string {
  const showSource = panel.components.some((c) => c.dataSource);
  const state = panel.state ? STATE_TEXT[panel.state] : panel.revoked || panel.deprecated ? 'not counted' : 'not counted (outside the coverage filter)';
  const blind = panel.blindSpotCount ? ` (${panel.blindSpotCount} blind spot${panel.blindSpotCount === 1 ? '' : 's'})` : '';
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
  ul.rules li { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; } ul.rules li button.link { display: inline; }
  .claim { font-family: var(--vscode-editor-font-family); font-size: 0.9em; color: var(--vscode-descriptionForeground); }
  .blind-row td:first-child { border-left-style: double; } h3 { font-size: 1em; margin-top: 1.2em; }
</style>
</head>
<body${scrollTo ? ` data-scroll="${escapeHtml(scrollTo)}"` : ''}>
<header>
  <h1>${escapeHtml(panel.id)} · ${escapeHtml(panel.name)}</h1>
  <p class="muted">Technique · ${escapeHtml(panel.versionLabel)}${panel.parent ? ` · sub-technique of <button class="link" data-action="openTechnique" data-id="${attr(panel.parent.id)}">${escapeHtml(panel.parent.id)} ${escapeHtml(panel.parent.name)}</button>` : ''}</p>
  ${status}
  <p class="summary-line"><span><strong>Tactics:</strong> ${panel.tactics.map((t) => `${escapeHtml(t.name)} (${escapeHtml(t.id)})`).join(', ')}</span>
  <span><strong>Platforms:</strong> ${escapeHtml(panel.platforms.join(', '))}</span>
  <span><strong>Rules in this workspace:</strong> <span data-testid="rule-count">${panel.rules.length}</span>${panel.subtechniqueRules.length ? ` (+ ${panel.subtechniqueRules.length} on sub-techniques)` : ''}${panel.parent ? ` (${panel.parentRules.length} parent-level)` : ''} · ${escapeHtml(state)}</span>
  <span><strong>Gaps:</strong> <span data-testid="gap-count">${panel.gapCount}</span> of ${panel.components.length} data components${blind}</span></p>
  <p><button class="action" data-action="newRule">New rule for this technique</button>
  ${panel.url ? `<button class="link" data-action="external" data-url="${escapeHtml(panel.url)}">Open on attack.mitre.org</button>` : ''}</p>
</header>
<section>${markdownToHtml(panel.summary)}</section>
<h2 id="detection">Detection — data components</h2>
${panel.components.length ? `<table>
  <thead><tr><th scope="col">Data component</th>${showSource ? '<th scope="col">Data source</th>' : ''}<th scope="col">How ATT&amp;CK observes it</th><th scope="col">Detections in this workspace</th></tr></thead>
  <tbody>${panel.components.map((c) => componentRow(panel, c, showSource)).join('')}</tbody>
</table>` : '<p class="muted">ATT&amp;CK lists no data component that observes this technique.</p>'}
${panel.detectionStrategies.length ? `<h2>Detection strategies</h2><ul>${panel.detectionStrategies.map((s) => `<li><strong>${escapeHtml(s.id)}</strong> ${escapeHtml(s.name)}<ul>${s.analytics.map((a) => `<li><strong>${escapeHtml(a.id)}</strong> <span class="muted">${escapeHtml(a.platforms.join(', '))}</span> — ${escapeHtml(a.summary)}</li>`).join('')}</ul></li>`).join('')}</ul>` : ''}
<h2>Mitigations</h2>
${panel.mitigations.length ? `<ul>${panel.mitigations.map((m) => `<li><strong>${escapeHtml(m.id)}</strong> ${escapeHtml(m.name)}${m.description ? `<p class="small">${escapeHtml(m.description)}</p>` : ''}</li>`).join('')}</ul>` : '<p class="muted">None listed.</p>'}
${panel.subtechniques.length ? `<h2>Sub-techniques</h2><ul>${panel.subtechniques.map((s) => `<li><button class="link" data-action="openTechnique" data-id="${attr(s.id)}">${escapeHtml(s.id)} ${escapeHtml(s.name)}</button> <span class="muted">${s.ruleCount} rule${s.ruleCount === 1 ? '' : 's'}${s.state ? ` · ${escapeHtml(STATE_TEXT[s.state])}` : ''}</span></li>`).join('')}</ul>` : ''}
${rulesSection(panel)}
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  const target = document.body.dataset.scroll && document.getElementById(document.body.dataset.scroll);
  if (target) target.scrollIntoView();
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

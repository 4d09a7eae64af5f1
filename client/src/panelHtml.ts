// The technique panel's HTML: everything escaped, no remote content, theme colours from VS Code's
// CSS variables, buttons (keyboard reachable) that post messages to the extension.
import type { CoverageState, PanelComponent, RuleRef, TechniquePanel } from '../../server/src/protocol';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const attr = (value: unknown) => escapeHtml(JSON.stringify(value));

/** vscode.l10n.t in the extension; English (the messages themselves, {0} filled in) in tests. */
export type Translate = (message: string, ...args: (string | number)[]) => string;

export const english: Translate = (message, ...args) => message.replace(/\{(\d+)\}/g, (whole, n: string) => (Number(n) < args.length ? String(args[Number(n)]) : whole));

/** "12 rules" (the Russian bundle says "правил: 12", which fits every number). */
const rulesCount = (l: Translate, n: number) => (n === 1 ? l('1 rule') : l('{0} rules', n));

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
function ruleList(l: Translate, rules: RuleRef[], panelId?: string): string {
  if (rules.length <= LIST_OPEN) return `<ul class="rules">${rules.map((r) => ruleButton(r, panelId)).join('')}</ul>`;
  return `<ul class="rules">${rules.slice(0, LIST_OPEN).map((r) => ruleButton(r, panelId)).join('')}</ul>
    <details><summary>${escapeHtml(l('{0} more', rules.length - LIST_OPEN))}</summary><ul class="rules">${rules.slice(LIST_OPEN).map((r) => ruleButton(r, panelId)).join('')}</ul></details>`;
}

function stateText(l: Translate, state: CoverageState): string {
  switch (state) {
    case 'covered':
      return l('covered');
    case 'via-subtechniques':
      return l('covered via sub-techniques');
    case 'parent-only':
      return l('parent-only (only its parent is claimed; not counted as covered)');
    case 'gap':
      return l('gap');
  }
}

function componentRow(l: Translate, panel: TechniquePanel, component: PanelComponent, showSource: boolean): string {
  const source = component.dataSource ? `${escapeHtml(component.dataSource.id)} ${escapeHtml(component.dataSource.name)}` : '<span class="muted">—</span>';
  const how = component.analytics.length
    ? `<ul>${component.analytics.map((a) => `<li><code>${escapeHtml(a.logSource)}</code> ${escapeHtml(a.channel)} <span class="muted">(${escapeHtml(a.id)}${a.platforms.length ? `, ${escapeHtml(a.platforms.join('/'))}` : ''})</span></li>`).join('')}</ul>`
    : component.description
      ? `<p class="small">${escapeHtml(component.description.split('\n')[0])}</p>`
      : '';
  const detections = component.detections.length ? ruleList(l, component.detections, panel.id) : '';
  const others = component.visibility - component.detections.length;
  const visibility = others > 0
    ? `<details><summary>${escapeHtml(others === 1 ? l('1 other rule reads {0} on these platforms', component.name) : l('{0} other rules read {1} on these platforms', others, component.name))}</summary><ul class="rules">${component.readingRules.map((r) => ruleButton(r)).join('')}</ul></details>`
    : component.gap
      ? ''
      : `<p class="small muted">${escapeHtml(l('No other rule reads {0} on these platforms.', component.name))}</p>`;
  const marker = component.blindSpot
    ? `<p class="gap" role="status">⚠ ${escapeHtml(l('Blind spot: no rule detects {0} through {1}, and no rule in this workspace reads {1} on these platforms at all.', panel.id, component.name))}</p>`
    : component.gap
      ? `<p class="gap" role="status">⚠ ${escapeHtml(l('Gap: no rule detects {0} through {1}.', panel.id, component.name))}</p>`
      : '';
  const action = component.gap ? `<button class="action" data-action="newRule" data-component="${attr(component.name)}">${escapeHtml(l('New rule for this data component'))}</button>` : '';
  return `<tr class="${component.blindSpot ? 'gap-row blind-row' : component.gap ? 'gap-row' : ''}">
    <td><strong>${escapeHtml(component.id || '')}</strong> ${escapeHtml(component.name)}</td>
    ${showSource ? `<td>${source}</td>` : ''}
    <td>${how}</td>
    <td>${detections}${visibility}${marker}${action}</td>
  </tr>`;
}

function rulesSection(l: Translate, panel: TechniquePanel): string {
  const parts = [`<h2 id="rules">${escapeHtml(l('Rules claiming {0} ({1})', panel.id, panel.rules.length))}</h2>`, panel.rules.length ? ruleList(l, panel.rules) : `<p class="muted">${escapeHtml(l('None.'))}</p>`];
  if (panel.subtechniqueRules.length) {
    parts.push(`<h3>${escapeHtml(l('Rules claiming only its sub-techniques ({0})', panel.subtechniqueRules.length))}</h3>`, ruleList(l, panel.subtechniqueRules, panel.id));
  }
  if (panel.parent) {
    parts.push(
      `<h3>${escapeHtml(l('Parent-level rules ({0})', panel.parentRules.length))}</h3>`,
      panel.parentRules.length
        ? `<p class="small muted">${escapeHtml(l('These claim {0} {1}, not {2}: generic detections that may or may not catch this variant. They are not counted as its coverage.', panel.parent.id, panel.parent.name, panel.id))}</p>${ruleList(l, panel.parentRules)}`
        : `<p class="muted">${escapeHtml(l('No rule claims {0} either.', panel.parent.id))}</p>`,
    );
  }
  return parts.join('\n');
}

export function panelHtml(panel: TechniquePanel, cspSource: string, nonce: string, scrollTo?: string, l: Translate = english, language = 'en'): string {
  const showSource = panel.components.some((c) => c.dataSource);
  const state = panel.state ? stateText(l, panel.state) : panel.revoked || panel.deprecated ? l('not counted') : l('not counted (outside the coverage filter)');
  const blind = panel.blindSpotCount ? ` ${escapeHtml(l('(blind spots: {0})', panel.blindSpotCount))}` : '';
  const successor = panel.successor ? `<button class="link" data-action="openTechnique" data-id="${attr(panel.successor.id)}">${escapeHtml(panel.successor.id)} ${escapeHtml(panel.successor.name)}</button>` : '';
  const status = panel.revoked ? `<p class="gap">${successor ? `${escapeHtml(l('Revoked — replaced by'))} ${successor}.` : escapeHtml(l('Revoked.'))}</p>` : panel.deprecated ? `<p class="gap">${escapeHtml(l('Deprecated.'))}</p>` : '';
  return `<!DOCTYPE html>
<html lang="${escapeHtml(language)}">
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
  <p class="muted">${escapeHtml(l('Technique'))} · ${escapeHtml(panel.versionLabel)}${panel.parent ? ` · ${escapeHtml(l('sub-technique of'))} <button class="link" data-action="openTechnique" data-id="${attr(panel.parent.id)}">${escapeHtml(panel.parent.id)} ${escapeHtml(panel.parent.name)}</button>` : ''}</p>
  ${status}
  <p class="summary-line"><span><strong>${escapeHtml(l('Tactics:'))}</strong> ${panel.tactics.map((t) => `${escapeHtml(t.name)} (${escapeHtml(t.id)})`).join(', ')}</span>
  <span><strong>${escapeHtml(l('Platforms:'))}</strong> ${escapeHtml(panel.platforms.join(', '))}</span>
  <span><strong>${escapeHtml(l('Rules in this workspace:'))}</strong> <span data-testid="rule-count">${panel.rules.length}</span>${panel.subtechniqueRules.length ? ` ${escapeHtml(l('(+ {0} on sub-techniques)', panel.subtechniqueRules.length))}` : ''}${panel.parent ? ` ${escapeHtml(l('({0} parent-level)', panel.parentRules.length))}` : ''} · ${escapeHtml(state)}</span>
  <span><strong>${escapeHtml(l('Gaps:'))}</strong> <span data-testid="gap-count">${panel.gapCount}</span> ${escapeHtml(l('of {0} data components', panel.components.length))}${blind}</span></p>
  <p><button class="action" data-action="newRule">${escapeHtml(l('New rule for this technique'))}</button>
  ${panel.url ? `<button class="link" data-action="external" data-url="${escapeHtml(panel.url)}">${escapeHtml(l('Open on attack.mitre.org'))}</button>` : ''}</p>
</header>
<section>${markdownToHtml(panel.summary)}</section>
<h2 id="detection">${escapeHtml(l('Detection — data components'))}</h2>
${panel.components.length ? `<table>
  <thead><tr><th scope="col">${escapeHtml(l('Data component'))}</th>${showSource ? `<th scope="col">${escapeHtml(l('Data source'))}</th>` : ''}<th scope="col">${escapeHtml(l('How ATT&CK observes it'))}</th><th scope="col">${escapeHtml(l('Detections in this workspace'))}</th></tr></thead>
  <tbody>${panel.components.map((c) => componentRow(l, panel, c, showSource)).join('')}</tbody>
</table>` : `<p class="muted">${escapeHtml(l('ATT&CK lists no data component that observes this technique.'))}</p>`}
${panel.detectionStrategies.length ? `<h2>${escapeHtml(l('Detection strategies'))}</h2><ul>${panel.detectionStrategies.map((s) => `<li><strong>${escapeHtml(s.id)}</strong> ${escapeHtml(s.name)}<ul>${s.analytics.map((a) => `<li><strong>${escapeHtml(a.id)}</strong> <span class="muted">${escapeHtml(a.platforms.join(', '))}</span> — ${escapeHtml(a.summary)}</li>`).join('')}</ul></li>`).join('')}</ul>` : ''}
<h2>${escapeHtml(l('Mitigations'))}</h2>
${panel.mitigations.length ? `<ul>${panel.mitigations.map((m) => `<li><strong>${escapeHtml(m.id)}</strong> ${escapeHtml(m.name)}${m.description ? `<p class="small">${escapeHtml(m.description)}</p>` : ''}</li>`).join('')}</ul>` : `<p class="muted">${escapeHtml(l('None listed.'))}</p>`}
${panel.subtechniques.length ? `<h2>${escapeHtml(l('Sub-techniques'))}</h2><ul>${panel.subtechniques.map((s) => `<li><button class="link" data-action="openTechnique" data-id="${attr(s.id)}">${escapeHtml(s.id)} ${escapeHtml(s.name)}</button> <span class="muted">${escapeHtml(rulesCount(l, s.ruleCount))}${s.state ? ` · ${escapeHtml(stateText(l, s.state))}` : ''}</span></li>`).join('')}</ul>` : ''}
${rulesSection(l, panel)}
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

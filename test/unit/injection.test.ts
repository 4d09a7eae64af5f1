// Rule and corpus text never become active content. A crafted STIX bundle (built here) and hostile
// rules put <img onerror>, <script>, [x](command:…), javascript: links, images and Markdown tricks
// into names, descriptions, aliases, relationship texts, tags, rule titles and file names. Hovers
// and completion documentation are rendered with markdown-it with HTML *enabled* (stricter than VS
// Code, which drops raw HTML in untrusted Markdown): no element, attribute or link may come from
// that text. The technique panel's HTML keeps its strict CSP and escapes everything.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { panelHtml } from '../../client/src/panelHtml';
import type { Corpus } from '../../server/src/corpus/corpus';
import { factsOf } from '../../server/src/corpus/facts';
import { loadCorpus } from '../../server/src/corpus/load';
import { hover } from '../../server/src/features/hover';
import { factsToMarkdown, safeMarkdown } from '../../server/src/features/objectMarkdown';
import { techniquePanel } from '../../server/src/features/techniquePanel';
import { workspaceLines } from '../../server/src/features/workspaceLines';
import { parseRule } from '../../server/src/formats/parse';
import { ComponentIndex } from '../../server/src/workspace/componentIndex';
import { buildCoverageModel } from '../../server/src/workspace/coverageModel';
import { RuleIndex } from '../../server/src/workspace/ruleIndex';
import { REPO_ROOT } from '../support/paths';
import { tempDir } from '../support/temp';

interface MarkdownRenderer {
  render(markdown: string): string;
}
const MarkdownIt = createRequire(__filename)('markdown-it') as new (options: object) => MarkdownRenderer;
const markdown = new MarkdownIt({ html: true, linkify: true });

const IMG = '<img src=x onerror=alert(1)>';
const PAYLOADS = [
  IMG,
  '<script>alert(1)</script>',
  '[run](command:workbench.action.terminal.new)',
  '[js](javascript:alert(1))',
  '![pixel](https://evil.example/pixel.png)',
  '<a href="javascript:alert(1)">a</a>',
  '<command:ttpLens.reloadCorpus>',
  '[ref][1]\n\n[1]: command:workbench.action.terminal.new',
  '**bold** _em_ | table | `code` ```fence```',
  '&lt;img src=x onerror=alert(1)&gt;',
];
const hostile = (label: string) => `${label} ${PAYLOADS.join(' ')}`;

/** A small STIX bundle whose every text field carries the payloads. */
function craftedBundle(): string {
  const ref = (id: string) => [{ source_name: 'mitre-attack', external_id: id, url: `https://attack.mitre.org/${id}` }];
  const objects = [
    { type: 'x-mitre-tactic', id: 'x-mitre-tactic--1', name: hostile('Execution'), x_mitre_shortname: 'execution', description: hostile('Tactic'), external_references: ref('TA0002'), x_mitre_domains: ['enterprise-attack'] },
    {
      type: 'attack-pattern', id: 'attack-pattern--1', name: hostile('Interpreter'), description: hostile('Adversaries run'), x_mitre_detection: hostile('Detect'),
      x_mitre_platforms: [hostile('Windows')], kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'execution' }], external_references: ref('T1059'), x_mitre_domains: ['enterprise-attack'],
    },
    {
      type: 'attack-pattern', id: 'attack-pattern--2', name: hostile('Sub'), description: hostile('Sub description'), x_mitre_is_subtechnique: true,
      kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'execution' }], external_references: [{ source_name: 'mitre-attack', external_id: 'T1059.001', url: 'javascript:alert(1)' }], x_mitre_domains: ['enterprise-attack'],
    },
    { type: 'relationship', id: 'relationship--1', relationship_type: 'subtechnique-of', source_ref: 'attack-pattern--2', target_ref: 'attack-pattern--1' },
    { type: 'intrusion-set', id: 'intrusion-set--1', name: hostile('APT'), aliases: [hostile('alias')], description: hostile('Group'), external_references: ref('G0007'), x_mitre_domains: ['enterprise-attack'] },
    { type: 'relationship', id: 'relationship--2', relationship_type: 'uses', source_ref: 'intrusion-set--1', target_ref: 'attack-pattern--1', description: hostile('Uses') },
    { type: 'course-of-action', id: 'course-of-action--1', name: hostile('Mitigation'), description: hostile('Mitigate'), external_references: ref('M1038'), x_mitre_domains: ['enterprise-attack'] },
    { type: 'relationship', id: 'relationship--3', relationship_type: 'mitigates', source_ref: 'course-of-action--1', target_ref: 'attack-pattern--1', description: hostile('How to mitigate') },
    { type: 'x-mitre-data-source', id: 'x-mitre-data-source--1', name: hostile('Process'), description: hostile('Source'), external_references: ref('DS0009'), x_mitre_domains: ['enterprise-attack'] },
    { type: 'x-mitre-data-component', id: 'x-mitre-data-component--1', name: hostile('Process Creation'), description: hostile('Component'), x_mitre_data_source_ref: 'x-mitre-data-source--1', x_mitre_domains: ['enterprise-attack'] },
    { type: 'relationship', id: 'relationship--4', relationship_type: 'detects', source_ref: 'x-mitre-data-component--1', target_ref: 'attack-pattern--1', description: hostile('Monitor') },
  ];
  const file = path.join(tempDir('ttplens-injection-'), 'enterprise-attack-17.1.json');
  writeFileSync(file, JSON.stringify({ type: 'bundle', id: 'bundle--1', objects }));
  return file;
}

/** Every element and attribute markdown-it produced from `markdown`, and every link target. */
function activeContent(markdownText: string): { tags: Set<string>; attributes: Set<string>; hrefs: string[]; html: string } {
  const html = markdown.render(markdownText);
  const tags = new Set<string>();
  const attributes = new Set<string>();
  const hrefs: string[] = [];
  for (const tag of html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)) {
    tags.add(tag[1].toLowerCase());
    for (const attribute of tag[2].matchAll(/([^\s=]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/g)) {
      attributes.add(attribute[1].toLowerCase());
      if (attribute[1].toLowerCase() === 'href') hrefs.push(attribute[2].replace(/^["']|["']$/g, ''));
    }
  }
  return { tags, attributes, hrefs, html };
}

/** What Markdown of ours may render to: text formatting, paragraphs, lists, code and links. */
const ALLOWED_TAGS = new Set(['p', 'strong', 'em', 'code', 'a', 'ul', 'li', 'br', 'hr']);

function assertInert(markdownText: string, where: string): void {
  const { tags, attributes, hrefs, html } = activeContent(markdownText);
  for (const tag of tags) assert.ok(ALLOWED_TAGS.has(tag), `${where}: <${tag}> in ${html}`);
  // A link's title is text (our own "Open the technique panel at its rules").
  for (const attribute of attributes) assert.ok(attribute === 'href' || attribute === 'title', `${where}: attribute ${attribute} in ${html}`);
  // Links: https pages (ATT&CK's own, or a URL written in the text, which a renderer may linkify:
  // opening one takes a click and the editor's confirmation), our links to rule files, and the
  // workspace line's Show Technique link — the one command the client trusts, with an ID argument.
  for (const href of hrefs) assert.match(href, /^(https:\/\/|file:\/\/\/|command:ttpLens\.showTechnique\?%5B%22T\d{4}(\.\d{3})?%22%2C%22rules%22%5D$)/, `${where}: link to ${href}`);
  // The payloads are still there, as text a reader can see.
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/, `${where}: the text of the payload is shown`);
}

describe('injection: corpus and rule text never become active content', () => {
  const bundle = craftedBundle();
  let corpus: Corpus;
  before(async () => {
    corpus = (await loadCorpus([bundle], { cacheDir: false })).corpus;
  });
  const index = new RuleIndex();
  // A rule whose file name and title are hostile, so hovers that list workspace rules link to it.
  const ruleUri = 'file:///rules/x)%5By%5D(command:evil)%20%3Cimg%20src=x%20onerror=alert(1)%3E.yml';
  index.set(parseRule(ruleUri, `title: ${JSON.stringify(hostile('Rule'))}\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel: {a: b}\n  condition: sel\ntags:\n  - attack.t1059\n  - attack.g0007\n`));
  const components = new ComponentIndex(index);
  // Every rule reads the crafted data component, so the panel lists the hostile rule under it.
  const componentsOf = () => ({ components: [corpus.objects.find((o) => o.kind === 'dataComponent')!.name] });

  test('the crafted bundle loads with its payloads intact (so the tests below test something)', () => {
    assert.ok(corpus.get('T1059')!.name.includes(IMG));
    assert.ok(corpus.description(corpus.get('T1059')!).includes('[run](command:workbench.action.terminal.new)'));
  });

  test('hovers over every object kind: only our own formatting and links to attack.mitre.org or the rule file', () => {
    const text = 'title: t\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel: {a: b}\n  condition: sel\ntags:\n  - attack.execution\n  - attack.t1059\n  - attack.t1059.001\n  - attack.g0007\n  - attack.m1038\n  - attack.ds0009\n';
    const rule = parseRule('untitled:h.yml', text);
    const lines = text.split('\n');
    for (const tag of ['attack.execution', 'attack.t1059', 'attack.t1059.001', 'attack.g0007', 'attack.m1038', 'attack.ds0009']) {
      const line = lines.findIndex((l) => l.endsWith(tag));
      const result = hover(rule, { line, character: 8 }, { corpus, workspaceFor: (object) => workspaceLines(corpus, { index, components, componentsOf, model: () => buildCoverageModel(corpus, index) }, object) });
      assert.ok(result, tag);
      const value = (result.contents as { kind: string; value: string });
      assert.equal(value.kind, 'markdown', 'MarkupContent, which the client renders untrusted');
      assertInert(value.value, tag);
    }
  });

  test('completion documentation (the brief facts) is inert too', () => {
    for (const id of ['T1059', 'T1059.001', 'G0007', 'M1038', 'TA0002']) {
      const object = corpus.get(id)!;
      assertInert(factsToMarkdown(factsOf(corpus, object), { versionLabel: corpus.versionLabel, brief: true }), id);
    }
  });

  test('a hostile tag in a rule: its hover shows it as text', () => {
    for (const tag of [`attack.${IMG}`, 'attack.[x](command:workbench.action.terminal.new)', 'attack.t9999<img src=x onerror=alert(1)>']) {
      const text = `title: t\nlogsource:\n  product: windows\ndetection:\n  sel: {a: b}\n  condition: sel\ntags:\n  - ${JSON.stringify(tag)}\n`;
      const rule = parseRule('untitled:t.yml', text);
      assert.equal(rule.references.length, 1, tag);
      const result = hover(rule, { line: 7, character: 6 }, { corpus });
      assert.ok(result, tag);
      const { tags, hrefs } = activeContent((result.contents as { value: string }).value);
      assert.deepEqual([...tags].filter((t) => !ALLOWED_TAGS.has(t)), [], tag);
      assert.deepEqual(hrefs, [], tag);
    }
  });

  test('safeMarkdown keeps https links and code, drops every other link target and all HTML', () => {
    assert.equal(safeMarkdown('See [PowerShell](https://attack.mitre.org/techniques/T1059/001) and `cmd.exe /c`.'), 'See [PowerShell](https://attack.mitre.org/techniques/T1059/001) and `cmd.exe /c`.');
    assert.equal(safeMarkdown('[run](command:x) [js](javascript:alert(1)) ![p](https://e.example/p.png)'), 'run js p');
    assert.equal(safeMarkdown('<b>x</b>'), '\\<b\\>x\\</b\\>');
    assert.equal(safeMarkdown('[a](https://x.example/a"b)'), '[a](https://x.example/a%22b)');
  });

  test('the language client leaves Markdown untrusted and without HTML (no markdown options set)', () => {
    const source = readFileSync(path.join(REPO_ROOT, 'client', 'src', 'languageClient.ts'), 'utf8');
    assert.doesNotMatch(source, /supportHtml|markdown\s*:/, 'vscode-languageclient then creates MarkdownStrings with isTrusted and supportHtml false');
    // The one exception: hovers may run our own Show Technique command (the workspace line's link), nothing else.
    for (const [trust] of source.matchAll(/isTrusted[^;]*/g)) assert.equal(trust, 'isTrusted = { enabledCommands: [SHOW_TECHNIQUE_COMMAND] }', trust);
    // And nothing in the client trusts Markdown built from server data.
    for (const file of ['coverageTree.ts', 'techniquePanel.ts', 'commands.ts', 'corpusStatusView.ts', 'coverageStatusBar.ts']) {
      assert.doesNotMatch(readFileSync(path.join(REPO_ROOT, 'client', 'src', file), 'utf8'), /isTrusted\s*=\s*true|supportHtml\s*=\s*true|isTrusted:\s*true/, file);
    }
  });

  test('the technique panel: strict CSP, one nonce script, no element or attribute from the text, https-only external links', () => {
    const technique = corpus.get('T1059')!;
    const data = techniquePanel({ corpus, model: buildCoverageModel(corpus, index), index, components, componentsOf }, technique);
    const nonce = 'bm9uY2Vub25jZQ==';
    const html = panelHtml(data, 'vscode-webview://panel', nonce);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.ok(csp, 'a CSP meta tag');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/);
    const tags = [...html.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:="[^"]*")?)*)\s*\/?>/g)];
    const allowed = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'p', 'span', 'strong', 'button', 'section', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'li', 'code', 'br', 'details', 'summary', 'script']);
    for (const [, name, attributes] of tags) {
      assert.ok(allowed.has(name.toLowerCase()), `<${name}> in the panel`);
      for (const [, attribute] of attributes.matchAll(/([\w-]+)(?:="[^"]*")?/g)) assert.doesNotMatch(attribute, /^on/i, `${attribute} on <${name}>`);
    }
    assert.equal([...html.matchAll(/<script\b/g)].length, 1, 'only our script');
    assert.match(html, new RegExp(`<script nonce="${nonce.replace(/[+/=]/g, '\\$&')}">`));
    for (const [, url] of html.matchAll(/data-url="([^"]*)"/g)) assert.match(url, /^https:\/\//, url);
    // Every "<" of the payloads arrives escaped, so the only tags are ours (checked above); the
    // payload text is visible.
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    for (const [, action] of html.matchAll(/data-action="([^"]*)"/g)) assert.ok(['openRule', 'openTechnique', 'external', 'newRule'].includes(action), action);
  });
});

// The coverage views' requests over stdio on the SigmaHQ rules: tree counts recomputed independently
// from the files, filters, the status-bar summary, the technique panel, new-rule templates and the
// Navigator layer (validated against the layer format 4.5 schema).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { CorpusStatus, CoverageTechniqueNode, CoverageTree, NewRuleTemplate, RuleRef, TechniquePanel, WorkspaceStatus } from '../../server/src/protocol';
import { corpus18 } from '../support/corpora';
import { LspTestClient } from '../support/lspClient';
import { BUNDLE_17, BUNDLE_18, needsShared, REPO_ROOT, requireShared, SIGMAHQ_RULES } from '../support/paths';

function* walk(directory: string): Generator<string> {
  for (const entry of readdirSync(directory)) {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else if (entry.endsWith('.yml')) yield full;
  }
}

/** Independent extraction: technique tags written as list items, per file. */
function tagsByFile(): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const file of walk(requireShared(SIGMAHQ_RULES))) {
    const ids = [...readFileSync(file, 'utf8').matchAll(/^\s*-\s+['"]?attack\.(t\d{4}(?:\.\d{3})?)['"]?\s*$/gim)].map((m) => m[1].toUpperCase());
    result.set(pathToFileURL(file).href, new Set(ids));
  }
  return result;
}

async function waitIndexed(client: LspTestClient, atLeast: number): Promise<void> {
  for (;;) {
    const status = await client.request<WorkspaceStatus>('ttpLens/workspaceStatus', undefined);
    if (!status.indexing && status.rules >= atLeast) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function findNode(tree: CoverageTree, tactic: string, id: string): CoverageTechniqueNode {
  const node = tree.tactics.find((t) => t.shortname === tactic)?.techniques.flatMap((t) => [t, ...(t.subtechniques ?? [])]).find((t) => t.id === id);
  assert.ok(node, `${id} under ${tactic}`);
  return node;
}

describe('lsp: coverage requests on SigmaHQ (v18.1)', needsShared, () => {
  let client: LspTestClient;
  const files = tagsByFile();
  const filesWith = (...ids: string[]) => [...files].filter(([, set]) => ids.some((id) => set.has(id))).length;

  before(async () => {
    client = await LspTestClient.start({ workspaceFolder: requireShared(SIGMAHQ_RULES), initializationOptions: { attack: { stixPath: BUNDLE_18 } } });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    await waitIndexed(client, 3141);
  });
  after(() => client.stop());

  test('tree: tactics in matrix order; counts for chosen techniques equal an independent count of the files', async () => {
    const tree = (await client.request<CoverageTree>('ttpLens/coverageTree', { filter: {} }))!;
    assert.equal(tree.versionLabel, 'ATT&CK v18.1');
    assert.deepEqual(tree.tactics.slice(0, 4).map((t) => t.shortname), ['reconnaissance', 'resource-development', 'initial-access', 'execution']);
    const corpus = await corpus18();
    for (const [tactic, id] of [['execution', 'T1059.001'], ['credential-access', 'T1003.001'], ['persistence', 'T1547.001'], ['defense-evasion', 'T1218.011'], ['execution', 'T1559']] as const) {
      const node = findNode(tree, tactic, id);
      const object = corpus.get(id)!;
      const expected = filesWith(id, ...corpus.subtechniquesOf(object).map((s) => s.id));
      assert.equal(node.ruleCount, expected, id);
      assert.equal(node.formats.sigma ?? 0, expected, id);
      assert.equal(node.state, filesWith(id) ? 'covered' : expected ? 'partial' : 'uncovered', id);
    }
    const t1059 = findNode(tree, 'execution', 'T1059');
    assert.equal(t1059.ruleCount, filesWith('T1059', ...corpus.subtechniquesOf(corpus.get('T1059')!).map((s) => s.id)));
  });

  test('rules of a technique, each at its reference', async () => {
    const rules = await client.request<RuleRef[]>('ttpLens/techniqueRules', { id: 'T1059.001', filter: {} });
    assert.equal(rules.length, filesWith('T1059.001'));
    for (const rule of rules.slice(0, 20)) {
      const text = readFileSync(new URL(rule.uri), 'utf8').split('\n');
      assert.equal(text[rule.range!.start.line].slice(rule.range!.start.character, rule.range!.end.character), 'attack.t1059.001', rule.uri);
    }
  });

  test('filters: platform, gaps only, search, Sigma level', async () => {
    const corpus = await corpus18();
    const linux = (await client.request<CoverageTree>('ttpLens/coverageTree', { filter: { platforms: ['Linux'] } }))!;
    for (const tactic of linux.tactics) for (const t of tactic.techniques) assert.ok(corpus.get(t.id)!.platforms!.includes('Linux'), t.id);
    const gaps = (await client.request<CoverageTree>('ttpLens/coverageTree', { filter: { uncoveredOnly: true } }))!;
    assert.ok(gaps.tactics.flatMap((t) => t.techniques).every((t) => t.state !== 'covered'));
    const search = (await client.request<CoverageTree>('ttpLens/coverageTree', { filter: { search: 'powershell' } }))!;
    // T1059 PowerShell, and T1546 for its sub-technique T1546.013 PowerShell Profile (under two tactics).
    assert.deepEqual(search.tactics.map((t) => t.techniques.map((x) => x.id)), [['T1059'], ['T1546'], ['T1546']]);
    const high = (await client.request<CoverageTree>('ttpLens/coverageTree', { filter: { levels: ['critical'] } }))!;
    const all = (await client.request<CoverageTree>('ttpLens/coverageTree', { filter: {} }))!;
    assert.ok(findNode(high, 'execution', 'T1059').ruleCount < findNode(all, 'execution', 'T1059').ruleCount);
    assert.deepEqual(all.choices.formats, ['sigma']);
    assert.ok(all.choices.levels.includes('critical') && all.choices.platforms.includes('Windows'));
  });

  test('status-bar summary counts techniques and sub-techniques referenced by a rule', async () => {
    const corpus = await corpus18();
    const summary = (await client.request<{ covered: number; total: number; percent: number; rules: number }>('ttpLens/coverageSummary', { filter: {} }))!;
    const live = corpus.ofKind('technique').filter((t) => !t.revoked && !t.deprecated);
    const referenced = new Set([...files.values()].flatMap((set) => [...set]));
    const covered = live.filter((t) => referenced.has(t.id) || (!t.isSubtechnique && corpus.subtechniquesOf(t).some((s) => referenced.has(s.id)))).length;
    assert.deepEqual([summary.covered, summary.total], [covered, live.length]);
    assert.equal(summary.percent, Math.round((covered / live.length) * 100));
  });

  test('the Navigator layer validates against the layer format 4.5 schema; scores are rule counts', async () => {
    const layer = await client.request<{ techniques: { techniqueID: string; score: number; comment: string }[]; gradient: { minValue: number; maxValue: number } }>('ttpLens/navigatorLayer', { filter: {} });
    const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test', 'schemas', 'navigator-layer-4.5.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true }).compile(schema);
    assert.ok(validate(layer), JSON.stringify(validate.errors, null, 1));
    assert.ok(layer.gradient.maxValue > layer.gradient.minValue);
    const t1059001 = layer.techniques.find((t) => t.techniqueID === 'T1059.001')!;
    assert.equal(t1059001.score, filesWith('T1059.001'));
    assert.ok(t1059001.comment.length > 0);
  });

  test('technique panel (v18.1): data components with analytics and the rules observing through each', async () => {
    const panel = (await client.request<TechniquePanel>('ttpLens/techniquePanel', { id: 'T1059.001' }))!;
    assert.equal(panel.name, 'PowerShell');
    const commandExecution = panel.components.find((c) => c.name === 'Command Execution');
    assert.ok(commandExecution, panel.components.map((c) => c.name).join(', '));
    assert.ok(commandExecution.analytics.length > 0);
    assert.ok(commandExecution.observingRules.length > 0, 'process_creation and ps_script rules claim T1059.001');
    assert.ok(panel.rules.length === filesWith('T1059.001'));
  });

  test('new rule for T1559: a Sigma rule with its tags and an observing log source, on which TTP Lens reports nothing', async () => {
    const template = (await client.request<NewRuleTemplate>('ttpLens/newRule', { techniqueId: 'T1559' }))!;
    assert.match(template.text, /^title: Inter-Process Communication$/m);
    assert.match(template.text, /^tags:\n {4}- attack\.execution\n {4}- attack\.t1559\n/m);
    assert.match(template.explanation, /provides .*, which ATT&CK lists as observing T1559/);
    assert.match(template.snippet, /\$\{1:Inter-Process Communication\}/);
    const uri = 'untitled:new-rule.yml';
    await client.open(uri, template.text);
    const diagnostics = await client.diagnostics(uri);
    assert.deepEqual(diagnostics.map((d: Diagnostic) => `${d.code}: ${d.message}`), []);
    for (const format of ['splunk', 'elastic', 'sentinel', 'xp']) {
      const other = (await client.request<NewRuleTemplate>('ttpLens/newRule', { techniqueId: 'T1059.001', format }))!;
      assert.ok(other.text.includes('T1059.001'), format);
    }
  });
});

describe('lsp: technique panel with v17.1 (data sources)', needsShared, () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start({ workspaceFolder: path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), initializationOptions: { attack: { stixPath: requireShared(BUNDLE_17) } } });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    await waitIndexed(client, 2);
  });
  after(() => client.stop());

  test('T1559 lists DS0009 Process: Process Creation observed by the fixture rule, and gaps for the other components', async () => {
    const panel = (await client.request<TechniquePanel>('ttpLens/techniquePanel', { id: 'T1559' }))!;
    const creation = panel.components.find((c) => c.label === 'DS0009 Process: Process Creation')!;
    assert.equal(creation.dataSource?.id, 'DS0009');
    assert.deepEqual(creation.observingRules.map((r) => r.title), ['Office Application Spawning Through COM or DDE']);
    const moduleLoad = panel.components.find((c) => c.label === 'DS0011 Module: Module Load')!;
    assert.deepEqual(moduleLoad.observingRules, [], 'a gap');
    assert.equal(moduleLoad.readingRuleCount, 1, 'the image_load fixture rule reads Module Load');
    assert.deepEqual(panel.mitigations.map((m) => m.id), ['M1013', 'M1026', 'M1040', 'M1042', 'M1048', 'M1054']);
    const template = (await client.request<NewRuleTemplate>('ttpLens/newRule', { techniqueId: 'T1559', component: 'Module Load' }))!;
    assert.match(template.text, /category: image_load/);
  });
});

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
import type { CorpusStatus, CoverageSummary, CoverageTechniqueNode, CoverageTree, NewRuleTemplate, RuleRef, TechniquePanel, WorkspaceStatus } from '../../server/src/protocol';
import { independentStates, liveTechniqueIds, sigmaClaims } from '../support/independentCoverage';
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

  test('tree: tactics in matrix order; every technique\'s and sub-technique\'s state equals an independent computation', async () => {
    const tree = (await client.request<CoverageTree>('ttpLens/coverageTree', { filter: {} }))!;
    assert.equal(tree.versionLabel, 'ATT&CK v18.1');
    assert.deepEqual(tree.tactics.slice(0, 4).map((t) => t.shortname), ['reconnaissance', 'resource-development', 'initial-access', 'execution']);
    const expected = independentStates(liveTechniqueIds(BUNDLE_18), sigmaClaims(requireShared(SIGMAHQ_RULES)));
    const seen = new Map<string, CoverageTechniqueNode>();
    for (const tactic of tree.tactics) for (const t of tactic.techniques) for (const n of [t, ...(t.subtechniques ?? [])]) seen.set(n.id, n);
    assert.equal(seen.size, expected.size, 'every live technique and sub-technique is in the tree');
    const differ = [...expected].filter(([id, state]) => seen.get(id)?.state !== state).map(([id, state]) => `${id}: ${seen.get(id)?.state} ≠ ${state}`);
    assert.deepEqual(differ, []);
    for (const [tactic, id] of [['execution', 'T1059.001'], ['credential-access', 'T1003.001'], ['persistence', 'T1547.001'], ['execution', 'T1059']] as const) {
      const node = findNode(tree, tactic, id);
      assert.equal(node.ruleCount, filesWith(id), `${id}: rules claiming exactly it`);
      assert.equal(node.formats.sigma ?? 0, filesWith(id), id);
    }
    const t1059 = findNode(tree, 'execution', 'T1059');
    const subIds = (t1059.subtechniques ?? []).map((s) => s.id);
    const onlySubs = [...files].filter(([, set]) => !set.has('T1059') && subIds.some((id) => set.has(id))).length;
    assert.equal(t1059.relatedRuleCount, onlySubs, 'rules claiming only its sub-techniques');
  });

  test('rules of a technique, each at its reference', async () => {
    const rules = await client.request<RuleRef[]>('ttpLens/techniqueRules', { id: 'T1059.001', filter: {} });
    assert.equal(rules.length, filesWith('T1059.001'));
    for (const rule of rules.slice(0, 20)) {
      const text = readFileSync(new URL(rule.uri), 'utf8').split('\n');
      assert.equal(text[rule.range!.start.line].slice(rule.range!.start.character, rule.range!.end.character), 'attack.t1059.001', rule.uri);
    }
  });

  test('filters: platform, search, Sigma level', async () => {
    const corpus = await corpus18();
    const linux = (await client.request<CoverageTree>('ttpLens/coverageTree', { filter: { platforms: ['Linux'] } }))!;
    for (const tactic of linux.tactics) for (const t of tactic.techniques) assert.ok(corpus.get(t.id)!.platforms!.includes('Linux'), t.id);
    const search = (await client.request<CoverageTree>('ttpLens/coverageTree', { filter: { search: 'powershell' } }))!;
    // T1059 PowerShell, and T1546 for its sub-technique T1546.013 PowerShell Profile (under two tactics).
    assert.deepEqual(search.tactics.map((t) => t.techniques.map((x) => x.id)), [['T1059'], ['T1546'], ['T1546']]);
    const high = (await client.request<CoverageTree>('ttpLens/coverageTree', { filter: { levels: ['critical'] } }))!;
    const all = (await client.request<CoverageTree>('ttpLens/coverageTree', { filter: {} }))!;
    assert.ok(findNode(high, 'execution', 'T1059.001').ruleCount < findNode(all, 'execution', 'T1059.001').ruleCount);
    assert.deepEqual(all.choices.formats, ['sigma']);
    assert.ok(all.choices.levels.includes('critical') && all.choices.platforms.includes('Windows'));
  });

  test('gaps only: every gap and parent-only sub-technique stays, under its parent (T1059.011 under a covered T1059)', async () => {
    const gaps = (await client.request<CoverageTree>('ttpLens/coverageTree', { filter: { uncoveredOnly: true } }))!;
    const t1059 = findNode(gaps, 'execution', 'T1059');
    assert.equal(t1059.state, 'covered', 'the parent is shown in its own state');
    assert.deepEqual((t1059.subtechniques ?? []).map((s) => `${s.id} ${s.state}`), ['T1059.008 parent-only', 'T1059.010 parent-only', 'T1059.011 parent-only', 'T1059.013 parent-only']);
    const expected = independentStates(liveTechniqueIds(BUNDLE_18), sigmaClaims(requireShared(SIGMAHQ_RULES)));
    const shown = new Set<string>();
    for (const tactic of gaps.tactics) {
      for (const t of tactic.techniques) {
        for (const sub of t.subtechniques ?? []) {
          assert.ok(sub.state === 'gap' || sub.state === 'parent-only', sub.id);
          shown.add(sub.id);
        }
        assert.ok(t.state === 'gap' || t.subtechniques?.length, `${t.id} is shown for a gap`);
        if (t.state === 'gap') shown.add(t.id);
      }
    }
    const missing = [...expected].filter(([id, state]) => (state === 'gap' || state === 'parent-only') && !shown.has(id)).map(([id]) => id);
    assert.deepEqual(missing, [], 'no gap is hidden');
  });

  test('status bar = the tree\'s totals (each technique once over all tactics)', async () => {
    const tree = (await client.request<CoverageTree>('ttpLens/coverageTree', { filter: {} }))!;
    const summary = (await client.request<CoverageSummary>('ttpLens/coverageSummary', { filter: {} }))!;
    assert.deepEqual(summary.counts, tree.summary.counts);
    const states = new Map<string, string>();
    for (const tactic of tree.tactics) for (const t of tactic.techniques) for (const n of [t, ...(t.subtechniques ?? [])]) states.set(n.id, n.state);
    const techniques = [...states].filter(([id]) => !id.includes('.'));
    const subs = [...states].filter(([id]) => id.includes('.'));
    const n = (list: [string, string][], state: string) => list.filter(([, s]) => s === state).length;
    assert.deepEqual(summary.counts, {
      techniques: { covered: n(techniques, 'covered'), viaSubtechniques: n(techniques, 'via-subtechniques'), gaps: n(techniques, 'gap'), total: techniques.length },
      subtechniques: { covered: n(subs, 'covered'), parentOnly: n(subs, 'parent-only'), gaps: n(subs, 'gap'), total: subs.length },
    });
    assert.equal(summary.rules, [...files.values()].filter((set) => [...set].some((id) => states.has(id))).length);
  });

  test('the Navigator layer validates against the layer format 4.5 schema; a median technique reads clearly apart from a gap', async () => {
    const layer = await client.request<{ techniques: { techniqueID: string; score?: number; color: string; comment: string }[]; gradient: { colors: string[]; minValue: number; maxValue: number }; legendItems: unknown[] }>('ttpLens/navigatorLayer', { filter: {} });
    const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test', 'schemas', 'navigator-layer-4.5.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true }).compile(schema);
    assert.ok(validate(layer), JSON.stringify(validate.errors, null, 1));
    assert.equal(layer.legendItems.length, 5);
    const t1059001 = layer.techniques.find((t) => t.techniqueID === 'T1059.001')!;
    assert.equal(t1059001.score, Math.min(filesWith('T1059.001'), layer.gradient.maxValue), 'the score is the rule count, capped');
    assert.ok(t1059001.comment.length > 0);
    // What the Navigator renders: the technique's colour, else the gradient's colour at its score.
    const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const rendered = (t: { score?: number; color: string }) => {
      if (t.color) return rgb(t.color);
      const [from, to] = layer.gradient.colors.map(rgb);
      const f = ((t.score ?? 0) - layer.gradient.minValue) / (layer.gradient.maxValue - layer.gradient.minValue);
      return from.map((v, i) => v + (to[i] - v) * Math.min(1, Math.max(0, f)));
    };
    const covered = layer.techniques.filter((t) => t.score);
    const counts = covered.map((t) => filesWith(t.techniqueID)).sort((a, b) => a - b);
    const median = counts[counts.length >> 1];
    const medianTechnique = covered.find((t) => filesWith(t.techniqueID) === median)!;
    const gap = layer.techniques.find((t) => !t.score && !t.techniqueID.includes('.') && filesWith(t.techniqueID) === 0 && t.comment.startsWith('gap'))!;
    const distance = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]));
    const [m, g] = [rendered(medianTechnique), rendered(gap)];
    assert.ok(distance(m, g) > 120, `median (${median} rules) ${m} vs gap ${g}`);
    assert.ok(distance(m, [255, 255, 255]) > 120, `the median technique is not near-white: ${m}`);
  });

  test('technique panel (v18.1): T1059.001 detections are rules claiming T1059.001; the header counts the gap rows', async () => {
    const panel = (await client.request<TechniquePanel>('ttpLens/techniquePanel', { id: 'T1059.001' }))!;
    assert.equal(panel.name, 'PowerShell');
    assert.equal(panel.state, 'covered');
    const commandExecution = panel.components.find((c) => c.name === 'Command Execution');
    assert.ok(commandExecution, panel.components.map((c) => c.name).join(', '));
    assert.ok(commandExecution.analytics.length > 0);
    assert.ok(commandExecution.detections.length > 0, 'process_creation and ps_script rules claim T1059.001');
    const claiming = new Set([...files].filter(([, set]) => set.has('T1059.001')).map(([uri]) => uri));
    for (const component of panel.components) {
      for (const rule of component.detections) {
        assert.equal(rule.claims, 'T1059.001');
        assert.ok(claiming.has(pathToFileURL(new URL(rule.uri).pathname).href), `${rule.title} claims T1059.001`);
      }
      assert.ok(component.visibility >= component.detections.length);
      assert.equal(component.gap, component.detections.length === 0);
    }
    assert.equal(panel.gapCount, panel.components.filter((c) => c.gap).length);
    assert.equal(panel.rules.length, filesWith('T1059.001'));
    assert.deepEqual(panel.parentRules.length, [...files.values()].filter((set) => set.has('T1059') && !set.has('T1059.001')).length);
  });

  test('technique panel: T1059.011 Lua has no rule, every component a gap, its parent-level rules apart', async () => {
    const panel = (await client.request<TechniquePanel>('ttpLens/techniquePanel', { id: 'T1059.011' }))!;
    assert.equal(panel.state, 'parent-only');
    assert.equal(panel.rules.length, 0);
    assert.ok(panel.components.length > 0);
    assert.ok(panel.components.every((c) => c.gap && c.detections.length === 0), 'every data component is a gap');
    assert.equal(panel.gapCount, panel.components.length);
    assert.equal(panel.blindSpotCount, panel.components.filter((c) => c.visibility === 0).length);
    assert.equal(panel.parentRules.length, filesWith('T1059') - filesWith('T1059.011'));
    assert.ok(panel.parentRules.every((r) => r.claims === 'T1059'));
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
    assert.deepEqual(creation.detections.map((r) => `${r.title} (${r.claims})`), ['Office Application Spawning Through COM or DDE (T1559.001)']);
    const moduleLoad = panel.components.find((c) => c.label === 'DS0011 Module: Module Load')!;
    assert.deepEqual(moduleLoad.detections, [], 'a gap');
    assert.equal(moduleLoad.gap, true);
    assert.equal(moduleLoad.blindSpot, false);
    assert.equal(moduleLoad.visibility, 1, 'the image_load fixture rule reads Module Load');
    assert.deepEqual(panel.mitigations.map((m) => m.id), ['M1013', 'M1026', 'M1040', 'M1042', 'M1048', 'M1054']);
    const template = (await client.request<NewRuleTemplate>('ttpLens/newRule', { techniqueId: 'T1559', component: 'Module Load' }))!;
    assert.match(template.text, /category: image_load/);
  });
});

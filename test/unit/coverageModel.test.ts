// The one coverage model (server/src/workspace/coverageModel.ts) and what renders it: states by the
// definitions (claims, via sub-techniques, parent-only, gaps), counts, filters, the gaps-only tree,
// the CLI reports and the Navigator layer's colours — on hand-made rules, then on all of SigmaHQ
// against an independent computation.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import type { Corpus } from '../../server/src/corpus/corpus';
import { parseSigma } from '../../server/src/formats/sigma';
import { coverageCsv, coverageJson, coverageMarkdown, coverageText } from '../../server/src/workspace/coverage';
import { buildCoverageModel, type CoverageModel, CoverageModelCache, modelFilter } from '../../server/src/workspace/coverageModel';
import { coverageTree } from '../../server/src/workspace/coverageView';
import { indexFilesSync } from '../../server/src/workspace/indexer';
import { COVERED_HIGH, COVERED_LOW, interpolate, navigatorLayer, STATE_COLOURS } from '../../server/src/workspace/navigator';
import { RuleIndex } from '../../server/src/workspace/ruleIndex';
import { ExcludeMatcher, listRuleFiles } from '../../server/src/workspace/files';
import { corpus18 } from '../support/corpora';
import { independentStates, liveTechniqueIds, sigmaClaims } from '../support/independentCoverage';
import { BUNDLE_18, needsShared, SIGMAHQ_RULES } from '../support/paths';

const sigma = (name: string, tags: string[], product = 'windows', extra = '') =>
  parseSigma(`file:///rules/${name}.yml`, `title: ${name}\n${extra}logsource:\n  product: ${product}\n  category: process_creation\ndetection:\n  sel: {a: b}\n  condition: sel\ntags:\n${tags.map((t) => `  - attack.${t}\n`).join('')}`);

function smallIndex(): RuleIndex {
  const index = new RuleIndex();
  index.set(sigma('parent-only-shell', ['execution', 't1059']));
  index.set(sigma('powershell', ['execution', 't1059.001']));
  index.set(sigma('lsass', ['credential-access', 't1003.001'], 'windows', 'level: high\n'));
  index.set(sigma('linux-shell', ['execution', 't1059.004'], 'linux', 'level: low\n'));
  return index;
}

let corpus: Corpus;
before(async () => {
  corpus = await corpus18();
});

describe('coverage model: states and counts', () => {

  test('claims are exact; parent-only sub-techniques are shown but not covered; via sub-techniques', () => {
    const model = buildCoverageModel(corpus, smallIndex());
    const state = (id: string) => model.byId.get(id)?.state;
    assert.equal(state('T1059'), 'covered');
    assert.equal(state('T1059.001'), 'covered');
    assert.equal(state('T1059.011'), 'parent-only', 'only the parent T1059 is claimed');
    assert.equal(state('T1003'), 'via-subtechniques');
    assert.equal(state('T1003.001'), 'covered');
    assert.equal(state('T1003.002'), 'gap', 'the parent is not claimed either');
    assert.equal(state('T1559'), 'gap');
    assert.deepEqual(model.byId.get('T1059')!.claims.map((r) => r.identity.title), ['parent-only-shell']);
    assert.equal(model.byId.get('T1562.001') ? 'live' : 'absent', 'live');
  });

  test('counts: per tactic and overall (each technique once), techniques and sub-techniques apart', () => {
    const model = buildCoverageModel(corpus, smallIndex());
    const live = corpus.ofKind('technique').filter((t) => !t.revoked && !t.deprecated);
    assert.equal(model.counts.techniques.total, live.filter((t) => !t.isSubtechnique).length);
    assert.equal(model.counts.subtechniques.total, live.filter((t) => t.isSubtechnique).length);
    assert.deepEqual(model.counts.techniques, { covered: 1, viaSubtechniques: 1, gaps: model.counts.techniques.total - 2, total: model.counts.techniques.total });
    const subsOfT1059 = corpus.subtechniquesOf(corpus.get('T1059')!).filter((s) => !s.revoked && !s.deprecated).length;
    assert.equal(model.counts.subtechniques.covered, 3);
    assert.equal(model.counts.subtechniques.parentOnly, subsOfT1059 - 2);
    const execution = model.tactics.find((t) => t.tactic.shortname === 'execution')!;
    assert.equal(execution.counts.techniques.covered, 1);
    assert.equal(execution.counts.subtechniques.covered, 2);
    assert.deepEqual(model.rules.map((r) => r.identity.title).sort(), ['linux-shell', 'lsass', 'parent-only-shell', 'powershell']);
  });

  test('filters apply to the model: rule format, Sigma level, platform', () => {
    const index = smallIndex();
    const elasticOnly = buildCoverageModel(corpus, index, { formats: ['elastic'] });
    assert.equal(elasticOnly.byId.get('T1059')!.state, 'gap');
    assert.equal(elasticOnly.rules.length, 0);
    const high = buildCoverageModel(corpus, index, { levels: ['high'] });
    assert.equal(high.byId.get('T1003.001')!.state, 'covered');
    assert.equal(high.byId.get('T1059.004')!.state, 'parent-only', 'the low-level Linux rule does not count; the unlevelled T1059 rule does');
    const ics = buildCoverageModel(corpus, index, { platforms: ['IaaS'] });
    for (const entry of ics.byId.values()) assert.ok(entry.technique.platforms!.includes('IaaS'), entry.technique.id);
    assert.deepEqual(modelFilter({ uncoveredOnly: true, search: 'x', platforms: ['Linux'] }), { platforms: ['Linux'] });
  });

  test('the model cache rebuilds when the index changes, and only then', () => {
    const index = smallIndex();
    const cache = new CoverageModelCache(index);
    const first = cache.get(corpus, {});
    assert.equal(cache.get(corpus, { uncoveredOnly: true }), first, 'view-only filters share the model');
    index.set(sigma('ipc', ['execution', 't1559']));
    const second = cache.get(corpus, {});
    assert.notEqual(second, first);
    assert.equal(second.byId.get('T1559')!.state, 'covered');
  });
});

describe('coverage views rendered from the model', () => {
  const index = smallIndex();
  let model: CoverageModel;
  before(() => {
    model = buildCoverageModel(corpus, index);
  });

  test('gaps-only tree keeps every gap and parent-only sub-technique, with its parent in its own state', () => {
    const tree = coverageTree(model, index, { uncoveredOnly: true });
    const execution = tree.tactics.find((t) => t.shortname === 'execution')!;
    const t1059 = execution.techniques.find((t) => t.id === 'T1059')!;
    assert.equal(t1059.state, 'covered');
    const subs = t1059.subtechniques!.map((s) => s.id);
    assert.ok(subs.includes('T1059.011') && !subs.includes('T1059.001') && !subs.includes('T1059.004'), subs.join(', '));
    assert.ok(t1059.subtechniques!.every((s) => s.state === 'parent-only'));
    const credential = tree.tactics.find((t) => t.shortname === 'credential-access')!.techniques.find((t) => t.id === 'T1003')!;
    assert.equal(credential.state, 'via-subtechniques');
    assert.ok(credential.subtechniques!.every((s) => s.state === 'gap'));
    assert.deepEqual(execution.counts, model.tactics.find((t) => t.tactic.shortname === 'execution')!.counts, 'tactic counts are the model\'s, not what is shown');
    assert.deepEqual(tree.summary.counts, model.counts);
  });

  test('CLI text and markdown name every gap and parent-only sub-technique; --gaps prints only those', () => {
    const text = coverageText(model, index);
    assert.match(text, /TA0002 Execution: 1\/\d+ techniques · 2\/\d+ sub-techniques \(\+ \d+ parent-only\)/);
    assert.match(text, /^ {6}T1059\.011 {2}Lua — parent-only, 1 parent-level rule$/m);
    assert.match(text, /^ {4}T1559 {6}Inter-Process Communication$/m);
    const gaps = coverageText(model, index, { gapsOnly: true });
    assert.doesNotMatch(gaps, /with rules:/);
    assert.match(gaps, /T1003\.002 {2}OS Credential Dumping|T1003\.002 {2}Security Account Manager — gap/);
    const markdown = coverageMarkdown(model, index, { gapsOnly: true });
    assert.match(markdown, /^\| T1059\.011 \| Command and Scripting Interpreter: Lua \| parent-only, 1 parent-level rule \|$/m);
    assert.match(markdown, /^\| \*\*all\*\* \|/m);
  });

  test('JSON has every live technique with its state, files claiming it exactly; CSV one row each', () => {
    const json = coverageJson(model, index, (uri) => uri.slice('file://'.length)) as { techniques: Record<string, { state?: string; files: string[]; status: string }> };
    assert.equal(Object.keys(json.techniques).length, model.byId.size);
    assert.deepEqual(json.techniques.T1059, { name: 'Command and Scripting Interpreter', status: 'live', state: 'covered', files: ['/rules/parent-only-shell.yml'] });
    assert.equal(json.techniques['T1059.011'].state, 'parent-only');
    assert.deepEqual(json.techniques['T1059.011'].files, []);
    const csv = coverageCsv(model).split('\n');
    assert.equal(csv.length, model.byId.size + 1);
    assert.equal(csv[0], 'id,name,parent,tactics,platforms,state,rules,related_rules,formats');
    assert.ok(csv.includes('T1059.011,Lua,T1059,Execution,Linux; Network Devices; Windows; macOS,parent-only,0,1,'), csv.find((l) => l.startsWith('T1059.011')));
  });

  test('Navigator layer: a colour per state, covered shades by capped rule count, a legend', () => {
    const layer = navigatorLayer(model, { maxScore: 5 }) as { techniques: { techniqueID: string; color: string; score?: number }[]; legendItems: { label: string; color: string }[]; gradient: { maxValue: number } };
    const colour = (id: string) => layer.techniques.find((t) => t.techniqueID === id)!.color;
    assert.equal(colour('T1559'), STATE_COLOURS.gap);
    assert.equal(colour('T1059.011'), STATE_COLOURS['parent-only']);
    assert.equal(colour('T1003'), STATE_COLOURS['via-subtechniques']);
    assert.equal(colour('T1059'), COVERED_LOW, 'one rule: the lightest green');
    assert.equal(layer.techniques.find((t) => t.techniqueID === 'T1559')!.score, undefined, 'gaps are unscored');
    assert.equal(layer.gradient.maxValue, 5);
    assert.deepEqual(layer.legendItems.map((l) => l.color), [STATE_COLOURS.gap, STATE_COLOURS['parent-only'], STATE_COLOURS['via-subtechniques'], COVERED_LOW, COVERED_HIGH]);
    assert.equal(interpolate('#000000', '#ffffff', 0.5), '#808080');
  });
});

describe('coverage model on SigmaHQ equals an independent computation', needsShared, () => {
  test('every live technique and sub-technique: model, CLI JSON', () => {
    const index = new RuleIndex();
    indexFilesSync(listRuleFiles(SIGMAHQ_RULES, new ExcludeMatcher([])), index);
    const model = buildCoverageModel(corpus, index);
    const expected = independentStates(liveTechniqueIds(BUNDLE_18), sigmaClaims(SIGMAHQ_RULES));
    assert.equal(model.byId.size, expected.size);
    const differ = [...expected].filter(([id, state]) => model.byId.get(id)?.state !== state).map(([id, state]) => `${id}: ${model.byId.get(id)?.state} ≠ ${state}`);
    assert.deepEqual(differ, []);
    const claims = sigmaClaims(SIGMAHQ_RULES);
    const json = coverageJson(model, index, (uri) => uri) as { techniques: Record<string, { state?: string; files: string[] }> };
    for (const [id, state] of expected) {
      assert.equal(json.techniques[id]?.state, state, id);
      assert.equal(json.techniques[id].files.length, claims.get(id)?.size ?? 0, id);
    }
    // The figures the issue quotes as wrong before: T1059.011 is no longer "0 gaps".
    assert.equal(expected.get('T1059.011'), 'parent-only');
    assert.ok(path.isAbsolute(SIGMAHQ_RULES));
  });
});

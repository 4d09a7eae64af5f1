// The log-source → data-component table and the coverage check: lookups, precedence, user entries,
// component names that exist in both data models, and the calibration on SigmaHQ.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { diagnose } from '../../server/src/features/diagnostics';
import { LogSourceContext } from '../../server/src/features/logSourceContext';
import { parseSigma } from '../../server/src/formats/sigma';
import { withDefaults } from '../../server/src/settings';
import { LogSourceMap, loadBuiltinLogSourceMap } from '../../server/src/workspace/logSourceMap';
import { checkObservability } from '../../server/src/workspace/observability';
import { corpus17, corpus18 } from '../support/corpora';
import { needsShared, requireShared, SIGMAHQ_RULES } from '../support/paths';

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const map = new LogSourceMap(loadBuiltinLogSourceMap());

describe('log-source table', () => {
  test('Sigma: the most specific entry wins, case-insensitively', async () => {
    assert.deepEqual(map.componentsFor({ product: 'windows', category: 'process_creation', range })?.components, ['Process Creation', 'Command Execution']);
    assert.deepEqual(map.componentsFor({ product: 'Windows', category: 'Registry_Set', range })?.components, ['Windows Registry Key Modification']);
    // category-only entry for any product
    assert.deepEqual(map.componentsFor({ product: 'linux', category: 'file_event', range })?.components, ['File Creation', 'File Modification']);
    // product+service, and product-only for broad sources
    assert.ok(map.componentsFor({ product: 'windows', service: 'security', range })!.components.includes('Logon Session Creation'));
    assert.ok(map.componentsFor({ product: 'okta', service: 'okta', range })!.components.includes('User Account Authentication'));
    assert.equal(map.componentsFor({ product: 'windows', range }), undefined, 'windows alone says nothing');
    assert.equal(map.componentsFor({ product: 'windows', category: 'clipboard_capture', range }), undefined, 'mapped to nothing = no verdict');
  });

  test('Splunk data_source names and MaxPatrol providers resolve through the event tables', async () => {
    assert.deepEqual(map.componentsFor({ name: 'Sysmon EventID 1', range }, 'splunk')?.components, ['Process Creation', 'Command Execution']);
    assert.deepEqual(map.componentsFor({ name: 'Sysmon for Linux EventID 3', range }, 'splunk')?.components, ['Network Connection Creation']);
    assert.deepEqual(map.componentsFor({ name: 'Windows Event Log Security 4769', range }, 'splunk')?.components, ['Active Directory Credential Request', 'User Account Authentication', 'Logon Session Metadata']);
    assert.equal(map.componentsFor({ name: 'Windows Event Log Security 9999', range }, 'splunk'), undefined);
    assert.deepEqual(map.componentsFor({ provider: 'Microsoft-Windows-Sysmon', eventId: 10, range }, 'xp')?.components, ['Process Access']);
    assert.deepEqual(map.componentsFor({ name: 'DeviceProcessEvents', range }, 'sentinel')?.components, ['Process Creation', 'Command Execution']);
  });

  test('user entries (the ttpLens.logSourceMap setting) take precedence and may add groups and events', async () => {
    const user = new LogSourceMap(loadBuiltinLogSourceMap(), {
      sigma: [{ product: 'windows', category: 'process_creation', components: ['Process Creation'] }, { product: 'acme', components: ['@mine'] }],
      groups: { '@mine': ['Logon Session Creation'] },
    });
    assert.deepEqual(user.componentsFor({ product: 'windows', category: 'process_creation', range })?.components, ['Process Creation']);
    assert.deepEqual(user.componentsFor({ product: 'acme', range })?.components, ['Logon Session Creation']);
    assert.deepEqual(user.componentsFor({ product: 'windows', category: 'image_load', range })?.components, ['Module Load'], 'built-ins still apply');
  });

  for (const [label, corpusOf, options] of [['v18.1', corpus18, {}], ['v17.1', corpus17, needsShared]] as const) {
    test(`every component name in the table exists in ATT&CK ${label}`, options, async () => {
      const data = loadBuiltinLogSourceMap();
      const names = new Set<string>();
      const collect = (list: readonly string[] | undefined) => list?.forEach((n) => !n.startsWith('@') && names.add(n));
      Object.values(data.groups ?? {}).forEach(collect);
      for (const table of Object.values(data.events ?? {})) Object.values(table).forEach(collect);
      [...(data.sigma ?? []), ...(data.splunk ?? []), ...(data.xp ?? []), ...(data.sentinel ?? []), ...(data.elastic ?? [])].forEach((e) => collect((e as { components?: string[] }).components));
      const corpus = await corpusOf();
      const known = new Set(corpus.ofKind('dataComponent').map((c) => c.name));
      const missing = [...names].filter((n) => !known.has(n));
      assert.deepEqual(missing, [], corpus.versionLabel);
      for (const group of [...names].filter((n) => n.startsWith('@'))) assert.ok(data.groups?.[group], group);
    });
  }
});

describe('observability', () => {
  test('v18.1: process creation observes PowerShell; registry writes do not observe network sniffing', async () => {
    const corpus = await corpus18();
    assert.equal(checkObservability(corpus, corpus.get('T1059.001')!, ['Process Creation', 'Command Execution'], false)?.observable, true);
    const verdict = checkObservability(corpus, corpus.get('T1040')!, ['Windows Registry Key Modification'], false)!;
    assert.equal(verdict.observable, false);
    assert.ok(verdict.techniqueComponents.length > 0);
  });

  test('v17.1 works the same through data components under data sources', needsShared, async () => {
    const corpus = await corpus17();
    assert.equal(checkObservability(corpus, corpus.get('T1559')!, ['Module Load'], false)?.observable, true);
    assert.equal(checkObservability(corpus, corpus.get('T1559')!, ['Logon Session Creation'], false)?.observable, false);
  });

  test('parent and sub-techniques relax the check unless strict', async () => {
    const corpus = await corpus18();
    // Find a sub-technique whose parent is observed by a component it is not observed by itself.
    let found = false;
    for (const sub of corpus.ofKind('technique').filter((t) => t.isSubtechnique && !t.revoked && !t.deprecated)) {
      const parent = corpus.parentOf(sub)!;
      const own = new Set(corpus.componentsObserving(sub).map((c) => c.name));
      const parentOnly = corpus.componentsObserving(parent).map((c) => c.name).find((n) => !own.has(n));
      if (!parentOnly || !own.size) continue;
      const relaxed = checkObservability(corpus, sub, [parentOnly], false)!;
      assert.equal(relaxed.observable, true);
      assert.equal(relaxed.viaRelative, `parent ${parent.id}`);
      assert.equal(checkObservability(corpus, sub, [parentOnly], true)!.observable, false);
      found = true;
      break;
    }
    assert.ok(found, 'a sub-technique observed differently from its parent exists in v18.1');
  });

  test('no verdict without rule components or for retired techniques', async () => {
    const corpus = await corpus18();
    assert.equal(checkObservability(corpus, corpus.get('T1059')!, [], false), undefined);
    assert.equal(checkObservability(corpus, corpus.get('T1574.002')!, ['Module Load'], false), undefined);
  });
});

describe('calibration on SigmaHQ with v18.1', needsShared, () => {
  function* walk(directory: string): Generator<string> {
    for (const entry of readdirSync(directory)) {
      const full = path.join(directory, entry);
      if (statSync(full).isDirectory()) yield* walk(full);
      else if (entry.endsWith('.yml')) yield full;
    }
  }

  test('about one (rule, technique) pair in ten is flagged as unobservable; no live ID is "unknown"', async () => {
    const corpus = await corpus18();
    const context = new LogSourceContext(undefined, false);
    const check = context.observability(corpus);
    let rules = 0;
    let mapped = 0;
    let judged = 0;
    let flagged = 0;
    const codes = new Map<string, number>();
    for (const file of walk(requireShared(SIGMAHQ_RULES))) {
      const rule = parseSigma(file, readFileSync(file, 'utf8'));
      rules++;
      const provided = context.ruleComponents(rule);
      if (provided) mapped++;
      const seen = new Set<string>();
      for (const reference of rule.references) {
        const technique = reference.kind === 'technique' ? corpus.get(reference.id) : undefined;
        if (!technique || seen.has(technique.id) || !provided) continue;
        seen.add(technique.id);
        const verdict = check(technique, provided.components);
        if (!verdict) continue;
        judged++;
        if (!verdict.observable) flagged++;
      }
      for (const diagnostic of diagnose(rule, { corpus, settings: withDefaults({}), ruleComponents: context.ruleComponents, observability: check })) {
        codes.set(String(diagnostic.code), (codes.get(String(diagnostic.code)) ?? 0) + 1);
      }
    }
    const share = flagged / judged;
    console.log(`calibration: ${rules} rules, ${mapped} with a mapped log source, ${judged} judged (rule, technique) pairs, ${flagged} flagged (${(share * 100).toFixed(1)} %); diagnostics ${JSON.stringify(Object.fromEntries(codes))}`);
    assert.ok(mapped / rules > 0.98, `mapped ${mapped}/${rules}`);
    assert.ok(share > 0.05 && share < 0.2, `share ${share}`);
    assert.equal(codes.get('ttp.unknown-id') ?? 0, 0, 'no live ID reported unknown');
    assert.ok((codes.get('ttp.newer-id') ?? 0) > 150, 'v19 IDs (T1685, T1686…) are "newer", not unknown');
    assert.ok((codes.get('ttp.newer-tactic') ?? 0) > 1000, 'attack.stealth / attack.defense-impairment are "newer" tactics');
    assert.equal(codes.get('ttp.unknown-tactic') ?? 0, 0);
  });
});

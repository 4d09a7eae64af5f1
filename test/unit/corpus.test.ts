// The corpus against the real ATT&CK bundles: the seed pages (T1559, T1106) exactly, both data
// models, revocation chains, newer-release IDs, several domains.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { factsOf } from '../../server/src/corpus/facts';
import { corpus17, corpus18, corpusOf } from '../support/corpora';
import { BUNDLE_18, BUNDLE_ICS, BUNDLE_MOBILE, needsShared } from '../support/paths';

const sorted = (values: string[]) => [...new Set(values)].sort();

describe('corpus: v17.1 (data components detect techniques directly)', needsShared, () => {
  test('T1559 matches the seed page: data sources with components, mitigations, sub-techniques', async () => {
    const corpus = await corpus17();
    const t1559 = corpus.get('T1559')!;
    assert.equal(t1559.name, 'Inter-Process Communication');
    assert.deepEqual(t1559.tactics, ['execution']);
    assert.deepEqual(sorted(corpus.observersOf(t1559).map((o) => corpus.label(o.component))), [
      'DS0009 Process: Process Access',
      'DS0009 Process: Process Creation',
      'DS0011 Module: Module Load',
      'DS0012 Script: Script Execution',
    ]);
    assert.deepEqual(sorted(corpus.mitigationsFor(t1559).map((m) => m.mitigation.id)), ['M1013', 'M1026', 'M1040', 'M1042', 'M1048', 'M1054']);
    assert.deepEqual(corpus.subtechniquesOf(t1559).map((s) => s.id), ['T1559.001', 'T1559.002', 'T1559.003']);
    // The seed shows what to monitor per component: the detects relationship's description.
    const moduleLoad = corpus.observersOf(t1559).find((o) => o.component.name === 'Module Load')!;
    assert.match(moduleLoad.description ?? '', /loading of unusual modules or DLLs/);
  });

  test('T1106 matches the seed page', async () => {
    const corpus = await corpus17();
    const t1106 = corpus.get('T1106')!;
    assert.equal(t1106.name, 'Native API');
    assert.deepEqual(sorted(corpus.observersOf(t1106).map((o) => corpus.label(o.component))), ['DS0009 Process: OS API Execution', 'DS0011 Module: Module Load']);
    assert.deepEqual(sorted(corpus.mitigationsFor(t1106).map((m) => m.mitigation.id)), ['M1038', 'M1040']);
  });

  test('v17 components have no ID and are keyed under their data source', async () => {
    const corpus = await corpus17();
    const process = corpus.get('DS0009')!;
    assert.equal(process.deprecated, undefined);
    const names = corpus.componentsOf(process).map((c) => c.name);
    assert.ok(names.includes('Process Creation') && names.includes('OS API Execution'));
    assert.ok(corpus.componentsOf(process).every((c) => c.id === ''));
    assert.equal(corpus.versionLabel, 'ATT&CK v17.1');
    assert.equal(corpus.hasDetectionStrategies, false);
  });
});

describe('corpus: v18.1 (detection strategies → analytics → data components)', () => {
  test('T1559 is detected by DET0493, whose analytics read data components through log sources', async () => {
    const corpus = await corpus18();
    const t1559 = corpus.get('T1559')!;
    const observations = corpus.observersOf(t1559);
    assert.deepEqual(sorted(observations.map((o) => o.detectionStrategy!.id)), ['DET0493']);
    assert.deepEqual(sorted(observations.map((o) => o.analytic!.id)), ['AN1357', 'AN1358', 'AN1359']);
    assert.deepEqual(sorted(observations.map((o) => `${o.component.id} ${o.component.name}`)), [
      'DC0029 Script Execution',
      'DC0032 Process Creation',
      'DC0035 Process Access',
      'DC0048 Named Pipe Metadata',
      'DC0055 File Access',
    ]);
    const sysmon = observations.find((o) => o.component.id === 'DC0048')!;
    assert.deepEqual(sysmon.logSource, { name: 'WinEventLog:Sysmon', channel: 'EventCode=17' });
    assert.deepEqual(sorted(corpus.mitigationsFor(t1559).map((m) => m.mitigation.id)), ['M1013', 'M1026', 'M1040', 'M1042', 'M1048', 'M1054']);
  });

  test('data sources are deprecated in v18.1, data components have DC IDs', async () => {
    const corpus = await corpus18();
    const sources = corpus.ofKind('dataSource');
    assert.equal(sources.length, 38);
    assert.ok(sources.every((s) => s.deprecated === true));
    assert.equal(corpus.get('DC0032')!.name, 'Process Creation');
    assert.equal(corpus.hasDetectionStrategies, true);
    assert.equal(corpus.versionLabel, 'ATT&CK v18.1');
  });

  test('facts for T1559 group observations per component with their analytics', async () => {
    const corpus = await corpus18();
    const facts = factsOf(corpus, corpus.get('T1559')!);
    const processAccess = facts.observedBy!.find((c) => c.component.id === 'DC0035')!;
    assert.deepEqual(sorted(processAccess.via.map((v) => v.analytic.id)), ['AN1357', 'AN1359']);
    assert.equal(facts.detectionStrategies![0].strategy.id, 'DET0493');
    assert.equal(facts.summary.includes('(Citation:'), false);
  });

  test('tactics come in matrix order with their tag shortnames', async () => {
    const shortnames = (await corpus18()).tactics().map((t) => t.shortname);
    assert.deepEqual(shortnames.slice(0, 5), ['reconnaissance', 'resource-development', 'initial-access', 'execution', 'persistence']);
    assert.equal(shortnames.at(-1), 'impact');
    assert.equal(shortnames.length, 14);
  });
});

describe('corpus: revoked, deprecated and newer IDs', () => {
  test('T1574.002 (revoked in v18.1) resolves to its live successor', async () => {
    const corpus = await corpus18();
    const revoked = corpus.get('T1574.002')!;
    assert.equal(revoked.revoked, true);
    assert.equal(corpus.revokedSuccessor(revoked)?.successor.id, 'T1574.001');
  });

  test('every revoked object with a revoked-by relationship ends at a live object, chains of any length', async () => {
    const corpus = await corpus18();
    const revoked = corpus.objects.filter((o) => o.revoked);
    assert.ok(revoked.length > 100);
    let resolved = 0;
    for (const object of revoked) {
      const result = corpus.revokedSuccessor(object);
      if (!result) continue;
      resolved++;
      assert.notEqual(result.successor.revoked, true);
    }
    assert.ok(resolved >= 130, `resolved ${resolved}`);
  });

  test('a revoked-by cycle cannot hang and yields no successor', async () => {
    const corpus = await corpus18();
    const [a, b] = [corpus.get('T1574.002')!, corpus.get('T1574.001')!];
    // Build a corpus whose revoked-by relationships form a cycle a → b → a.
    const data = { ...corpus.data, relations: { ...corpus.data.relations, revokedBy: [a.index, b.index, b.index, a.index] } };
    const objects = data.objects.map((o) => (o.index === b.index ? { ...o, revoked: true } : o));
    const cyclic = new (corpus.constructor as typeof import('../../server/src/corpus/corpus').Corpus)({ ...data, objects });
    assert.equal(cyclic.revokedSuccessor(cyclic.at(a.index)), undefined);
  });

  test('IDs just beyond the loaded release are "newer"; far beyond, gaps and bad shapes are "unknown"', async () => {
    const corpus = await corpus18();
    const kind = (id: string) => corpus.classifyMissing(id).kind;
    // v19's techniques, as SigmaHQ tags them; the margin above T1681 is 50.
    for (const id of ['T1685', 'T1686.003', 'T1690', 'T1731']) assert.equal(kind(id), 'newer', id);
    for (const id of ['T1732', 'T9999', 'T9999.001', 'T1000', 'T1059.001x']) assert.equal(kind(id), 'unknown', id);
    // A sub-technique a little above its live parent's highest (T1059.013) is newer, far above is a typo.
    assert.equal(kind('T1059.015'), 'newer');
    assert.equal(kind('T1059.099'), 'unknown');
    assert.equal(kind('T1047.001'), 'newer', 'a first sub-technique of a technique without any');
    assert.equal(kind('T1700.025'), 'unknown', 'a new parent with 25 sub-techniques is not plausible');
    assert.equal(kind('M9999'), 'unknown');
    assert.equal(kind('G1060'), 'newer');
    // S9000 (a revoked outlier) does not open the window: the live highest is S1249.
    assert.equal(kind('S8000'), 'unknown');
    // Tactics: only those a later release is known to have.
    for (const tactic of ['stealth', 'defense-impairment', 'TA0112', 'DefenseImpairment']) assert.equal(kind(tactic), 'newer', tactic);
    for (const tactic of ['TA0044', 'TA0050', 'powers']) assert.equal(kind(tactic), 'unknown', tactic);
  });

  test('the reasons name the highest number the verdict was made against', async () => {
    const corpus = await corpus18();
    assert.deepEqual(corpus.classifyMissing('T1685'), { kind: 'newer', loadedVersion: 'ATT&CK v18.1', reason: 'its highest technique is T1681' });
    assert.match(corpus.classifyMissing('T9999').reason ?? '', /too far above its highest technique \(T1681\)/);
    assert.match(corpus.classifyMissing('T1059.099').reason ?? '', /T1059's highest sub-technique there is T1059\.013/);
  });

  test("v17.1: v18's IDs and kinds are newer", needsShared, async () => {
    const corpus = await corpus17();
    assert.equal(corpus.classifyMissing('T1681').kind, 'newer');
    assert.equal(corpus.classifyMissing('DET0001').kind, 'newer');
    assert.equal(corpus.classifyMissing('AN1357').kind, 'newer');
    assert.equal(corpus.classifyMissing('stealth').kind, 'newer');
  });
});

describe('corpus: several domains', () => {
  test('enterprise + mobile + ICS load together; the S0017 clash is reported, not merged', async () => {
    const corpus = await corpusOf(BUNDLE_18, BUNDLE_MOBILE, BUNDLE_ICS);
    assert.equal(corpus.versionLabel, 'ATT&CK v18.1');
    assert.equal(corpus.get('T0800')?.domains[0], 'ics-attack');
    assert.ok(corpus.get('T1398')?.domains.includes('mobile-attack'));
    const clash = corpus.data.warnings.find((w) => w.problem.includes('S0017'));
    assert.ok(clash, 'clash warning');
    assert.match(clash.problem, /also defined by .*enterprise-attack-18\.1\.json\.gz/);
    assert.equal(corpus.get('S0017')!.domains.includes('enterprise-attack'), true);
    assert.equal(corpus.get('S0017@ics-attack')!.domains.includes('ics-attack'), true);
    // Groups published in several domains are one object.
    assert.ok(corpus.get('G0007')!.domains.includes('mobile-attack') || corpus.get('G0007')!.domains.length >= 1);
    // Tactics of each domain, enterprise first.
    assert.equal(corpus.tactics()[0].shortname, 'reconnaissance');
    assert.ok(corpus.tacticsNamed('initial-access').length >= 2);
  });
});

// The release diff engine on the real v17.1 → v18.1 pair and on the SYNTHETIC v19-like successor of
// v18.1 (test/support/syntheticRelease.ts): every kind of change, checked object by object.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { parseWithFormat } from '../../server/src/formats/parse';
import { ReleaseDiff, tacticsOf } from '../../server/src/releases/releaseDiff';
import { changesForRule } from '../../server/src/releases/ruleChanges';
import { compareVersions, normalizeVersion, RELEASE_DATES, releaseDate } from '../../server/src/releases/releaseDates';
import { preloaded, preloadCorpora } from '../support/corpora';
import { needsShared, SHARED } from '../support/paths';
import { SPLIT_SUCCESSORS, SYNTHETIC_SUCCESSORS } from '../support/syntheticRelease';

before(preloadCorpora);

const ids = (list: { id: string }[] | undefined) => (list ?? []).map((o) => o.id);

describe('release dates', () => {
  test('versions normalise and order numerically, a suffix after its release', () => {
    assert.equal(normalizeVersion('v16'), '16.0');
    assert.equal(normalizeVersion('18.1'), '18.1');
    assert.equal(normalizeVersion('19.0-synthetic'), '19.0-synthetic');
    assert.equal(normalizeVersion('latest'), undefined);
    assert.ok(compareVersions('9.0', '13.1') < 0);
    assert.ok(compareVersions('18.1', '19.0-synthetic') < 0);
    assert.ok(compareVersions('19.0', '19.0-synthetic') < 0);
    assert.equal(compareVersions('16', '16.0'), 0);
    assert.equal(releaseDate('16.1'), '2024-11-12');
    assert.equal(releaseDate('12.1'), undefined);
  });

  test('the table is MITRE\'s collection index, from v13 on', needsShared, () => {
    const index = JSON.parse(readFileSync(path.join(SHARED, 'reference', 'attack-stix-data', 'index.json'), 'utf8')) as { collections: { name: string; versions: { version: string; modified: string }[] }[] };
    const enterprise = index.collections.find((c) => c.name === 'Enterprise ATT&CK')!;
    const published = enterprise.versions.filter((v) => compareVersions(v.version, '13.0') >= 0).map((v) => [v.version, v.modified.slice(0, 10)]);
    assert.deepEqual([...RELEASE_DATES].map(([v, d]) => [v, d]).sort((a, b) => compareVersions(a[0], b[0])), published.sort((a, b) => compareVersions(a[0], b[0])));
  });
});

describe('release diff: ATT&CK v17.1 → v18.1', needsShared, () => {
  const diff = () => new ReleaseDiff(preloaded.v17, preloaded.v18);

  test('renamed techniques: T1552.003 Bash History → Shell History', () => {
    const [change] = diff().changesOf('T1552.003', 'technique');
    assert.equal(change.kind, 'renamed');
    assert.equal(change.before!.name, 'Bash History');
    assert.equal(change.after!.name, 'Shell History');
    assert.deepEqual(diff().changesOf('T1059.001', 'technique'), []);
  });

  test('data sources deprecated, with the v18 data components that carry on their components', () => {
    const [change] = diff().changesOf('DS0009', 'dataSource');
    assert.equal(change.kind, 'data-source-deprecated');
    // v17.1's Process data source has components (no DC IDs in v17); v18.1 has them under DC IDs.
    const v17Names = preloaded.v17.componentsOf(preloaded.v17.get('DS0009')!).map((c) => c.name).sort();
    assert.deepEqual(change.components!.map((c) => c.name).sort(), v17Names);
    assert.ok(change.components!.every((c) => /^DC\d{4}$/.test(c.id)));
    assert.ok(ids(change.components).includes(preloaded.v18.find('Process Creation', { kinds: ['dataComponent'], limit: 1 })[0].object.id));
  });

  test('new sub-techniques under a technique both releases have', () => {
    const change = diff().changesOf('T1059', 'technique').find((c) => c.kind === 'new-subtechniques')!;
    assert.ok(ids(change.subtechniques).includes('T1059.013'));
    assert.ok(!ids(change.subtechniques).includes('T1059.001'));
  });

  test('objects only B has are introduced; the release summary counts them', () => {
    assert.equal(diff().changesOf('T1681', 'technique')[0].kind, 'introduced');
    const techniques = diff().summary().find((r) => r.kind === 'technique')!;
    assert.equal(techniques.renamed, 2);
    assert.equal(diff().summary().find((r) => r.kind === 'dataSource')!.deprecated, 37);
  });
});

describe('release diff: ATT&CK v18.1 → the SYNTHETIC v19-like release', needsShared, () => {
  const diff = () => new ReleaseDiff(preloaded.v18, preloaded.synthetic);

  test('TA0005 renamed Stealth (same tactic), by ID and by its old name', () => {
    const [byId] = diff().changesOf('TA0005', 'tactic');
    assert.equal(byId.kind, 'tactic-renamed');
    assert.equal(byId.after!.shortname, 'stealth');
    const [byName] = diff().tacticNameChanges('defense-evasion');
    assert.equal(byName.kind, 'tactic-renamed');
    assert.equal(byName.after!.id, 'TA0005');
    assert.deepEqual(diff().tacticNameChanges('DefenseEvasion').map((c) => c.kind), ['tactic-renamed']);
    assert.deepEqual(diff().tacticInB('defense-evasion'), { tactic: preloaded.synthetic.get('TA0005'), renamed: true });
  });

  test('TA0112 Defense Impairment is new', () => {
    assert.equal(diff().changesOf('TA0112', 'tactic')[0].kind, 'tactic-new');
    assert.equal(diff().tacticNameChanges('defense-impairment')[0].kind, 'tactic-new');
  });

  test('T1112 moved from Defense Evasion to Defense Impairment; techniques of the renamed tactic did not move', () => {
    const [moved] = diff().changesOf('T1112', 'technique');
    assert.equal(moved.kind, 'tactics-changed');
    assert.deepEqual(ids(moved.tactics!.before).sort(), ['TA0003', 'TA0005']);
    assert.deepEqual(ids(moved.tactics!.after).sort(), ['TA0003', 'TA0112']);
    assert.deepEqual(diff().changesOf('T1070', 'technique'), []);
    assert.deepEqual(ids(tacticsOf(preloaded.synthetic, preloaded.synthetic.get('T1070')!)), ['TA0005']);
  });

  test('every T1562 sub-technique is revoked by its successor; T1562 itself is split in two', () => {
    for (const [old, [successor]] of Object.entries(SYNTHETIC_SUCCESSORS)) {
      const [change] = diff().changesOf(old, 'technique');
      assert.equal(change.kind, 'revoked', old);
      assert.deepEqual(ids(change.successors), [successor], old);
    }
    const [split] = diff().changesOf('T1562', 'technique');
    assert.deepEqual(ids(split.successors), SPLIT_SUCCESSORS);
    // No one successor: the quick-fix may not apply one, and says why.
    assert.equal(preloaded.synthetic.revokedSuccessor(preloaded.synthetic.get('T1562')!), undefined);
  });
});

describe('rule changes: a deprecated data source tagged next to a technique', needsShared, () => {
  test("names the v18.1 detection strategies that read its components for the rule's technique (raw STIX check)", () => {
    const rule = parseWithFormat('file:///r.yml', 'title: t\nlogsource:\n    category: process_creation\ndetection:\n    s:\n        a: b\n    condition: s\ntags:\n    - attack.ds0009\n    - attack.t1059.001\n', 'sigma');
    const change = changesForRule(new ReleaseDiff(preloaded.v17, preloaded.v18), rule).find((c) => c.kind === 'data-source-deprecated')!;
    // Independently, from v18.1's raw objects: strategies that detect T1059.001 through an analytic
    // reading one of the components that carry on DS0009's.
    type Raw = { type: string; id: string; name: string; source_ref?: string; target_ref?: string; relationship_type?: string; x_mitre_analytic_refs?: string[]; x_mitre_log_source_references?: { x_mitre_data_component_ref: string }[]; external_references?: { source_name: string; external_id?: string }[] };
    const objects = (JSON.parse(readFileSync(path.join(SHARED, 'attack', 'enterprise-attack-18.1.json'), 'utf8')) as { objects: Raw[] }).objects;
    const byStix = new Map(objects.map((o) => [o.id, o]));
    const attackId = (o: Raw) => o.external_references?.find((r) => r.source_name === 'mitre-attack')?.external_id;
    const technique = objects.find((o) => o.type === 'attack-pattern' && attackId(o) === 'T1059.001')!;
    const components = new Set(change.components!.map((c) => c.id));
    const expected = objects
      .filter((r) => r.type === 'relationship' && r.relationship_type === 'detects' && r.target_ref === technique.id)
      .map((r) => byStix.get(r.source_ref!)!)
      .filter((det) => (det.x_mitre_analytic_refs ?? []).some((a) => (byStix.get(a)?.x_mitre_log_source_references ?? []).some((l) => components.has(attackId(byStix.get(l.x_mitre_data_component_ref)!) ?? ''))))
      .map((det) => attackId(det)!)
      .sort();
    assert.ok(expected.length > 0);
    assert.deepEqual(change.detectionStrategies!.map((d) => d.id), expected);
    assert.match(change.message, /^DS0009 Process is deprecated in ATT&CK v18\.1: its data components are DC\d{4} /);
  });
});

// A SYNTHETIC successor release of ATT&CK v18.1, modelled on v19's published changes, for tests of
// the release diff, migration and target checks. v19's bundle cannot be downloaded here; this tests
// the mechanism, not MITRE's data. Every object it adds or changes says SYNTHETIC in its description,
// new techniques carry "(synthetic)" in their names, the collection is "19.0-synthetic" and the file
// is named enterprise-attack-19.0-synthetic.json. What it models, on top of a copy of v18.1:
//  - TA0005 renamed Stealth (shortname `stealth`): every defense-evasion kill-chain phase becomes stealth;
//  - a new tactic TA0112 Defense Impairment (`defense-impairment`), placed after TA0005 in the matrix;
//  - T1112 Modify Registry moved from Defense Evasion to Defense Impairment (it keeps Persistence);
//  - T1562 Impair Defenses and every sub-technique revoked by new objects under T1685 and T1686
//    (one revoked-by relationship each), all in Defense Impairment;
//  - T1562 itself revoked by both T1685 and T1686: two revoked-by relationships, a split with two
//    successors that a migration must not decide alone.
// Loading a real v19 bundle later needs no code change: the product reads only what a bundle says.
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as path from 'node:path';
import type { StixObject } from '../../server/src/corpus/bundleFile';
import type { Corpus } from '../../server/src/corpus/corpus';
import { loadCorpus } from '../../server/src/corpus/load';
import { BUNDLE_18 } from './paths';
import { tempDir } from './temp';

export const SYNTHETIC_VERSION = '19.0-synthetic';
export const SYNTHETIC_FILE_NAME = `enterprise-attack-${SYNTHETIC_VERSION}.json`;
/** The `created` date of everything the synthetic release adds (after v18.1's release). */
export const SYNTHETIC_CREATED = '2026-04-01T00:00:00.000Z';
const SYNTHETIC = 'SYNTHETIC test release (modelled on ATT&CK v19, not MITRE data)';

/** Each v18.1 T1562 sub-technique → the synthetic object that revokes it: [new ID, name]. */
export const SYNTHETIC_SUCCESSORS: Record<string, [string, string]> = {
  'T1562.001': ['T1685', 'Disable or Modify Tools'],
  'T1562.004': ['T1685.001', 'Disable or Modify System Firewall'],
  'T1562.007': ['T1685.002', 'Disable or Modify Cloud Firewall'],
  'T1562.009': ['T1685.003', 'Safe Mode Boot'],
  'T1562.010': ['T1685.004', 'Downgrade Attack'],
  'T1562.011': ['T1685.005', 'Spoof Security Alerting'],
  'T1562.013': ['T1685.006', 'Disable or Modify Network Device Firewall'],
  'T1562.002': ['T1686.001', 'Disable Windows Event Logging'],
  'T1562.003': ['T1686.002', 'Impair Command History Logging'],
  'T1562.008': ['T1686.003', 'Disable or Modify Cloud Logs'],
  'T1562.006': ['T1686.004', 'Indicator Blocking'],
  'T1562.012': ['T1686.005', 'Disable or Modify Linux Audit System'],
};
/** The new parent T1686 (T1685 replaces T1562.001 and is a parent itself). */
export const SYNTHETIC_T1686_NAME = 'Impair Logging';
/** T1562's two successors. */
export const SPLIT_TECHNIQUE = 'T1562';
export const SPLIT_SUCCESSORS = ['T1685', 'T1686'];
export const MOVED_TECHNIQUE = 'T1112';

interface Bundle {
  type: 'bundle';
  id: string;
  spec_version?: string;
  objects: StixObject[];
}

const attackId = (object: StixObject) => object.external_references?.find((r) => r.source_name === 'mitre-attack')?.external_id;

let counter = 0;
/** A STIX id that says what it is; the loader does not require UUIDs. */
const syntheticStixId = (type: string) => `${type}--00000000-5717-4e71-9000-${String(++counter).padStart(12, '0')}`;

function techniqueUrl(id: string): string {
  const [parent, sub] = id.split('.');
  return sub ? `https://attack.mitre.org/techniques/${parent}/${sub}/` : `https://attack.mitre.org/techniques/${parent}/`;
}

/** The synthetic successor of the v18.1 bundle, in memory. */
export function syntheticReleaseBundle(base = BUNDLE_18): Bundle {
  const bytes = readFileSync(base);
  const bundle = JSON.parse((base.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')) as Bundle;
  counter = 0;
  const objects = bundle.objects;
  const byAttackId = new Map<string, StixObject>();
  for (const object of objects) {
    const id = attackId(object);
    if (id && object.type !== 'relationship' && !object.revoked) byAttackId.set(`${object.type}:${id}`, object);
  }
  const technique = (id: string) => byAttackId.get(`attack-pattern:${id}`)!;
  const added: StixObject[] = [];
  const relationship = (type: string, source: string, target: string): StixObject => ({
    type: 'relationship',
    id: syntheticStixId('relationship'),
    created: SYNTHETIC_CREATED,
    modified: SYNTHETIC_CREATED,
    relationship_type: type,
    source_ref: source,
    target_ref: target,
    description: SYNTHETIC,
    x_mitre_domains: ['enterprise-attack'],
    spec_version: '2.1',
  });
  const phases = (names: string[]) => names.map((phase_name) => ({ kill_chain_name: 'mitre-attack', phase_name }));

  // TA0005 renamed; every technique's defense-evasion phase becomes stealth.
  const ta0005 = byAttackId.get('x-mitre-tactic:TA0005')!;
  Object.assign(ta0005, { name: 'Stealth', x_mitre_shortname: 'stealth', modified: SYNTHETIC_CREATED, description: `${SYNTHETIC}: the adversary is trying to hide. (TA0005, renamed from Defense Evasion.)` });
  for (const object of objects) {
    if (object.type !== 'attack-pattern' || !Array.isArray(object.kill_chain_phases)) continue;
    for (const phase of object.kill_chain_phases as { phase_name: string }[]) if (phase.phase_name === 'defense-evasion') phase.phase_name = 'stealth';
  }

  // TA0112 Defense Impairment, after TA0005 in the matrix.
  const ta0112: StixObject = {
    type: 'x-mitre-tactic',
    id: syntheticStixId('x-mitre-tactic'),
    created: SYNTHETIC_CREATED,
    modified: SYNTHETIC_CREATED,
    name: 'Defense Impairment',
    description: `${SYNTHETIC}: the adversary is trying to break security mechanisms so defenders cannot see or trust what is happening.`,
    x_mitre_shortname: 'defense-impairment',
    x_mitre_domains: ['enterprise-attack'],
    x_mitre_version: '1.0',
    external_references: [{ source_name: 'mitre-attack', external_id: 'TA0112', url: 'https://attack.mitre.org/tactics/TA0112/' }],
    spec_version: '2.1',
  };
  added.push(ta0112);
  const matrix = objects.find((o) => o.type === 'x-mitre-matrix')!;
  const refs = matrix.tactic_refs as string[];
  refs.splice(refs.indexOf(ta0005.id) + 1, 0, ta0112.id);

  // T1112 moves: Defense Evasion (now Stealth) → Defense Impairment.
  const moved = technique(MOVED_TECHNIQUE);
  moved.kill_chain_phases = (moved.kill_chain_phases as { phase_name: string }[]).map((p) => (p.phase_name === 'stealth' ? { kill_chain_name: 'mitre-attack', phase_name: 'defense-impairment' } : p));
  moved.description = `${SYNTHETIC}: moved to Defense Impairment. ${moved.description ?? ''}`;

  // New T1686 parent, then each T1562 sub-technique's successor.
  const newTechnique = (id: string, name: string, from: StixObject | undefined, parent?: StixObject): StixObject => {
    const object: StixObject = {
      ...(from ?? {}),
      type: 'attack-pattern',
      id: syntheticStixId('attack-pattern'),
      created: SYNTHETIC_CREATED,
      modified: SYNTHETIC_CREATED,
      name: `${name} (synthetic)`,
      description: `${SYNTHETIC}. ${from?.description ?? ''}`,
      kill_chain_phases: phases(['defense-impairment']),
      x_mitre_is_subtechnique: id.includes('.'),
      external_references: [{ source_name: 'mitre-attack', external_id: id, url: techniqueUrl(id) }],
      revoked: false,
      x_mitre_deprecated: false,
    };
    added.push(object);
    if (parent) added.push(relationship('subtechnique-of', object.id, parent.id));
    return object;
  };
  const t1562 = technique(SPLIT_TECHNIQUE);
  const t1686 = newTechnique('T1686', SYNTHETIC_T1686_NAME, t1562);
  const successorOf = new Map<string, StixObject>(); // old STIX id → its synthetic successor
  const t1685 = newTechnique('T1685', SYNTHETIC_SUCCESSORS['T1562.001'][1], technique('T1562.001'));
  successorOf.set(technique('T1562.001').id, t1685);
  for (const [oldId, [newId, name]] of Object.entries(SYNTHETIC_SUCCESSORS)) {
    if (newId === 'T1685') continue;
    const parent = newId.startsWith('T1685.') ? t1685 : t1686;
    successorOf.set(technique(oldId).id, newTechnique(newId, name, technique(oldId), parent));
  }

  // Relationships of the revoked objects now belong to their successors (T1562's to both); the old
  // sub-technique-of relationships go with the revoked sub-techniques.
  const revokedIds = new Set([t1562.id, ...successorOf.keys()]);
  const kept: StixObject[] = [];
  for (const object of objects) {
    if (object.type === 'relationship' && (revokedIds.has(object.source_ref as string) || revokedIds.has(object.target_ref as string))) {
      if (object.relationship_type === 'subtechnique-of') continue;
      const retarget = (ref: string) => (ref === t1562.id ? [t1685.id, t1686.id] : successorOf.has(ref) ? [successorOf.get(ref)!.id] : [ref]);
      for (const source of retarget(object.source_ref as string)) {
        for (const target of retarget(object.target_ref as string)) kept.push({ ...object, id: syntheticStixId('relationship'), source_ref: source, target_ref: target, modified: SYNTHETIC_CREATED });
      }
      continue;
    }
    kept.push(object);
  }
  for (const id of revokedIds) {
    const old = kept.find((o) => o.id === id)!;
    Object.assign(old, { revoked: true, modified: SYNTHETIC_CREATED, description: `${SYNTHETIC}: revoked. ${old.description ?? ''}` });
  }
  for (const [oldStixId, successor] of successorOf) kept.push(relationship('revoked-by', oldStixId, successor.id));
  kept.push(relationship('revoked-by', t1562.id, t1685.id), relationship('revoked-by', t1562.id, t1686.id));

  const collection: StixObject = {
    type: 'x-mitre-collection',
    id: syntheticStixId('x-mitre-collection'),
    created: SYNTHETIC_CREATED,
    modified: SYNTHETIC_CREATED,
    name: 'Enterprise ATT&CK (SYNTHETIC successor of v18.1, for tests only)',
    description: `${SYNTHETIC}. Built in memory by TTP Lens's tests from enterprise-attack-18.1.json.`,
    x_mitre_version: SYNTHETIC_VERSION,
    x_mitre_contents: [],
    spec_version: '2.1',
  };
  return { ...bundle, id: syntheticStixId('bundle'), objects: [collection, ...kept, ...added] };
}

/** Writes the synthetic release as enterprise-attack-19.0-synthetic.json in `directory` (a fresh
 *  temp dir by default) and returns its path. */
export function writeSyntheticRelease(directory = tempDir('ttplens-synthetic-')): string {
  const file = path.join(directory, SYNTHETIC_FILE_NAME);
  writeFileSync(file, JSON.stringify(syntheticReleaseBundle()));
  return file;
}

let written: string | undefined;
/** The synthetic release as a bundle file, written once per test process (in a temp dir that also
 *  links v18.1's bundle, so "18.1" is found next to it by version). */
export function syntheticReleaseFile(): string {
  if (!written) {
    const directory = tempDir('ttplens-synthetic-');
    symlinkSync(BUNDLE_18, path.join(directory, path.basename(BUNDLE_18)));
    written = writeSyntheticRelease(directory);
  }
  return written;
}

let loaded: Promise<Corpus> | undefined;
/** The synthetic release's corpus (built without the on-disk cache), once per test process. */
export function syntheticCorpus(): Promise<Corpus> {
  return (loaded ??= loadCorpus([syntheticReleaseFile()], { cacheDir: false }).then((load) => load.corpus));
}

// The part of a parsed STIX object the corpus builder reads, so a bundle's parsed tree is garbage as
// soon as its batch is read (holding the whole tree made garbage collection cost as much as parsing).
// The builder gives exactly the same corpus from these as from the whole objects: the lists below
// are the fields build.ts and bundleFile.ts read, by type (bundleFile's ObjectFacts hold what it
// reads of every object).
import type { StixObject } from './bundleFile';
import { INDEXED_STIX_TYPES, KEEP_RELATIONSHIP_DESCRIPTION } from './build';

const ATTACK_SOURCES = new Set(['mitre-attack', 'mitre-mobile-attack', 'mitre-ics-attack']);

/** Read of the objects the corpus indexes (besides their ATT&CK reference). */
const INDEXED = [
  'name', 'description', 'revoked', 'x_mitre_deprecated', 'x_mitre_domains', 'created', 'x_mitre_platforms', 'aliases', 'x_mitre_aliases',
  'kill_chain_phases', 'x_mitre_is_subtechnique', 'x_mitre_detection', 'x_mitre_shortname', 'x_mitre_log_sources',
  'x_mitre_data_source_ref', 'x_mitre_analytic_refs', 'x_mitre_log_source_references',
] as const;
const BY_TYPE: Record<string, readonly string[]> = {
  relationship: ['revoked', 'x_mitre_deprecated', 'relationship_type', 'source_ref', 'target_ref'],
  'x-mitre-matrix': ['revoked', 'x_mitre_deprecated', 'tactic_refs'],
  'x-mitre-collection': ['x_mitre_version'],
};

function copy(from: StixObject, to: StixObject, fields: readonly string[]): void {
  for (const field of fields) {
    const value = from[field];
    if (value !== undefined) to[field] = value;
  }
}

/** `stix` reduced to what the corpus reads of it. */
export function slimStixObject(stix: StixObject): StixObject {
  const slim: StixObject = { type: stix.type, id: stix.id };
  if (INDEXED_STIX_TYPES.has(stix.type)) {
    copy(stix, slim, INDEXED);
    // The builder reads the first ATT&CK reference only (same expression, same outcome).
    const reference = stix.external_references?.find((r) => ATTACK_SOURCES.has(r.source_name));
    if (stix.external_references !== undefined) slim.external_references = reference ? [reference] : [];
  } else if (BY_TYPE[stix.type]) {
    copy(stix, slim, BY_TYPE[stix.type]);
    if (stix.type === 'relationship' && KEEP_RELATIONSHIP_DESCRIPTION.has(stix.relationship_type as string)) copy(stix, slim, ['description']);
  }
  return slim;
}

// The part of a parsed STIX object the corpus builder reads, so a bundle's parsed tree is garbage as
// soon as its batch is read (holding the whole tree made garbage collection cost as much as parsing).
// The builder gives exactly the same corpus from these as from the whole objects: the fields below
// are the ones build.ts reads, by type (bundleFile's ObjectFacts hold what it reads of every object).
// A field the object lacks is undefined here, which the builder treats alike; the objects are
// written as literals, one shape per kind, because copying fields by name cost more than parsing.
import type { StixObject } from './bundleFile';
import { INDEXED_STIX_TYPES, KEEP_RELATIONSHIP_DESCRIPTION } from './build';

const ATTACK_SOURCES = new Set(['mitre-attack', 'mitre-mobile-attack', 'mitre-ics-attack']);

/** `stix` reduced to what the corpus reads of it. */
export function slimStixObject(stix: StixObject): StixObject {
  const type = stix.type;
  if (type === 'relationship') {
    return {
      type,
      id: stix.id,
      revoked: stix.revoked,
      x_mitre_deprecated: stix.x_mitre_deprecated,
      relationship_type: stix.relationship_type,
      source_ref: stix.source_ref,
      target_ref: stix.target_ref,
      description: KEEP_RELATIONSHIP_DESCRIPTION.has(stix.relationship_type as string) ? stix.description : undefined,
    };
  }
  if (INDEXED_STIX_TYPES.has(type)) {
    const references = stix.external_references;
    // The builder reads the first ATT&CK reference only (same expression, same outcome).
    const reference = references?.find((r) => ATTACK_SOURCES.has(r.source_name));
    return {
      type,
      id: stix.id,
      name: stix.name,
      description: stix.description,
      revoked: stix.revoked,
      x_mitre_deprecated: stix.x_mitre_deprecated,
      external_references: references === undefined ? undefined : reference ? [reference] : [],
      x_mitre_domains: stix.x_mitre_domains,
      created: stix.created,
      x_mitre_platforms: stix.x_mitre_platforms,
      aliases: stix.aliases,
      x_mitre_aliases: stix.x_mitre_aliases,
      kill_chain_phases: stix.kill_chain_phases,
      x_mitre_is_subtechnique: stix.x_mitre_is_subtechnique,
      x_mitre_detection: stix.x_mitre_detection,
      x_mitre_shortname: stix.x_mitre_shortname,
      x_mitre_log_sources: stix.x_mitre_log_sources,
      x_mitre_data_source_ref: stix.x_mitre_data_source_ref,
      x_mitre_analytic_refs: stix.x_mitre_analytic_refs,
      x_mitre_log_source_references: stix.x_mitre_log_source_references,
    };
  }
  if (type === 'x-mitre-matrix') return { type, id: stix.id, revoked: stix.revoked, x_mitre_deprecated: stix.x_mitre_deprecated, tactic_refs: stix.tactic_refs };
  if (type === 'x-mitre-collection') return { type, id: stix.id, x_mitre_version: stix.x_mitre_version };
  return { type, id: stix.id };
}

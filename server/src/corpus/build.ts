// STIX objects of one or more bundles → CorpusData: the objects we index, relationships by index,
// and the warnings a user should see (dangling references, duplicate IDs, clashes across bundles).
import type { RawBundle, StixObject } from './bundleFile';
import { parseAttackId } from './ids';
import type { AttackObject, CorpusData, LoadWarning, ObjectKind, Relation, RelationSets } from './model';

const STIX_TYPE_KIND: Record<string, ObjectKind> = {
  'attack-pattern': 'technique',
  'x-mitre-tactic': 'tactic',
  'x-mitre-data-source': 'dataSource',
  'x-mitre-data-component': 'dataComponent',
  'course-of-action': 'mitigation',
  'x-mitre-detection-strategy': 'detectionStrategy',
  'x-mitre-analytic': 'analytic',
  'intrusion-set': 'group',
  malware: 'software',
  tool: 'software',
  campaign: 'campaign',
  'x-mitre-asset': 'asset',
};

/** The STIX types the corpus indexes. */
export const INDEXED_STIX_TYPES: ReadonlySet<string> = new Set(Object.keys(STIX_TYPE_KIND));

const ATTACK_SOURCES = new Set(['mitre-attack', 'mitre-mobile-attack', 'mitre-ics-attack']);
const CITATION = /\s*\(Citation:[^)]*\)/g;
const MAX_EXAMPLES = 3;

/** ATT&CK's Markdown with `(Citation: …)` markers removed and its few HTML tags made Markdown,
 *  since hovers do not render HTML. */
export function stripCitations(text: string): string {
  return text
    .replace(CITATION, '')
    .replace(/<code>([\s\S]*?)<\/code>/g, (_, code: string) => (code.includes('\n') ? `\n\`\`\`\n${code.trim()}\n\`\`\`\n` : `\`${code}\``))
    .replace(/<br\s*\/?>/g, '\n')
    .trim();
}

function attackReference(object: StixObject): { id?: string } {
  const reference = object.external_references?.find((r) => ATTACK_SOURCES.has(r.source_name));
  return { id: reference?.external_id };
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

class Warnings {
  readonly list: LoadWarning[] = [];
  private readonly grouped = new Map<string, { file: string; count: number; examples: string[] }>();

  add(file: string, problem: string): void {
    this.list.push({ file, problem });
  }

  /** Collects many instances of one problem into a single warning with a count and examples. */
  addGrouped(file: string, problem: string, example: string): void {
    const key = `${file}\u0000${problem}`;
    const entry = this.grouped.get(key) ?? { file, count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < MAX_EXAMPLES) entry.examples.push(example);
    this.grouped.set(key, entry);
  }

  finish(): LoadWarning[] {
    for (const [key, entry] of this.grouped) {
      const problem = key.slice(key.indexOf('\u0000') + 1);
      this.list.push({ file: entry.file, problem: `${entry.count} ${problem} (e.g. ${entry.examples.join('; ')})` });
    }
    return this.list;
  }
}

export function buildCorpusData(bundles: RawBundle[]): CorpusData {
  const objects: AttackObject[] = [];
  const stixIds: string[] = [];
  const texts: string[] = []; // parallel to objects while objects are collected
  const detectionTexts: [number, string][] = [];
  const byStixId = new Map<string, number>();
  const byKey = new Map<string, { index: number; file: string }>();
  const warnings = new Warnings();
  const pendingParents: [number, string][] = [];
  const pendingAnalytics: [number, string[], string][] = [];
  const pendingLogSources: [number, { x_mitre_data_component_ref?: string; name?: string; channel?: string }[], string][] = [];
  const highestNumbers: Record<string, number> = {};

  for (const bundle of bundles) {
    const file = bundle.info.path;
    const keysInThisBundle = new Map<string, StixObject>();
    for (const stix of bundle.objects) {
      const kind = Object.hasOwn(STIX_TYPE_KIND, stix.type) ? STIX_TYPE_KIND[stix.type] : undefined; // not the prototype's keys
      if (!kind) continue;
      const existing = byStixId.get(stix.id);
      if (existing !== undefined) {
        // The same object published in several domains (groups, campaigns): one object, all its domains.
        const object = objects[existing];
        for (const domain of strings(stix.x_mitre_domains) ?? []) if (!object.domains.includes(domain)) object.domains.push(domain);
        continue;
      }
      const { id = '' } = attackReference(stix);
      const parsed = id ? parseAttackId(id) : undefined;
      if (kind === 'mitigation' && parsed?.kind !== 'mitigation') continue; // pre-2018 per-technique mitigations reuse T IDs; all deprecated
      if (!id && kind !== 'dataComponent') {
        warnings.addGrouped(file, `${stix.type} objects have no ATT&CK ID and were skipped`, stix.id);
        continue;
      }
      if (id && (!parsed || parsed.kind !== kind)) {
        warnings.addGrouped(file, `objects have an ID that does not fit their type and were skipped`, `${stix.type} ${id}`);
        continue;
      }
      const previousInBundle = id ? keysInThisBundle.get(id) : undefined;
      if (previousInBundle) {
        warnings.add(file, `duplicate ID ${id}: ${previousInBundle.id} ("${previousInBundle.name}") and ${stix.id} ("${stix.name}"); keeping the first`);
        continue;
      }
      let key = id || stix.id;
      const clash = byKey.get(key);
      if (clash) {
        const first = objects[clash.index];
        key = `${id}@${bundle.info.domain}`;
        warnings.add(file, `ID ${id} ("${stix.name}", ${stix.id}) is also defined by ${clash.file} ("${first.name}", ${stixIds[first.index]}); IDs must be unique across loaded bundles. ${id} refers to the first; this one is kept as ${key}`);
      }
      if (id) keysInThisBundle.set(id, stix);
      const object = toAttackObject(stix, kind, id, key, objects.length);
      objects.push(object);
      stixIds.push(stix.id);
      texts.push(typeof stix.description === 'string' ? stripCitations(stix.description) : '');
      if (kind === 'technique' && typeof stix.x_mitre_detection === 'string' && stix.x_mitre_detection.trim()) {
        detectionTexts.push([object.index, stripCitations(stix.x_mitre_detection)]);
      }
      byStixId.set(stix.id, object.index);
      byKey.set(key, { index: object.index, file });
      if (parsed && !object.revoked) {
        const prefix = parsed.prefix;
        highestNumbers[prefix] = Math.max(highestNumbers[prefix] ?? 0, parsed.number);
      }
      if (kind === 'dataComponent' && typeof stix.x_mitre_data_source_ref === 'string' && stix.x_mitre_data_source_ref) {
        pendingParents.push([object.index, stix.x_mitre_data_source_ref]);
      }
      if (kind === 'detectionStrategy') pendingAnalytics.push([object.index, strings(stix.x_mitre_analytic_refs) ?? [], file]);
      if (kind === 'analytic' && Array.isArray(stix.x_mitre_log_source_references)) {
        pendingLogSources.push([object.index, stix.x_mitre_log_source_references, file]);
      }
    }
    assignMatrixOrder(bundle.objects, byStixId, objects);
  }

  for (const [index, dataSourceRef] of pendingParents) {
    const parent = byStixId.get(dataSourceRef);
    if (parent !== undefined) objects[index].parent = parent;
  }
  for (const [index, refs, file] of pendingAnalytics) {
    objects[index].analytics = [];
    for (const ref of refs) {
      const analytic = byStixId.get(ref);
      if (analytic === undefined) warnings.addGrouped(file, 'analytic references of detection strategies point to objects not in the bundle', `${objects[index].id} → ${ref}`);
      else objects[index].analytics.push(analytic);
    }
  }
  for (const [index, refs, file] of pendingLogSources) {
    objects[index].logSourceRefs = [];
    for (const ref of refs) {
      const component = ref.x_mitre_data_component_ref ? byStixId.get(ref.x_mitre_data_component_ref) : undefined;
      if (component === undefined) {
        warnings.addGrouped(file, 'log-source references of analytics point to data components not in the bundle', `${objects[index].id} → ${ref.x_mitre_data_component_ref}`);
        continue;
      }
      objects[index].logSourceRefs.push({ component, name: ref.name ?? '', channel: ref.channel ?? '' });
    }
  }

  for (const [index, text] of detectionTexts) {
    objects[index].detectionText = texts.length;
    texts.push(text);
  }
  const relations = collectRelations(bundles, byStixId, warnings, texts);
  const parents = relations.subtechniqueOf;
  for (let i = 0; i < parents.length; i += 2) objects[parents[i]].parent = parents[i + 1];
  return { bundles: bundles.map((b) => b.info), objects, relations, texts, warnings: warnings.finish(), highestNumbers };
}

function toAttackObject(stix: StixObject, kind: ObjectKind, id: string, key: string, index: number): AttackObject {
  const object: AttackObject = { index, id, kind, name: typeof stix.name === 'string' ? stix.name : id, domains: strings(stix.x_mitre_domains) ?? [] };
  if (key !== id) object.key = key;
  if (stix.revoked === true) object.revoked = true;
  if (stix.x_mitre_deprecated === true) object.deprecated = true;
  if (typeof stix.created === 'string' && /^\d{4}-\d{2}-\d{2}/.test(stix.created)) object.created = stix.created.slice(0, 10);
  const platforms = strings(stix.x_mitre_platforms);
  if (platforms) object.platforms = platforms;
  const aliases = strings(stix.aliases) ?? strings(stix.x_mitre_aliases);
  if (aliases) {
    const others = aliases.filter((alias) => alias !== object.name);
    if (others.length) object.aliases = others;
  }
  switch (kind) {
    case 'technique': {
      const phases = Array.isArray(stix.kill_chain_phases) ? (stix.kill_chain_phases as { phase_name?: string }[]) : [];
      object.tactics = phases.map((p) => p.phase_name).filter((p): p is string => typeof p === 'string');
      if (stix.x_mitre_is_subtechnique === true) object.isSubtechnique = true;
      break;
    }
    case 'tactic':
      if (typeof stix.x_mitre_shortname === 'string') object.shortname = stix.x_mitre_shortname;
      break;
    case 'software':
      object.softwareType = stix.type === 'tool' ? 'tool' : 'malware';
      break;
    case 'dataComponent':
      if (Array.isArray(stix.x_mitre_log_sources)) {
        object.logSources = (stix.x_mitre_log_sources as { name?: string; channel?: string }[]).map((l) => ({ name: l.name ?? '', channel: l.channel ?? '' }));
      }
      break;
    default:
      break;
  }
  return object;
}

function assignMatrixOrder(stixObjects: StixObject[], byStixId: Map<string, number>, objects: AttackObject[]): void {
  const matrices = stixObjects.filter((o) => o.type === 'x-mitre-matrix' && o.revoked !== true && o.x_mitre_deprecated !== true);
  for (const matrix of matrices) {
    const refs = strings(matrix.tactic_refs) ?? [];
    refs.forEach((ref, order) => {
      const index = byStixId.get(ref);
      if (index !== undefined && objects[index].matrixOrder === undefined) objects[index].matrixOrder = order;
    });
  }
}

const RELATION_FIELD: Record<string, keyof RelationSets> = {
  'subtechnique-of': 'subtechniqueOf',
  mitigates: 'mitigates',
  detects: 'detects',
  uses: 'uses',
  'revoked-by': 'revokedBy',
  'attributed-to': 'attributedTo',
};

/** Relationship descriptions worth keeping: they are what the seed pages show per data source and mitigation. */
const KEEP_DESCRIPTION = new Set<keyof RelationSets>(['mitigates', 'detects']);
/** The sets kept as [source, target, text] (the others as flat pairs, see RelationPairs). */
const isDescribed = (field: keyof RelationSets): field is 'mitigates' | 'detects' => KEEP_DESCRIPTION.has(field);
/** The relationship types whose descriptions are kept (their RELATION_FIELD is in KEEP_DESCRIPTION). */
export const KEEP_RELATIONSHIP_DESCRIPTION: ReadonlySet<string> = new Set(Object.keys(RELATION_FIELD).filter((type) => KEEP_DESCRIPTION.has(RELATION_FIELD[type])));

function collectRelations(bundles: RawBundle[], byStixId: Map<string, number>, warnings: Warnings, texts: string[]): RelationSets {
  const sets: RelationSets = { subtechniqueOf: [], mitigates: [], detects: [], uses: [], revokedBy: [], attributedTo: [] };
  const seen = new Set<string>();
  for (const bundle of bundles) {
    const file = bundle.info.path;
    let known: Set<string> | undefined; // the bundle's IDs, only needed for a relationship that points outside the index
    for (const stix of bundle.objects) {
      if (stix.type !== 'relationship' || stix.revoked === true || stix.x_mitre_deprecated === true) continue;
      if (seen.has(stix.id)) continue;
      seen.add(stix.id);
      const field = Object.hasOwn(RELATION_FIELD, stix.relationship_type as string) ? RELATION_FIELD[stix.relationship_type as string] : undefined;
      if (!field) continue;
      const sourceRef = stix.source_ref as string;
      const targetRef = stix.target_ref as string;
      const source = byStixId.get(sourceRef);
      const target = byStixId.get(targetRef);
      if (source === undefined || target === undefined) {
        known ??= new Set(bundle.objects.map((o) => o.id));
        const missing = [sourceRef, targetRef].filter((ref) => !known!.has(ref) && !byStixId.has(ref));
        if (missing.length) warnings.addGrouped(file, 'relationships point to objects not in the bundle (dangling references) and were ignored', `${stix.id} → ${missing.join(', ')}`);
        continue; // else: a relationship of an object we deliberately skip (legacy mitigations)
      }
      if (!isDescribed(field)) {
        sets[field].push(source, target);
        continue;
      }
      const relation: Relation = [source, target];
      if (typeof stix.description === 'string') {
        const description = stripCitations(stix.description);
        if (description) {
          relation.push(texts.length);
          texts.push(description);
        }
      }
      sets[field].push(relation);
    }
  }
  return sets;
}

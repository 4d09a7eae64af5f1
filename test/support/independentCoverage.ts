// An independent computation of coverage states, for tests that check the product's coverage model:
// live techniques read straight from the STIX JSON, claims from a line regex over Sigma rule files,
// and the states by the definitions of issue #10 — none of the product's code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';

export type IndependentState = 'covered' | 'via-subtechniques' | 'parent-only' | 'gap';

interface Stix {
  type: string;
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  x_mitre_is_subtechnique?: boolean;
  external_references?: { source_name: string; external_id?: string }[];
}

/** Live technique and sub-technique IDs of a bundle (.json or .json.gz). */
export function liveTechniqueIds(bundle: string): string[] {
  const bytes = readFileSync(bundle);
  const json = JSON.parse((bundle.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')) as { objects: Stix[] };
  return json.objects
    .filter((o) => o.type === 'attack-pattern' && !o.revoked && !o.x_mitre_deprecated)
    .map((o) => o.external_references?.find((r) => r.source_name === 'mitre-attack')?.external_id)
    .filter((id): id is string => !!id);
}

function* yamlFiles(directory: string): Generator<string> {
  for (const entry of readdirSync(directory)) {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) yield* yamlFiles(full);
    else if (/\.ya?ml$/.test(entry)) yield full;
  }
}

/** Technique ID → the Sigma rule files that tag exactly it (`- attack.t1059.001` list items). */
export function sigmaClaims(directory: string): Map<string, Set<string>> {
  const claims = new Map<string, Set<string>>();
  for (const file of yamlFiles(directory)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/^\s*-\s+['"]?attack\.(t\d{4}(?:\.\d{3})?)['"]?\s*$/gim)) {
      const id = match[1].toUpperCase();
      if (!claims.has(id)) claims.set(id, new Set());
      claims.get(id)!.add(file);
    }
  }
  return claims;
}

/** The state of every live ID: a technique is covered when claimed, via-subtechniques when only a
 *  live sub-technique is, else a gap; a sub-technique is covered when claimed, parent-only when only
 *  its parent is, else a gap. */
export function independentStates(live: readonly string[], claims: Map<string, Set<string>>): Map<string, IndependentState> {
  const liveSet = new Set(live);
  const claimed = (id: string) => (claims.get(id)?.size ?? 0) > 0;
  const states = new Map<string, IndependentState>();
  for (const id of live) {
    if (id.includes('.')) {
      states.set(id, claimed(id) ? 'covered' : claimed(id.split('.')[0]) ? 'parent-only' : 'gap');
    } else {
      const subClaimed = live.some((other) => other.startsWith(`${id}.`) && liveSet.has(other) && claimed(other));
      states.set(id, claimed(id) ? 'covered' : subClaimed ? 'via-subtechniques' : 'gap');
    }
  }
  return states;
}

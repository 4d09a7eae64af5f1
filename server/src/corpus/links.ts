// The corpus's relationship indexes, built on first use (not at start-up: a warm start only needs
// lookups by ID until the first hover or diagnostic asks for more).
import { parseAttackId } from './ids';
import type { AttackObject, CorpusData, Relation } from './model';
import { byCodeUnits } from '../order';

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export interface Links {
  children: Map<number, AttackObject[]>;
  componentsOfSource: Map<number, AttackObject[]>;
  mitigationsOf: Map<number, Relation[]>;
  mitigatedBy: Map<number, Relation[]>;
  detectsOf: Map<number, Relation[]>;
  detectedBy: Map<number, Relation[]>;
  /** Revoked object → the objects revoking it (usually one; a split into several has more). */
  revokedBy: Map<number, number[]>;
  strategyOfAnalytic: Map<number, AttackObject>;
  tacticsByShortname: Map<string, AttackObject[]>;
  /** Highest sub-technique number per parent ID, for "newer release" verdicts. */
  highestSub: Map<string, number>;
}

export function buildLinks(data: CorpusData): Links {
  const links: Links = {
    children: new Map(),
    componentsOfSource: new Map(),
    mitigationsOf: new Map(),
    mitigatedBy: new Map(),
    detectsOf: new Map(),
    detectedBy: new Map(),
    revokedBy: new Map(),
    strategyOfAnalytic: new Map(),
    tacticsByShortname: new Map(),
    highestSub: new Map(),
  };
  for (const object of data.objects) {
    if (object.kind === 'tactic' && object.shortname) pushTo(links.tacticsByShortname, object.shortname, object);
    if (object.kind === 'dataComponent' && object.parent !== undefined) pushTo(links.componentsOfSource, object.parent, object);
    if (object.kind === 'detectionStrategy') for (const analytic of object.analytics ?? []) links.strategyOfAnalytic.set(analytic, object);
    if (object.kind === 'technique' && object.isSubtechnique && !object.revoked) {
      const parsed = parseAttackId(object.id);
      if (parsed?.parentId && parsed.sub !== undefined) links.highestSub.set(parsed.parentId, Math.max(links.highestSub.get(parsed.parentId) ?? 0, parsed.sub));
    }
  }
  const { relations } = data;
  const parents = relations.subtechniqueOf;
  for (let i = 0; i < parents.length; i += 2) pushTo(links.children, parents[i + 1], data.objects[parents[i]]);
  for (const list of links.children.values()) list.sort((a, b) => byCodeUnits(a.id, b.id));
  for (const r of relations.mitigates) {
    pushTo(links.mitigationsOf, r[1], r);
    pushTo(links.mitigatedBy, r[0], r);
  }
  for (const r of relations.detects) {
    pushTo(links.detectsOf, r[1], r);
    pushTo(links.detectedBy, r[0], r);
  }
  const revoked = relations.revokedBy;
  for (let i = 0; i < revoked.length; i += 2) pushTo(links.revokedBy, revoked[i], revoked[i + 1]);
  return links;
}

/** Group/software/campaign ↔ technique/software, the largest relationship set: its own lazy index. */
export interface Usage {
  usesOf: Map<number, number[]>;
  usedBy: Map<number, number[]>;
}

export function buildUsage(data: CorpusData): Usage {
  const usage: Usage = { usesOf: new Map(), usedBy: new Map() };
  const uses = data.relations.uses;
  for (let i = 0; i < uses.length; i += 2) {
    pushTo(usage.usesOf, uses[i], uses[i + 1]);
    pushTo(usage.usedBy, uses[i + 1], uses[i]);
  }
  return usage;
}

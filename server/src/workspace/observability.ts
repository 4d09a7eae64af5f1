// The coverage check: can components a rule reads observe a technique, per ATT&CK? Unless strict,
// a sub-technique counts as observable when its parent is, and a parent when any sub-technique is
// (ATT&CK often lists detection on one level only).
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';

export interface ObservabilityVerdict {
  observable: boolean;
  ruleComponents: string[];
  /** Components ATT&CK lists for the technique (and, unless strict, its relatives). */
  techniqueComponents: string[];
  /** "parent T1059" or "sub-technique T1059.001" when only a relative matched. */
  viaRelative?: string;
}

/** A technique's component names, and lower-cased, per corpus: checked for every distinct log source
 *  of every rule, so computed once (the arrays are never handed out). */
const namesCache = new WeakMap<Corpus, Map<AttackObject, { names: string[]; lower: string[] }>>();
function namesOf(corpus: Corpus, technique: AttackObject): { names: string[]; lower: string[] } {
  let perCorpus = namesCache.get(corpus);
  if (!perCorpus) namesCache.set(corpus, (perCorpus = new Map()));
  let entry = perCorpus.get(technique);
  if (!entry) {
    const names = corpus.componentsObserving(technique).map((c) => c.name);
    perCorpus.set(technique, (entry = { names, lower: names.map((name) => name.toLowerCase()) }));
  }
  return entry;
}
const names = (corpus: Corpus, technique: AttackObject) => namesOf(corpus, technique).names;
const lowerNames = (corpus: Corpus, technique: AttackObject) => namesOf(corpus, technique).lower;

/** Undefined when there is no verdict: no components for the rule, a retired technique, or ATT&CK
 *  lists no component for the technique (nor, unless strict, for its relatives). */
export function checkObservability(corpus: Corpus, technique: AttackObject, ruleComponents: readonly string[], strict: boolean): ObservabilityVerdict | undefined {
  if (!ruleComponents.length || technique.revoked || technique.deprecated) return undefined;
  const provided = new Set(ruleComponents.map((c) => c.toLowerCase()));
  const hits = (of: AttackObject) => lowerNames(corpus, of).some((name) => provided.has(name));
  const own = names(corpus, technique);
  const verdict = (observable: boolean, techniqueComponents: string[], viaRelative?: string): ObservabilityVerdict => ({
    observable,
    ruleComponents: [...ruleComponents],
    techniqueComponents: [...new Set(techniqueComponents)].sort(),
    ...(viaRelative ? { viaRelative } : {}),
  });
  if (hits(technique)) return verdict(true, own);
  if (strict) return own.length ? verdict(false, own) : undefined;

  const relatives: [string, AttackObject][] = [];
  const parent = corpus.parentOf(technique);
  if (parent && technique.isSubtechnique) relatives.push([`parent ${parent.id}`, parent]);
  for (const sub of corpus.subtechniquesOf(technique)) if (!sub.revoked && !sub.deprecated) relatives.push([`sub-technique ${sub.id}`, sub]);
  for (const [label, relative] of relatives) if (hits(relative)) return verdict(true, [...own, ...names(corpus, relative)], label);
  const all = [...own, ...relatives.flatMap(([, relative]) => names(corpus, relative))];
  return all.length ? verdict(false, all) : undefined;
}

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

const names = (corpus: Corpus, technique: AttackObject) => corpus.componentsObserving(technique).map((c) => c.name);

/** Undefined when there is no verdict: no components for the rule, a retired technique, or ATT&CK
 *  lists no component for the technique (nor, unless strict, for its relatives). */
export function checkObservability(corpus: Corpus, technique: AttackObject, ruleComponents: readonly string[], strict: boolean): ObservabilityVerdict | undefined {
  if (!ruleComponents.length || technique.revoked || technique.deprecated) return undefined;
  const provided = new Set(ruleComponents.map((c) => c.toLowerCase()));
  const hits = (list: string[]) => list.some((name) => provided.has(name.toLowerCase()));
  const own = names(corpus, technique);
  const verdict = (observable: boolean, techniqueComponents: string[], viaRelative?: string): ObservabilityVerdict => ({
    observable,
    ruleComponents: [...ruleComponents],
    techniqueComponents: [...new Set(techniqueComponents)].sort(),
    ...(viaRelative ? { viaRelative } : {}),
  });
  if (hits(own)) return verdict(true, own);
  if (strict) return own.length ? verdict(false, own) : undefined;

  const relatives: [string, string[]][] = [];
  const parent = corpus.parentOf(technique);
  if (parent && technique.isSubtechnique) relatives.push([`parent ${parent.id}`, names(corpus, parent)]);
  for (const sub of corpus.subtechniquesOf(technique)) if (!sub.revoked && !sub.deprecated) relatives.push([`sub-technique ${sub.id}`, names(corpus, sub)]);
  for (const [label, list] of relatives) if (hits(list)) return verdict(true, [...own, ...list], label);
  const all = [...own, ...relatives.flatMap(([, list]) => list)];
  return all.length ? verdict(false, all) : undefined;
}

// How an ID or tactic is written at a given reference's place: a Sigma tag, a bare ID, a tactic name
// in the spelling of the rule's format. Fixes and completions write what the place expects.
import type { AttackObject } from '../corpus/model';
import type { AttackReference, RuleFormat } from '../formats/model';
import { sigmaTagFor } from '../formats/sigmaTags';

/** "Defense Evasion" → "DefenseEvasion" (Sentinel's spelling). */
function pascalCase(name: string): string {
  return name.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase());
}

/** A tactic as a rule format writes it by name. */
export function tacticNameFor(tactic: AttackObject, format: RuleFormat): string {
  switch (format) {
    case 'sentinel':
      return pascalCase(tactic.name);
    case 'elastic':
      return tactic.name;
    default:
      return tactic.shortname ?? tactic.name;
  }
}

/** The text to write at `reference` for `object` (or a canonical ID string). */
export function writtenFormFor(reference: AttackReference, format: RuleFormat, object: AttackObject | string): string {
  const id = typeof object === 'string' ? object : object.id;
  if (reference.form === 'sigmaTag') {
    const isTacticName = typeof object !== 'string' && object.kind === 'tactic' && !/^TA\d{4}$/i.test(reference.id);
    return sigmaTagFor(isTacticName ? (object.shortname ?? object.name) : id);
  }
  if (reference.form === 'tacticName' && typeof object !== 'string') return tacticNameFor(object, format);
  return id;
}

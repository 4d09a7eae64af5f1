// What a reference in a rule points to in the loaded corpus: an object, a tactic (by name), or
// nothing — and then whether the ID is from a newer release or most likely a typo.
import type { Corpus, MissingIdVerdict } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';
import type { AttackReference } from '../formats/model';

export type Resolution =
  | { status: 'found'; object: AttackObject; /** tactic matched only after normalising its spelling */ inexact?: boolean }
  | { status: 'missing'; verdict: MissingIdVerdict }
  /** Not a reference to an ATT&CK object at all (`attack.foo` that is no tactic name either). */
  | { status: 'unknownForm' };

/** Tactic names written in other spellings: "Defense Evasion", "DefenseEvasion", "defense_evasion". */
export function tacticKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const tacticCache = new WeakMap<Corpus, Map<string, { tactic: AttackObject; inexact: boolean } | undefined>>();

/** A tactic by ID, name or shortname, also when written with other case or separators (inexact). */
export function findTactic(corpus: Corpus, nameOrId: string): { tactic: AttackObject; inexact: boolean } | undefined {
  let cache = tacticCache.get(corpus);
  if (!cache) tacticCache.set(corpus, (cache = new Map()));
  if (cache.has(nameOrId)) return cache.get(nameOrId);
  const found = lookUpTactic(corpus, nameOrId);
  cache.set(nameOrId, found);
  return found;
}

function lookUpTactic(corpus: Corpus, nameOrId: string): { tactic: AttackObject; inexact: boolean } | undefined {
  const byId = corpus.get(nameOrId);
  if (byId?.kind === 'tactic') return { tactic: byId, inexact: false };
  const exact = corpus.tacticsNamed(nameOrId)[0];
  if (exact) return { tactic: exact, inexact: false };
  const key = tacticKey(nameOrId);
  for (const shortname of corpus.tacticShortnames()) {
    if (tacticKey(shortname) === key) return { tactic: corpus.tacticsNamed(shortname)[0], inexact: true };
  }
  return undefined;
}

export function resolveReference(corpus: Corpus, reference: AttackReference): Resolution {
  if (reference.kind === 'tactic' && !/^TA\d{4}$/.test(reference.id)) {
    const found = findTactic(corpus, reference.id);
    if (found) return { status: 'found', object: found.tactic, inexact: found.inexact };
    return { status: 'missing', verdict: corpus.classifyMissing(reference.id) };
  }
  if (reference.kind === 'unknown') return { status: 'unknownForm' };
  const object = corpus.get(reference.id);
  if (object && object.kind === reference.kind) return { status: 'found', object };
  return { status: 'missing', verdict: corpus.classifyMissing(reference.id) };
}

/** The reference under a position (ranges are end-inclusive, so a cursor right after a tag counts). */
export function referenceAt(references: readonly AttackReference[], line: number, character: number): AttackReference | undefined {
  return references.find(({ range: { start, end } }) => {
    if (line < start.line || line > end.line) return false;
    if (line === start.line && character < start.character) return false;
    if (line === end.line && character > end.character) return false;
    return true;
  });
}

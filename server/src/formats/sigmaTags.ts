// Sigma's `attack.*` tags (see the Sigma tags appendix): what each names, its canonical form, and
// why a tag is malformed. Shared by the full YAML parser and the fast pre-scanner.
import { ID_PREFIX_KIND } from '../corpus/ids';
import type { ObjectKind } from '../corpus/model';
import type { Range } from 'vscode-languageserver-types';
import { type AttackReference, keptString } from './model';
import { later } from '../l10n/l10n';

export interface SigmaTagMeaning {
  /** Canonical ID ("T1059.001", "G0007") or, for a tactic name, the name as written, lower-cased. */
  id: string;
  kind: ObjectKind | 'unknown';
  malformed?: string;
}

export const SIGMA_ATTACK_PREFIX = 'attack.';

const WELL_FORMED_ID = /^(t|ta|ds|dc|m|det|an|g|s|c|a)(\d{4})(\.\d{3})?$/;
const LOOSE_TECHNIQUE = /^t(\d{4})(?:[-_.,:/ ]?(\d{1,3}))?$/i;
const LOOSE_ID = /^(ta|ds|dc|det|an|m|g|s|c|a)[-_ ]?(\d{4})$/i;
const TACTIC_NAME = /^[a-z][a-z0-9_ -]*$/i;

/** Whether a tag is in Sigma's ATT&CK namespace (`attack.` prefix, any case). */
export function isAttackTag(tag: string): boolean {
  return tag.length > SIGMA_ATTACK_PREFIX.length && tag.slice(0, SIGMA_ATTACK_PREFIX.length).toLowerCase() === SIGMA_ATTACK_PREFIX;
}

/** What an `attack.*` tag names. `tag` is the whole tag including the prefix. */
export function interpretSigmaTag(tag: string): SigmaTagMeaning {
  const prefix = tag.slice(0, SIGMA_ATTACK_PREFIX.length);
  const body = tag.slice(SIGMA_ATTACK_PREFIX.length);
  const prefixProblem = prefix !== SIGMA_ATTACK_PREFIX ? later('the "attack." namespace is lower case in Sigma') : undefined;
  const wellFormed = WELL_FORMED_ID.exec(body);
  if (wellFormed) {
    const kind = ID_PREFIX_KIND[wellFormed[1].toUpperCase()];
    if (wellFormed[3] && kind !== 'technique') return { id: body.toUpperCase(), kind: 'unknown', malformed: later('only techniques have sub-technique numbers') };
    return withProblem({ id: body.toUpperCase(), kind }, prefixProblem);
  }
  const technique = LOOSE_TECHNIQUE.exec(body);
  if (technique) {
    const [, number, sub] = technique;
    const id = sub === undefined ? `T${number}` : `T${number}.${sub.padStart(3, '0')}`;
    let problem: string;
    if (sub !== undefined && !/^\.\d{3}$/.test(body.slice(5))) {
      problem = /^\.\d{1,2}$/.test(body.slice(5))
        ? later('a sub-technique number has three digits')
        : later('a sub-technique is written with a dot');
    } else {
      problem = later('technique tags are lower case in Sigma');
    }
    return { id, kind: 'technique', malformed: problem };
  }
  const otherId = LOOSE_ID.exec(body);
  if (otherId) {
    const prefixUpper = otherId[1].toUpperCase();
    return { id: `${prefixUpper}${otherId[2]}`, kind: ID_PREFIX_KIND[prefixUpper], malformed: later('ATT&CK tags are lower case with no separator in Sigma') };
  }
  if (TACTIC_NAME.test(body)) {
    const lower = body.toLowerCase();
    if (body !== lower) return { id: lower, kind: 'tactic', malformed: later('tactic tags are lower case in Sigma') };
    return withProblem({ id: body, kind: 'tactic' }, prefixProblem);
  }
  return { id: body, kind: 'unknown' };
}

function withProblem(meaning: SigmaTagMeaning, problem: string | undefined): SigmaTagMeaning {
  return problem ? { id: meaning.id, kind: meaning.kind, malformed: problem } : meaning;
}

/** The canonical Sigma tag for an ATT&CK ID or tactic shortname: "attack.t1059.001", "attack.execution". */
export function sigmaTagFor(idOrShortname: string): string {
  return `${SIGMA_ATTACK_PREFIX}${idOrShortname.toLowerCase()}`;
}

/** The reference a tag in a Sigma rule's `tags` makes, at `range` (in document `documentIndex` of a
 *  multi-document file). */
export function sigmaTagReference(tag: string, range: Range, documentIndex: number): AttackReference {
  const meaning = interpretSigmaTag(tag);
  const reference: AttackReference = { id: meaning.id, kind: meaning.kind, written: tag, form: 'sigmaTag', range, key: 'tags' };
  if (meaning.malformed) reference.malformed = meaning.malformed;
  if (documentIndex > 0) reference.documentIndex = documentIndex;
  return reference;
}

/** What each distinct tag means, as a template the references copy (its strings copied off the
 *  file's text, which the index must not keep): a repository uses a few hundred
 *  distinct tags thousands of times, and a hostile file repeats one by the thousand. Bounded. */
const TAG_TEMPLATES = new Map<string, AttackReference | null>();
const MAX_TAG_TEMPLATES = 20_000;
const NO_RANGE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The reference template of a tag in a Sigma rule's `tags` (document 0, no range: the scanners copy
 *  it with referenceWithRange), or null for a tag outside the `attack.` namespace. Cached. */
export function sigmaTagTemplate(tag: string): AttackReference | null {
  let template = TAG_TEMPLATES.get(tag);
  if (template === undefined) {
    if (TAG_TEMPLATES.size >= MAX_TAG_TEMPLATES) TAG_TEMPLATES.clear();
    const kept = keptString(tag);
    template = isAttackTag(kept) ? sigmaTagReference(kept, NO_RANGE, 0) : null;
    TAG_TEMPLATES.set(kept, template);
  }
  return template;
}

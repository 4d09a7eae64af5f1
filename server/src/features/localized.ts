// ATT&CK texts in the user's language where a corpus overlay gives them (corpus/overlay.ts), the
// bundle's English otherwise, field by field; when a hover mixes the two it says which is which.
import { firstParagraph, type ObjectFacts, type ObjectRef } from '../corpus/facts';
import type { AttackObject } from '../corpus/model';
import type { OverlayTexts } from '../corpus/overlay';
import type { Corpus } from '../corpus/corpus';
import type { SearchOptions } from '../corpus/search';
import { t } from '../l10n/l10n';

export function localName(object: Pick<AttackObject, 'id' | 'name'>, texts: OverlayTexts | undefined): string {
  return (object.id && texts?.get(object.id)?.name) || object.name;
}

const localRef = (ref: ObjectRef, texts: OverlayTexts): ObjectRef => (ref.id && texts.get(ref.id)?.name ? { ...ref, name: texts.get(ref.id)!.name! } : ref);

export interface LocalizedFacts {
  facts: ObjectFacts;
  /** A line saying which text is in English, when the name and the description differ in language. */
  languageNote?: string;
}

export function localizeFacts(facts: ObjectFacts, texts: OverlayTexts | undefined): LocalizedFacts {
  if (!texts?.size) return { facts };
  const own = texts.get(facts.ref.id);
  const localized: ObjectFacts = {
    ...facts,
    ref: localRef(facts.ref, texts),
    summary: own?.description ? firstParagraph(own.description) : facts.summary,
    tactics: facts.tactics?.map((r) => localRef(r, texts)),
    parent: facts.parent && localRef(facts.parent, texts),
    subtechniques: facts.subtechniques?.map((r) => localRef(r, texts)),
    successor: facts.successor && localRef(facts.successor, texts),
  };
  let languageNote: string | undefined;
  if (own?.name && !own.description && facts.summary) languageNote = t('_The name is from the overlay ({0}); the description is the bundle’s English._', texts.language);
  else if (!own?.name && own?.description) languageNote = t('_The description is from the overlay ({0}); the name is the bundle’s English._', texts.language);
  return { facts: localized, languageNote };
}

/** The corpus's search, with the objects whose localised name matches the query first
 *  ("межпроцессное" → T1559), kinds and liveness as the corpus search has them. */
export function searchWithOverlay(corpus: Corpus, texts: OverlayTexts | undefined, query: string, options: SearchOptions): AttackObject[] {
  const limit = options.limit ?? 50;
  const found: AttackObject[] = [];
  for (const id of texts?.search(query, limit) ?? []) {
    const object = corpus.get(id);
    if (object && !object.revoked && !object.deprecated && (!options.kinds || options.kinds.includes(object.kind))) found.push(object);
  }
  for (const { object } of corpus.find(query, { ...options, limit })) if (!found.includes(object)) found.push(object);
  return found.slice(0, limit);
}

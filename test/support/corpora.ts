// Loads each bundle once per test process (without the on-disk cache, so tests see the builder).
import type { Corpus } from '../../server/src/corpus/corpus';
import { loadCorpus } from '../../server/src/corpus/load';
import { BUNDLE_17, BUNDLE_18, requireShared } from './paths';

const loaded = new Map<string, Promise<Corpus>>();

export function corpusOf(...bundles: string[]): Promise<Corpus> {
  const key = bundles.join('|');
  let corpus = loaded.get(key);
  if (!corpus) {
    corpus = loadCorpus(bundles.map(requireShared), { cacheDir: false }).then((load) => load.corpus);
    loaded.set(key, corpus);
  }
  return corpus;
}

/** The embedded v18.1 enterprise bundle (always present). */
export const corpus18 = () => corpusOf(BUNDLE_18);
/** v17.1, from the shared material: tests using it are marked needsShared. */
export const corpus17 = () => corpusOf(BUNDLE_17);

// Loads each bundle once per test process (without the on-disk cache, so tests see the builder).
import type { Corpus } from '../../server/src/corpus/corpus';
import { loadCorpus } from '../../server/src/corpus/load';
import { BUNDLE_17, BUNDLE_18, HAS_SHARED, requireShared } from './paths';
import { syntheticCorpus } from './syntheticRelease';

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

/** For suites that use corpora in synchronous code: `before(preloadCorpora)`, then `preloaded.v18`
 *  (and `v17` and `synthetic` when the shared material is there). */
export const preloaded = {} as { v17: Corpus; v18: Corpus; synthetic: Corpus };
export async function preloadCorpora(): Promise<void> {
  preloaded.v18 = await corpus18();
  if (HAS_SHARED) preloaded.v17 = await corpus17();
  preloaded.synthetic = await syntheticCorpus();
}

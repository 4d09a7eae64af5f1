// Loads each shared bundle once per test process (without the on-disk cache, so tests see the builder).
import type { Corpus } from '../../server/src/corpus/corpus';
import { loadCorpus } from '../../server/src/corpus/load';
import { BUNDLE_17, BUNDLE_18, requireShared } from './paths';

const loaded = new Map<string, Corpus>();

export function corpusOf(...bundles: string[]): Corpus {
  const key = bundles.join('|');
  let corpus = loaded.get(key);
  if (!corpus) {
    corpus = loadCorpus(bundles.map(requireShared), { cacheDir: false }).corpus;
    loaded.set(key, corpus);
  }
  return corpus;
}

export const corpus18 = () => corpusOf(BUNDLE_18);
export const corpus17 = () => corpusOf(BUNDLE_17);

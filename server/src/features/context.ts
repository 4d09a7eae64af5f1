// What every feature function receives besides the rule document: the corpus (absent while loading
// or when no bundle could be loaded — features then answer with empty results) and the workspace.
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';

export interface FeatureContext {
  corpus: Corpus | undefined;
  /** Markdown lines about the workspace's rules for an object ("Covered by 3 rules: …"). */
  workspaceLinesFor?: (object: AttackObject) => string[];
}

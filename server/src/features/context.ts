// What every feature function receives besides the rule document: the corpus (absent while loading
// or when no bundle could be loaded — features then answer with empty results) and the workspace.
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';
import type { LogSourceHoverContext } from './logSourceHover';
import type { WorkspaceHoverLines } from './workspaceLines';
import type { OverlayTexts } from '../corpus/overlay';

export interface FeatureContext {
  corpus: Corpus | undefined;
  /** Markdown about the workspace's rules for an object: the coverage line, rule lists. */
  workspaceFor?: (object: AttackObject) => WorkspaceHoverLines;
  /** The log-source table, for hovers on a rule's log source. */
  logSources?: Omit<LogSourceHoverContext, 'corpus'>;
  /** ATT&CK names and descriptions in the user's language (`ttpLens.attack.overlayPaths`). */
  overlay?: OverlayTexts;
}

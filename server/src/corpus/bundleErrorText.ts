// One sentence for a bundle that could not be loaded, naming the file or the setting: the problems
// are written to follow "The ATT&CK bundle <file> …" ("does not exist", "is not valid JSON"), except
// when no file is involved ('(none)': nothing is configured or embedded), where the problem is the
// whole sentence.
import { t } from '../l10n/l10n';

export function bundleErrorSentence(error: { file: string; problem: string }): string {
  const problem = error.problem.replace(/\.$/, '');
  if (error.file === '(none)' || error.file === '(no file)') return t('No ATT&CK bundle can be loaded: {0}.', problem);
  return t('The ATT&CK bundle {0} {1}.', error.file, problem);
}

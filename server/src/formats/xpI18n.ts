// MaxPatrol SIEM rules describe themselves per language next to metainfo.yaml, in open-xp-rules'
// layout: i18n/i18n_ru.yaml and i18n/i18n_en.yaml, each with a `Description`. They are read with the
// rule (a few hundred bytes each), so a rule is named in the user's language wherever it is listed.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { t } from '../l10n/l10n';
import type { RuleDocument } from './model';

const LANGUAGES = ['en', 'ru'] as const;

/** An i18n file larger than this is no rule description. */
const MAX_I18N_BYTES = 256 * 1024;

export function readXpDescriptions(rule: RuleDocument, folder: string): void {
  const descriptions: NonNullable<RuleDocument['identity']['descriptions']> = {};
  for (const language of LANGUAGES) {
    const file = path.join(folder, 'i18n', `i18n_${language}.yaml`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // No translation in this language: the other one, or the folder name, is shown.
    }
    const relative = `i18n/i18n_${language}.yaml`;
    const problem = (message: string) => rule.problems.push({ message, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'warning' });
    if (text.length > MAX_I18N_BYTES) {
      problem(t('The rule description {0} is larger than {1} KB and is not read.', relative, MAX_I18N_BYTES / 1024));
      continue;
    }
    const document = parseDocument(text, { uniqueKeys: false });
    if (document.errors.length) {
      problem(t('The rule description {0} is not valid YAML ({1}); the rule is named without it.', relative, document.errors[0].message.split('\n')[0]));
      continue;
    }
    const value: unknown = document.toJS();
    const description = value && typeof value === 'object' ? (value as { Description?: unknown }).Description : undefined;
    if (typeof description === 'string' && description.trim()) descriptions[language] = description.trim();
  }
  if (Object.keys(descriptions).length) rule.identity.descriptions = descriptions;
}

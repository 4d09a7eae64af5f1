// How a rule is named wherever one is listed (hover, tree, panel, CLI, Navigator comments).
// MaxPatrol rules follow Positive Technologies' own pages: `ObjectId: name: description`, the
// description in the user's language (else the other one); other formats keep their title.
import { locale } from '../l10n/l10n';
import type { RuleDocument } from '../formats/model';

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // not percent-encoded after all: shown as it is
  }
}

export function ruleName(rule: RuleDocument): string {
  const { id, title, descriptions } = rule.identity;
  const fallback = title ?? decodeURIComponentSafe(rule.uri.slice(rule.uri.lastIndexOf('/') + 1));
  if (rule.format !== 'xp') return fallback;
  const language = locale();
  const description = descriptions?.[language] ?? descriptions?.[language === 'ru' ? 'en' : 'ru'];
  return [id, fallback, description].filter(Boolean).join(': ');
}

// The server's and the CLI's human text in the user's language. Messages are written in English in
// the code, as `t('The name of {0} is "{1}".', id, name)`, and the English text is the key of the
// other languages' tables (VS Code's own l10n convention, so one test can list every message).
// One process speaks one language — the client's `initialize` locale, or the CLI's --locale/LANG —
// so the table is chosen once, not per call.
import ru from './ru.json';

export type Locale = 'en' | 'ru';

export const LOCALES: readonly Locale[] = ['en', 'ru'];

const TABLES: Record<Locale, Readonly<Record<string, string>>> = { en: {}, ru };

let current: Locale = 'en';
let table: Readonly<Record<string, string>> = TABLES.en;
let pluralRules = new Intl.PluralRules('en');

/** "ru", "ru-RU", "ru_RU.UTF-8" → ru; anything else → en. */
export function toLocale(raw: string | undefined | null): Locale {
  const language = (raw ?? '').trim().toLowerCase().split(/[-_.@]/)[0];
  return (LOCALES as readonly string[]).includes(language) ? (language as Locale) : 'en';
}

export function setLocale(locale: Locale): void {
  current = locale;
  table = TABLES[locale];
  pluralRules = new Intl.PluralRules(locale);
}

export function locale(): Locale {
  return current;
}

function format(template: string, args: readonly unknown[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, n: string) => (Number(n) < args.length ? String(args[Number(n)]) : whole));
}

/** The message in the current language, with {0}, {1}… replaced by the arguments. */
export function t(message: string, ...args: unknown[]): string {
  return format(table[message] ?? message, args);
}

/** A message about a count: English has two forms, the table's entry for `other` lists the
 *  language's forms (Russian: one|few|many) separated by "|"; {0} is the count. */
export function tn(count: number, one: string, other: string, ...args: unknown[]): string {
  const translated = table[other];
  const number = count.toLocaleString(current === 'ru' ? 'ru-RU' : 'en-US');
  if (!translated) return format(count === 1 ? one : other, [number, ...args]);
  const forms = translated.split('|');
  const category = pluralRules.select(count);
  const index = current === 'ru' ? (category === 'one' ? 0 : category === 'few' ? 1 : 2) : category === 'one' ? 0 : 1;
  return format(forms[Math.min(index, forms.length - 1)], [number, ...args]);
}

/** The other language's table, for tests that check every message has its translation. */
export function tableOf(locale: Locale): Readonly<Record<string, string>> {
  return TABLES[locale];
}

/** Marks English text stored now and translated with t() when shown (a reason kept in a parsed
 *  rule, say), so the translation tables' test finds it. */
export function later(message: string): string {
  return message;
}

/** A message marked with later() (or a table of them), in the current language. */
export function translated(message: string): string {
  return table[message] ?? message;
}

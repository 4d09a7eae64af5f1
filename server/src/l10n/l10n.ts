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

/** "ru", "ru-RU", "ru_RU.UTF-8" → ru; anything else → en. */
export function toLocale(raw: string | undefined | null): Locale {
  const language = (raw ?? '').trim().toLowerCase().split(/[-_.@]/)[0];
  return (LOCALES as readonly string[]).includes(language) ? (language as Locale) : 'en';
}

export function setLocale(locale: Locale): void {
  current = locale;
  table = TABLES[locale];
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
  const number = formatCount(count);
  if (!translated) return format(count === 1 ? one : other, [number, ...args]);
  const forms = translated.split('|');
  return format(forms[Math.min(pluralForm(count), forms.length - 1)], [number, ...args]);
}

// Numbers and plurals are written by hand, not with toLocaleString and Intl.PluralRules: the server
// writes a few counts, and ICU's data would cost it ~9 MB of resident memory (see order.ts).

/** 3141 → "3,141" in English, "3 141" (a no-break space) in Russian, as toLocaleString writes them. */
export function formatCount(count: number, language: Locale = current): string {
  if (!Number.isInteger(count) || Math.abs(count) < 1000) return String(count);
  return String(count).replace(/\B(?=(\d{3})+$)/g, language === 'ru' ? '\u00a0' : ',');
}

/** The index of the plural form for a count: English one|other; Russian one|few|many (CLDR's
 *  integer rules: 1, 21, 101…; 2–4, 22–24…; the rest). */
function pluralForm(count: number): number {
  if (current !== 'ru') return count === 1 ? 0 : 1;
  const n = Math.abs(count);
  const [ten, hundred] = [n % 10, n % 100];
  if (ten === 1 && hundred !== 11) return 0;
  if (ten >= 2 && ten <= 4 && (hundred < 12 || hundred > 14)) return 1;
  return 2;
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

// Sort orders without ICU: String#localeCompare and Intl load ICU's collation data, which costs the
// server ~3 MB of resident memory (and toLocaleString ~7 MB) for comparisons of ASCII text.

/** Code-unit order: for ATT&CK IDs (upper-case letters, digits, a dot) it is the order
 *  localeCompare gives them (checked on every ID of ATT&CK v18.1 in test/unit/order.test.ts). */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Names and titles as a reader looks them up: case-insensitive, then by case. */
export function byText(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : byCodeUnits(a, b);
}

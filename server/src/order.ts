// Sort orders without ICU: String#localeCompare and Intl load ICU's collation data, which costs the
// server ~3 MB of resident memory (and toLocaleString ~7 MB) for comparisons of ASCII text.

/** Code-unit order: for ATT&CK IDs (upper-case letters, digits, a dot) it is the order
 *  localeCompare gives them (checked on every ID of ATT&CK v18.1 in test/unit/order.test.ts). */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Names and titles as a reader looks them up: case-insensitive, then by case. Compared in place
 *  (no lower-cased copies: sorting thousands of rule titles calls this ~40,000 times). */
export function byText(a: string, b: string): number {
  // Without capitals and non-ASCII (paths, mostly) the order is the code units': one native
  // comparison instead of a loop that, still interpreted in a short command, took 6 µs per pair of
  // paths with a long common folder.
  if (!FOLDED.test(a) && !FOLDED.test(b)) return byCodeUnits(a, b);
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const lowerX = lowerCode(x);
      const lowerY = lowerCode(y);
      if (lowerX !== lowerY) return lowerX - lowerY;
    }
  }
  return a.length - b.length || byCodeUnits(a, b);
}

/** A character lowerCode changes, or may. */
const FOLDED = /[A-Z\u0080-\uffff]/;

function lowerCode(code: number): number {
  if (code >= 65 && code <= 90) return code + 32;
  return code < 128 ? code : String.fromCharCode(code).toLowerCase().charCodeAt(0);
}

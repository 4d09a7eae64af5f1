// The server sorts and writes numbers without ICU (order.ts, l10n.ts): the same results as
// localeCompare, toLocaleString and Intl.PluralRules, which the tests may use to check them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { formatCount, setLocale, tn } from '../../server/src/l10n/l10n';
import { byCodeUnits, byText } from '../../server/src/order';
import { BUNDLE_18 } from '../support/paths';

describe('orders and numbers without ICU', () => {
  test('every ATT&CK ID of v18.1 sorts as localeCompare sorts it', () => {
    const bundle = JSON.parse(gunzipSync(readFileSync(BUNDLE_18)).toString('utf8')) as { objects: { external_references?: { source_name: string; external_id?: string }[] }[] };
    const ids = [...new Set(bundle.objects.flatMap((o) => o.external_references?.filter((r) => r.source_name.startsWith('mitre')).map((r) => r.external_id ?? '') ?? []).filter((id) => /^[A-Z]+\d/.test(id)))];
    assert.ok(ids.length > 4000);
    assert.deepEqual([...ids].sort(byCodeUnits), [...ids].sort((a, b) => a.localeCompare(b)));
  });

  test('names: case-insensitive first, then by case (Cyrillic too)', () => {
    assert.deepEqual(['WMI Creation', 'Windows Registry', 'web shell', 'Active Directory', 'Web shell', 'Windows'].sort(byText), ['Active Directory', 'Web shell', 'web shell', 'Windows', 'Windows Registry', 'WMI Creation']);
    assert.deepEqual(['Сценарий', 'база', 'Атака', 'сценарий'].sort(byText), ['Атака', 'база', 'Сценарий', 'сценарий']);
    const lowerFirst = (a: string, b: string) => { const x = a.toLowerCase(), y = b.toLowerCase(); return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0; };
    const titles = ['Suspicious PowerShell', 'suspicious Powershell', 'Suspicious_Run', 'Suspicious-Run', 'SUSPICIOUS', 'sus', 'Süß', 'Zeta', 'alpha 2', 'Alpha 10'];
    assert.deepEqual([...titles].sort(byText), [...titles].sort(lowerFirst));
  });

  test('paths and mixed text: the same order as lower-cased comparison, through the fast and the slow way', () => {
    const lowerFirst = (a: string, b: string) => { const x = a.toLowerCase(), y = b.toLowerCase(); return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0; };
    // Lower-case ASCII only (the native comparison), against strings with capitals or é (the loop).
    const alphabet = ['a', 'b', 'z', '_', '-', '/', '.', '0', '9', 'A', 'Z', 'é', 'É', '~'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const texts = Array.from({ length: 400 }, () => Array.from({ length: 1 + Math.floor(next() * 6) }, () => alphabet[Math.floor(next() * (next() < 0.7 ? 8 : alphabet.length))]).join(''));
    assert.ok(texts.filter((x) => /^[a-z_\-/.0-9]+$/.test(x)).length > 100, 'enough lower-case ASCII texts');
    assert.deepEqual([...texts].sort(byText), [...texts].sort(lowerFirst));
  });

  test('counts are written as toLocaleString writes them, in English and Russian', () => {
    for (const n of [0, 1, 7, 999, 1000, 3141, 31410, 100000, 1234567, -4200]) {
      assert.equal(formatCount(n, 'en'), n.toLocaleString('en-US'), String(n));
      assert.equal(formatCount(n, 'ru'), n.toLocaleString('ru-RU'), String(n));
    }
  });

  test('Russian plural forms follow CLDR (Intl.PluralRules) for every count to 1,000', () => {
    setLocale('ru');
    try {
      const rules = new Intl.PluralRules('ru');
      const forms = tn(5, '{0} file', '{0} files').replace('5', '{0}');
      for (let n = 0; n <= 1000; n++) {
        const category = rules.select(n);
        const expected = tn(category === 'one' ? 1 : category === 'few' ? 2 : 5, '{0} file', '{0} files').replace(/^\d+/, formatCount(n, 'ru'));
        assert.equal(tn(n, '{0} file', '{0} files'), expected, `${n} (${category}; many: ${forms})`);
      }
    } finally {
      setLocale('en');
    }
  });
});

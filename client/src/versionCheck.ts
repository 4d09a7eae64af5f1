// Stand-ins for the two semver functions vscode-languageclient requires (semver/functions/parse and
// semver/functions/satisfies; scripts/build.mjs points the client bundle's requires here). It uses
// them once, to check that the editor's version satisfies its caret range (^1.91.0); semver itself
// is ~20 KB that builds some 40 regular expressions when it loads, on every activation.
// test/unit/versionCheck.test.ts compares these with semver on the range the installed library asks for.

export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** "1.100.3", "1.101.0-insider" → its parts; anything else → null (as semver.parse). */
export function parse(version: unknown): Version | null {
  const match = typeof version === 'string' ? VERSION.exec(version.trim()) : null;
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), prerelease: match[4] ? match[4].split('.') : [] };
}

/** Whether `version` is in `range`, for the ranges the language client writes: a caret ("^1.91.0")
 *  or an exact version. Any other range is false, so a library update that changes its form fails
 *  the unit test rather than passing the check by accident. */
export function satisfies(version: Version | string, range: string): boolean {
  const v = typeof version === 'string' ? parse(version) : version;
  const caret = range.startsWith('^');
  const r = parse(caret ? range.slice(1) : range);
  if (!v || !r || r.prerelease.length) return false;
  // As semver: a pre-release version satisfies no range without a pre-release of its own.
  if (v.prerelease.length) return false;
  const order = v.major - r.major || v.minor - r.minor || v.patch - r.patch;
  if (!caret) return order === 0;
  // ^1.2.3: >=1.2.3 <2.0.0; ^0.2.3: >=0.2.3 <0.3.0; ^0.0.3: exactly 0.0.3.
  if (order < 0) return false;
  if (r.major > 0) return v.major === r.major;
  if (r.minor > 0) return v.major === 0 && v.minor === r.minor;
  return v.major === 0 && v.minor === 0 && v.patch === r.patch;
}

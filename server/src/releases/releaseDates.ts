// ATT&CK release dates, for `ttp.target-too-new` when a target release's bundle is not available
// locally: an object whose STIX `created` date is after the target release's date was introduced
// after it. Dates are the releases' publication days in MITRE's collection index
// (mitre-attack/attack-stix-data index.json; the README has the same table). A release missing here
// is decided from its bundle, or not at all.

/** Release → publication date (YYYY-MM-DD), oldest first. */
export const RELEASE_DATES: readonly (readonly [version: string, date: string])[] = [
  ['13.0', '2023-04-25'],
  ['13.1', '2023-05-09'],
  ['14.0', '2023-10-31'],
  ['14.1', '2023-11-14'],
  ['15.0', '2024-04-23'],
  ['15.1', '2024-05-02'],
  ['16.0', '2024-10-31'],
  ['16.1', '2024-11-12'],
  ['17.0', '2025-04-22'],
  ['17.1', '2025-05-06'],
  ['18.0', '2025-10-28'],
  ['18.1', '2025-11-13'],
];

/** "16" → "16.0", "v16.1" → "16.1", "19.0-synthetic" kept; undefined for what is no version. */
export function normalizeVersion(version: string): string | undefined {
  const match = /^v?(\d{1,3})(?:\.(\d{1,3}))?(-[\w.]+)?$/i.exec(version.trim());
  if (!match) return undefined;
  return `${Number(match[1])}.${Number(match[2] ?? 0)}${match[3] ?? ''}`;
}

/** The publication date of a release, when the table has it. */
export function releaseDate(version: string): string | undefined {
  const normalized = normalizeVersion(version);
  return RELEASE_DATES.find(([v]) => v === normalized)?.[1];
}

/** Orders versions numerically ("9.0" < "13.1" < "18.1" < "19.0-synthetic"); a suffix sorts after
 *  the plain release of the same number. Unparsable versions sort first. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const n = normalizeVersion(v);
    if (!n) return [-1, -1, ''] as const;
    const [, major, minor, suffix = ''] = /^(\d+)\.(\d+)(.*)$/.exec(n)!;
    return [Number(major), Number(minor), suffix] as const;
  };
  const [am, an, as] = parse(a);
  const [bm, bn, bs] = parse(b);
  return am - bm || an - bn || as.localeCompare(bs);
}

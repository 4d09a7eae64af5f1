// What TTP Lens knows about ATT&CK releases later than the loaded one, to tell an ID or tactic from a
// newer release (information) from a typo (error). The rules, and why these numbers:
//
// - A technique, group, software, … number is "newer" only within NEWER_NUMBER_MARGIN above the
//   loaded release's highest live number of that prefix. ATT&CK numbers grow slowly: from v17.1 to
//   v18.1 enterprise went T1675 → T1681, G1047 → G1053, C0053 → C0059, S1213 → S1249 (S9000 is a
//   revoked outlier, so only live objects count), no new M or DS; v19 added about T1682–T1690
//   (SigmaHQ already tags T1685, T1686.003, T1689, T1690). The margins allow several years of that
//   growth; anything further (T9999, M9999) is a typo.
// - A sub-technique is "newer" when its parent is live and its number is at most
//   SUBTECHNIQUE_MARGIN above the parent's highest sub-technique (ATT&CK adds one or two per parent
//   per release), or when the parent itself is a plausible newer technique and the number is at most
//   NEW_PARENT_SUBTECHNIQUES (v19's T1685 has six, v17's T1562 had thirteen).
// - Tactic IDs are allocated across the enterprise, mobile and ICS domains, so a number above the
//   loaded domain's highest says nothing; a tactic is "newer" only when LATER_TACTICS lists it.
// - Kinds that appeared in a later release (data components got DC IDs, detection strategies and
//   analytics came with v18) are "newer" in any release before it.
import type { ParsedId } from './ids';

export const NEWER_NUMBER_MARGIN: Readonly<Record<string, number>> = {
  T: 50,
  G: 50,
  C: 50,
  S: 300,
  M: 20,
  DC: 50,
  DET: 200,
  AN: 500,
  A: 10,
  // Data sources were deprecated in v18: no release adds one.
  DS: 0,
  TA: 0,
};

export const SUBTECHNIQUE_MARGIN = 5;
export const NEW_PARENT_SUBTECHNIQUES = 20;

export interface LaterTactic {
  shortname: string;
  id: string;
  name: string;
  /** The release that introduced the tactic (or its shortname). */
  release: string;
  note?: string;
}

/** Tactics introduced (or renamed) by releases after the ones TTP Lens ships data for. */
export const LATER_TACTICS: readonly LaterTactic[] = [
  { shortname: 'stealth', id: 'TA0005', name: 'Stealth', release: '19', note: 'Defense Evasion renamed' },
  { shortname: 'defense-impairment', id: 'TA0112', name: 'Defense Impairment', release: '19', note: 'split from Defense Evasion' },
];

/** ID prefixes and the release that introduced them. */
export const LATER_PREFIXES: Readonly<Record<string, string>> = { DC: '18', DET: '18', AN: '18' };

/** "18.1" → 18.1 as a comparable number (minor versions below 10, as ATT&CK's are). */
export function releaseNumber(version: string): number {
  const match = /^(\d+)(?:\.(\d+))?/.exec(version);
  return match ? Number(match[1]) + Number(match[2] ?? 0) / 100 : Number.NaN;
}

/** Whether `release` is later than every loaded bundle version (unknown versions count as old). */
export function isLaterThanLoaded(release: string, loadedVersions: readonly string[]): boolean {
  const known = loadedVersions.map(releaseNumber).filter((n) => !Number.isNaN(n));
  return !known.length || known.every((loaded) => loaded < releaseNumber(release));
}

export function laterTactic(nameOrId: string, loadedVersions: readonly string[]): LaterTactic | undefined {
  const key = nameOrId.toLowerCase().replace(/[^a-z0-9]/g, '');
  return LATER_TACTICS.find((t) => (t.shortname.replace(/-/g, '') === key || t.id.toLowerCase() === key || t.name.toLowerCase().replace(/ /g, '') === key) && isLaterThanLoaded(t.release, loadedVersions));
}

/** The highest number an ID of this prefix may have to count as newer, given the loaded highest. */
export function newerCeiling(parsed: ParsedId, loadedHighest: number): number {
  return loadedHighest + (NEWER_NUMBER_MARGIN[parsed.prefix] ?? 0);
}

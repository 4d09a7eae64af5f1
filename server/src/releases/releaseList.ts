// What the release picker shows: the embedded release, every downloaded one, and the configured
// paths when a setting or TTPLENS_STIX decides — each marked when it is the one in use.
import * as path from 'node:path';
import type { StixPathResolution } from '../corpus/load';
import type { BundleSummary, ReleaseEntry, ReleaseList } from '../protocol';
import { type Domain, DOMAINS, type ReleaseFile, toDomain } from './store';

export interface ReleaseListInput {
  /** How the bundles in use were chosen. */
  resolution: StixPathResolution | undefined;
  /** The bundles loaded now (their versions, for configured paths). */
  loaded: BundleSummary[];
  embedded: ReleaseFile[];
  downloaded: ReleaseFile[];
  /** `ttpLens.attack.domains`. */
  domains: readonly string[];
  indexUrl: string;
}

export function listReleases(input: ReleaseListInput): ReleaseList {
  const { resolution } = input;
  const configured = resolution?.ok && resolution.kind !== 'releases';
  const inUse = new Set(resolution?.ok && resolution.kind === 'releases' ? resolution.paths : []);
  const wanted = new Set(input.domains.map((d) => toDomain(d)).filter((d): d is Domain => !!d));
  if (!wanted.size) wanted.add('enterprise');
  const releases: ReleaseEntry[] = [];
  if (configured) {
    const versions = [...new Set(input.loaded.map((b) => b.version))];
    releases.push({
      label: resolution.paths.map((p) => path.basename(p)).join(', '),
      version: versions.join(', '),
      domains: [...new Set(input.loaded.map((b) => b.domain.replace(/-attack$/, '')))],
      source: 'configured',
      paths: resolution.paths,
      active: true,
    });
  }
  const embedded = input.embedded.filter((file) => wanted.has(file.domain));
  if (embedded.length) {
    const versions = [...new Set(embedded.map((file) => file.version))];
    releases.push({
      choice: { kind: 'embedded' },
      label: `ATT&CK v${versions.join(' / v')} (${embedded.map((file) => file.domain).join(', ')})`,
      version: versions[0],
      domains: embedded.map((file) => file.domain),
      source: 'embedded',
      paths: embedded.map((file) => file.path),
      active: !configured && embedded.every((file) => inUse.has(file.path)),
    });
  }
  const downloaded = [...input.downloaded].sort((a, b) => DOMAINS.indexOf(a.domain) - DOMAINS.indexOf(b.domain));
  for (const file of downloaded) {
    releases.push({
      choice: { kind: 'downloaded', domain: file.domain, version: file.version },
      label: `ATT&CK v${file.version} (${file.domain})`,
      version: file.version,
      domains: [file.domain],
      source: 'downloaded',
      paths: [file.path],
      active: !configured && inUse.has(file.path),
    });
  }
  return { releases, overriddenBy: configured ? resolution.from : undefined, indexUrl: input.indexUrl };
}

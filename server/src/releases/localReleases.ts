// Which ATT&CK releases are available on this machine, and what `--from 17.1` or a picked release
// means: one place that turns "a bundle path, or a release version" into bundle files. The sources
// (the embedded data folder, the download folder, the folders of the configured bundles, extra
// folders the user names) are given by the caller, so the server and the CLI list the same things.
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { embeddedDataDir } from './store';
import { compareVersions, normalizeVersion } from './releaseDates';

export interface ReleaseSource {
  /** A folder holding bundles (enterprise-attack-18.1.json, ….json.gz), or one bundle file. */
  path: string;
  /** Says where it comes from, for messages: "the embedded data", "--releases", "next to the loaded bundle". */
  label: string;
}

export interface LocalRelease {
  /** Absolute path of the bundle file. */
  path: string;
  /** "18.1", "19.0-synthetic". */
  version: string;
  /** "enterprise-attack", "mobile-attack", "ics-attack". */
  domain: string;
  /** The source's label. */
  from: string;
}

/** enterprise-attack-18.1.json, mobile-attack-v17.1.json.gz, ics-attack-19.0-synthetic.json. */
const BUNDLE_NAME = /^(enterprise|mobile|ics)-attack[-_ ]v?(\d{1,3}\.\d{1,3}(?:-[\w.]+)?)\.json(?:\.gz)?$/i;

/** The domain and version a bundle's file name states, if it states them. */
export function releaseOfFileName(file: string): { domain: string; version: string } | undefined {
  const match = BUNDLE_NAME.exec(path.basename(file));
  return match ? { domain: `${match[1].toLowerCase()}-attack`, version: normalizeVersion(match[2])! } : undefined;
}

/** Every bundle named by domain and version in the sources, newest first; a file found through two
 *  sources is listed once (first source wins). Missing or unreadable folders are skipped. */
export function listLocalReleases(sources: readonly ReleaseSource[]): LocalRelease[] {
  const found = new Map<string, LocalRelease>();
  for (const source of sources) {
    for (const file of bundleFilesAt(source.path)) {
      const release = releaseOfFileName(file);
      if (!release || found.has(file)) continue;
      found.set(file, { path: file, ...release, from: source.label });
    }
  }
  return [...found.values()].sort((a, b) => compareVersions(b.version, a.version) || domainRank(a.domain) - domainRank(b.domain));
}

function bundleFilesAt(location: string): string[] {
  const absolute = path.resolve(location);
  try {
    const stat = statSync(absolute);
    if (stat.isFile()) return [absolute];
    if (!stat.isDirectory()) return [];
    return readdirSync(absolute).filter((name) => BUNDLE_NAME.test(name)).sort().map((name) => path.join(absolute, name));
  } catch {
    return []; // a source that is not there (no download folder yet) lists nothing
  }
}

const domainRank = (domain: string) => (domain === 'enterprise-attack' ? 0 : domain === 'mobile-attack' ? 1 : 2);

export type ReleaseResolution =
  | { ok: true; paths: string[]; version?: string; label: string }
  | { ok: false; problem: string };

/** A release given as a bundle path (an existing file, resolved against `baseDir`) or as a version
 *  ("17.1", "v18", "19.0-synthetic"): that version's bundles for `domains` (default: enterprise). */
export function resolveRelease(spec: string, sources: readonly ReleaseSource[], options: { domains?: readonly string[]; baseDir?: string } = {}): ReleaseResolution {
  const text = spec.trim();
  if (!text) return { ok: false, problem: 'no release was given' };
  const asPath = path.resolve(options.baseDir ?? process.cwd(), text);
  const looksLikePath = /[\\/]|\.json(\.gz)?$/i.test(text);
  if (looksLikePath || existsSync(asPath)) {
    if (!existsSync(asPath)) return { ok: false, problem: `${asPath} does not exist` };
    const named = releaseOfFileName(asPath);
    return { ok: true, paths: [asPath], version: named?.version, label: named ? `ATT&CK v${named.version} (${path.basename(asPath)})` : path.basename(asPath) };
  }
  const version = normalizeVersion(text);
  if (!version) return { ok: false, problem: `"${text}" is neither a bundle file nor an ATT&CK release version (such as 17.1)` };
  const available = listLocalReleases(sources);
  const domains = options.domains?.length ? options.domains : ['enterprise-attack'];
  const paths: string[] = [];
  for (const domain of domains) {
    const release = available.find((r) => r.version === version && r.domain === domain);
    if (release) paths.push(release.path);
  }
  if (!paths.length) {
    const versions = [...new Set(available.filter((r) => domains.includes(r.domain)).map((r) => r.version))];
    const where = sources.map((s) => s.label).join(', ') || 'no release folders';
    return { ok: false, problem: `ATT&CK v${version} is not available locally (looked in ${where}${versions.length ? `; available: ${versions.join(', ')}` : ''}); give a bundle file instead` };
  }
  return { ok: true, paths, version, label: `ATT&CK v${version}` };
}

/** The places TTP Lens looks for releases by version, in this order: folders the user names, the
 *  folders of the bundles in use (a folder of enterprise-attack-17.1.json, -18.1.json… is the usual
 *  set-up), and the data shipped with TTP Lens. The embedded-data and download folders of the
 *  release-switching work are added here when they land. */
export function defaultReleaseSources(options: { extra?: readonly string[]; bundlesInUse?: readonly string[]; distDir?: string; downloadsDir?: string }): ReleaseSource[] {
  const sources: ReleaseSource[] = [];
  for (const folder of options.extra ?? []) sources.push({ path: folder, label: folder });
  for (const folder of new Set((options.bundlesInUse ?? []).map((file) => path.dirname(path.resolve(file))))) sources.push({ path: folder, label: `${folder} (next to the bundle in use)` });
  if (options.downloadsDir) sources.push({ path: options.downloadsDir, label: 'the releases downloaded with TTP Lens' });
  if (options.distDir) sources.push({ path: embeddedDataDir(options.distDir), label: 'the data embedded in TTP Lens' });
  return sources;
}

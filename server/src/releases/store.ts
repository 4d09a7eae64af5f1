// The ATT&CK releases TTP Lens can load without a configured path: the bundles embedded in the
// project (data/attack/, one per domain) and the ones the user downloaded into a release store
// (the extension's global storage, the CLI's cache folder), with the user's choice among them.
// The store holds `<domain>-attack-<version>.json` files and `selection.json`, e.g.
// `{ "enterprise": "19.1" }`: the downloaded version in use per domain (absent: the embedded one).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultCacheDir } from '../corpus/cache';
import { compareVersions } from './releaseDates';

export const DOMAINS = ['enterprise', 'mobile', 'ics'] as const;
export type Domain = (typeof DOMAINS)[number];

export interface ReleaseFile {
  domain: Domain;
  version: string;
  path: string;
  source: 'embedded' | 'downloaded';
}

const RELEASE_FILE = /^(enterprise|mobile|ics)-attack-(\d+\.\d+(?:-[a-z]+)?)\.json(?:\.gz)?$/i;

/** "enterprise", "Enterprise", "enterprise-attack" → "enterprise"; undefined for anything else. */
export function toDomain(value: string): Domain | undefined {
  const name = value.trim().toLowerCase().replace(/-attack$/, '');
  return (DOMAINS as readonly string[]).includes(name) ? (name as Domain) : undefined;
}

/** Release versions in numeric order (defined once, with the release dates). */
export { compareVersions };

/** The folder of the embedded data, seen from the folder holding dist/server.js or dist/cli.js. */
export function embeddedDataDir(distDir: string): string {
  return path.resolve(distDir, '..', 'data', 'attack');
}

/** The folder of the corpus cache built from the embedded data by `npm run package`. */
export function prebuiltCacheDir(distDir: string): string {
  return path.join(distDir, 'corpus-cache');
}

/** Where the CLI (and a server started without the editor's storage) keeps downloaded releases:
 *  $TTPLENS_RELEASES_DIR, else releases/ in the cache folder. */
export function defaultReleasesDir(): string {
  return process.env.TTPLENS_RELEASES_DIR || path.join(defaultCacheDir(), 'releases');
}

/** The release files in a folder, newest version first per domain. */
function releaseFilesIn(dir: string, source: ReleaseFile['source']): ReleaseFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // no such folder: nothing embedded (or downloaded) there
  }
  const files: ReleaseFile[] = [];
  for (const name of names) {
    const match = RELEASE_FILE.exec(name);
    if (match) files.push({ domain: match[1] as Domain, version: match[2], path: path.join(dir, name), source });
  }
  return files.sort((a, b) => DOMAINS.indexOf(a.domain) - DOMAINS.indexOf(b.domain) || compareVersions(b.version, a.version));
}

/** The embedded bundle of each domain (the newest, should a refresh leave two). */
export function embeddedReleases(distDir: string): ReleaseFile[] {
  const newest = new Map<Domain, ReleaseFile>();
  for (const file of releaseFilesIn(embeddedDataDir(distDir), 'embedded')) if (!newest.has(file.domain)) newest.set(file.domain, file);
  return [...newest.values()];
}

export class ReleaseStore {
  constructor(readonly dir: string) {}

  /** Every downloaded release file, newest first per domain. */
  list(): ReleaseFile[] {
    return releaseFilesIn(this.dir, 'downloaded');
  }

  fileName(domain: Domain, version: string): string {
    return `${domain}-attack-${version}.json`;
  }

  find(domain: Domain, version: string): ReleaseFile | undefined {
    return this.list().find((file) => file.domain === domain && file.version === version);
  }

  /** The downloaded version in use per domain. A missing or unreadable selection means none. */
  selection(): Partial<Record<Domain, string>> {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path.join(this.dir, 'selection.json'), 'utf8'));
    } catch {
      return {}; // never chosen (or damaged): the embedded release is used
    }
    const selection: Partial<Record<Domain, string>> = {};
    if (typeof raw === 'object' && raw !== null) {
      for (const [key, value] of Object.entries(raw)) {
        const domain = toDomain(key);
        if (domain && typeof value === 'string') selection[domain] = value;
      }
    }
    return selection;
  }

  /** Chooses a downloaded version for a domain, or (undefined) its embedded release. */
  select(changes: Partial<Record<Domain, string | undefined>>): void {
    const selection = { ...this.selection(), ...changes };
    for (const domain of DOMAINS) if (selection[domain] === undefined) delete selection[domain];
    mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, 'selection.json');
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(selection, null, 2)}\n`);
    renameSync(temp, file);
  }

  /** The selected downloaded files, per domain, that still exist. */
  selectedFiles(): Partial<Record<Domain, ReleaseFile>> {
    const files: Partial<Record<Domain, ReleaseFile>> = {};
    for (const [domain, version] of Object.entries(this.selection()) as [Domain, string][]) {
      const file = this.find(domain, version);
      if (file && existsSync(file.path)) files[domain] = file;
    }
    return files;
  }
}

// Loading the corpus: from the cache when it is current, else from the bundles (then caching).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { BundleError, type RawBundle, readBundleForCorpus, readBundleFileSync } from './bundleFile';
import { buildCorpusData } from './build';
import { type CacheInput, type CacheMiss, cacheFileFor, prebuiltCacheFileFor, prebuiltInputs, readCache, relocateBundles, restampCache, statInput, writeCache } from './cache';
import { Corpus } from './corpus';
import { DOMAINS, type Domain, embeddedDataDir, embeddedReleases, type ReleaseFile, type ReleaseStore, toDomain } from '../releases/store';
import { monotonicMs } from '../clock';

export interface CorpusLoad {
  corpus: Corpus;
  source: 'cache' | 'bundle';
  cacheFile?: string;
  /** The cache was the prebuilt one shipped with the embedded bundles. */
  prebuilt?: boolean;
  cacheMiss?: CacheMiss;
  /** Loaded from the bundles with a cache directory: settles once the cache is written, which is
   *  done right after the corpus is ready (not before: the corpus is what the user waits for), with
   *  why it could not be written, or undefined. A command that exits at once still leaves the cache:
   *  Node runs the pending write before the process ends. */
  cacheWritten?: Promise<string | undefined>;
  inputs: CacheInput[];
  millis: number;
}

export interface LoadOptions {
  /** Directory for the cache; false disables caching. */
  cacheDir: string | false;
  /** Re-hash the bundles' content before trusting the cache, even when their stat is unchanged. */
  verifyContent?: boolean;
  /** Directory of a read-only cache prebuilt for these bundles (the packaged extension's), tried first. */
  prebuiltCacheDir?: string;
}

/** Loads one or more bundles (.json or .json.gz) into one corpus. Rejects with a BundleError naming
 *  the file and the problem. */
export async function loadCorpus(bundlePaths: readonly string[], options: LoadOptions): Promise<CorpusLoad> {
  const started = monotonicMs();
  if (bundlePaths.length === 0) throw new BundleError('(no file)', 'no STIX bundle path was given');
  const absolute = bundlePaths.map((p) => path.resolve(p));
  const cacheFile = options.cacheDir ? cacheFileFor(options.cacheDir, absolute) : undefined;
  const candidates: { file: string; prebuilt: boolean }[] = [];
  if (options.prebuiltCacheDir) candidates.push({ file: prebuiltCacheFileFor(options.prebuiltCacheDir, absolute), prebuilt: true });
  if (cacheFile) candidates.push({ file: cacheFile, prebuilt: false });
  let cacheMiss: CacheMiss | undefined;
  for (const candidate of candidates) {
    const cached = readCache(candidate.file, absolute, { verifyContent: options.verifyContent, prebuilt: candidate.prebuilt });
    if (!cached.hit) {
      // The user cache's verdict is the one reported; a prebuilt cache is simply absent in development.
      if (!candidate.prebuilt) cacheMiss = cached.reason;
      continue;
    }
    if (cached.restated && !candidate.prebuilt) {
      try {
        restampCache(candidate.file, cached.inputs, cached.structureHash);
      } catch {
        // a read-only or vanished cache is re-hashed again next time, as before
      }
    }
    // A corrupt texts section (found only when first read) is rebuilt from the bundles, which the
    // cache's input check has just matched, and written to the user cache (a prebuilt one is read-only).
    const loadTexts = () => {
      const texts = cached.loadTexts();
      if (texts) return texts;
      const rebuilt = buildCorpusData(absolute.map((file) => readBundleFileSync(file)));
      if (cacheFile) {
        try {
          writeCache(cacheFile, cached.inputs, rebuilt);
        } catch {
          // the texts are what matters now; the next start retries the cache
        }
      }
      return rebuilt.texts;
    };
    return { corpus: new Corpus(cached.data, loadTexts), source: 'cache', cacheFile: candidate.file, prebuilt: candidate.prebuilt, inputs: cached.inputs, millis: monotonicMs() - started };
  }
  const raw: RawBundle[] = [];
  for (const file of absolute) raw.push(await readBundleForCorpus(file));
  const data = buildCorpusData(raw);
  const inputs = raw.map((bundle) => statInput(bundle.info.path, bundle.info.contentHash));
  const cacheWritten = cacheFile
    ? new Promise<string | undefined>((resolve) => {
        setImmediate(() => {
          try {
            writeCache(cacheFile, inputs, data);
            resolve(undefined);
          } catch (error) {
            resolve(`cannot write the corpus cache ${cacheFile}: ${(error as Error).message}`);
          }
        });
      })
    : undefined;
  return { corpus: new Corpus(data), source: 'bundle', cacheFile, cacheMiss, cacheWritten, inputs, millis: monotonicMs() - started };
}

/** Builds the read-only cache that ships with the embedded bundles (`npm run package`): inputs
 *  named by file name and size, so it matches them wherever the extension is installed. */
export async function writePrebuiltCache(bundlePaths: readonly string[], cacheDir: string): Promise<string> {
  const absolute = bundlePaths.map((p) => path.resolve(p));
  const raw: RawBundle[] = [];
  for (const file of absolute) raw.push(await readBundleForCorpus(file));
  const file = prebuiltCacheFileFor(cacheDir, absolute);
  const data = buildCorpusData(raw);
  relocateBundles(data, absolute, absolute.map((p) => path.basename(p)));
  writeCache(file, prebuiltInputs(raw.map((bundle) => statInput(bundle.info.path, bundle.info.contentHash))), data);
  return file;
}

export interface StixPathSources {
  /** `ttpLens.attack.stixPath` or `initializationOptions.attack.stixPath`: a path or a list. */
  setting?: string | string[] | null;
  /** Name of the setting, for messages. */
  settingName?: string;
  /** `TTPLENS_STIX`: a path, or several separated by the platform's path delimiter. */
  env?: string;
  /** The directory holding dist/server.js or dist/cli.js (the embedded data is ../data/attack). */
  distDir?: string;
  /** Folder paths relative to which a relative setting is resolved (the workspace folder). */
  baseDir?: string;
  /** `ttpLens.attack.domains`: the domains loaded when no path is configured (default enterprise). */
  domains?: readonly string[] | null;
  /** The downloaded releases and the user's choice among them. */
  releases?: ReleaseStore;
}

export type StixPathResolution =
  | {
      ok: true;
      paths: string[];
      from: string;
      /** setting / TTPLENS_STIX, or releases (embedded and downloaded, by domain). */
      kind: 'setting' | 'env' | 'releases';
      /** For kind 'releases': the release file of each path. */
      releases?: ReleaseFile[];
    }
  | { ok: false; file: string; problem: string; from: string };

/** The bundle path(s), in the documented order: the setting, TTPLENS_STIX, then per domain of
 *  `ttpLens.attack.domains` the downloaded release chosen for it or the embedded one. A domain with a
 *  downloaded release chosen is loaded even when the setting does not list it (the user asked for it). */
export function resolveStixPaths(sources: StixPathSources): StixPathResolution {
  const settingName = sources.settingName ?? 'ttpLens.attack.stixPath';
  const fromSetting = toList(sources.setting);
  if (fromSetting.length) {
    const paths = fromSetting.map((p) => path.resolve(sources.baseDir ?? process.cwd(), expandHome(p)));
    const missing = paths.find((p) => !existsSync(p));
    if (missing) return { ok: false, file: missing, problem: `does not exist (set by ${settingName})`, from: settingName };
    return { ok: true, paths, from: settingName, kind: 'setting' };
  }
  const fromEnv = (sources.env ?? '').split(path.delimiter).map((p) => p.trim()).filter(Boolean);
  if (fromEnv.length) {
    const paths = fromEnv.map((p) => path.resolve(expandHome(p)));
    const missing = paths.find((p) => !existsSync(p));
    if (missing) return { ok: false, file: missing, problem: 'does not exist (set by the environment variable TTPLENS_STIX)', from: 'TTPLENS_STIX' };
    return { ok: true, paths, from: 'TTPLENS_STIX', kind: 'env' };
  }
  const wanted: Domain[] = [];
  for (const value of sources.domains?.length ? sources.domains : ['enterprise']) {
    const domain = toDomain(String(value));
    if (!domain) return { ok: false, file: '(none)', problem: `ttpLens.attack.domains lists "${value}", which is not an ATT&CK domain (enterprise, mobile or ics)`, from: 'ttpLens.attack.domains' };
    if (!wanted.includes(domain)) wanted.push(domain);
  }
  const downloaded = sources.releases?.selectedFiles() ?? {};
  const embedded = sources.distDir ? embeddedReleases(sources.distDir) : [];
  const releases: ReleaseFile[] = [];
  for (const domain of DOMAINS) {
    const chosen = downloaded[domain] ?? (wanted.includes(domain) ? embedded.find((file) => file.domain === domain) : undefined);
    if (chosen) releases.push(chosen);
    else if (wanted.includes(domain)) {
      return {
        ok: false,
        file: '(none)',
        problem: `no ATT&CK ${domain} bundle is embedded in this copy of TTP Lens${sources.distDir ? ` (${embeddedDataDir(sources.distDir)})` : ''}: set ${settingName} to the path of an ATT&CK STIX bundle (e.g. ${domain}-attack.json from https://github.com/mitre-attack/attack-stix-data) or set TTPLENS_STIX`,
        from: 'nothing',
      };
    }
  }
  const download = releases.filter((file) => file.source === 'downloaded');
  const from = download.length
    ? `downloaded release${download.length > 1 ? 's' : ''} ${download.map((file) => `${file.domain} v${file.version}`).join(', ')}${download.length < releases.length ? ' and the embedded data' : ''}`
    : 'the ATT&CK data embedded in TTP Lens';
  return { ok: true, paths: releases.map((file) => file.path), from, kind: 'releases', releases };
}

function toList(value: string | string[] | null | undefined): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => String(v).trim()).filter(Boolean);
}

function expandHome(p: string): string {
  return p.startsWith('~/') ? path.join(process.env.HOME ?? '', p.slice(2)) : p;
}

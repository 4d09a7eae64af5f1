// Loading the corpus: from the cache when it is current, else from the bundles (then caching).
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { BundleError, readBundleFile } from './bundleFile';
import { buildCorpusData } from './build';
import { type CacheInput, type CacheMiss, cacheFileFor, readCache, statInput, writeCache } from './cache';
import { Corpus } from './corpus';

export interface CorpusLoad {
  corpus: Corpus;
  source: 'cache' | 'bundle';
  cacheFile?: string;
  cacheMiss?: CacheMiss;
  /** Why the cache could not be written, when it could not. */
  cacheWriteError?: string;
  inputs: CacheInput[];
  millis: number;
}

export interface LoadOptions {
  /** Directory for the cache; false disables caching. */
  cacheDir: string | false;
  /** Re-hash the bundles' content before trusting the cache, even when their stat is unchanged. */
  verifyContent?: boolean;
}

/** Loads one or more bundles into one corpus. Throws BundleError naming the file and the problem. */
export function loadCorpus(bundlePaths: readonly string[], options: LoadOptions): CorpusLoad {
  const started = performance.now();
  if (bundlePaths.length === 0) throw new BundleError('(no file)', 'no STIX bundle path was given');
  const absolute = bundlePaths.map((p) => path.resolve(p));
  let cacheMiss: CacheMiss | undefined;
  const cacheFile = options.cacheDir ? cacheFileFor(options.cacheDir, absolute) : undefined;
  if (cacheFile) {
    const cached = readCache(cacheFile, absolute, options.verifyContent);
    if (cached.hit) {
      // A corrupt texts section (found only when first read) is rebuilt from the bundles, which the
      // cache's input check has just matched, and the cache rewritten.
      const loadTexts = () => {
        const texts = cached.loadTexts();
        if (texts) return texts;
        const rebuilt = buildCorpusData(absolute.map((file) => readBundleFile(file)));
        try {
          writeCache(cacheFile, cached.inputs, rebuilt);
        } catch {
          // the texts are what matters now; the next start retries the cache
        }
        return rebuilt.texts;
      };
      return { corpus: new Corpus(cached.data, loadTexts), source: 'cache', cacheFile, inputs: cached.inputs, millis: performance.now() - started };
    }
    cacheMiss = cached.reason;
  }
  const raw = absolute.map((file) => readBundleFile(file));
  const data = buildCorpusData(raw);
  const inputs = raw.map((bundle) => statInput(bundle.info.path, bundle.info.contentHash));
  let cacheWriteError: string | undefined;
  if (cacheFile) {
    try {
      writeCache(cacheFile, inputs, data);
    } catch (error) {
      cacheWriteError = `cannot write the corpus cache ${cacheFile}: ${(error as Error).message}`;
    }
  }
  return { corpus: new Corpus(data), source: 'bundle', cacheFile, cacheMiss, cacheWriteError, inputs, millis: performance.now() - started };
}

export interface StixPathSources {
  /** `ttpLens.attack.stixPath` or `initializationOptions.attack.stixPath`: a path or a list. */
  setting?: string | string[] | null;
  /** Name of the setting, for messages. */
  settingName?: string;
  /** `TTPLENS_STIX`: a path, or several separated by the platform's path delimiter. */
  env?: string;
  /** The directory holding dist/server.js or dist/cli.js. */
  distDir?: string;
  /** Folder paths relative to which a relative setting is resolved (the workspace folder). */
  baseDir?: string;
}

export type StixPathResolution =
  | { ok: true; paths: string[]; from: string }
  | { ok: false; file: string; problem: string; from: string };

/** The bundle path(s), in the documented order: setting, env TTPLENS_STIX, dist/data/, ../shared. */
export function resolveStixPaths(sources: StixPathSources): StixPathResolution {
  const settingName = sources.settingName ?? 'ttpLens.attack.stixPath';
  const fromSetting = toList(sources.setting);
  if (fromSetting.length) {
    const paths = fromSetting.map((p) => path.resolve(sources.baseDir ?? process.cwd(), expandHome(p)));
    const missing = paths.find((p) => !existsSync(p));
    if (missing) return { ok: false, file: missing, problem: `does not exist (set by ${settingName})`, from: settingName };
    return { ok: true, paths, from: settingName };
  }
  const fromEnv = (sources.env ?? '').split(path.delimiter).map((p) => p.trim()).filter(Boolean);
  if (fromEnv.length) {
    const paths = fromEnv.map((p) => path.resolve(expandHome(p)));
    const missing = paths.find((p) => !existsSync(p));
    if (missing) return { ok: false, file: missing, problem: 'does not exist (set by the environment variable TTPLENS_STIX)', from: 'TTPLENS_STIX' };
    return { ok: true, paths, from: 'TTPLENS_STIX' };
  }
  if (sources.distDir) {
    const packaged = path.join(sources.distDir, 'data');
    if (existsSync(packaged)) {
      const bundles = readdirSync(packaged).filter((f) => /attack.*\.json$/i.test(f)).sort(packagedOrder).map((f) => path.join(packaged, f));
      if (bundles.length) return { ok: true, paths: bundles, from: 'the bundle packaged with TTP Lens' };
    }
    const development = path.resolve(sources.distDir, '..', '..', 'shared', 'attack', 'enterprise-attack-18.1.json');
    if (existsSync(development)) return { ok: true, paths: [development], from: 'the development checkout (../shared/attack)' };
  }
  return {
    ok: false,
    file: '(none)',
    problem: `no ATT&CK STIX bundle is configured: set ${settingName} to the path of an ATT&CK STIX bundle (e.g. enterprise-attack.json from https://github.com/mitre-attack/attack-stix-data) or set TTPLENS_STIX`,
    from: 'nothing',
  };
}

function toList(value: string | string[] | null | undefined): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => String(v).trim()).filter(Boolean);
}

function expandHome(p: string): string {
  return p.startsWith('~/') ? path.join(process.env.HOME ?? '', p.slice(2)) : p;
}

/** Enterprise first, so its tactics lead the matrix order. */
function packagedOrder(a: string, b: string): number {
  const rank = (f: string) => (f.includes('enterprise') ? 0 : f.includes('mobile') ? 1 : 2);
  return rank(a) - rank(b) || a.localeCompare(b);
}

// What `diff` and `migrate` share: the --from / --to / --releases options, and opening release A
// and release B (bundle files, or versions found by releases/localReleases.ts).
import { BundleError } from '../corpus/bundleFile';
import { defaultCacheDir } from '../corpus/cache';
import { defaultReleasesDir, ReleaseStore } from '../releases/store';
import type { Corpus } from '../corpus/corpus';
import { loadCorpus, resolveStixPaths } from '../corpus/load';
import { defaultReleaseSources, resolveRelease } from '../releases/localReleases';
import { ReleaseDiff } from '../releases/releaseDiff';
import { type OptionSpec, type OptionValues, UsageError } from './command';

export const RELEASE_OPTIONS: OptionSpec = {
  from: { type: 'string' },
  to: { type: 'string' },
  releases: { type: 'string', multiple: true },
  stix: { type: 'string', multiple: true },
  'no-cache': { type: 'boolean', default: false },
};

export const RELEASE_HELP = `  --from RELEASE       The release the rules were written for: a bundle file (.json or .json.gz)
                       or a version available locally (17.1, 18.1, …). Required
  --to RELEASE         The release to compare with or migrate to; default: the bundle in use
                       (--stix, $TTPLENS_STIX, then the bundle embedded in TTP Lens)
  --releases DIR       A folder of release bundles named like enterprise-attack-17.1.json, where
                       versions are looked up (repeatable); the folders of the bundles in use and
                       TTP Lens's own data are searched too
  --stix FILE          The bundle in use (repeatable for several domains)
  --no-cache           Do not read or write the corpus cache ($TTPLENS_CACHE_DIR or ~/.cache/ttp-lens)`;

async function load(paths: string[], values: OptionValues): Promise<Corpus> {
  const result = await loadCorpus(paths, { cacheDir: values['no-cache'] ? false : defaultCacheDir() });
  for (const warning of result.corpus.data.warnings) process.stderr.write(`ttp-lens: warning: ${warning.file}: ${warning.problem}\n`);
  return result.corpus;
}

/** Release A (--from) and release B (--to, or the bundle in use), as one diff. */
export async function openReleases(values: OptionValues): Promise<ReleaseDiff> {
  const from = values.from as string | undefined;
  if (!from) throw new UsageError('--from is required: the release the rules were written for (a bundle file or a version such as 17.1)');
  const store = new ReleaseStore(defaultReleasesDir());
  const inUse = resolveStixPaths({ setting: values.stix as string[] | undefined, settingName: '--stix', env: process.env.TTPLENS_STIX, distDir: __dirname, releases: store });
  const sources = defaultReleaseSources({ extra: values.releases as string[] | undefined, bundlesInUse: inUse.ok ? inUse.paths : [], distDir: __dirname, downloadsDir: store.dir });
  let toPaths: string[];
  const to = values.to as string | undefined;
  if (to) {
    const resolved = resolveRelease(to, sources);
    if (!resolved.ok) throw new BundleError(to, `cannot be opened as --to: ${resolved.problem}`);
    toPaths = resolved.paths;
  } else {
    if (!inUse.ok) throw new BundleError(inUse.file, inUse.problem);
    toPaths = inUse.paths;
  }
  const b = await load(toPaths, values);
  const resolvedFrom = resolveRelease(from, sources, { domains: b.data.bundles.map((bundle) => bundle.domain) });
  if (!resolvedFrom.ok) throw new BundleError(from, `cannot be opened as --from: ${resolvedFrom.problem}`);
  return new ReleaseDiff(await load(resolvedFrom.paths, values), b);
}

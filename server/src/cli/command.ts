// What every CLI command shares: its description for --help, its options, and the helpers that open
// the corpus and find rule files the way the language server does.
import { realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { BundleError } from '../corpus/bundleFile';
import { defaultCacheDir, verifyInputs } from '../corpus/cache';
import type { Corpus } from '../corpus/corpus';
import { loadCorpus, resolveStixPaths } from '../corpus/load';
import { defaultReleasesDir, prebuiltCacheDir, ReleaseStore } from '../releases/store';
import { DEFAULT_SETTINGS } from '../settings';
import { ExcludeMatcher, listRuleFiles } from '../workspace/files';
import { loadOverlays, type OverlayTexts, resolveOverlayPaths } from '../corpus/overlay';
import { locale, t } from '../l10n/l10n';
import { uriToPath } from '../uris';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface CliCommand {
  name: string;
  /** "<ID>", "<paths…>": what follows the command name in the usage line. */
  args: string;
  /** One line for the command list. */
  summary: string;
  /** The command's own options (the common ones are added by main). */
  options: OptionSpec;
  /** Option lines and examples for `ttp-lens <command> --help`. */
  help: string;
  /** Returns the exit code: 0 success, 1 "nothing found" or findings, 2 usage or bundle error. */
  run(args: string[], values: OptionValues): number | Promise<number>;
}

/** A mistake in how the command was called: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/** Options every command that reads ATT&CK accepts. */
export const CORPUS_OPTIONS: OptionSpec = {
  stix: { type: 'string', multiple: true },
  domains: { type: 'string' },
  'no-cache': { type: 'boolean', default: false },
  overlay: { type: 'string', multiple: true },
};

export const CORPUS_HELP = `  --stix FILE          ATT&CK STIX bundle (.json or .json.gz; repeat for several domains). Default:
                       $TTPLENS_STIX, then the release chosen with \`ttp-lens download\`, then the
                       ATT&CK data embedded in TTP Lens
  --domains LIST       Without --stix: the domains to load, e.g. enterprise,mobile,ics (default enterprise)
  --no-cache           Do not read or write the corpus cache or the command line's code cache
                       ($TTPLENS_CACHE_DIR or ~/.cache/ttp-lens)
  --overlay FILE       ATT&CK names and descriptions in another language (STIX language-content or a
                       YAML/JSON map by ID; repeatable), used for --locale (default: $LANG)
  --locale LANG        en or ru: the language of messages and reports (default: $LC_ALL, $LANG)`;

/** The corpus of --stix, else of a settings file's ttpLens.attack.stixPath (relative to its
 *  workspace folder), else $TTPLENS_STIX, else a downloaded release or the embedded data per domain. */
export async function openCorpus(values: OptionValues, settings?: { stixPath: string | string[] | null; baseDir: string }): Promise<Corpus> {
  const fromOption = values.stix as string[] | undefined;
  const fromSettings = !fromOption?.length && settings?.stixPath ? settings : undefined;
  const domains = typeof values.domains === 'string' ? values.domains.split(',').map((d) => d.trim()).filter(Boolean) : undefined;
  const resolution = resolveStixPaths({
    setting: fromOption?.length ? fromOption : fromSettings?.stixPath,
    settingName: fromSettings ? 'ttpLens.attack.stixPath in --config' : '--stix',
    env: process.env.TTPLENS_STIX,
    distDir: __dirname,
    baseDir: fromSettings?.baseDir,
    domains,
    releases: new ReleaseStore(defaultReleasesDir()),
  });
  if (!resolution.ok) throw new BundleError(resolution.file, resolution.problem.replace('ttpLens.attack.domains', '--domains'));
  const embedded = resolution.kind === 'releases' && !!resolution.releases?.every((file) => file.source === 'embedded');
  const cacheDir: string | false = values['no-cache'] ? false : defaultCacheDir();
  const options = { cacheDir, prebuiltCacheDir: embedded && cacheDir ? prebuiltCacheDir(__dirname) : undefined };
  let load = await loadCorpus(resolution.paths, options);
  // The server checks a prebuilt cache's bundles when idle; a command has no idle moment, so now (~20 ms).
  if (load.prebuilt && !(await verifyInputs(load.inputs))) load = await loadCorpus(resolution.paths, { ...options, verifyContent: true });
  for (const warning of load.corpus.data.warnings) process.stderr.write(`ttp-lens: warning: ${warning.file}: ${warning.problem}\n`);
  return load.corpus;
}

/** The texts of --overlay in the CLI's language; a file that cannot be read is a warning. */
export function openOverlay(values: OptionValues, corpus: Corpus): OverlayTexts | undefined {
  const files = (values.overlay as string[] | undefined) ?? [];
  if (!files.length) return undefined;
  const { languages, problems } = loadOverlays(resolveOverlayPaths(files, undefined), corpus);
  for (const problem of problems) process.stderr.write(`ttp-lens: ${t('warning: {0}', problem)}\n`);
  return languages.get(locale());
}

/** Every candidate rule file under the given files and folders (the editor's default excludes, or
 *  the given globs, matched relative to each folder). */
export function ruleFilesUnder(paths: readonly string[], excludeGlobs: readonly string[] = DEFAULT_SETTINGS.exclude): string[] {
  const files: string[] = [];
  const exclude = new ExcludeMatcher(excludeGlobs);
  for (const arg of paths) {
    let stat;
    try {
      stat = statSync(arg);
    } catch {
      throw new UsageError(`${arg} does not exist`);
    }
    // Symbolic links resolved, as the working directory is: paths shown relative to it stay inside it.
    const absolute = realPath(arg);
    if (stat.isDirectory()) files.push(...listRuleFiles(absolute, exclude));
    else files.push(absolute);
  }
  return files;
}

/** The absolute path with symbolic links resolved (the path itself when that fails). */
export function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** A positive integer option, or the default. */
export function positiveInteger(values: OptionValues, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`--${name} must be a positive whole number, not "${raw}"`);
  return value;
}

/** One of a fixed set of values, or the default. */
export function oneOf<T extends string>(values: OptionValues, name: string, allowed: readonly T[], fallback: T): T {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw as T)) throw new UsageError(`--${name} must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, not "${raw}"`);
  return raw as T;
}

/** How coverage, diff and migrate name a rule file: relative to the working directory (the path
 *  itself when it is the directory). Memoised: a coverage report names each rule once per technique
 *  it claims. */
export function fileDisplay(): (uriOrPath: string) => string {
  const cwd = process.cwd();
  const under = cwd.endsWith(path.sep) ? cwd : `${cwd}${path.sep}`;
  const known = new Map<string, string>();
  const outside = perFolder((absolute) => path.relative(cwd, absolute), path.sep);
  return (uriOrPath) => {
    let shown = known.get(uriOrPath);
    if (shown === undefined) {
      const absolute = uriOrPath.startsWith('file:') ? uriToPath(uriOrPath) : uriOrPath;
      const relative = absolute.startsWith(under) ? absolute.slice(under.length) : outside(absolute);
      shown = relative || absolute;
      known.set(uriOrPath, shown);
    }
    return shown;
  };
}

/** `shown` of a file's folder, joined by `separator` with its name: worked out once per folder, as a
 *  rule folder holds many files (path.relative per file was a sixth of `coverage` of SigmaHQ outside
 *  the working directory). */
export function perFolder(shown: (absolute: string) => string, separator: string): (absolute: string) => string {
  const folders = new Map<string, string>();
  return (absolute) => {
    const cut = absolute.lastIndexOf(path.sep);
    const dir = absolute.slice(0, cut);
    const name = absolute.slice(cut + 1);
    // A file at a root (/x.yml, C:\\x.yml), or a path not ending in a name: nothing to share.
    if (!dir.includes(path.sep) || name === '' || name === '.' || name === '..') return shown(absolute);
    let folder = folders.get(dir);
    if (folder === undefined) folders.set(dir, (folder = shown(dir)));
    return folder ? `${folder}${separator}${name}` : name;
  };
}

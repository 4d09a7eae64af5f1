// The server's corpus lifecycle: resolve the bundle path(s), load (cache first), report status,
// and re-verify the cache's inputs by content hash once the server is idle.
import { BundleError } from './corpus/bundleFile';
import { verifyInputs } from './corpus/cache';
import type { Corpus } from './corpus/corpus';
import { type CorpusLoad, loadCorpus, resolveStixPaths, type StixPathSources } from './corpus/load';
import type { CorpusStatus } from './protocol';

export interface CorpusStateOptions {
  cacheDir: string | false;
  log: (message: string) => void;
  onStatus: (status: CorpusStatus) => void;
  /** Delay before re-hashing the bundle behind a cache hit; 0 disables the check (tests). */
  verifyDelayMs?: number;
}

export class CorpusState {
  private corpus: Corpus | undefined;
  private currentStatus: CorpusStatus = { state: 'loading' };
  private verifyTimer: NodeJS.Timeout | undefined;
  private lastSources: StixPathSources | undefined;

  constructor(private readonly options: CorpusStateOptions) {}

  get current(): Corpus | undefined {
    return this.corpus;
  }

  get status(): CorpusStatus {
    return this.currentStatus;
  }

  /** Loads (or reloads) the corpus. Never throws: a failure is a 'failed' status and no corpus. */
  load(sources: StixPathSources, verifyContent = false): CorpusStatus {
    this.lastSources = sources;
    clearTimeout(this.verifyTimer);
    this.setStatus({ state: 'loading' });
    const resolution = resolveStixPaths(sources);
    if (!resolution.ok) return this.fail({ file: resolution.file, problem: resolution.problem, from: resolution.from });
    let load: CorpusLoad;
    try {
      load = loadCorpus(resolution.paths, { cacheDir: this.options.cacheDir, verifyContent });
    } catch (error) {
      if (error instanceof BundleError) return this.fail({ file: error.file, problem: error.problem, from: resolution.from });
      return this.fail({ file: resolution.paths.join(', '), problem: `could not be loaded: ${(error as Error).stack ?? error}`, from: resolution.from });
    }
    this.corpus = load.corpus;
    const { data } = load.corpus;
    this.options.log(
      `Loaded ${load.corpus.versionLabel} (${data.objects.length} objects) from ${load.source === 'cache' ? 'the cache' : resolution.paths.join(', ')} in ${Math.round(load.millis)} ms` +
        (load.cacheMiss && load.cacheMiss !== 'absent' ? ` (cache rebuilt: ${load.cacheMiss})` : ''),
    );
    if (load.cacheWriteError) this.options.log(load.cacheWriteError);
    for (const warning of data.warnings) this.options.log(`Warning: ${warning.file}: ${warning.problem}`);
    if (load.source === 'cache' && this.options.verifyDelayMs !== 0) this.scheduleVerify(load);
    return this.setStatus({
      state: 'ready',
      versionLabel: load.corpus.versionLabel,
      bundles: data.bundles.map(({ path, domain, version, versionSource }) => ({ path, domain, version, versionSource })),
      from: resolution.from,
      source: load.source,
      millis: Math.round(load.millis),
      warnings: data.warnings,
    });
  }

  dispose(): void {
    clearTimeout(this.verifyTimer);
  }

  /** A cache hit trusted the bundles' stat; re-hash their content when idle, and reload if it differs. */
  private scheduleVerify(load: CorpusLoad): void {
    this.verifyTimer = setTimeout(() => {
      void verifyInputs(load.inputs).then((same) => {
        if (same || this.corpus !== load.corpus) return;
        this.options.log('The ATT&CK bundle changed since the cache was built; reloading it.');
        if (this.lastSources) this.load(this.lastSources, true);
      });
    }, this.options.verifyDelayMs ?? 3000);
    this.verifyTimer.unref();
  }

  private fail(error: NonNullable<CorpusStatus['error']>): CorpusStatus {
    this.corpus = undefined;
    this.options.log(`ATT&CK bundle: ${error.file} ${error.problem}`);
    return this.setStatus({ state: 'failed', error });
  }

  private setStatus(status: CorpusStatus): CorpusStatus {
    this.currentStatus = status;
    this.options.onStatus(status);
    return status;
  }
}

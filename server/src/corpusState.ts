// The server's corpus lifecycle: resolve the bundle path(s), load (cache first), report status,
// and re-verify the cache's inputs by content hash once the server is idle.
import { type FSWatcher, watch } from 'node:fs';
import { BundleError } from './corpus/bundleFile';
import { verifyInputs } from './corpus/cache';
import type { Corpus } from './corpus/corpus';
import { type CorpusLoad, loadCorpus, resolveStixPaths, type StixPathResolution, type StixPathSources } from './corpus/load';
import { prebuiltCacheDir } from './releases/store';
import type { CorpusStatus } from './protocol';

export interface CorpusStateOptions {
  cacheDir: string | false;
  log: (message: string) => void;
  onStatus: (status: CorpusStatus) => void;
  /** Delay before re-hashing the bundle behind a cache hit; 0 disables the check (tests). */
  verifyDelayMs?: number;
  /** Watch configured bundle files and reload them when they change (default true). */
  watchBundles?: boolean;
}

/** A changed bundle is reloaded once it has not changed for this long (a copy in progress). */
const BUNDLE_QUIET_MS = 1000;

export interface LoadRequest {
  /** Re-hash the bundles instead of trusting their file stat. */
  verifyContent?: boolean;
  /** Keep the current corpus when the new bundles fail to load. */
  keepOnFailure?: boolean;
  /** With keepOnFailure: put the failure in the status (the client says it once), for loads no user
   *  action waits on (a setting or a bundle file changed). */
  announceFailure?: boolean;
}

export class CorpusState {
  private corpus: Corpus | undefined;
  private currentStatus: CorpusStatus = { state: 'loading' };
  private verifyTimer: NodeJS.Timeout | undefined;
  private lastSources: StixPathSources | undefined;
  /** Counts load calls: a load that finishes after a newer one started is dropped. */
  private generation = 0;
  private resolution: StixPathResolution | undefined;
  private watchers: FSWatcher[] = [];
  private changeTimer: NodeJS.Timeout | undefined;
  /** Callers waiting for a load in progress to finish (or fail). */
  private waiters: (() => void)[] = [];
  private settledOnce = false;

  constructor(private readonly options: CorpusStateOptions) {}

  /** No load has finished or failed yet: diagnostics computed now would be empty, not true. */
  get firstLoadPending(): boolean {
    return !this.settledOnce;
  }

  /** Resolves once no load is in progress — at once when none is, after `timeoutMs` at the latest
   *  (a request then answers as without a corpus). Requests that arrive right after start (before
   *  the settings round trip has loaded the corpus) wait here instead of answering null. */
  whenSettled(timeoutMs: number): Promise<void> {
    if (this.currentStatus.state !== 'loading') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  get current(): Corpus | undefined {
    return this.corpus;
  }

  get status(): CorpusStatus {
    return this.currentStatus;
  }

  /** How the current (or last attempted) bundle paths were chosen. */
  get lastResolution(): StixPathResolution | undefined {
    return this.resolution;
  }

  /** Loads (or reloads) the corpus. Never rejects: a failure is a 'failed' status and no corpus —
   *  or, with `keepOnFailure` (switching releases), the previous corpus and status kept and the
   *  failure only returned. */
  async load(sources: StixPathSources, options: LoadRequest = {}): Promise<CorpusStatus> {
    const { verifyContent = false, keepOnFailure = false, announceFailure = false } = options;
    const generation = ++this.generation;
    const previous = { sources: this.lastSources, status: this.currentStatus, resolution: this.resolution };
    this.lastSources = sources;
    clearTimeout(this.verifyTimer);
    this.setStatus({ state: 'loading' });
    const resolution = resolveStixPaths(sources);
    this.resolution = resolution;
    const fail = (error: NonNullable<CorpusStatus['error']>): CorpusStatus => {
      if (!keepOnFailure || !this.corpus) return this.fail(error);
      this.lastSources = previous.sources;
      this.resolution = previous.resolution;
      this.options.log(`ATT&CK bundle: ${error.file} ${error.problem}; the previous release stays in use`);
      this.setStatus(announceFailure && previous.status.state === 'ready' ? { ...previous.status, error } : previous.status);
      this.watchBundles(sources, resolution);
      return { state: 'failed', error };
    };
    if (!resolution.ok) return fail({ file: resolution.file, problem: resolution.problem, from: resolution.from });
    const allEmbedded = resolution.kind === 'releases' && !!resolution.releases?.every((file) => file.source === 'embedded');
    let load: CorpusLoad;
    try {
      load = await loadCorpus(resolution.paths, {
        cacheDir: this.options.cacheDir,
        verifyContent,
        prebuiltCacheDir: allEmbedded && sources.distDir ? prebuiltCacheDir(sources.distDir) : undefined,
      });
    } catch (error) {
      if (generation !== this.generation) return this.currentStatus;
      if (error instanceof BundleError) return fail({ file: error.file, problem: error.problem, from: resolution.from });
      return fail({ file: resolution.paths.join(', '), problem: `could not be loaded: ${(error as Error).stack ?? error}`, from: resolution.from });
    }
    if (generation !== this.generation) return this.currentStatus;
    this.corpus = load.corpus;
    const { data } = load.corpus;
    const origin = load.source === 'bundle' ? resolution.paths.join(', ') : load.prebuilt ? 'the packaged cache' : 'the cache';
    this.options.log(
      `Loaded ${load.corpus.versionLabel} (${data.objects.length} objects) from ${origin} in ${Math.round(load.millis)} ms` +
        (load.cacheMiss && load.cacheMiss !== 'absent' ? ` (cache rebuilt: ${load.cacheMiss})` : ''),
    );
    void load.cacheWritten?.then((error) => error && this.options.log(error));
    for (const warning of data.warnings) this.options.log(`Warning: ${warning.file}: ${warning.problem}`);
    if (load.source === 'cache' && this.options.verifyDelayMs !== 0) this.scheduleVerify(load);
    this.watchBundles(sources, resolution);
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
    clearTimeout(this.changeTimer);
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
  }

  /** Watches the configured bundle files (the embedded ones never change): a replaced or edited
   *  bundle is reloaded once it has been quiet for a moment, and a broken one leaves the previous
   *  corpus in use — so a bundle being copied in, truncated for a while, costs one message, not a
   *  loop. Re-armed after every load: an atomic replace ends the watch on the old file. */
  private watchBundles(sources: StixPathSources, resolution: StixPathResolution): void {
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
    if (!resolution.ok || this.options.watchBundles === false) return;
    const embedded = new Set((resolution.releases ?? []).filter((r) => r.source === 'embedded').map((r) => r.path));
    for (const file of resolution.paths) {
      if (embedded.has(file)) continue;
      try {
        const watcher = watch(file, { persistent: false }, () => {
          clearTimeout(this.changeTimer);
          this.changeTimer = setTimeout(() => {
            this.options.log(`The ATT&CK bundle ${file} changed on disk; reloading it.`);
            void this.load(sources, { verifyContent: true, keepOnFailure: true, announceFailure: true });
          }, BUNDLE_QUIET_MS);
          this.changeTimer.unref();
        });
        watcher.on('error', () => watcher.close());
        this.watchers.push(watcher);
      } catch (error) {
        this.options.log(`Cannot watch ${file} for changes: ${(error as Error).message}`);
      }
    }
  }

  /** A cache hit trusted the bundles' stat; re-hash their content when idle, and reload if it differs. */
  private scheduleVerify(load: CorpusLoad): void {
    this.verifyTimer = setTimeout(() => {
      void verifyInputs(load.inputs).then((same) => {
        if (same || this.corpus !== load.corpus) return;
        this.options.log('The ATT&CK bundle changed since the cache was built; reloading it.');
        if (this.lastSources) void this.load(this.lastSources, { verifyContent: true });
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
    if (status.state !== 'loading') {
      this.settledOnce = true;
      const waiters = this.waiters;
      this.waiters = [];
      for (const done of waiters) done();
    }
    this.options.onStatus(status);
    return status;
  }
}

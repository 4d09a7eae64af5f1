// Release corpora other than the loaded one (release A of a diff or migration, a SIEM's target
// release), loaded on demand through the same cache and kept for reuse — a few at most, since each
// holds a whole release.
import type { Corpus } from '../corpus/corpus';
import { loadCorpus } from '../corpus/load';

const KEEP = 3;

export class ReleaseCorpora {
  private readonly loaded = new Map<string, Corpus>();
  private readonly scheduled = new Set<string>();
  private readonly failed = new Set<string>();

  constructor(
    private readonly options: {
      cacheDir: string | false;
      log: (message: string) => void;
      /** A load scheduled by `peek` finished (diagnostics that waited for it can be redone). */
      onLoaded: () => void;
    },
  ) {}

  /** The corpus of these bundles, loaded now if need be. Rejects with BundleError. */
  async open(paths: readonly string[]): Promise<Corpus> {
    const key = paths.join('\n');
    const cached = this.loaded.get(key);
    if (cached) {
      // Most recently used last.
      this.loaded.delete(key);
      this.loaded.set(key, cached);
      return cached;
    }
    const load = await loadCorpus(paths, { cacheDir: this.options.cacheDir });
    this.options.log(`Loaded ${load.corpus.versionLabel} for release comparisons from ${load.source === 'cache' ? 'the cache' : paths.join(', ')} in ${Math.round(load.millis)} ms.`);
    this.loaded.set(key, load.corpus);
    while (this.loaded.size > KEEP) this.loaded.delete(this.loaded.keys().next().value!);
    return load.corpus;
  }

  /** The corpus when already loaded; otherwise undefined now, and loaded soon after (off the
   *  current request), followed by `onLoaded`. */
  peek(paths: readonly string[]): Corpus | undefined {
    const key = paths.join('\n');
    const cached = this.loaded.get(key);
    if (cached || this.scheduled.has(key)) return cached;
    this.scheduled.add(key);
    setImmediate(() => {
      this.open(paths).then(
        () => this.options.onLoaded(),
        (error: Error) => {
          this.failed.add(key);
          this.options.log(`Could not load ${paths.join(', ')}: ${error.message}`);
        },
      );
    });
    return undefined;
  }

  /** Whether a load `peek` scheduled failed (the reason is in the log). */
  hasFailed(paths: readonly string[]): boolean {
    return this.failed.has(paths.join('\n'));
  }
}

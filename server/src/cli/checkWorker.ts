// `check` on two cores: a worker thread checks files next to the main thread. Both claim chunks of
// the file list from one shared counter (Atomics), so neither waits for the other and a late
// worker start costs nothing; the worker sends each chunk's findings (small) back, not RuleDocuments.
// A worker that fails or ends early leaves its unfinished chunks to the main thread.
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { locale, type Locale, setLocale } from '../l10n/l10n';
import { checkConfigOf, checkContextOf, checkFile, type FileOutcome, type FileToCheck } from './checkFiles';
import type { OptionValues } from './command';

const KIND = 'ttpLens.checkWorker';
/** Files per claim: small enough to balance the two threads, large enough that claiming is free. */
const CHUNK = 32;
/** Below this, starting a worker (its module load and corpus, ~80 ms) costs more than it saves. */
const MIN_FILES = 400;

interface WorkerInput {
  kind: typeof KIND;
  files: FileToCheck[];
  values: OptionValues;
  locale: Locale;
  counter: SharedArrayBuffer;
}

type WorkerMessage = { start: number; outcomes: FileOutcome[] } | { done: true } | { error: string };

/** Hands out chunks of the file list: shared with a worker when there is one. */
export class ChunkClaims {
  private readonly counter: Int32Array;

  constructor(readonly total: number, shared = new SharedArrayBuffer(4)) {
    this.counter = new Int32Array(shared);
  }

  get buffer(): SharedArrayBuffer {
    return this.counter.buffer as SharedArrayBuffer;
  }

  /** The first index of the next unclaimed chunk, or undefined when all are claimed. */
  next(): number | undefined {
    const start = Atomics.add(this.counter, 0, CHUNK);
    return start < this.total ? start : undefined;
  }

  static readonly CHUNK = CHUNK;
}

export class CheckWorker {
  private readonly outcomes = new Map<number, FileOutcome[]>();
  private readonly finished: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.finished = new Promise((resolve) => {
      worker.on('message', (message: WorkerMessage) => {
        if ('start' in message) this.outcomes.set(message.start, message.outcomes);
        else resolve();
      });
      // Whatever the worker did not send is checked by the main thread (finish()'s caller).
      worker.on('error', () => resolve());
      worker.on('exit', () => resolve());
    });
  }

  /** A worker for this run, or undefined when it would not pay (few files, one core, TTPLENS_CHECK_THREADS=1). */
  static start(files: FileToCheck[], values: OptionValues, claims: ChunkClaims): CheckWorker | undefined {
    if (files.length < MIN_FILES || availableParallelism() < 2 || process.env.TTPLENS_CHECK_THREADS === '1') return undefined;
    const input: WorkerInput = { kind: KIND, files, values, locale: locale(), counter: claims.buffer };
    try {
      return new CheckWorker(new Worker(__filename, { workerData: input }));
    } catch {
      return undefined;
    }
  }

  /** The worker's outcomes by file index, once it has claimed and checked all it will. */
  async finish(): Promise<Map<number, FileOutcome>> {
    await this.finished;
    void this.worker.terminate();
    const byIndex = new Map<number, FileOutcome>();
    for (const [start, outcomes] of this.outcomes) outcomes.forEach((outcome, i) => byIndex.set(start + i, outcome));
    return byIndex;
  }
}

async function runWorker(input: WorkerInput): Promise<void> {
  const port = parentPort!;
  try {
    setLocale(input.locale);
    const config = checkConfigOf(input.values);
    const context = await checkContextOf(input.values, config, true);
    const claims = new ChunkClaims(input.files.length, input.counter);
    for (let start = claims.next(); start !== undefined; start = claims.next()) {
      const outcomes = input.files.slice(start, start + CHUNK).map((file) => checkFile(file, context, config.settings.formats));
      port.postMessage({ start, outcomes } satisfies WorkerMessage);
    }
    port.postMessage({ done: true } satisfies WorkerMessage);
  } catch (error) {
    port.postMessage({ error: (error as Error).message } satisfies WorkerMessage);
  }
}

if (!isMainThread && (workerData as WorkerInput | undefined)?.kind === KIND) void runWorker(workerData as WorkerInput);

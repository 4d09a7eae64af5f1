// After a burst of work (the corpus loaded, the workspace indexed) the heap V8 grew for it stays
// resident: V8 gives memory back on a memory-reducing collection, which an idle language server may
// never trigger (measured with SigmaHQ indexed: 135–169 MB RSS for as long as we watched, 102 MB after
// these collections). So once a burst has been quiet for a few seconds, collect a few times, 2 s
// apart. gc() is exposed at run time (as `node --expose-gc` would); where that is refused, this does
// nothing.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const ROUNDS = 5;
const ROUND_GAP_MS = 2000;

export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;
  private readonly gc = exposedGc();

  constructor(private readonly quietMs = 3000) {}

  /** Work that grew the heap happened: collect once nothing more has happened for quietMs. */
  workDone(): void {
    if (!this.gc) return;
    this.schedule(this.quietMs, ROUNDS);
  }

  // V8 keeps the heap's grown capacity through the first collections and releases it only when a few
  // seconds of collections show it is not needed (measured: from the third round).
  private schedule(delayMs: number, rounds: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.gc!();
      if (rounds > 1) this.schedule(ROUND_GAP_MS, rounds - 1);
    }, delayMs);
    this.timer.unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

function exposedGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

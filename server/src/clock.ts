// Milliseconds from a monotonic clock, for durations. Not the global `performance`: its first use
// loads node:perf_hooks (1.5 ms), on the start-up path of the server and of every command. (Loops
// that read the time often, once started, keep performance.now(): no BigInt per call.)
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

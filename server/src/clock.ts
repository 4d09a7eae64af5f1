// Milliseconds from a monotonic clock, for durations. Not the global `performance`: its first use
// loads node:perf_hooks (1.5 ms), on the start-up path of the server and of every command.
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

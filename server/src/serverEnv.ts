// The language server's process environment, set by the client that spawns it (and by the
// benchmark, which measures the server as the client starts it).
// glibc gives every thread that mallocs its own arena and trims freed memory only past 128 KB at
// the top of the heap: V8's helper threads then keep ~10 MB of freed native memory resident in an
// idle server. Two arenas and an earlier trim return it; the server is one JavaScript thread, so
// arena contention costs nothing measurable. Other C libraries ignore these variables.
export const SERVER_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: '131072',
};

// The moments activation is timed by (client/src/activationTime.ts), shared by dist/extension.js (the
// loader, client/src/loader.ts) and dist/client.js through one global: they are separate bundles.
import type { CodeCacheState } from '../../server/src/codeCache';

/** A moment: performance.now() and the process's CPU time so far (user + system), in ms. */
export interface Mark {
  ms: number;
  cpuMs: number;
}

export interface ActivationMarks {
  /** First and last line of dist/extension.js (scripts/build.mjs's banner and footer). */
  loadStart?: Mark;
  loadEnd?: Mark;
  /** The editor calls activate(); then dist/client.js is compiled and run. */
  activateStart?: Mark;
  clientCompiled?: Mark;
  clientLoaded?: Mark;
  codeCache?: CodeCacheState;
}

declare global {
  var __ttpLensActivation: ActivationMarks | undefined;
}

export function marks(): ActivationMarks {
  return (globalThis.__ttpLensActivation ??= {});
}

export function mark(): Mark {
  const cpu = process.cpuUsage();
  return { ms: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000 };
}

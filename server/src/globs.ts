// Glob matching for paths asked about once per file of a workspace (excludes, format globs).
import picomatch from 'picomatch';

const WINDOWS = process.platform === 'win32';

/** What picomatch(glob, { dot: true }) answers, from its compiled regular expression alone: the
 *  matcher picomatch returns builds a result object for every path it is asked about. */
export function globMatcher(glob: string): (path: string) => boolean {
  const regex = picomatch.makeRe(glob, { dot: true, windows: WINDOWS });
  return (path) => path === glob || regex.test(WINDOWS ? path.replace(/\\/g, '/') : path);
}

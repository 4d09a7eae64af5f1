// Running a bundle through V8's code cache: with a valid cache V8 deserialises the functions an
// earlier run compiled instead of parsing and compiling them again. Used by the extension's loader
// (dist/extension.js → dist/client.js) and the command line's launcher (dist/cli.js → cli-main.js).
// Node's built-ins only: this runs before anything else is loaded.
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');

export type CodeCacheState = 'used' | 'none' | 'rejected';

export interface Loaded<T> {
  exports: T;
  codeCache: CodeCacheState;
  /** Writes the code of every function compiled so far; never throws (only a faster start is lost). */
  writeCache(): void;
}

/** Compiles and runs a CommonJS file as Node would (same wrapper, this module's require), with the
 *  code cache in the file `cacheFileFor` names for its source when there is a valid one (none read or
 *  written when it names none). The name ends in "-<build>.<ext>": V8 checks of the source only its
 *  length, so each build of the file has its own, and writing one removes the others'. */
export function loadThroughCodeCache<T>(file: string, cacheFileFor: (source: string) => string | undefined, compiled?: () => void): Loaded<T> {
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = cacheFileFor(source);
  let cachedData: Buffer | undefined;
  try {
    if (cacheFile) cachedData = fs.readFileSync(cacheFile);
  } catch {
    // No cache yet: the first run of this build.
  }
  // The wrapper on a line of its own, counted as line 0: stack traces and source maps keep the file's lines and columns.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n});`, { filename: file, lineOffset: -1, cachedData });
  compiled?.();
  const codeCache: CodeCacheState = !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} as T };
  (script.runInThisContext() as Function).call(module.exports, module.exports, require, module, file, path.dirname(file));
  return { exports: module.exports, codeCache, writeCache: () => cacheFile && writeCache(script, cacheFile) };
}

/** Atomically (a reader never sees half a file), and without the caches of other builds. */
function writeCache(script: vm.Script, cacheFile: string): void {
  const dir = path.dirname(cacheFile);
  try {
    fs.mkdirSync(dir, { recursive: true });
    const temp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, script.createCachedData());
    fs.renameSync(temp, cacheFile);
    const name = path.basename(cacheFile);
    const prefix = name.replace(/-[^-]*$/, '-');
    const extension = path.extname(name);
    for (const other of fs.readdirSync(dir)) if (other.startsWith(prefix) && other.endsWith(extension) && other !== name) fs.rmSync(path.join(dir, other), { force: true });
  } catch {
    // Read-only or full storage: the next run compiles again.
  }
}

// dist/cli.js: starts the command line (dist/cli-main.js) with V8's code cache. A command is a short
// process, and compiling the functions it runs was a tenth of `check`'s time on SigmaHQ; the cache,
// taken when a command ends, holds them compiled, so the next run of that command skips it. One cache
// file per command and build (and Node), in the corpus cache's folder; --no-cache reads and writes none.
// Only Node's built-ins here: this file runs before anything else.
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadThroughCodeCache } from '../codeCache';

const main = path.join(__dirname, 'cli-main.js');
// main.ts's commands (a name missing here only goes without its own cache); anything else, 'other'.
const COMMAND_NAMES = ['show', 'search', 'coverage', 'check', 'diff', 'migrate', 'download'];
const command = COMMAND_NAMES.includes(process.argv[2] ?? '') ? process.argv[2] : 'other';
const cacheDir = process.argv.includes('--no-cache') ? undefined : codeCacheDir();
// The build, Node and the flags it runs with name the file: V8 checks its own version and flags, but
// of the source only its length.
const cacheFileFor = (source: string) => {
  if (!cacheDir) return undefined;
  const key = createHash('sha1').update(`${process.version}\0${process.arch}\0${process.execArgv.join(' ')}\0`).update(source).digest('hex').slice(0, 16);
  return path.join(cacheDir, `cli-code-${command}-${key}.bin`);
};
const loaded = loadThroughCodeCache(main, cacheFileFor);
if (loaded.codeCache !== 'used') process.once('exit', loaded.writeCache);

/** The corpus cache's folder (corpus/cache.ts defaultCacheDir, not imported: it would load the corpus code first). */
function codeCacheDir(): string {
  if (process.env.TTPLENS_CACHE_DIR) return process.env.TTPLENS_CACHE_DIR;
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'ttp-lens');
}

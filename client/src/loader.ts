// dist/extension.js: the extension's entry point. It loads dist/client.js (the extension proper,
// ~0.5 MB, mostly vscode-languageclient) through V8's code cache, because compiling that much
// JavaScript is a large part of activation: with the cache V8 deserialises the functions an earlier
// start compiled instead of parsing and compiling them again.
// The cache lives in the extension's global storage (always writable, unlike the install folder), one
// file per build of client.js (V8 itself only checks the source's length); it is written once a start
// that had none, or whose cache V8 rejected (an editor update changed its V8), has started the client.
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');
import type * as vscode from 'vscode';
import { type CodeCacheState, mark, marks } from './activationMarks';

/** A hash of dist/client.js, set by scripts/build.mjs: a rebuilt client never meets an old cache. */
declare const CLIENT_HASH: string;

interface Client {
  activate(context: vscode.ExtensionContext): Promise<void>;
  deactivate(): void;
}

let client: Client | undefined;

export function activate(context: vscode.ExtensionContext): Promise<void> {
  const activation = marks();
  activation.activateStart = mark();
  const cacheDir = path.join(context.globalStorageUri.fsPath, 'code-cache');
  const loaded = loadThroughCodeCache<Client>(path.join(__dirname, 'client.js'), path.join(cacheDir, `client-${CLIENT_HASH}.v8`), () => (activation.clientCompiled = mark()));
  activation.codeCache = loaded.codeCache;
  activation.clientLoaded = mark();
  client = loaded.exports;
  const activated = client.activate(context);
  // After a start without a usable cache, once the client is up: the cache then holds what a start
  // runs (loading, activation, the server's initialisation) and no more, for V8 to read back quickly.
  const write = () => void setTimeout(loaded.writeCache, 0);
  if (loaded.codeCache !== 'used') activated.then(write, write);
  return activated;
}

export function deactivate(): void {
  client?.deactivate();
}

export interface Loaded<T> {
  exports: T;
  codeCache: CodeCacheState;
  /** Writes the code of every function compiled so far; never throws (only a faster start is lost). */
  writeCache(): void;
}

/** Compiles and runs a CommonJS file as Node would (same wrapper, this module's require), with the
 *  code cache in `cacheFile` when there is a valid one. */
export function loadThroughCodeCache<T>(file: string, cacheFile: string, compiled?: () => void): Loaded<T> {
  const source = fs.readFileSync(file, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // No cache yet: the first start of this build.
  }
  // The wrapper on a line of its own, counted as line 0: stack traces and source maps keep the file's lines and columns.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n});`, { filename: file, lineOffset: -1, cachedData });
  compiled?.();
  const codeCache: CodeCacheState = !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} as T };
  (script.runInThisContext() as Function).call(module.exports, module.exports, require, module, file, path.dirname(file));
  return { exports: module.exports, codeCache, writeCache: () => writeCache(script, cacheFile) };
}

/** Atomically (a reader never sees half a file), and without the caches of other builds. */
function writeCache(script: vm.Script, cacheFile: string): void {
  const dir = path.dirname(cacheFile);
  try {
    fs.mkdirSync(dir, { recursive: true });
    const temp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, script.createCachedData());
    fs.renameSync(temp, cacheFile);
    const prefix = path.basename(cacheFile).replace(/-[^-]*$/, '-');
    for (const name of fs.readdirSync(dir)) if (name.startsWith(prefix) && name.endsWith('.v8') && name !== path.basename(cacheFile)) fs.rmSync(path.join(dir, name), { force: true });
  } catch {
    // Read-only or full storage: the next start compiles again.
  }
}

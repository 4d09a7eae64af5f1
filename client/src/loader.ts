// dist/extension.js: the extension's entry point. It loads dist/client.js (the extension proper,
// ~0.5 MB, mostly vscode-languageclient) through V8's code cache, because compiling that much
// JavaScript is a large part of activation: with the cache V8 deserialises the functions an earlier
// start compiled instead of parsing and compiling them again.
// The cache lives in the extension's global storage (always writable, unlike the install folder), one
// file per build of client.js (V8 itself only checks the source's length); it is written once a start
// that had none, or whose cache V8 rejected (an editor update changed its V8), has started the client.
import path = require('node:path');
import type * as vscode from 'vscode';
import { loadThroughCodeCache } from '../../server/src/codeCache';
import { mark, marks } from './activationMarks';

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
  const loaded = loadThroughCodeCache<Client>(path.join(__dirname, 'client.js'), () => path.join(cacheDir, `client-${CLIENT_HASH}.v8`), () => (activation.clientCompiled = mark()));
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

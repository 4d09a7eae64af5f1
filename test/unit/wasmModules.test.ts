// The WebAssembly modules are committed as generated TypeScript (scripts/buildWasm.mjs): each must be
// what its AssemblyScript source compiles to now, so that a change to the source cannot ship unbuilt.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../support/paths';

test('every generated WebAssembly module is what its source compiles to', async () => {
  const { WASM_MODULES, generatedText } = await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'buildWasm.mjs')).href);
  assert.ok(WASM_MODULES.length >= 1);
  for (const module of WASM_MODULES) {
    const committed = readFileSync(path.join(REPO_ROOT, module.generated), 'utf8');
    assert.equal(committed, await generatedText(module), `${module.generated}: run node scripts/buildWasm.mjs`);
  }
});

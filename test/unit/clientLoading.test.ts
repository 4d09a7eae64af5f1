// How the client is loaded (client/src/loader.ts through server/src/codeCache.ts, versionCheck.ts): dist/client.js through V8's code
// cache, written after a start without one and used by the next; and the stand-in for the semver
// functions vscode-languageclient checks the editor's version with.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parse, satisfies } from '../../client/src/versionCheck';
import { REPO_ROOT } from '../support/paths';
import { tempDir } from '../support/temp';

describe('client loading: code cache', () => {
  const dir = tempDir('ttplens-code-cache-');
  const file = path.join(dir, 'client.js');
  // The second line throws on demand: its stack trace must name the file's own line and column.
  writeFileSync(file, 'exports.answer = () => require("node:path").basename(__filename) + " " + __dirname.length;\nexports.fail = () => { throw new Error("here"); };');
  const cacheFile = path.join(dir, 'cache', 'client-abc.v8');
  const expected = `client.js ${dir.length}`;
  const writing = path.join(dir, 'cache', 'client-xyz.v8.1234.tmp');
  // Each start in a process of its own, as the editor's: within one process V8 reuses what it compiled
  // for the same source without looking at the cache.
  const start = (cache: string, write = false) => {
    const script = `const loaded = require(${JSON.stringify(require.resolve('../../server/src/codeCache'))}).loadThroughCodeCache(${JSON.stringify(file)}, () => ${JSON.stringify(cache)});
      ${write ? 'loaded.writeCache();' : ''} let where; try { loaded.exports.fail(); } catch (error) { where = /client\\.js:(\\d+:\\d+)/.exec(error.stack)[1]; }
      console.log(JSON.stringify({ codeCache: loaded.codeCache, answer: loaded.exports.answer(), where }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { codeCache: string; answer: string; where: string };
    assert.equal(result.where, '2:30', 'the throw in line 2, column 30');
    return { codeCache: result.codeCache, answer: result.answer };
  };

  test('a start without a cache compiles, runs the file as CommonJS, and writes the cache when asked', () => {
    mkdirSync(path.dirname(cacheFile));
    writeFileSync(writing, ''); // another window writing its cache: left alone
    assert.deepEqual(start(cacheFile, true), { codeCache: 'none', answer: expected });
    assert.ok(readFileSync(cacheFile).length > 0);
  });

  test('the next start uses it; a cache of another build is removed when a new one is written', () => {
    assert.deepEqual(start(cacheFile), { codeCache: 'used', answer: expected });
    const other = path.join(dir, 'cache', 'client-def.v8');
    assert.deepEqual(start(other, true), { codeCache: 'none', answer: expected });
    assert.throws(() => readFileSync(cacheFile), /ENOENT/);
    assert.ok(readFileSync(other).length > 0);
    assert.ok(existsSync(writing));
  });

  test('a damaged cache is rejected by V8, and the code still runs', () => {
    writeFileSync(cacheFile, Buffer.from('not a code cache, just bytes of some length'));
    assert.deepEqual(start(cacheFile), { codeCache: 'rejected', answer: expected });
  });
});

describe('client loading: the version check without semver', () => {
  // The range vscode-languageclient asks for, from the installed library (its format is what the stand-in supports).
  const main = readFileSync(path.join(REPO_ROOT, 'node_modules', 'vscode-languageclient', 'lib', 'node', 'main.js'), 'utf8');
  const required = /const REQUIRED_VSCODE_VERSION = '([^']+)'/.exec(main)?.[1];
  const semver = require(path.join(REPO_ROOT, 'node_modules', 'semver')) as { parse(v: string): { prerelease: unknown[] } | null; satisfies(v: unknown, r: string): boolean };

  test('answers as semver for the library\'s range, editor versions and edge cases', () => {
    assert.ok(required, 'REQUIRED_VSCODE_VERSION not found in vscode-languageclient/lib/node/main.js');
    const versions = ['1.91.0', '1.90.9', '1.91.1', '1.100.3', '1.101.0-insider', '2.0.0', '0.99.0', '1.91', 'v1.95.0', ' 1.95.0 ', '1.95.0+build.5', 'x.y.z', ''];
    const ranges = [required!, '^1.82.0', '^0.2.3', '^0.0.3', '1.100.3'];
    for (const range of ranges) {
      for (const version of [...versions, '0.2.5', '0.3.0', '0.0.3', '0.0.4']) {
        assert.equal(parse(version) === null, semver.parse(version) === null, `parse("${version}")`);
        const ours = parse(version);
        const theirs = semver.parse(version);
        // The client empties the pre-release before it checks (lib/node/main.js checkVersion).
        if (ours && theirs) ours.prerelease = theirs.prerelease = [];
        if (theirs) assert.equal(satisfies(ours!, range), semver.satisfies(theirs, range), `"${version}" in "${range}"`);
      }
    }
  });
});

describe('client loading: module wrappers compiled with the script (scripts/eagerModules.mjs)', () => {
  // esbuild's minified shape: top-level helpers `(…) => () => …` (__commonJS, __esm) called with one
  // arrow function per module.
  const bundle = [
    'var c=(e,t)=>()=>(t||e((t={exports:{}}).exports,t),t.exports);',
    'var a=c((x,m)=>{m.exports={answer:()=>41+1};});',
    'var b=c(function(x,m){m.exports={named:true};});',
    'var d=c((x,m)=>{m.exports={self:typeof this,args:typeof arguments};});',
    'var f=c((x,m)=>{function inner(){return this;} class K{get me(){return this;}} m.exports={inner,K};});',
    'module.exports={a:a(),b:b(),d:d(),f:f()};',
  ].join('\n');

  test('arrow wrappers become parenthesised functions; bodies with their own this or arguments are left alone; the bundle runs the same', async () => {
    const dir = tempDir('ttplens-eager-');
    const file = path.join(dir, 'bundle.js');
    writeFileSync(file, bundle);
    const run = () => JSON.parse(execFileSync(process.execPath, ['-e', `const r=require(${JSON.stringify(file)}); console.log(JSON.stringify({answer:r.a.answer(),b:r.b.named,d:r.d,inner:typeof r.f.inner,k:typeof r.f.K}))`], { encoding: 'utf8' }));
    const before = run();
    const { eagerModules } = (await import(path.join(REPO_ROOT, 'scripts', 'eagerModules.mjs'))) as { eagerModules(file: string): number };
    assert.equal(eagerModules(file), 2, 'the modules a and f (b is a function already, d uses its own this and arguments)');
    const rewritten = readFileSync(file, 'utf8');
    assert.match(rewritten, /var a=c\(\(function\(x,m\)\{m\.exports=\{answer:\(\)=>41\+1\};\}\)\);/);
    assert.match(rewritten, /var f=c\(\(function\(x,m\)\{function inner/);
    assert.match(rewritten, /var d=c\(\(x,m\)=>\{/);
    assert.deepEqual(run(), before);
  });
});

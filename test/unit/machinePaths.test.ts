// No absolute path of a development machine in the project's code: a checkout must work wherever it
// is cloned. Temporary folders come from os.tmpdir()/mkdtemp; the shared corpora from ../shared or
// $TTPLENS_SHARED. Rule content (fixtures, the demo) may name paths: that is detection logic.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from '../support/paths';

const FOLDERS = ['scripts', 'server', 'client', 'test', 'bench', '.ci'];
const SKIP = new Set([path.join('test', 'fixtures'), path.join('test', 'schemas')]);
const CODE = /\.(ts|mts|cts|js|mjs|cjs|sh|json)$|^run$/;
// Built from pieces so that this file does not match itself. A path starts the string or follows a
// quote, space or = (not a URL's host or path: https://example.org/x/work/y is fine).
const slash = '/';
const start = '(?<![\\w.~:/-])';
const backslashes = '(?:\\\\){1,2}';
const MACHINE_PATH = new RegExp(
  [`${slash}work${slash}`, `${slash}home${slash}[a-z_][\\w.-]*`, `${slash}root${slash}`, `${slash}tmp${slash}[\\w.-]`, `${slash}Users${slash}[A-Za-z]`].map((p) => start + p).join('|') +
    `|[A-Z]:${backslashes}Users${backslashes}`,
);

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    const relative = path.relative(REPO_ROOT, full);
    if (SKIP.has(relative) || entry === 'node_modules') continue;
    if (statSync(full).isDirectory()) yield* files(full);
    else if (CODE.test(entry)) yield full;
  }
}

describe('no machine paths', () => {
  test(`${FOLDERS.join('/, ')}/ hold no absolute path of a development machine`, () => {
    const found: string[] = [];
    let scanned = 0;
    for (const folder of FOLDERS) {
      for (const file of files(path.join(REPO_ROOT, folder))) {
        scanned++;
        readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
          const match = MACHINE_PATH.exec(line);
          if (match) found.push(`${path.relative(REPO_ROOT, file)}:${i + 1}: ${match[0]} in ${line.trim().slice(0, 120)}`);
        });
      }
    }
    assert.ok(scanned > 100, `${scanned} files scanned`);
    assert.deepEqual(found, []);
  });

  test('the pattern finds what it must', () => {
    for (const bad of [`${slash}work${slash}shared`, `${slash}home${slash}alice/x`, `${slash}root${slash}.cache`, `${slash}tmp${slash}ttplens-demo`, `'${slash}work${slash}x'`, `${'D'}:\\Users\\bob`]) assert.match(bad, MACHINE_PATH, bad);
    for (const fine of ['/no/such/bundle.json', '/usr/bin/chromium', 'os.tmpdir()', `https://example.org/x${slash}work${slash}y`, '~/work/x']) assert.doesNotMatch(fine, MACHINE_PATH, fine);
  });
});

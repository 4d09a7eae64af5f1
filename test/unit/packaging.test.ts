// What CI users install: the npm tarball (`npx ttp-lens` / package.json bin) runs on its own, every
// command's --help has examples, and the pre-commit hooks are well-formed.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { BUNDLE_18, DIST, FIXTURES, needsShared, REPO_ROOT } from '../support/paths';
import { tempDir } from '../support/temp';

const cli = (args: string[], cwd = REPO_ROOT, script = path.join(DIST, 'cli.js')) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', cwd, env: { ...process.env, TTPLENS_STIX: '' } });

describe('packaging', () => {
  test('every command\'s --help has examples', () => {
    const overview = cli(['--help']).stdout;
    const commands = [...overview.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]);
    assert.deepEqual(commands, ['show', 'search', 'coverage', 'check', 'diff', 'migrate', 'download']);
    for (const command of commands) {
      const help = cli([command, '--help']);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /\nExamples:\n( {2}ttp-lens .+\n)+/, command);
    }
  });

  test('the npm tarball holds the bundles and runs as `ttp-lens` without node_modules', needsShared, () => {
    const target = tempDir('ttplens-pack-');
    // Scripts are skipped: the test runner has just built dist/ (prepack builds it for a real pack).
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', target], { cwd: REPO_ROOT, encoding: 'utf8' }));
    const files = packed.files.map((f: { path: string }) => f.path);
    for (const file of ['dist/cli.js', 'dist/server.js', 'dist/extension.js', 'data/logsource-map.json', 'package.json']) assert.ok(files.includes(file), file);
    assert.ok(!files.some((f: string) => /^(server|client|test)\//.test(f) || f.endsWith('.map')), 'no sources or source maps');
    execFileSync('tar', ['-xzf', path.join(target, packed.filename), '-C', target]);
    const bin = JSON.parse(readFileSync(path.join(target, 'package', 'package.json'), 'utf8')).bin['ttp-lens'];
    const installed = path.join(target, 'package', bin);
    assert.match(cli(['--help'], target, installed).stdout, /check <paths…>/);
    const result = cli(['check', path.join(FIXTURES, 'workspace'), '--stix', BUNDLE_18, '--format', 'json'], target, installed);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).summary.findings, 1);
  });

  test('.pre-commit-hooks.yaml: node hooks running ttp-lens check on rule files', () => {
    const hooks = parse(readFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; files: string }[];
    assert.deepEqual(hooks.map((h) => h.id), ['ttp-lens-check', 'ttp-lens-fix']);
    for (const hook of hooks) {
      assert.equal(hook.language, 'node');
      assert.match(hook.entry, /^ttp-lens check/);
      const files = new RegExp(hook.files);
      assert.ok(files.test('rules/a.yml') && files.test('b.yaml') && files.test('c.toml') && !files.test('README.md'));
    }
  });
});

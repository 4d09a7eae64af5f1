// The CLI (dist/cli.js) as a user runs it: output, --json, exit codes, bundle errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { BUNDLE_17, BUNDLE_18, DIST, FIXTURES, needsShared, requireShared, SIGMAHQ_RULES } from '../support/paths';
import { tempDir } from '../support/temp';

// Downloaded releases (and the choice among them) of this test process only, never the user's.
const releasesDir = tempDir('ttplens-cli-releases-');

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, TTPLENS_STIX: '', TTPLENS_CACHE_DIR: path.join(DIST, '..', 'out', 'cli-cache'), TTPLENS_RELEASES_DIR: releasesDir },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cli show', () => {
  test('show T1559 with v17.1 prints the name, tactic, platforms and the seed page facts', needsShared, () => {
    const { code, stdout } = cli('show', 'T1559', '--stix', requireShared(BUNDLE_17));
    assert.equal(code, 0);
    assert.match(stdout, /^T1559 {2}Inter-Process Communication$/m);
    assert.match(stdout, /Tactics: {3}Execution \(TA0002\)/);
    assert.match(stdout, /Platforms: Windows, macOS, Linux/);
    assert.match(stdout, /DS0009 Process: Process Creation/);
    assert.match(stdout, /M1013 Application Developer Guidance/);
  });

  test('the forms users paste resolve: a Sigma tag, lower case, an attack.mitre.org URL, a tactic tag', () => {
    for (const form of ['attack.t1059.001', 't1059.001', 'T1059/001', 'https://attack.mitre.org/techniques/T1059/001/', 'https://attack.mitre.org/techniques/T1059/001']) {
      const { code, stdout } = cli('show', form, '--stix', requireShared(BUNDLE_18));
      assert.equal(code, 0, form);
      assert.match(stdout, /^T1059\.001 {2}PowerShell$/m, form);
    }
    assert.match(cli('show', 'attack.defense-evasion', '--stix', requireShared(BUNDLE_18)).stdout, /^TA0005 {2}Defense Evasion$/m);
    assert.match(cli('show', 'https://attack.mitre.org/tactics/TA0002/', '--stix', requireShared(BUNDLE_18)).stdout, /^TA0002 {2}Execution$/m);
  });

  test('with nothing configured, show answers from the embedded ATT&CK data (v18.1)', () => {
    const { code, stdout, stderr } = cli('show', 'T1559', '--no-cache');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^T1559 {2}Inter-Process Communication$/m);
    assert.match(stdout, /ATT&CK v18\.1/);
    assert.match(stdout, /DET0493/);
    const json = JSON.parse(cli('show', 'T0800', '--domains', 'enterprise,ics', '--json').stdout);
    assert.equal(json.ref.name, 'Activate Firmware Update Mode');
    const bad = cli('show', 'T1559', '--domains', 'enterprize');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--domains lists "enterprize", which is not an ATT&CK domain/);
  });

  test('"used by" counts only what is there, in words', () => {
    const { stdout } = cli('show', 'T1559', '--stix', BUNDLE_18);
    assert.match(stdout, /^Used by \d+ software and \d+ campaigns?\.$/m);
  });

  test('a reader that closes the pipe early (| head) is no error', needsShared, () => {
    // A shell pipeline: the CLI's stdout is a pipe whose reader exits after the first line.
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${path.join(DIST, 'cli.js')}" coverage "${requireShared(SIGMAHQ_RULES)}" --format json --stix "${BUNDLE_18}" | head -1; exit \${PIPESTATUS[0]}`], { encoding: 'utf8' });
    assert.equal(result.stderr, '');
    assert.equal(result.status, 0);
    assert.equal(result.stdout.split('\n').filter(Boolean).length, 1);
  });

  test('--json prints the same facts as data', () => {
    const { code, stdout } = cli('show', 't1559.001', '--stix', BUNDLE_18, '--json');
    assert.equal(code, 0);
    const facts = JSON.parse(stdout);
    assert.equal(facts.ref.id, 'T1559.001');
    assert.equal(facts.ref.name, 'Component Object Model');
    assert.equal(facts.attack, 'ATT&CK v18.1');
    assert.deepEqual(facts.tactics.map((t: { id: string }) => t.id), ['TA0002']);
    assert.equal(facts.parent.id, 'T1559');
  });

  test('an ID from a newer release and an unknown ID exit 1 with a clear message', () => {
    const newer = cli('show', 'T1685', '--stix', BUNDLE_18);
    assert.equal(newer.code, 1);
    assert.match(newer.stderr, /T1685 is not in the loaded ATT&CK v18\.1 \(its highest technique is T1681\); it is likely from a newer ATT&CK release/);
    const unknown = cli('show', 'T1000', '--stix', requireShared(BUNDLE_18));
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /T1000 is not an ATT&CK technique in ATT&CK v18\.1\. Did you mean T1001 Data Obfuscation/);
  });

  test('typo or newer release: show gives the diagnostics\' verdict, with suggestions for a typo', () => {
    const bundle = requireShared(BUNDLE_18);
    const typo = cli('show', 'T9999', '--stix', bundle);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /T9999 is not an ATT&CK technique in ATT&CK v18\.1, and too far above its highest technique \(T1681\) to be from a newer release\. Did you mean T1599 Network Boundary Bridging/);
    const word = cli('show', 'attack.powers', '--stix', bundle);
    assert.equal(word.code, 1);
    assert.match(word.stderr, /attack\.powers is not an ATT&CK tactic or ID in ATT&CK v18\.1, nor one of a newer release\. Did you mean attack\.t1059\.001 \(PowerShell\)/);
    const tactic = cli('show', 'attack.stealth', '--stix', bundle);
    assert.equal(tactic.code, 1);
    assert.match(tactic.stderr, /attack\.stealth is not a tactic in the loaded ATT&CK v18\.1 \(ATT&CK v19 introduced Stealth, TA0005: Defense Evasion renamed\); it is likely from a newer ATT&CK release\. Load that release \(--stix\)/);
    const tag = cli('show', 'attack.t1059.001', '--stix', bundle);
    assert.equal(tag.code, 0);
    assert.match(tag.stdout, /T1059\.001/);
  });

  test('a missing or broken bundle exits 2 naming the file and the problem', () => {
    const missing = cli('show', 'T1559', '--stix', '/no/such/bundle.json');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /ATT&CK bundle \/no\/such\/bundle\.json does not exist \(set by --stix\)/);
    const broken = cli('show', 'T1559', '--stix', path.join(FIXTURES, 'workspace', 'rules', 'com_hijack_dde.yml'));
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /com_hijack_dde\.yml is not valid JSON/);
  });

  test('usage errors exit 2', () => {
    assert.equal(cli().code, 2);
    assert.equal(cli('frobnicate').code, 2);
    assert.equal(cli('show').code, 2);
    assert.equal(cli('--help').code, 0);
  });
});

describe('cli search', () => {
  test('search powers finds PowerShell; --json gives ranked results', () => {
    const { code, stdout } = cli('search', 'powers', '--kind', 'technique', '--stix', BUNDLE_18, '--json');
    assert.equal(code, 0);
    const results = JSON.parse(stdout);
    assert.equal(results[0].id, 'T1059.001');
    assert.equal(results[0].name, 'PowerShell');
  });
});

describe('cli code cache (dist/cli.js starting dist/cli-main.js)', () => {
  const run = (cacheDir: string, ...args: string[]) => spawnSync(process.execPath, [path.join(DIST, 'cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, TTPLENS_STIX: '', TTPLENS_CACHE_DIR: cacheDir, TTPLENS_RELEASES_DIR: releasesDir } });
  const codeCaches = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('cli-code-')) : []);

  test('the first run of a command leaves its cache, the next runs use it unchanged, and the output is the same', needsShared, () => {
    const dir = tempDir('ttplens-cli-code-');
    const first = run(dir, 'show', 'T1059', '--stix', requireShared(BUNDLE_18));
    assert.equal(first.status, 0, first.stderr);
    const [file] = codeCaches(dir);
    assert.match(file, /^cli-code-show-[0-9a-f]{16}\.bin$/);
    const written = statSync(path.join(dir, file)).mtimeMs;
    const second = run(dir, 'show', 'T1059', '--stix', requireShared(BUNDLE_18));
    assert.equal(second.stdout, first.stdout);
    assert.equal(statSync(path.join(dir, file)).mtimeMs, written, 'an accepted cache is not written again');
    // A cache V8 rejects (here: garbage) is only compile time lost, and is replaced.
    writeFileSync(path.join(dir, file), 'not a code cache');
    const third = run(dir, 'show', 'T1059', '--stix', requireShared(BUNDLE_18));
    assert.equal(third.stdout, first.stdout);
    assert.ok(statSync(path.join(dir, file)).size > 1000, 'the rejected cache is replaced');
    // Unknown commands share one cache file rather than one per mistyped name.
    run(dir, 'shwo');
    run(dir, 'sohw');
    assert.deepEqual(codeCaches(dir).map((f) => f.replace(/-[0-9a-f]{16}\.bin$/, '')).sort(), ['cli-code-other', 'cli-code-show']);
  });

  test('--no-cache writes no code cache', needsShared, () => {
    const dir = tempDir('ttplens-cli-code-');
    assert.equal(run(dir, 'show', 'T1059', '--stix', requireShared(BUNDLE_18), '--no-cache').status, 0);
    assert.deepEqual(codeCaches(dir), []);
  });
});

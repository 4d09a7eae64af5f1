// `check --fix` on a copy of SigmaHQ with fixable problems planted (a malformed technique tag, a
// malformed tactic, a duplicate, a revoked technique; some files with CRLF line ends): only lines with
// fixable findings change, every file still parses, everything else is byte-identical, and a second
// check finds nothing fixable. Also: --dry-run prints a diff that `git apply` takes, and the fixes are
// the editor's Fix All edits.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { diffLines } from 'diff';
import { parseAllDocuments } from 'yaml';
import { BUNDLE_18, DIST, needsShared, SIGMAHQ_RULES } from '../support/paths';
import { tempDir } from '../support/temp';

function check(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'check', ...args, '--stix', BUNDLE_18], {
    encoding: 'utf8',
    cwd,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TTPLENS_STIX: '', NO_COLOR: '1', TTPLENS_CACHE_DIR: path.join(DIST, '..', 'out', 'cli-cache') },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(full);
    }
  };
  walk(root);
  return out;
}

type Mutation = 'upper' | 'tactic' | 'duplicate' | 'revoked';
const MUTATIONS: Mutation[] = ['upper', 'tactic', 'duplicate', 'revoked'];

/** Plants one fixable problem in a Sigma rule's block `tags` list; undefined when the rule has no
 *  line this mutation applies to. */
function plant(text: string, mutation: Mutation): string | undefined {
  const lines = text.split('\n');
  const technique = lines.findIndex((l) => /^ {4}- attack\.t\d{4}(\.\d{3})?\r?$/.test(l));
  const tactic = lines.findIndex((l) => /^ {4}- attack\.[a-z]+-[a-z-]+\r?$/.test(l) && /defense-evasion|privilege-escalation|initial-access|lateral-movement|command-and-control|credential-access/.test(l));
  if (mutation === 'upper' && technique >= 0) lines[technique] = lines[technique].replace('attack.t', 'attack.T');
  else if (mutation === 'tactic' && tactic >= 0) lines[tactic] = lines[tactic].replace(/-/g, (m, i) => (i > 6 ? '_' : m));
  else if (mutation === 'duplicate' && technique >= 0) lines.splice(technique + 1, 0, lines[technique]);
  else if (mutation === 'revoked' && technique >= 0) lines.splice(technique + 1, 0, lines[technique].replace(/attack\.t[\d.]+/, 'attack.t1574.002'));
  else return undefined;
  return lines.join('\n');
}

describe('cli check --fix on a copy of SigmaHQ', needsShared, () => {
  test('changes only lines with fixable findings; files still parse; a second check finds none', () => {
    const root = tempDir('ttplens-fix-');
    cpSync(SIGMAHQ_RULES, path.join(root, 'rules'), { recursive: true });
    const original = new Map<string, string>();
    const planted = new Map<string, Mutation>();
    const files = filesUnder(path.join(root, 'rules')).filter((f) => f.endsWith('.yml'));
    files.forEach((file, i) => {
      const text = readFileSync(file, 'utf8');
      original.set(file, text);
      if (i % 9) return;
      const mutation = MUTATIONS[(i / 9) % MUTATIONS.length];
      let mutated = plant(text, mutation);
      if (!mutated) return;
      if (i % 2) mutated = mutated.replace(/\r?\n/g, '\r\n'); // some teams keep CRLF
      writeFileSync(file, mutated);
      planted.set(file, mutation);
    });
    assert.ok(planted.size > 250, `${planted.size} files planted`);

    const before = JSON.parse(check(['rules', '--format', 'json', '--fail-on', 'never'], root).stdout);
    const fixableLines = new Map<string, Set<number>>();
    for (const file of before.files) {
      const lines = new Set<number>(file.findings.filter((f: { fixable: boolean }) => f.fixable).map((f: { line: number }) => f.line));
      if (lines.size) fixableLines.set(path.resolve(root, file.path), lines);
    }
    // A planted upper-case tag of an ID the loaded release does not have (SigmaHQ's v19 IDs) is an
    // ID from a newer release, which has no fix: such files are left as planted.
    const unfixable = [...planted.keys()].filter((f) => !fixableLines.has(f));
    for (const file of unfixable) assert.match(readFileSync(file, 'utf8'), /attack\.T(1[6-9]\d\d)/, `${file} (${planted.get(file)}) has no fixable finding`);
    for (const file of unfixable) planted.delete(file);
    assert.equal(fixableLines.size, planted.size, 'every other planted problem is found, and nothing else is fixable');
    const mutatedText = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));

    const fixed = check(['rules', '--fix', '--format', 'json', '--fail-on', 'never'], root);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.match(fixed.stderr, new RegExp(`^Fixed \\d+ problems in ${planted.size} files:`, 'm'));
    const after = JSON.parse(fixed.stdout);
    assert.equal(after.summary.fixable, 0, 'the report shows what is left: nothing fixable');
    const again = JSON.parse(check(['rules', '--format', 'json', '--fail-on', 'never'], root).stdout);
    assert.equal(again.summary.fixable, 0, 'a second check finds none of the fixed kinds');

    for (const file of files) {
      const now = readFileSync(file, 'utf8');
      const was = mutatedText.get(file)!;
      const mutation = planted.get(file);
      if (!mutation) {
        assert.equal(now, was, `${file} has no fixable finding and is untouched`);
        continue;
      }
      assert.equal(parseAllDocuments(now).flatMap((d) => d.errors).length, 0, `${file} still parses`);
      if (was.includes('\r\n')) assert.doesNotMatch(now.replace(/\r\n/g, ''), /\n/, `${file} keeps its CRLF line ends`);
      // Line by line: every removed or changed line of the planted file had a fixable finding.
      let line = 1;
      for (const part of diffLines(was, now)) {
        const count = part.count ?? 0;
        if (part.removed) for (let i = 0; i < count; i++) assert.ok(fixableLines.get(file)?.has(line + i), `${file}:${line + i} changed without a fixable finding`);
        if (!part.added) line += count;
      }
      const restored = original.get(file)!;
      if (mutation === 'revoked') assert.match(now, /- attack\.t1574\.001/);
      else assert.equal(now.replace(/\r\n/g, '\n'), restored, `${file} (${mutation}) is back to the original text, comments and all`);
    }
  });

  test('--dry-run prints a unified diff that git apply takes, and writes nothing', () => {
    const root = tempDir('ttplens-dry-');
    cpSync(path.join(SIGMAHQ_RULES, 'windows', 'image_load'), path.join(root, 'rules'), { recursive: true });
    const file = filesUnder(path.join(root, 'rules'))[0];
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, plant(text, 'upper')!);
    const mutated = readFileSync(file, 'utf8');
    const dry = check(['rules', '--fix', '--dry-run'], root);
    assert.equal(readFileSync(file, 'utf8'), mutated, 'nothing written');
    assert.match(dry.stdout, /^--- a\/rules\/.*\n\+\+\+ b\/rules\/.*\n@@ /m);
    assert.match(dry.stderr, /^Would fix 1 problem in 1 file:\n {2}rules\/.*\n {4}\d+: ttp\.malformed attack\.T\d+ → attack\.t\d+$/m);
    execFileSync('git', ['init', '-q'], { cwd: root });
    execFileSync('git', ['apply'], { cwd: root, input: dry.stdout });
    assert.equal(readFileSync(file, 'utf8'), text);
  });
});

// `ttp-lens coverage` over the real corpora: for every file, exactly the technique IDs written in it,
// checked against an independent line-based extraction (not the parsers under test).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { independentStates, liveTechniqueIds, sigmaClaims } from '../support/independentCoverage';
import { BUNDLE_18, DIST, needsShared, REPO_ROOT, requireShared, SAMPLES, SIGMAHQ_RULES } from '../support/paths';

interface CoverageJson {
  attack: string;
  files: { file: string; format: string; techniques: string[] }[];
  techniques: Record<string, { name: string | null; status: string; files: string[] }>;
}

function coverage(...args: string[]): CoverageJson {
  const result = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'coverage', ...args, '--format', 'json', '--stix', BUNDLE_18], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TTPLENS_CACHE_DIR: path.join(REPO_ROOT, 'out', 'cli-cache') },
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as CoverageJson;
}

/** Technique IDs as list items ("- T1059.001", "- attack.t1059.001") or TOML `id = "T1059"` lines. */
const LINE_PATTERNS: Record<string, RegExp> = {
  sigma: /^\s*-\s+['"]?attack\.(t\d{4}(?:\.\d{3})?)['"]?\s*$/gim,
  splunk: /^\s*-\s+['"]?(T\d{4}(?:\.\d{3})?)['"]?\s*$/gm,
  // MaxPatrol content sometimes lists a technique's attack.mitre.org page instead of its ID.
  xp: /^\s*-\s+['"]?(?:https?:\/\/attack\.mitre\.org\/techniques\/)?(T\d{4}(?:[./]\d{3})?)\/?['"]?\s*$/gm,
  elastic: /^\s*id\s*=\s*"(T\d{4}(?:\.\d{3})?)"\s*$/gm,
};

function independentExtraction(file: string, format: string): string[] {
  const pattern = LINE_PATTERNS[format];
  assert.ok(pattern, `no independent extraction for ${format}`);
  let text = readFileSync(path.resolve(REPO_ROOT, file), 'utf8');
  if (format === 'xp') {
    // Only the ContentRelations block claims techniques (ExpertContext.References may link others).
    const start = text.indexOf('\nContentRelations:');
    const next = start < 0 ? -1 : text.slice(start + 1).search(/\n\S/);
    text = start < 0 ? '' : next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
  }
  return [...new Set([...text.matchAll(pattern)].map((m) => m[1].toUpperCase().replace('/', '.')))].sort();
}

describe('cli coverage', needsShared, () => {
  test('SigmaHQ: every file lists exactly the technique IDs written in it', () => {
    const report = coverage(requireShared(SIGMAHQ_RULES));
    assert.equal(report.attack, 'ATT&CK v18.1');
    assert.equal(report.files.length, 3141);
    let withTechniques = 0;
    for (const file of report.files) {
      assert.equal(file.format, 'sigma', file.file);
      assert.deepEqual(file.techniques, independentExtraction(file.file, 'sigma'), file.file);
      if (file.techniques.length) withTechniques++;
    }
    assert.ok(withTechniques > 2700, `${withTechniques} files with techniques`);
    // Per technique, the files: the inverse of the per-file lists.
    for (const [id, entry] of Object.entries(report.techniques)) {
      const expected = report.files.filter((f) => f.techniques.includes(id)).map((f) => f.file).sort();
      assert.deepEqual(entry.files, expected, id);
    }
    assert.equal(report.techniques.T1685.status, 'newer');
    assert.equal(report.techniques['T1059.001'].name, 'PowerShell');
  });

  test('SigmaHQ: every live technique and sub-technique has the state an independent computation gives', () => {
    const report = coverage(requireShared(SIGMAHQ_RULES)) as CoverageJson & { techniques: Record<string, { state?: string }> };
    const expected = independentStates(liveTechniqueIds(BUNDLE_18), sigmaClaims(requireShared(SIGMAHQ_RULES)));
    const differ = [...expected].filter(([id, state]) => report.techniques[id]?.state !== state).map(([id, state]) => `${id}: ${report.techniques[id]?.state} ≠ ${state}`);
    assert.deepEqual(differ, []);
    const stated = Object.entries(report.techniques).filter(([, t]) => t.state).length;
    assert.equal(stated, expected.size, 'a state for every live ID, and none for the others');
    assert.equal(report.techniques.T1685.state, undefined);
  });

  test('samples (Elastic, Splunk, MaxPatrol): every file lists exactly the technique IDs written in it', () => {
    const report = coverage(requireShared(SAMPLES));
    const formats = new Map<string, number>();
    for (const file of report.files) {
      formats.set(file.format, (formats.get(file.format) ?? 0) + 1);
      assert.deepEqual(file.techniques, independentExtraction(file.file, file.format), file.file);
    }
    assert.deepEqual(Object.fromEntries(formats), { elastic: 40, splunk: 40, xp: 20 });
  });

  test('text format: a per-tactic summary in matrix order', () => {
    const result = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'coverage', requireShared(SIGMAHQ_RULES), '--stix', BUNDLE_18], {
      encoding: 'utf8',
      env: { ...process.env, TTPLENS_CACHE_DIR: path.join(REPO_ROOT, 'out', 'cli-cache') },
    });
    assert.equal(result.status, 0, result.stderr);
    const tactics = [...result.stdout.matchAll(/^(TA\d{4}) /gm)].map((m) => m[1]);
    assert.deepEqual(tactics.slice(0, 3), ['TA0043', 'TA0042', 'TA0001']);
    assert.equal(tactics.length, 14);
    assert.match(result.stdout, /T1685 +from a newer ATT&CK release — \d+ rules/);
    // Every gap by ID and name, under its tactic: T1059.011 Lua is parent-only under T1059.
    assert.match(result.stdout, /^ {4}T1059 {6}Command and Scripting Interpreter \(covered, \d+ rules\)\n {6}T1059\.008 {2}Network Device CLI — parent-only, \d+ parent-level rules$/m);
    assert.match(result.stdout, /^ {6}T1059\.011 {2}Lua — parent-only, \d+ parent-level rules$/m);
  });

  test('--gaps, --format markdown and csv', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'coverage', requireShared(SIGMAHQ_RULES), '--stix', requireShared(BUNDLE_18), ...args], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, TTPLENS_CACHE_DIR: path.join(REPO_ROOT, 'out', 'cli-cache') },
    });
    const gaps = run('--gaps');
    assert.equal(gaps.status, 0, gaps.stderr);
    assert.doesNotMatch(gaps.stdout, /with rules:/);
    assert.match(gaps.stdout, /T1059\.011 {2}Lua — parent-only/);
    const markdown = run('--format', 'markdown', '--gaps');
    assert.match(markdown.stdout, /^## TA0002 Execution$/m);
    assert.match(markdown.stdout, /^\| T1059\.011 \| Command and Scripting Interpreter: Lua \| parent-only, \d+ parent-level rules \|$/m);
    const csv = run('--format', 'csv').stdout.trim().split('\n');
    const expected = independentStates(liveTechniqueIds(BUNDLE_18), sigmaClaims(requireShared(SIGMAHQ_RULES)));
    assert.equal(csv.length, expected.size + 1);
    for (const line of csv.slice(1)) {
      const [id] = line.split(',');
      assert.ok(line.includes(`,${expected.get(id)},`), line);
    }
    const bad = run('--format', 'yaml');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--format must be text, markdown, json, csv or navigator, not "yaml"/);
  });
});

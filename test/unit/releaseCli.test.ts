// The release commands as a user runs them: `diff` on SigmaHQ against an independent computation
// from the two bundles' raw STIX, and `migrate --write` on copies of SigmaHQ to the SYNTHETIC v19-like
// release, checked afterwards with the product's own diagnostics, `diff -ru` and the full parser.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { before, describe, test } from 'node:test';
import type { Corpus } from '../../server/src/corpus/corpus';
import { findingsOf } from '../../server/src/features/diagnostics';
import { resolveReference } from '../../server/src/features/resolve';
import type { RuleDocument } from '../../server/src/formats/model';
import { parseWithFormat } from '../../server/src/formats/parse';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { fileUri } from '../../server/src/uris';
import { indexText } from '../../server/src/workspace/indexer';
import { preloaded, preloadCorpora } from '../support/corpora';
import { BUNDLE_17, BUNDLE_18, DIST, needsShared, requireShared, SHARED, SIGMAHQ_RULES } from '../support/paths';
import { copySigmaHq, downgradeToV18 } from '../support/releaseCorpora';
import { syntheticReleaseFile } from '../support/syntheticRelease';

before(preloadCorpora);

function cli(args: string[], cwd?: string) {
  const result = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), ...args], {
    encoding: 'utf8',
    cwd,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TTPLENS_STIX: '', TTPLENS_CACHE_DIR: path.join(DIST, '..', 'out', 'cli-cache') },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Stix {
  type: string;
  id: string;
  name: string;
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  x_mitre_is_subtechnique?: boolean;
  x_mitre_data_source_ref?: string;
  external_references?: { source_name: string; external_id?: string }[];
}

function stixObjects(file: string): Map<string, Stix> {
  const objects = new Map<string, Stix>();
  const bytes = readFileSync(file);
  for (const o of (JSON.parse((file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')) as { objects: Stix[] }).objects) {
    const id = o.external_references?.find((r) => r.source_name === 'mitre-attack')?.external_id;
    if (id && o.type !== 'relationship') objects.set(id, o);
  }
  return objects;
}

function* yamlFiles(directory: string): Generator<string> {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) yield* yamlFiles(full);
    else if (/\.ya?ml$/.test(entry.name)) yield full;
  }
}

describe('cli diff: SigmaHQ from v17.1 to v18.1, against the raw STIX', needsShared, () => {
  test('deprecated data sources, renamed techniques and new sub-techniques under claimed parents, with counts', () => {
    const { code, stdout, stderr } = cli(['diff', '--from', requireShared(BUNDLE_17), '--to', requireShared(BUNDLE_18), requireShared(SIGMAHQ_RULES), '--format', 'json']);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as { summary: Record<string, { references: number; files: number; ids: string[] }>; files: { file: string; changes: { kind: string; id: string; components?: { id: string }[] }[] }[] };

    // Independently: the two bundles' objects by ATT&CK ID, and the tags of every rule file.
    const a = stixObjects(BUNDLE_17);
    const b = stixObjects(BUNDLE_18);
    const deprecatedSources = new Set([...b].filter(([id, o]) => o.type === 'x-mitre-data-source' && o.x_mitre_deprecated && !a.get(id)?.x_mitre_deprecated).map(([id]) => id));
    const renamed = new Set([...b].filter(([id, o]) => o.type === 'attack-pattern' && !o.revoked && a.get(id) && !a.get(id)!.revoked && a.get(id)!.name !== o.name).map(([id]) => id));
    const newSubsOf = (parent: string) => [...b].filter(([id, o]) => id.startsWith(`${parent}.`) && o.type === 'attack-pattern' && !o.revoked && !o.x_mitre_deprecated && !a.has(id)).length;
    const expected = { 'data-source-deprecated': [] as [string, string][], renamed: [] as [string, string][], 'new-subtechniques': [] as [string, string][] };
    for (const file of yamlFiles(SIGMAHQ_RULES)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/^\s*-\s+['"]?attack\.((?:t|ds)\d{4}(?:\.\d{3})?)['"]?\s*$/gim)) {
        const id = match[1].toUpperCase();
        if (deprecatedSources.has(id)) expected['data-source-deprecated'].push([file, id]);
        if (renamed.has(id)) expected.renamed.push([file, id]);
        if (/^T\d{4}$/.test(id) && a.has(id) && newSubsOf(id) > 0) expected['new-subtechniques'].push([file, id]);
      }
    }
    for (const [kind, pairs] of Object.entries(expected)) {
      const got = report.summary[kind];
      assert.ok(pairs.length > 0, `SigmaHQ has ${kind} references`);
      assert.equal(got.references, pairs.length, `${kind}: references`);
      assert.equal(got.files, new Set(pairs.map(([f]) => f)).size, `${kind}: files`);
      assert.deepEqual(got.ids, [...new Set(pairs.map(([, id]) => id))].sort(), `${kind}: IDs`);
    }

    // A deprecated data source names the v18 data components that carry on its v17 components.
    const source = expected['data-source-deprecated'][0][1];
    const sourceStix = a.get(source)!;
    // v17 data components have no ATT&CK ID: read them from the whole bundle.
    const v17Components = (JSON.parse(readFileSync(BUNDLE_17, 'utf8')) as { objects: Stix[] }).objects.filter((o) => o.type === 'x-mitre-data-component');
    const componentNames = v17Components.filter((o) => o.x_mitre_data_source_ref === sourceStix.id).map((o) => o.name);
    assert.ok(componentNames.length > 0);
    const expectedComponents = [...b].filter(([, o]) => o.type === 'x-mitre-data-component' && componentNames.includes(o.name)).map(([id]) => id).sort();
    const change = report.files.flatMap((f) => f.changes).find((c) => c.kind === 'data-source-deprecated')!;
    assert.deepEqual(change.components!.map((c) => c.id), expectedComponents);
  });

  test('versions are found in --releases folders; the text and Markdown reports give the counts', () => {
    const text = cli(['diff', '--from', '17.1', '--to', '18.1', '--releases', path.join(SHARED, 'attack'), requireShared(SIGMAHQ_RULES)]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ATT&CK v17\.1 → ATT&CK v18\.1: \d+ references in \d+ rule files \(of 3,141\) change meaning$/m);
    assert.match(text.stdout, /^ {2}Renamed: 3 references in 3 files \(T1552\.003\)$/m);
    const markdown = cli(['diff', '--from', '17.1', '--to', '18.1', '--releases', path.join(SHARED, 'attack'), requireShared(SIGMAHQ_RULES), '--format', 'markdown']);
    assert.match(markdown.stdout, /^# ATT&CK release changes: ATT&CK v17\.1 → ATT&CK v18\.1$/m);
    assert.match(markdown.stdout, /^\| Data sources deprecated \| 1 \| 1 \| DS0005 \|$/m);
  });

  test('a release that is not available, no --from, --help', () => {
    const missing = cli(['diff', '--from', '12.1', '--releases', path.join(SHARED, 'attack'), '--stix', requireShared(BUNDLE_18), requireShared(SIGMAHQ_RULES)]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /ATT&CK v12\.1 is not available locally .*available: 18\.1, 17\.1/);
    const noFrom = cli(['diff', requireShared(SIGMAHQ_RULES)]);
    assert.equal(noFrom.code, 2);
    assert.match(noFrom.stderr, /--from is required/);
    const help = cli(['migrate', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--choose ID=CHOICE/);
    assert.match(help.stdout, /Examples:/);
  });
});

/** What a migration must leave behind none of: revoked IDs, wrong and missing tactics — and a tag
 *  or ID the target release no longer knows (a renamed tactic left as it was), which hides the
 *  tactic checks. */
const MIGRATION_CODES = new Set(['ttp.revoked', 'ttp.wrong-tactic', 'ttp.missing-tactic', 'ttp.unknown-tactic', 'ttp.newer-tactic', 'ttp.unknown-id']);

/** The findings a migration is about, keyed by code and the object they are about (in B's terms:
 *  an A technique by its successor), per file. */
function findingKeys(corpus: Corpus, rule: RuleDocument, successorIn?: Corpus): Set<string> {
  const keys = new Set<string>();
  for (const finding of findingsOf(rule, { corpus, settings: DEFAULT_SETTINGS })) {
    if (!MIGRATION_CODES.has(finding.code)) continue;
    const reference = rule.references.find((r) => r.range.start.line === finding.range.start.line && r.range.start.character === finding.range.start.character)!;
    const resolution = resolveReference(corpus, reference);
    let id = resolution.status === 'found' ? resolution.object.id : reference.id;
    const inB = successorIn?.get(id);
    if (inB?.revoked) id = successorIn!.revokedSuccessor(inB)?.successor.id ?? id;
    keys.add(`${finding.code}|${id}`);
  }
  return keys;
}

/** Whether a rule references something the release does not know (written for another release). */
const knowsAll = (corpus: Corpus, rule: RuleDocument) => rule.references.every((r) => r.kind === 'unknown' || resolveReference(corpus, r).status === 'found');

function checkMigration(label: string, prepare: (folder: string) => void): void {
  test(label, () => {
    const before = copySigmaHq();
    prepare(before);
    const after = copySigmaHq();
    prepare(after);
    const run = cli(['migrate', '--from', '18.1', '--to', syntheticReleaseFile(), after, '--write']);
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    const reported = new Set([...run.stderr.matchAll(/^ {4}(\S.*\.ya?ml)$/gm), ...run.stderr.matchAll(/^ttp-lens: (\S+\.ya?ml):\d+:\d+: not migrated/gm)].map((m) => path.resolve(m[1])));
    const a = preloaded.v18;
    const b = preloaded.synthetic;
    let changedFiles = 0;

    // Only reference and tactic lines changed (`diff -ru`, not our own diff).
    const diff = spawnSync('diff', ['-ru', before, after], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    for (const line of diff.stdout.split('\n')) {
      if (/^(---|\+\+\+|@@|diff |Only in)/.test(line) || !/^[-+]/.test(line)) continue;
      assert.match(line.slice(1), /^\s*-\s+attack\.[a-z0-9.-]+\s*$/, `only tag lines change: ${line}`);
    }

    for (const file of yamlFiles(before)) {
      const relative = path.relative(before, file);
      const migratedFile = path.join(after, relative);
      const oldText = readFileSync(file, 'utf8');
      const newText = readFileSync(migratedFile, 'utf8');
      const oldRule = indexText(fileUri(file), file, oldText);
      const newRule = indexText(fileUri(migratedFile), migratedFile, newText);
      if (!oldRule || !newRule) continue;
      if (oldText !== newText) {
        changedFiles++;
        // Still parses (the full parser), and every comment line is still there, byte for byte.
        const errors = (uri: string, t: string) => parseWithFormat(uri, t, 'sigma').problems.filter((p) => p.severity === 'error').length;
        assert.ok(errors(newRule.uri, newText) <= errors(oldRule.uri, oldText), `${relative} still parses`);
        const comments = (t: string) => t.split(/\r?\n/).filter((l) => l.includes('#')).sort();
        assert.deepEqual(comments(newText), comments(oldText), `${relative}: comments`);
      }
      if (reported.has(path.resolve(migratedFile))) continue; // asked or reported: left as it was, on purpose
      // Against B, no revoked, wrong-tactic or missing-tactic finding the migration could fix is left:
      // what is left was there in A already, or is about references A did not know.
      const left = findingKeys(b, newRule);
      if (!left.size || !knowsAll(a, oldRule)) continue;
      const had = findingKeys(a, oldRule, b);
      for (const key of left) assert.ok(had.has(key) && !key.startsWith('ttp.revoked'), `${relative}: ${key} after the migration, not before`);
    }
    assert.ok(changedFiles > 0 || label.includes('as it is'), 'files changed');
  });
}

describe('cli migrate: SigmaHQ to the SYNTHETIC v19-like release', needsShared, () => {
  checkMigration('SigmaHQ as it is (already tagged with v19 IDs): nothing the release changes is left', () => undefined);
  checkMigration('SigmaHQ downgraded to v18.1 tags (synthetic copy): migrated, nothing fixable left, only tag lines changed, comments kept', (folder) => assert.ok(downgradeToV18(folder) > 1000));

  test('without --write: a unified diff that patch(1) applies, and the ambiguous case with its --choose hint', () => {
    const folder = copySigmaHq();
    downgradeToV18(folder);
    const run = cli(['migrate', '--from', '18.1', '--to', syntheticReleaseFile(), '.'], folder);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /ambiguous, left unchanged in \d+ files?: T1562 Impair Defenses is revoked .* split into T1685 .* and T1686 .* Decide with --choose T1562=T1685/);
    const patched = spawnSync('patch', ['-p1', '-s', '--dry-run'], { cwd: folder, input: run.stdout, encoding: 'utf8' });
    assert.equal(patched.status, 0, patched.stderr);
    const chosen = cli(['migrate', '--from', '18.1', '--to', syntheticReleaseFile(), '.', '--choose', 'T1562=T1686'], folder);
    assert.doesNotMatch(chosen.stderr, /ambiguous/);
    assert.match(chosen.stdout, /^- {4}- attack\.t1562$[^]*?^\+ {4}- attack\.t1686$/m);
  });
});

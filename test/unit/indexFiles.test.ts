// The index's file walk and reads, made cheaper per file: the same files in the same order as a sort
// of the whole paths, the same binary verdicts at the edge of the probe, the same index keys after
// rules are replaced and deleted.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import picomatch from 'picomatch';
import { parseSigma } from '../../server/src/formats/sigma';
import type { RuleDocument } from '../../server/src/formats/model';
import { ExcludeMatcher, isRuleCandidate, listRuleFiles, MAX_RULE_BYTES, readRuleFile } from '../../server/src/workspace/files';
import { indexFile } from '../../server/src/workspace/indexer';
import { RuleIndex } from '../../server/src/workspace/ruleIndex';
import { tempDir } from '../support/temp';

/** Every file under `root` the walk should list, found the plain way and sorted as whole paths. */
function expected(root: string, excluded: (relative: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (directory: string, relative: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(full, rel);
      else if (entry.isFile() && isRuleCandidate(entry.name) && !excluded(rel)) out.push(full);
    }
  };
  walk(root, '');
  return out.sort();
}

describe('index file walk', () => {
  test('lists rule files in the order of a sort of their whole paths, whatever the names', () => {
    const root = tempDir('ttplens-walk-');
    const names = ['a', 'a-b', 'a.b', 'a_b', 'ab', 'A', 'Z', 'é', 'a b', '0', '.hidden', 'x.yml'];
    for (const folder of names) {
      mkdirSync(path.join(root, folder, 'inner'), { recursive: true });
      for (const file of ['a.yml', 'a-b.yml', 'b.YAML', 'c.toml', 'd.kql', 'e.txt', '.yml', 'z.yml']) writeFileSync(path.join(root, folder, file), 'x');
      writeFileSync(path.join(root, folder, 'inner', 'r.yml'), 'x');
    }
    for (const file of ['a.yml', 'a', 'a-b.yml', 'ab.yml', '..yml', 'Z.YML', 'é.yaml']) writeFileSync(path.join(root, `${file === 'a' ? 'a.rules' : file}`), 'x');
    const listed = listRuleFiles(root, new ExcludeMatcher([]));
    assert.deepEqual(listed, expected(root));
    assert.ok(listed.some((file) => file.endsWith(`${path.sep}..yml`)) && !listed.some((file) => file.endsWith(`${path.sep}.yml`)));
    const exclude = new ExcludeMatcher(['a-b/**', '*.toml']);
    assert.deepEqual(listRuleFiles(root, exclude), expected(root, (relative) => exclude.excludesFile(relative)));
  });

  test('excludes exactly what picomatch matches, file and directory, for files.exclude-style globs', () => {
    const globs = ['**/node_modules/**', '**/.git/**', '*.toml', 'a-b/**', 'rules-*/**', '**/{deprecated,unsupported}/**', '**/.*', 'x/[ab]?.yml', 'x/**/inner', '**/*.{kql,rules}', 'é/*', 'a b/**/z.yml', '**/!(*.yml)', 'x/a(b).yml'];
    const paths = ['a.yml', 'x/a1.yml', 'x/c1.yml', 'x/y/inner', 'x/inner', 'a-b', 'a-b/c.yml', 'rules-emerging/w/a.yml', 'rules/deprecated/a.yml', 'deprecated', '.hidden/a.yml', 'a/.yml', 'é/a.yml', 'é/b/a.yml', 'a b/c/z.yml', 'a b/z.yml', 'node_modules', 'p/node_modules/q.yml', '.git', 'c.toml', 'x/c.toml', 'y.kql', 'y.rules', 'y.yaml', '*.toml', 'x/[ab]?.yml', 'x/a(b).yml', 'x/ab.yml'];
    for (const glob of globs) {
      const exclude = new ExcludeMatcher([glob]);
      const pattern = glob.startsWith('**/') || glob.includes('/') ? glob : `**/${glob}`;
      const reference = picomatch(pattern, { dot: true });
      for (const relative of paths) {
        assert.equal(exclude.excludesFile(relative), reference(relative), `${glob} on ${relative}`);
        assert.equal(exclude.excludesDirectory(relative), reference(relative) || reference(`${relative}/\u0000`), `${glob} on directory ${relative}`);
      }
    }
  });

  test('a NUL within the first 8 KB makes a file binary, one after it does not', () => {
    const root = tempDir('ttplens-binary-');
    for (const [name, at, size] of [['in.yml', 8191, 9000], ['after.yml', 8192, 9000], ['short.yml', 10, 11], ['big.yml', 8191, 200_000]] as const) {
      const bytes = Buffer.alloc(size, 0x61);
      bytes[at] = 0;
      writeFileSync(path.join(root, name), bytes);
    }
    assert.equal((readRuleFile(path.join(root, 'in.yml')) as { skipped: string }).skipped, 'binary');
    assert.equal((readRuleFile(path.join(root, 'after.yml')) as { text: string }).text.length, 9000);
    assert.equal((readRuleFile(path.join(root, 'short.yml')) as { skipped: string }).skipped, 'binary');
    assert.equal((readRuleFile(path.join(root, 'big.yml')) as { skipped: string }).skipped, 'binary');
    writeFileSync(path.join(root, 'text.yml'), 'title: é\n');
    assert.deepEqual(readRuleFile(path.join(root, 'text.yml')), { text: 'title: é\n' });
  });

  test('the index reads YAML files into the byte scanner with the same verdicts: binary, too large, rules of any size', () => {
    const root = tempDir('ttplens-bytes-');
    const binary = Buffer.alloc(9000, 0x61);
    binary[8191] = 0;
    writeFileSync(path.join(root, 'binary.yml'), binary);
    writeFileSync(path.join(root, 'large.yml'), Buffer.alloc(MAX_RULE_BYTES + 1, 0x61));
    const rule = (size: number) => {
      const head = 'title: Big\ntags:\n    - attack.t1059\nlogsource:\n    product: windows\ndescription: |\n';
      return head + '    x\n'.repeat(Math.ceil((size - head.length) / 6));
    };
    for (const [name, size] of [['small.yml', 100], ['grows.yml', 300_000], ['limit.yml', MAX_RULE_BYTES - 10], ['again.yml', 100]] as const) writeFileSync(path.join(root, name), rule(size).slice(0, Math.max(size, 90)));
    assert.equal((indexFile(path.join(root, 'binary.yml')) as { skipped: string }).skipped, 'binary');
    assert.equal((indexFile(path.join(root, 'large.yml')) as { skipped: string }).skipped, 'large');
    for (const name of ['small.yml', 'grows.yml', 'limit.yml', 'again.yml']) {
      const file = path.join(root, name);
      const outcome = indexFile(file) as { rule: RuleDocument };
      const text = readFileSync(file, 'utf8');
      assert.deepEqual(outcome.rule.references.map((r) => r.id), ['T1059'], name);
      assert.deepEqual(outcome.rule.references, parseSigma(outcome.rule.uri, text).references, name);
    }
    assert.equal((indexFile(path.join(root, 'binary.yml')) as { skipped: string }).skipped, 'binary');
  });
});

describe('rule index keys', () => {
  const rule = (title: string, ...tags: string[]) => `title: ${title}\ntags:\n${tags.map((t) => `  - attack.${t}\n`).join('')}logsource:\n  product: windows\n`;

  test('found again from the replaced rule: replacing and deleting leaves no stale entry', () => {
    const index = new RuleIndex();
    index.set(parseSigma('file:///a.yml', rule('A', 't1059', 'g0007', 'execution', 'T1003', 'foo')));
    index.set(parseSigma('file:///b.yml', rule('B', 't1059', 't1059')));
    assert.equal(index.countFor('T1059'), 2);
    assert.equal(index.countFor('G0007', 'group'), 1);
    index.set(parseSigma('file:///a.yml', rule('A', 't1105')));
    assert.equal(index.countFor('T1059'), 1);
    assert.equal(index.countFor('G0007', 'group'), 0);
    assert.equal(index.countFor('T1003'), 0);
    index.delete('file:///b.yml');
    assert.deepEqual(index.techniqueIds(), ['T1105']);
    index.delete('file:///a.yml');
    assert.deepEqual(index.techniqueIds(), []);
    assert.equal(index.delete('file:///a.yml'), false);
  });
});

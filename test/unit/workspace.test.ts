// The workspace index: file selection (excludes, large and binary files), the incremental rule
// index, and the service that keeps it current — one file at a time.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { parseSigma } from '../../server/src/formats/sigma';
import { parseText } from '../../server/src/formats/text';
import { ExcludeMatcher, excludeGlobs, listRuleFiles, MAX_RULE_BYTES, readRuleFile } from '../../server/src/workspace/files';
import { indexFile } from '../../server/src/workspace/indexer';
import { RuleIndex } from '../../server/src/workspace/ruleIndex';
import { WorkspaceService } from '../../server/src/workspace/workspaceService';
import { fileUri } from '../../server/src/uris';
import { URI } from 'vscode-uri';
import { tempDir } from '../support/temp';

const rule = (title: string, ...techniques: string[]) =>
  `title: ${title}\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel: {a: b}\n  condition: sel\ntags:\n${techniques.map((t) => `  - attack.${t.toLowerCase()}\n`).join('')}`;

function workspace(): string {
  const root = tempDir('ttplens-ws-');
  mkdirSync(path.join(root, 'rules', 'windows'), { recursive: true });
  mkdirSync(path.join(root, 'node_modules', 'pkg'), { recursive: true });
  mkdirSync(path.join(root, 'drafts'), { recursive: true });
  writeFileSync(path.join(root, 'rules', 'windows', 'a.yml'), rule('A', 'T1059.001'));
  writeFileSync(path.join(root, 'rules', 'windows', 'b.yaml'), rule('B', 'T1059.001', 'T1003'));
  writeFileSync(path.join(root, 'rules', 'notes.md'), 'See T1059.001');
  writeFileSync(path.join(root, 'rules', 'ci.yml'), 'on: push\njobs:\n  test: {runs-on: ubuntu}\n');
  writeFileSync(path.join(root, 'node_modules', 'pkg', 'x.yml'), rule('Dependency', 'T1001'));
  writeFileSync(path.join(root, 'drafts', 'd.yml'), rule('Draft', 'T1002'));
  return root;
}

describe('workspace files', () => {
  test('excludes: files.exclude objects and ttpLens.exclude globs, folders pruned', () => {
    const root = workspace();
    const globs = excludeGlobs({ '**/drafts': true, '**/.git': true, '**/off': false }, ['**/node_modules/**']);
    assert.deepEqual(globs, ['**/drafts', '**/.git', '**/node_modules/**']);
    const files = listRuleFiles(root, new ExcludeMatcher(globs)).map((f) => path.relative(root, f));
    assert.deepEqual(files, ['rules/ci.yml', 'rules/windows/a.yml', 'rules/windows/b.yaml']);
  });

  test('huge, binary and empty files are skipped or empty, never thrown on', () => {
    const root = tempDir('ttplens-files-');
    const huge = path.join(root, 'huge.yml');
    writeFileSync(huge, `title: x\n${'#'.repeat(MAX_RULE_BYTES)}`);
    const binary = path.join(root, 'binary.yml');
    writeFileSync(binary, Buffer.from([0x74, 0x69, 0, 1, 2, 3]));
    const empty = path.join(root, 'empty.yml');
    writeFileSync(empty, '');
    assert.deepEqual(readRuleFile(huge), { skipped: 'large', detail: '2.0 MB' });
    assert.equal((readRuleFile(binary) as { skipped: string }).skipped, 'binary');
    assert.deepEqual(indexFile(empty), { notRule: true });
    assert.equal((readRuleFile(path.join(root, 'missing.yml')) as { skipped: string }).skipped, 'unreadable');
  });
});

describe('rule index', () => {
  test('technique → rules stays exact through set, replace and delete', () => {
    const index = new RuleIndex();
    index.set(parseSigma('file:///a.yml', rule('A', 'T1059.001', 'T1003')));
    index.set(parseSigma('file:///b.yml', rule('B', 'T1059.001')));
    assert.equal(index.countFor('T1059.001'), 2);
    index.set(parseSigma('file:///b.yml', rule('B', 'T1105')));
    assert.equal(index.countFor('T1059.001'), 1);
    assert.deepEqual(index.techniqueIds(), ['T1003', 'T1059.001', 'T1105']);
    index.delete('file:///a.yml');
    assert.deepEqual(index.techniqueIds(), ['T1105']);
    index.set(parseSigma('file:///dir/c.yml', rule('C', 'T1003')));
    assert.equal(index.deleteUnder('file:///dir'), 1);
    assert.equal(index.size, 1);
  });

  test('a re-parse that changes nothing coverage shows (a keystroke in a description) is not a coverage change', () => {
    const index = new RuleIndex();
    const changes: boolean[] = [];
    index.onChange((change) => changes.push(change.coverageChanged));
    const text = rule('A', 'T1059.001');
    index.set(parseSigma('file:///a.yml', text));
    index.set(parseSigma('file:///a.yml', text.replace('title: A', 'title: A\ndescription: typing')));
    index.set(parseSigma('file:///a.yml', text.replace('title: A', 'title: A\ndescription: typing more')));
    index.set(parseSigma('file:///a.yml', text.replace('T1059.001', 'T1059.003')));
    index.set(parseSigma('file:///a.yml', text.replace('title: A', 'title: B').replace('T1059.001', 'T1059.003')));
    index.delete('file:///a.yml');
    // new, lines moved, same lines, new technique, new title, deleted
    assert.deepEqual(changes, [true, true, false, true, true, true]);
    assert.equal(index.get('file:///a.yml'), undefined);
  });
});

describe('workspace service', () => {
  const service = (root: string) => {
    const logs: string[] = [];
    const ws = new WorkspaceService({ log: (m) => logs.push(m), progress: async () => ({ report() {}, done() {} }) });
    ws.configure([root], ['**/node_modules/**'], {});
    return { ws, logs };
  };

  test('first index: rule files only, skipped files said once in the log', async () => {
    const root = workspace();
    writeFileSync(path.join(root, 'rules', 'bin.yml'), Buffer.from([1, 0, 2]));
    const { ws, logs } = service(root);
    await ws.indexAll();
    assert.deepEqual([...ws.index.all()].map((r) => r.identity.title).sort(), ['A', 'B', 'Draft']);
    assert.equal(ws.index.countFor('T1059.001'), 2);
    assert.equal(ws.stats.skipped.binary, 1);
    await ws.indexAll();
    assert.equal(logs.filter((l) => l.includes('bin.yml')).length, 1, 'skip reported once');
  });

  test('an edit of one open file updates the index without re-reading the others', async () => {
    const root = workspace();
    const { ws } = service(root);
    await ws.indexAll();
    const readsAfterIndex = ws.stats.filesRead;
    const uri = pathToFileURL(path.join(root, 'rules', 'windows', 'a.yml')).href;
    ws.documentChanged(parseSigma(uri, rule('A', 'T1059.001')));
    ws.documentChanged(parseSigma(uri, rule('A edited', 'T1547.001')));
    assert.equal(ws.stats.filesRead, readsAfterIndex, 'no file read for an edit');
    assert.equal(ws.stats.documentsParsed, 2);
    assert.equal(ws.index.countFor('T1059.001'), 1);
    assert.equal(ws.index.countFor('T1547.001'), 1);
    // A change on disk of the open file is ignored; closing re-reads that one file only.
    ws.fileChanged(uri);
    assert.equal(ws.stats.filesRead, readsAfterIndex);
    ws.documentClosed(uri);
    assert.equal(ws.stats.filesRead, readsAfterIndex + 1);
    assert.equal(ws.index.countFor('T1059.001'), 2, 'disk version back');
  });

  test('detection content in other languages (YARA, Suricata, KQL, ttpLens.formats.text globs) counts as rules; prose does not', async () => {
    const root = workspace();
    writeFileSync(path.join(root, 'rules', 'loader.yar'), 'rule X { meta: mitre_attack = "T1620" condition: true }\n');
    writeFileSync(path.join(root, 'rules', 'dns.rules'), 'alert dns any any -> any 53 (msg:"x"; metadata: mitre_technique_id T1071.004; sid:1;)\n');
    writeFileSync(path.join(root, 'rules', 'hunt.kql'), '// T1218.011\nDeviceProcessEvents | take 1\n');
    writeFileSync(path.join(root, 'rules', 'hunt.txt'), 'T1105 hunting notes\n');
    const logs: string[] = [];
    const ws = new WorkspaceService({ log: (m) => logs.push(m), progress: async () => ({ report() {}, done() {} }) });
    ws.configure([root], ['**/node_modules/**'], { text: ['**/hunts.yml'] });
    writeFileSync(path.join(root, 'rules', 'hunts.yml'), 'queries:\n  - id: T1110\n');
    await ws.indexAll();
    const formats = Object.fromEntries([...ws.index.all()].map((r) => [path.basename(URI.parse(r.uri).fsPath), r.format]));
    assert.deepEqual(formats, { 'a.yml': 'sigma', 'b.yaml': 'sigma', 'd.yml': 'sigma', 'loader.yar': 'text', 'dns.rules': 'text', 'hunt.kql': 'text', 'hunts.yml': 'text' });
    for (const id of ['T1620', 'T1071.004', 'T1218.011', 'T1110']) assert.equal(ws.index.countFor(id), 1, id);
    // An open note stays out of the index; an open YARA rule stays in it with its edit.
    const note = pathToFileURL(path.join(root, 'rules', 'notes.md')).href;
    const yara = pathToFileURL(path.join(root, 'rules', 'loader.yar')).href;
    ws.documentChanged(parseText(note, 'See T1059.001'));
    ws.documentChanged(parseText(yara, 'rule X { meta: mitre_attack = "T1055" condition: true }'));
    assert.equal(ws.index.get(note), undefined);
    assert.equal(ws.index.countFor('T1620'), 0);
    assert.equal(ws.index.countFor('T1055'), 1);
  });

  test('a document opened before the folders are known is indexed by the first full index', async () => {
    const root = workspace();
    const ws = new WorkspaceService({ log: () => undefined, progress: async () => ({ report() {}, done() {} }) });
    const uri = pathToFileURL(path.join(root, 'rules', 'windows', 'a.yml')).href;
    ws.documentChanged(parseSigma(uri, rule('A open', 'T1105')));
    assert.equal(ws.index.countFor('T1105'), 0, 'not in a workspace yet');
    ws.configure([root], [], {});
    await ws.indexAll();
    assert.equal(ws.index.countFor('T1105'), 1, 'the open version, not the disk');
    assert.equal(ws.index.get(uri)?.identity.title, 'A open');
  });

  test('file events: create, change, delete of a file and of a folder', async () => {
    const root = workspace();
    const { ws } = service(root);
    await ws.indexAll();
    const created = path.join(root, 'rules', 'new.yml');
    writeFileSync(created, rule('New', 'T1105'));
    ws.fileChanged(pathToFileURL(created).href);
    assert.equal(ws.index.countFor('T1105'), 1);
    writeFileSync(created, rule('New', 'T1106'));
    ws.fileChanged(pathToFileURL(created).href);
    assert.deepEqual([ws.index.countFor('T1105'), ws.index.countFor('T1106')], [0, 1]);
    ws.fileDeleted(pathToFileURL(created).href);
    assert.equal(ws.index.countFor('T1106'), 0);
    ws.fileDeleted(pathToFileURL(path.join(root, 'rules', 'windows')).href);
    assert.equal(ws.index.countFor('T1059.001'), 0);
    // Excluded and non-rule files stay out.
    ws.fileChanged(pathToFileURL(path.join(root, 'node_modules', 'pkg', 'x.yml')).href);
    assert.equal(ws.index.countFor('T1001'), 0);
  });
});

describe('URIs', () => {
  test('index URIs are written as VS Code writes them, for plain and special paths', () => {
    for (const file of ['/example/rules/proc_creation_win_x.yml', '/example/My Rules (old)/rule!@#.yml', '/example/ä/ü.yml', '/example/a+b/c;d=e.yml']) {
      assert.equal(fileUri(file), URI.file(file).toString(), file);
    }
  });
});

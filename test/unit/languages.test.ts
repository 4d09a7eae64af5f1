// The pieces of "English and Russian everywhere" that need no server: the overlay loader (both
// forms, and broken input), MaxPatrol i18n descriptions, and the CLI's --locale / LANG / --overlay.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { loadCorpus } from '../../server/src/corpus/load';
import { loadOverlays } from '../../server/src/corpus/overlay';
import { parseRule } from '../../server/src/formats/parse';
import { setLocale } from '../../server/src/l10n/l10n';
import { ruleName } from '../../server/src/workspace/ruleNames';
import { BUNDLE_18, DIST, FIXTURES, REPO_ROOT } from '../support/paths';
import { tempDir } from '../support/temp';

const OVERLAYS = path.join(REPO_ROOT, 'data', 'overlays');
const XP = path.join(FIXTURES, 'xp-i18n', 'correlation_rules', 'mitre_attck_execution');

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), ...args], {
    encoding: 'utf8',
    cwd: FIXTURES,
    env: { ...process.env, TTPLENS_STIX: '', LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '', TTPLENS_CACHE_DIR: path.join(DIST, '..', 'out', 'cli-cache'), ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('corpus overlay', () => {
  test('the YAML map and the STIX language-content form give the same texts', async () => {
    const { corpus } = await loadCorpus([BUNDLE_18], { cacheDir: false });
    const yaml = loadOverlays([path.join(OVERLAYS, 'attack-ru.example.yaml')], corpus);
    const stix = loadOverlays([path.join(OVERLAYS, 'attack-ru.example.stix.json')], corpus);
    assert.deepEqual([yaml.problems, stix.problems], [[], []]);
    const [ru, ruStix] = [yaml.languages.get('ru')!, stix.languages.get('ru')!];
    for (const id of ['T1559', 'T1106']) assert.deepEqual(ruStix.get(id), ru.get(id), id);
    assert.equal(ruStix.get('TA0002')?.name, 'Выполнение');
    assert.deepEqual(ru.search('межпроцессное'), ['T1559']);
    assert.deepEqual(ru.search('МЕЖПРОЦ'), ['T1559']);
    assert.deepEqual(ru.search('компонентных'), ['T1559.001']);
    assert.equal(ru.get('T1559.001')?.description, undefined);
  });

  test('broken, empty and unknown input is reported per file, in words, and the rest applies', async () => {
    const { corpus } = await loadCorpus([BUNDLE_18], { cacheDir: false });
    const dir = tempDir('ttplens-overlays-');
    const write = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const files = [
      write('broken.json', '{"language": "ru", "objects": {'),
      write('nolanguage.yaml', 'objects:\n  T1559: { name: x }\n'),
      write('list.yaml', '- 1\n- 2\n'),
      write('unmatched.json', JSON.stringify({ type: 'bundle', objects: [{ type: 'language-content', id: 'language-content--1', object_ref: 'attack-pattern--00000000-0000-0000-0000-000000000000', contents: { ru: { name: 'x' } } }] })),
      path.join(dir, 'missing.yaml'),
      path.join(OVERLAYS, 'attack-ru.example.yaml'),
    ];
    const { languages, problems } = loadOverlays(files, corpus);
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.match(problems[0], /^The ATT&CK overlay .*broken\.json is not valid JSON \(.+\)\.$/);
    assert.match(problems[1], /nolanguage\.yaml does not say its `language`/);
    assert.match(problems[2], /list\.yaml is a STIX file without language-content objects|list\.yaml is neither STIX/);
    assert.match(problems[3], /unmatched\.json names no object of the loaded ATT&CK bundles \(1 language-content objects/);
    assert.match(problems[4], /missing\.yaml cannot be read \(ENOENT\)\.$/);
    assert.equal(languages.get('ru')?.get('T1559')?.name, 'Межпроцессное взаимодействие');
  });
});

describe('MaxPatrol rule names', () => {
  const rule = (folder: string) => {
    const file = path.join(XP, folder, 'metainfo.yaml');
    return parseRule(`file://${file}`, readFileSync(file, 'utf8'));
  };

  test('ObjectId: name: description in the locale, else the other language, else the folder name', () => {
    const both = rule('Native_API_From_Script_Host');
    const englishOnly = rule('IPC_Pipe_From_Office');
    try {
      setLocale('ru');
      assert.equal(ruleName(both), 'TTPL-CR-1001: Native_API_From_Script_Host: Сценарий вызывает функции системного API напрямую');
      assert.equal(ruleName(englishOnly), 'TTPL-CR-1002: IPC_Pipe_From_Office: An office application opens a named pipe to another process');
    } finally {
      setLocale('en');
    }
    assert.equal(ruleName(both), 'TTPL-CR-1001: Native_API_From_Script_Host: A script calls operating-system API functions directly');
    const bare = parseRule('untitled:metainfo.yaml', readFileSync(path.join(XP, 'Native_API_From_Script_Host', 'metainfo.yaml'), 'utf8'), { xp: ['**/metainfo.yaml'] });
    assert.equal(ruleName(bare), 'TTPL-CR-1001: Native_API_From_Script_Host');
    assert.deepEqual(both.problems, []);
  });
});

describe('cli in English and Russian', () => {
  test('check: --locale ru and LANG=ru_RU.UTF-8 give Russian messages with the same codes', () => {
    const args = ['check', 'diagnostics/sigma_problems.yml', '--stix', BUNDLE_18, '--format', 'json'];
    const en = JSON.parse(cli(args).stdout);
    const ru = JSON.parse(cli([...args, '--locale', 'ru']).stdout);
    const lang = JSON.parse(cli(args, { LANG: 'ru_RU.UTF-8' }).stdout);
    const codes = (report: { files: { findings: { code: string }[] }[] }) => report.files.flatMap((f) => f.findings.map((x) => x.code));
    const messages = (report: { files: { findings: { message: string }[] }[] }) => report.files.flatMap((f) => f.findings.map((x) => x.message));
    assert.ok(codes(en).length >= 5);
    assert.deepEqual(codes(ru), codes(en));
    assert.deepEqual(messages(lang), messages(ru));
    for (const message of messages(ru)) assert.match(message, /[а-яё]/i, message);
    assert.deepEqual(Object.keys(ru), Object.keys(en));
  });

  test('coverage: Russian text, English JSON keys, and MaxPatrol rules named in JSON', () => {
    const text = cli(['coverage', 'xp-i18n', '--stix', BUNDLE_18, '--locale', 'ru']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Покрытие ATT&CK v18\.1: 3 файла правил \(xp 3\)$/m);
    assert.match(text.stdout, /T1106 {6}Native API — 1 правило/);
    const json = JSON.parse(cli(['coverage', 'xp-i18n', '--stix', BUNDLE_18, '--locale', 'ru', '--format', 'json']).stdout);
    assert.ok(json.techniques.T1106.state === 'covered');
    const names = Object.values(json.files as Record<string, { name: string }>).map((f) => f.name).sort();
    assert.deepEqual(names, [
      'TTPL-CR-1001: Native_API_From_Script_Host: Сценарий вызывает функции системного API напрямую',
      'TTPL-CR-1002: IPC_Pipe_From_Office: An office application opens a named pipe to another process',
      'TTPL-CR-1003: Broken_Description: The Russian description of this rule is broken YAML',
    ]);
  });

  test('search and show with --overlay: found by the Russian name, shown with the Russian texts', () => {
    const overlay = path.join(OVERLAYS, 'attack-ru.example.yaml');
    const search = cli(['search', 'межпроцессное', '--stix', BUNDLE_18, '--overlay', overlay, '--locale', 'ru']);
    assert.equal(search.code, 0, search.stderr);
    assert.match(search.stdout, /^T1559 {6}Межпроцессное взаимодействие {2}\(technique, overlay\)$/m);
    const show = cli(['show', 'T1106', '--stix', BUNDLE_18, '--overlay', overlay, '--locale', 'ru']);
    assert.match(show.stdout, /^T1106 {2}Системные API$/m);
    assert.match(show.stdout, /Противник вызывает функции прикладного интерфейса/);
    // Without the Russian locale the overlay's Russian texts are not used.
    assert.match(cli(['show', 'T1106', '--stix', BUNDLE_18, '--overlay', overlay]).stdout, /^T1106 {2}Native API$/m);
    const broken = cli(['show', 'T1106', '--stix', BUNDLE_18, '--overlay', 'nope.yaml']);
    assert.equal(broken.code, 0);
    assert.match(broken.stderr, /^ttp-lens: warning: The ATT&CK overlay .*nope\.yaml cannot be read \(ENOENT\)\.$/m);
  });
});

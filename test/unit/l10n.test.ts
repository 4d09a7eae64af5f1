// English and Russian everywhere: every string the code writes in English has its Russian
// counterpart — the server's message table (server/src/l10n/ru.json), the client's bundle
// (l10n/bundle.l10n.ru.json) and the manifest (package.nls.ru.json) — with the same placeholders;
// and every message is one sentence that names what it is about, never a label dangling in front of
// another message ("ATT&CK bundle (none) no …").
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { bundleErrorSentence } from '../../server/src/corpus/bundleErrorText';
import { setLocale, t, tableOf, tn, toLocale } from '../../server/src/l10n/l10n';
import { type MessageUse, messageUses } from '../support/l10nStrings';
import { REPO_ROOT } from '../support/paths';

const readJson = (file: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, file), 'utf8')) as Record<string, string>;
const placeholders = (text: string) => [...new Set(text.match(/\{\d+\}/g) ?? [])].sort().join(',');
const where = (u: MessageUse) => `${u.file}:${u.line}`;

const server = messageUses(path.join(REPO_ROOT, 'server', 'src'), 'server');
const client = messageUses(path.join(REPO_ROOT, 'client', 'src'), 'client');
/** The English texts with a translation entry: for tn, its `other` form carries the forms. */
const keysOf = (uses: MessageUse[]) => new Set(uses.filter((u) => u.text !== undefined && u.form !== 'one').map((u) => u.text!));

describe('l10n: every English string has its Russian counterpart', () => {
  test('server: t/tn arguments are literals, each in ru.json with the same placeholders; no stale entries', () => {
    assert.ok(server.length > 100, `only ${server.length} messages found: is the scanner reading server/src?`);
    assert.deepEqual(server.filter((u) => u.text === undefined && u.call !== 'later').map(where), [], 'a message must be a literal to be looked up');
    const ru = tableOf('ru');
    const keys = keysOf(server);
    assert.deepEqual([...keys].filter((k) => !(k in ru)), [], 'English server messages without a Russian entry in server/src/l10n/ru.json');
    assert.deepEqual(Object.keys(ru).filter((k) => !keys.has(k)), [], 'entries of ru.json no code uses');
    for (const key of keys) for (const form of ru[key].split('|')) assert.equal(placeholders(form), placeholders(key), `${JSON.stringify(key)} → ${JSON.stringify(form)}`);
  });

  test('client: vscode.l10n.t arguments are literals, each in l10n/bundle.l10n.ru.json with the same placeholders', () => {
    assert.ok(client.length > 100, `only ${client.length} client strings found`);
    // The panel's Translate forwards to vscode.l10n.t: the one call whose argument is not a literal.
    assert.deepEqual(client.filter((u) => u.text === undefined).map((u) => path.basename(u.file)), ['techniquePanel.ts']);
    const ru = readJson('l10n/bundle.l10n.ru.json');
    const keys = keysOf(client);
    assert.deepEqual([...keys].filter((k) => !(k in ru)), [], 'client strings without a Russian entry');
    assert.deepEqual(Object.keys(ru).filter((k) => !keys.has(k)), [], 'bundle entries no code uses');
    for (const key of keys) assert.equal(placeholders(ru[key]), placeholders(key), `${JSON.stringify(key)} → ${JSON.stringify(ru[key])}`);
  });

  test('manifest: every title and description is a %key% of package.nls.json, and package.nls.ru.json has each', () => {
    const manifest = readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8');
    const pkg = JSON.parse(manifest);
    const en = readJson('package.nls.json');
    const ru = readJson('package.nls.ru.json');
    const used = [...manifest.matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]);
    assert.deepEqual(used.filter((k) => !(k in en)), [], 'keys package.json uses that package.nls.json lacks');
    assert.deepEqual(Object.keys(en).filter((k) => !used.includes(k)), [], 'package.nls.json entries package.json does not use');
    assert.deepEqual(Object.keys(en).filter((k) => !(k in ru)), [], 'manifest strings without Russian');
    assert.deepEqual(Object.keys(ru).filter((k) => !(k in en)), []);
    // No user-facing manifest text left in English only.
    const plain: string[] = [];
    const visit = (node: unknown, key: string) => {
      if (typeof node === 'string') {
        if (/^(title|description|markdownDescription|name|contextualTitle|contents|displayName)$/.test(key) && !/^%.+%$/.test(node) && node !== 'TTP Lens') plain.push(`${key}: ${node.slice(0, 40)}`);
      } else if (Array.isArray(node)) node.forEach((item) => visit(item, key === 'enumDescriptions' ? 'description' : ''));
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) visit(v, k);
    };
    visit({ displayName: pkg.displayName, description: pkg.description, capabilities: pkg.capabilities, contributes: { ...pkg.contributes, languages: undefined, grammars: undefined, snippets: undefined } }, '');
    assert.deepEqual(plain, []);
    assert.equal(pkg.l10n, './l10n');
  });
});

describe('l10n: messages are sentences', () => {
  // What a message is: a server or client template that ends like a sentence. Labels ("Tactics: {0}")
  // and fragments (" or ") are not messages. "TTP Lens: " in front names the source, as VS Code does.
  const sentences = [...keysOf(server), ...keysOf(client)].filter((text) => /[.?!](\)|_|\*\*)?$/.test(text.trim()));

  test('every message template starts with a word or an ID and is not a label in front of another message', () => {
    assert.ok(sentences.length > 80, `${sentences.length} sentences`);
    const bad = sentences.filter((text) => {
      const prefixed = text.startsWith('TTP Lens: ');
      const body = text.replace(/^TTP Lens: /, '').replace(/^[_*⚠ ]+/, '');
      const label = /^([A-Z][\w&]*)(?: [\w&]+){0,2}:? \{\d+\} ?\{\d+\}/.exec(body);
      return (
        (!prefixed && /^[a-z]/.test(body)) || // a fragment glued to something in front of it
        (label && !/^(The|These)$/.test(label[1])) || // "ATT&CK bundle {file} {problem}"
        /^\{\d+\}: /.test(body) || // "attack.T1059: reason — write …"
        /^(YAML|TOML|JSON|ATT&CK bundle|Error|Warning): /.test(body)
      );
    });
    assert.deepEqual(bad, []);
  });

  test('a bundle that cannot be loaded is one sentence naming the file, or what is configured', () => {
    setLocale('en');
    assert.equal(bundleErrorSentence({ file: '/x/enterprise.json', problem: 'does not exist (set by ttpLens.attack.stixPath)' }), 'The ATT&CK bundle /x/enterprise.json does not exist (set by ttpLens.attack.stixPath).');
    const none = bundleErrorSentence({ file: '(none)', problem: 'no ATT&CK enterprise bundle is embedded in this copy of TTP Lens: set ttpLens.attack.stixPath to the path of an ATT&CK STIX bundle' });
    assert.match(none, /^No ATT&CK bundle can be loaded: no ATT&CK enterprise bundle is embedded .*ttpLens\.attack\.stixPath.*bundle\.$/);
    assert.doesNotMatch(none, /\(none\)/);
  });
});

describe('l10n: the language is chosen once per process', () => {
  test('locales from LANG, the client and --locale; Russian plurals', () => {
    assert.deepEqual(['ru', 'ru-RU', 'ru_RU.UTF-8', 'en-US', 'de', '', undefined].map(toLocale), ['ru', 'ru', 'ru', 'en', 'en', 'en', 'en']);
    try {
      setLocale('ru');
      assert.equal(t('{0} is already listed.', 'attack.t1059'), 'attack.t1059 уже указано.');
      assert.deepEqual([1, 2, 5, 11, 21, 22].map((n) => tn(n, '{0} rule', '{0} rules')), ['1 правило', '2 правила', '5 правил', '11 правил', '21 правило', '22 правила']);
    } finally {
      setLocale('en');
    }
    assert.equal(tn(1, '{0} rule', '{0} rules'), '1 rule');
    assert.equal(tn(1200, '{0} rule', '{0} rules'), '1,200 rules');
  });
});

// English and Russian over stdio: the `locale` of initialize chooses the language of diagnostics,
// hovers and rule names; diagnostic codes stay the same. MaxPatrol rules are named
// `ObjectId: name: description` from their i18n files; a corpus overlay gives ATT&CK names and
// descriptions in Russian, found by completion in Russian too.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CompletionList, Diagnostic } from 'vscode-languageserver-types';
import type { CorpusStatus, RuleRef } from '../../server/src/protocol';
import { fileUri, LspTestClient, positionOf } from '../support/lspClient';
import { BUNDLE_18, FIXTURES, REPO_ROOT } from '../support/paths';
import { tempDir } from '../support/temp';

const SIGMA = readFileSync(path.join(FIXTURES, 'diagnostics', 'sigma_problems.yml'), 'utf8');
const XP_WORKSPACE = path.join(FIXTURES, 'xp-i18n');
const XP_RULE = path.join(XP_WORKSPACE, 'correlation_rules', 'mitre_attck_execution', 'Native_API_From_Script_Host', 'metainfo.yaml');
const OVERLAY_YAML = path.join(REPO_ROOT, 'data', 'overlays', 'attack-ru.example.yaml');
const OVERLAY_STIX = path.join(REPO_ROOT, 'data', 'overlays', 'attack-ru.example.stix.json');

async function started(locale: string | undefined, settings: unknown = {}, workspaceFolder?: string): Promise<LspTestClient> {
  const client = await LspTestClient.start({ locale, settings, workspaceFolder, initializationOptions: { attack: { stixPath: BUNDLE_18 } } });
  await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
  return client;
}

async function diagnosticsOf(client: LspTestClient, uri: string, text: string): Promise<Diagnostic[]> {
  await client.open(uri, text);
  return client.diagnostics(uri, (d) => d.length > 0);
}

describe('lsp: diagnostics in the client\'s language', () => {
  let english: LspTestClient;
  let russian: LspTestClient;
  before(async () => {
    [english, russian] = await Promise.all([started(undefined), started('ru')]);
  });
  after(async () => {
    await Promise.all([english.stop(), russian.stop()]);
  });

  test('locale "ru" gives Russian messages with the same codes and ranges as English', async () => {
    const uri = 'untitled:sigma_problems.yml';
    const [en, ru] = await Promise.all([diagnosticsOf(english, uri, SIGMA), diagnosticsOf(russian, uri, SIGMA)]);
    assert.ok(en.length >= 5, `${en.length} diagnostics`);
    assert.deepEqual(ru.map((d) => [d.code, d.range, d.severity]), en.map((d) => [d.code, d.range, d.severity]));
    for (const [i, d] of ru.entries()) {
      assert.match(String(d.message), /[а-яё]/i, `Russian: ${d.message}`);
      assert.notEqual(d.message, en[i].message);
    }
    const revoked = ru.find((d) => d.code === 'ttp.revoked');
    assert.match(String(revoked!.message), /отозвана в ATT&CK v18\.1: используйте T\d+/);
  });

  test('hover labels follow the locale', async () => {
    const text = 'title: t\nlogsource:\n  category: process_creation\ndetection:\n  sel: {a: b}\n  condition: sel\ntags:\n  - attack.t1559\n';
    await russian.open('untitled:hover.yml', text);
    const hover = await russian.hover('untitled:hover.yml', positionOf(text, 'attack.t1559', 8));
    assert.match(hover!.contents.value, /— Техника · ATT&CK v18\.1/);
    assert.match(hover!.contents.value, /Тактики: Execution/);
    assert.match(hover!.contents.value, /\[Открыть T1559 на attack\.mitre\.org\]/);
  });
});

describe('lsp: MaxPatrol rules named by ObjectId and their i18n description', () => {
  const clients: Record<string, LspTestClient> = {};
  const text = readFileSync(XP_RULE, 'utf8');
  const uri = fileUri(XP_RULE);
  before(async () => {
    [clients.en, clients.ru] = await Promise.all([started('en', {}, XP_WORKSPACE), started('ru', {}, XP_WORKSPACE)]);
    for (const client of Object.values(clients)) await client.waitFor<{ indexing: boolean }>('ttpLens/indexChanged', (p) => !p.indexing);
  });
  after(async () => {
    await Promise.all(Object.values(clients).map((c) => c.stop()));
  });

  for (const [locale, description] of [
    ['ru', 'Сценарий вызывает функции системного API напрямую'],
    ['en', 'A script calls operating-system API functions directly'],
  ] as const) {
    test(`hover on T1106 lists the covering rule as ObjectId: name: description (${locale})`, async () => {
      const client = clients[locale];
      await client.open(uri, text);
      const hover = await client.hover(uri, positionOf(text, 'T1106', 2));
      assert.ok(hover, 'hover');
      assert.ok(hover.contents.value.includes(`[TTPL-CR-1001: Native\\_API\\_From\\_Script\\_Host: ${description}](${uri}#L`), hover.contents.value);
    });

    test(`the tree and the panel name the rules the same way (${locale})`, async () => {
      const client = clients[locale];
      const rules = await client.request<RuleRef[]>('ttpLens/techniqueRules', { id: 'T1559' });
      // Only an English description: the Russian UI falls back to it.
      assert.deepEqual(rules.map((r) => r.title), ['TTPL-CR-1002: IPC_Pipe_From_Office: An office application opens a named pipe to another process']);
      const panel = await client.request<{ rules: RuleRef[] }>('ttpLens/techniquePanel', { id: 'T1106' });
      assert.deepEqual(panel.rules.map((r) => r.title), [`TTPL-CR-1001: Native_API_From_Script_Host: ${description}`]);
    });
  }

  test('a broken i18n file is a clear warning on the rule, which is named without it', async () => {
    const broken = path.join(XP_WORKSPACE, 'correlation_rules', 'mitre_attck_execution', 'Broken_Description', 'metainfo.yaml');
    const diagnostics = await diagnosticsOf(clients.en, fileUri(broken), readFileSync(broken, 'utf8'));
    const warning = diagnostics.find((d) => d.code === 'ttp.parse');
    assert.match(String(warning!.message), /^The rule description i18n\/i18n_ru\.yaml is not valid YAML \(.+\); the rule is named without it\.$/);
    assert.equal(warning!.severity, 2);
    const rules = await clients.ru.request<RuleRef[]>('ttpLens/techniqueRules', { id: 'T1059' });
    assert.deepEqual(rules.map((r) => r.title), ['TTPL-CR-1003: Broken_Description: The Russian description of this rule is broken YAML']);
  });
});

describe('lsp: a corpus overlay in Russian', () => {
  const text = 'title: t\nlogsource:\n  category: process_creation\ndetection:\n  sel: {a: b}\n  condition: sel\ntags:\n  - attack.t1559\n  - attack.t1559.001\n  - attack.t1106\n';
  const uri = 'untitled:overlay.yml';

  for (const [form, overlay] of [['YAML map', OVERLAY_YAML], ['STIX language-content', OVERLAY_STIX]] as const) {
    test(`${form}: hover on T1559 shows the overlay's name and description in Russian, English without the locale`, async () => {
      const [ru, en] = await Promise.all([started('ru', { attack: { overlayPaths: [overlay] } }), started('en', { attack: { overlayPaths: [overlay] } })]);
      try {
        await Promise.all([ru.open(uri, text), en.open(uri, text)]);
        const hover = (await ru.hover(uri, positionOf(text, 'attack.t1559', 8)))!.contents.value;
        assert.match(hover, /\*\*T1559 · Межпроцессное взаимодействие\*\* — Техника/);
        assert.match(hover, /Противник использует механизмы обмена данными между процессами/);
        const english = (await en.hover(uri, positionOf(text, 'attack.t1559', 8)))!.contents.value;
        assert.match(english, /\*\*T1559 · Inter-Process Communication\*\* — Technique/);
        assert.match(english, /Adversaries may abuse inter-process communication/);
        const api = (await ru.hover(uri, positionOf(text, 'attack.t1106', 8)))!.contents.value;
        assert.match(api, /T1106 · Системные API/);
      } finally {
        await Promise.all([ru.stop(), en.stop()]);
      }
    });
  }

  test('completion finds T1559 by a Russian word; a name without a description says the description is English', async () => {
    const client = await started('ru', { attack: { overlayPaths: [OVERLAY_YAML] } });
    try {
      const typed = text.replace('  - attack.t1106\n', '  - attack.межпроц\n');
      await client.open(uri, typed);
      const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: positionOf(typed, 'attack.межпроц', 'attack.межпроц'.length) });
      const item = list.items.find((i) => i.label === 'attack.t1559');
      assert.ok(item, JSON.stringify(list.items.slice(0, 5).map((i) => i.label)));
      assert.equal(list.items[0].label, 'attack.t1559');
      assert.match(item.filterText!, /Межпроцессное взаимодействие/);
      assert.match(item.labelDetails!.detail!, /Межпроцессное/);
      const resolved = await client.request<{ documentation: { value: string } }>('completionItem/resolve', item);
      assert.match(resolved.documentation.value, /Межпроцессное взаимодействие/);
      const com = (await client.hover(uri, positionOf(typed, 'attack.t1559.001', 8)))!.contents.value;
      assert.match(com, /Модель компонентных объектов \(COM\)/);
      assert.match(com, /описание — английское/);
      const search = await client.request<{ id: string; name: string }[]>('ttpLens/search', { query: 'межпроцессное', kinds: ['technique'] });
      assert.equal(search[0].id, 'T1559');
      assert.equal(search[0].name, 'Межпроцессное взаимодействие');
    } finally {
      await client.stop();
    }
  });

  test('a broken overlay file is a clear warning and the server keeps answering in English', async () => {
    const dir = tempDir('ttplens-overlay-');
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, 'language: ru\nobjects: {T1559: [\n');
    const client = await started('ru', { attack: { overlayPaths: [broken, path.join(dir, 'missing.json')] } });
    try {
      const shown = await client.waitFor<{ message: string }>('window/showMessage', (m) => /broken\.yaml/.test(m.message));
      assert.match(shown.message, /^TTP Lens: Файл перевода ATT&CK .*broken\.yaml содержит некорректный YAML \(.+\)\.$/);
      await client.waitFor<{ message: string }>('window/showMessage', (m) => /missing\.json/.test(m.message));
      await client.open(uri, text);
      const hover = (await client.hover(uri, positionOf(text, 'attack.t1559', 8)))!.contents.value;
      assert.match(hover, /T1559 · Inter-Process Communication\*\* — Техника/);
    } finally {
      await client.stop();
    }
  });
});

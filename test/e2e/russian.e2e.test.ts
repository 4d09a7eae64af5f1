// e2e: VS Code in Russian (code-server --locale ru) with the example overlay on a MaxPatrol workspace:
// the coverage tree and the technique panel label in Russian and name the XP rule by ObjectId and
// its Russian description, and the Problems panel shows a Russian diagnostic message.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES, REPO_ROOT } from '../support/paths';
import { copyWorkspace, runCommand, screenshot, type Session, settled, startSession, waitForCorpus, waitForProblems, widenSideBar, withFailureScreenshot } from './codeServer';

describe('e2e: the UI in Russian', () => {
  let session: Session;

  before(async () => {
    const workspace = copyWorkspace(path.join(FIXTURES, 'xp-i18n'));
    copyFileSync(path.join(FIXTURES, 'workspace', 'rules', 'revoked_dll_sideloading.yml'), path.join(workspace, 'revoked_dll_sideloading.yml'));
    session = await startSession({
      workspace,
      locale: 'ru',
      settings: { 'ttpLens.attack.overlayPaths': [path.join(REPO_ROOT, 'data', 'overlays', 'attack-ru.example.yaml')] },
    });
  });
  after(async () => session?.stop());

  test('tree, panel and Problems speak Russian; the XP rule is named ObjectId: name: description', () => withFailureScreenshot(session.page, 'russian-ui', async () => {
    const { page } = session;
    await waitForCorpus(page);
    // The Problems panel: the revoked tag of a file never opened, in Russian, with its code.
    // The revoked tag, and the broken Russian description of one rule (a warning on that rule).
    await waitForProblems(page, /Warnings: 2/, 60000);
    await page.locator('#status\\.problems a').first().click();
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'T1574.002 DLL Side-Loading отозвана в ATT&CK v18.1: используйте T1574.001 DLL.' }).first();
    await problem.waitFor({ timeout: 30000 });
    assert.match(await problem.innerText(), /ttp\.revoked/);

    // The coverage tree: its title, the overlay's tactic and technique names, Russian states.
    await page.locator('.activitybar .action-item a[aria-label^="Покрытие ATT&CK"]').first().click();
    const execution = page.locator('.monaco-list-row', { hasText: 'Выполнение' }).filter({ hasText: 'TA0002' }).first();
    await execution.waitFor({ timeout: 30000 });
    assert.match(await execution.innerText(), /техники \d+\/\d+ · подтехники \d+\/\d+/);
    await execution.click();
    const t1106 = page.locator('.monaco-list-row', { hasText: 'T1106 Системные API' }).first();
    await t1106.waitFor({ timeout: 20000 });
    assert.match(await t1106.innerText(), /правил: 1 · xp 1/);
    await t1106.click();
    const rule = page.locator('.monaco-list-row', { hasText: 'TTPL-CR-1001: Native_API_From_Script_Host: Сценарий вызывает функции системного API напрямую' }).first();
    await rule.waitFor({ timeout: 20000 });
    await widenSideBar(page, 300);

    // The technique panel, opened by its Russian command title.
    await runCommand(page, 'TTP Lens: Показать технику');
    await page.locator('.quick-input-widget input').fill('T1106');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Системные API' }).first().waitFor();
    await page.keyboard.press('Enter');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('h1', { hasText: 'T1106 · Системные API' }).waitFor({ timeout: 30000 });
    const body = await frame.locator('body').innerText();
    assert.match(body, /Правил в рабочей области:/);
    assert.match(body, /Обнаружение — компоненты данных/);
    assert.match(body, /Противник вызывает функции прикладного интерфейса/);
    assert.match(body, /Правила, ссылающиеся на T1106 \(1\)/);
    assert.match(body, /TTPL-CR-1001: Native_API_From_Script_Host: Сценарий вызывает функции системного API напрямую/);
    await settled(frame.locator('body'));
    await settled(problem);
    await screenshot(page, 'russian-ui.png');
  }));
});

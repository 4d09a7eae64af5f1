// e2e: completion after typing `attack.t155`, and a revoked tag's squiggle and quick-fix, in code-server.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES } from '../support/paths';
import { clickInText, copyWorkspace, openFile, screenshot, type Session, settled, startSession, waitForCorpus } from './codeServer';

describe('e2e: editing a Sigma rule', () => {
  let session: Session;

  before(async () => {
    session = await startSession({ workspace: copyWorkspace(path.join(FIXTURES, 'workspace')) });
  });
  after(async () => session?.stop());

  test('the completion list shows attack.t1559 after typing attack.t155', async () => {
    const { page } = session;
    await openFile(page, 'rules/com_hijack_dde.yml');
    await waitForCorpus(page);
    await clickInText(page, 'attack.execution', 3);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('- attack.t155', { delay: 30 });
    await page.keyboard.press('Control+Space');
    const row = page.locator('.suggest-widget .monaco-list-row', { hasText: 'attack.t1559' }).first();
    await row.waitFor({ timeout: 20000 });
    await settled(row);
    const labels = await page.locator('.suggest-widget .monaco-list-row .label-name').allInnerTexts();
    assert.ok(labels.some((l) => l.trim() === 'attack.t1559'), labels.join(', '));
    await screenshot(page, 'completion.png');
    await page.keyboard.press('Escape');
  });

  test('a revoked tag shows a squiggle and its quick-fix replaces it with the successor', async () => {
    const { page } = session;
    await openFile(page, 'rules/revoked_dll_sideloading.yml');
    const squiggle = page.locator('.monaco-editor .squiggly-warning').first();
    await squiggle.waitFor({ timeout: 30000 });
    await clickInText(page, 'attack.t1574.002', 8);
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Replace with attack.t1574.001 (DLL)' }).first();
    await fix.waitFor({ timeout: 20000 });
    await settled(fix);
    await screenshot(page, 'quick-fix.png');
    await page.keyboard.press('Enter'); // the preferred fix is focused in the Quick Fix menu
    await page.locator('.monaco-editor .view-line', { hasText: 'attack.t1574.001' }).first().waitFor({ timeout: 10000 });
    assert.equal(await page.locator('.monaco-editor .view-line', { hasText: 'attack.t1574.002' }).count(), 0);
  });
});

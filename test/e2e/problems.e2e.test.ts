// e2e: with the default scope (workspace), the Problems panel of a real VS Code lists the revoked tag
// of a rule file that was never opened — pulled through the workspace/diagnostic stream.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES } from '../support/paths';
import { copyWorkspace, screenshot, type Session, settled, startSession, waitForCorpus, waitForProblems, withFailureScreenshot } from './codeServer';

describe('e2e: Problems panel for the whole workspace', () => {
  let session: Session;

  before(async () => {
    session = await startSession({ workspace: copyWorkspace(path.join(FIXTURES, 'workspace')) });
  });
  after(async () => session?.stop());

  test('a revoked tag in a file never opened is listed', async () => {
    const { page } = session;
    await withFailureScreenshot(page, 'problems-workspace', async () => {
      await waitForCorpus(page);
      await waitForProblems(page, /Warnings: 1/, 60000);
      await page.locator('#status\\.problems a').first().click();
      const file = page.locator('.markers-panel .monaco-list-row', { hasText: 'revoked_dll_sideloading.yml' }).first();
      await file.waitFor({ timeout: 20000 });
      const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'T1574.002 DLL Side-Loading is revoked in ATT&CK v18.1: use T1574.001 DLL.' }).first();
      await problem.waitFor({ timeout: 20000 });
      await settled(problem);
      assert.equal(await page.locator('.tabs-container .tab').count(), 0, 'no editor was opened');
      await screenshot(page, 'problems-workspace.png');
    });
  });
});

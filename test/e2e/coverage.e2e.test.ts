// e2e: the coverage tree's count for T1559, the technique panel (v17.1: DS0009 and a gap), and
// "New rule for this data component" opening a Sigma rule TTP Lens reports nothing on.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUNDLE_17, FIXTURES, needsShared, requireShared } from '../support/paths';
import { clickInText, copyWorkspace, openFile, runCommand, screenshot, type Session, settled, startSession, waitForCorpus, waitForProblems, widenSideBar, withFailureScreenshot } from './codeServer';

describe('e2e: coverage view and technique panel (ATT&CK v17.1)', needsShared, () => {
  let session: Session;

  before(async () => {
    session = await startSession({
      workspace: copyWorkspace(path.join(FIXTURES, 'workspace')),
      // Open files only: the problem counts below are the new rule's (the workspace's revoked tag is
      // listed with the default scope, see problems.e2e.test.ts).
      settings: { 'ttpLens.attack.stixPath': requireShared(BUNDLE_17), 'ttpLens.diagnostics.scope': 'openFiles' },
    });
  });
  after(async () => session?.stop());

  test('the tree shows T1559 under Execution with its rule count', () => withFailureScreenshot(session.page, 'coverage-tree', async () => {
    const { page } = session;
    await openFile(page, 'rules/com_hijack_dde.yml');
    await waitForCorpus(page, 'ATT&CK v17.1');
    await page.locator('.activitybar .action-item a[aria-label^="ATT&CK Coverage"]').first().click();
    const execution = page.locator('.monaco-list-row', { hasText: 'Execution' }).filter({ hasText: 'TA0002' }).first();
    await execution.waitFor({ timeout: 30000 });
    await execution.click();
    const t1559 = page.locator('.monaco-list-row', { hasText: 'T1559 Inter-Process Communication' }).first();
    await t1559.waitFor({ timeout: 20000 });
    // The rule claims its sub-techniques, not T1559 itself.
    assert.match(await t1559.innerText(), /via sub-techniques · 1 rule/);
    await t1559.click();
    // The rule claims the sub-techniques, so it is listed under T1559.001 (and .002).
    const sub = page.locator('.monaco-list-row', { hasText: 'T1559.001 Component Object Model' }).first();
    await sub.waitFor({ timeout: 20000 });
    assert.match(await sub.innerText(), /1 rule · sigma 1/);
    await sub.click();
    await page.locator('.monaco-list-row', { hasText: 'Office Application Spawning Through COM or DDE' }).first().waitFor({ timeout: 20000 });
    await widenSideBar(page, 260);
    await page.locator('.statusbar-item', { hasText: /\d+\/\d+ techniques · \d+\/\d+ sub-techniques/ }).first().waitFor();
    await screenshot(page, 'coverage-tree.png');
  }));

  test('the technique panel for T1559 shows DS0009 and a gap; "New rule" opens a clean Sigma rule', () => withFailureScreenshot(session.page, 'technique-panel', async () => {
    const { page } = session;
    await runCommand(page, 'TTP Lens: Show Technique');
    const input = page.locator('.quick-input-widget input');
    await input.fill('T1559');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Inter-Process Communication' }).first().waitFor();
    await page.keyboard.press('Enter');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('h1', { hasText: 'T1559 · Inter-Process Communication' }).waitFor({ timeout: 30000 });
    const body = await frame.locator('body').innerText();
    assert.match(body, /DS0009 Process/);
    assert.match(body, /Gap: no rule detects T1559 through Module Load/);
    assert.match(body, /M1013 Application Developer Guidance/);
    // Give the panel the whole window for the screenshot, scrolled to the detection table.
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await runCommand(page, 'View: Single Column Editor Layout');
    await frame.locator('#detection').scrollIntoViewIfNeeded();
    await settled(frame.locator('body'));
    await screenshot(page, 'technique-panel.png');

    const moduleLoadGap = frame.locator('tr', { hasText: 'Module Load' }).locator('button', { hasText: 'New rule for this data component' });
    await moduleLoadGap.click();
    await page.locator('.tab.active[aria-label*="Untitled"]').first().waitFor({ timeout: 20000 });
    const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines', { hasText: 'attack.t1559' }).first();
    await editor.waitFor({ timeout: 20000 });
    const text = (await editor.innerText()).replace(/\u00a0/g, ' '); // the editor renders spaces as NBSP
    assert.match(text, /category: image_load/);
    assert.match(text, /attack\.execution/);
    // TTP Lens reports nothing on the new rule — and it is listening: a mistyped tag (attack.t15590,
    // i.e. T1559.000, which does not exist) is reported, and putting it back clears the report.
    await page.keyboard.press('Escape');
    await waitForProblems(page, /^No Problems$/);
    await clickInText(page, 'attack.t1559', 12, '.editor-group-container.active .monaco-editor');
    await page.keyboard.press('End');
    await page.keyboard.type('0');
    await waitForProblems(page, /^Errors: 1$/);
    await page.keyboard.press('Backspace');
    await waitForProblems(page, /^No Problems$/);
    await screenshot(page, 'new-rule.png');
  }));
});

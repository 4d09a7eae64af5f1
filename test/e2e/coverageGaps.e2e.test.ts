// e2e on the SigmaHQ rules: the coverage model in the views a user sees — the gaps-only tree keeps
// T1059.011 Lua (parent-only) under a covered T1059, the status bar shows the tree's totals, and the
// T1059.011 panel says 0 rules, every data component a gap, and lists the parent-level rules apart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BUNDLE_18, needsShared, SIGMAHQ_RULES } from '../support/paths';
import { copyWorkspace, expandUntil, runCommand, screenshot, type Session, settled, startSession, waitForCorpus, widenSideBar, withFailureScreenshot } from './codeServer';

describe('e2e: coverage gaps on SigmaHQ (ATT&CK v18.1)', needsShared, () => {
  let session: Session;

  before(async () => {
    session = await startSession({ workspace: copyWorkspace(SIGMAHQ_RULES), settings: { 'ttpLens.attack.stixPath': BUNDLE_18 } });
  });
  after(async () => session?.stop());

  test('gaps only: T1059.011 Lua under T1059; the status bar shows the tree\'s totals', () => withFailureScreenshot(session.page, 'coverage-gaps', async () => {
    const { page } = session;
    await waitForCorpus(page, 'ATT&CK v18.1');
    await page.locator('.activitybar .action-item a[aria-label^="ATT&CK Coverage"]').first().click();
    const status = page.locator('.statusbar-item', { hasText: /\d+\/\d+ techniques · \d+\/\d+ sub-techniques/ }).first();
    await status.waitFor({ timeout: 60000 });
    await runCommand(page, 'TTP Lens: Show Gaps Only (Toggle)');
    const execution = page.locator('.monaco-list-row', { hasText: 'Execution' }).filter({ hasText: 'TA0002' }).first();
    await execution.waitFor({ timeout: 30000 });
    assert.match(await execution.innerText(), /TA0002 · \d+\/\d+ techniques · \d+\/\d+ sub-techniques/);
    const t1059 = page.locator('.monaco-list-row', { hasText: 'T1059 Command and Scripting Interpreter' }).first();
    await expandUntil(execution, t1059);
    assert.match(await t1059.innerText(), /\d+ rules · sigma \d+/, 'the parent is shown as covered');
    const lua = page.locator('.monaco-list-row', { hasText: 'T1059.011 Lua' }).first();
    await expandUntil(t1059, lua);
    assert.match(await lua.innerText(), /parent-only · \d+ parent-level rules/);
    assert.equal(await page.locator('.monaco-list-row', { hasText: 'T1059.001 PowerShell' }).count(), 0, 'covered sub-techniques are hidden');
    await widenSideBar(page, 300);
    await settled(lua);
    await screenshot(page, 'coverage-gaps.png');
  }));

  test('the T1059.011 panel: 0 rules, every data component a gap, parent-level rules apart', () => withFailureScreenshot(session.page, 'technique-panel-gaps', async () => {
    const { page } = session;
    await runCommand(page, 'TTP Lens: Show Technique');
    await page.locator('.quick-input-widget input').fill('T1059.011');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Lua' }).first().waitFor();
    await page.keyboard.press('Enter');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('h1', { hasText: 'T1059.011 · Lua' }).waitFor({ timeout: 30000 });
    assert.equal(await frame.locator('[data-testid="rule-count"]').innerText(), '0');
    const rows = await frame.locator('#detection ~ table tbody tr').count();
    assert.ok(rows > 0);
    assert.equal(await frame.locator('tr.gap-row').count(), rows, 'every data component is a gap');
    assert.equal(await frame.locator('[data-testid="gap-count"]').innerText(), String(rows), 'the header counts the gap rows');
    const body = await frame.locator('body').innerText();
    assert.match(body, /Parent-level rules \(\d+\)/);
    assert.match(body, /parent-only/);
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await runCommand(page, 'View: Single Column Editor Layout');
    await settled(frame.locator('body'));
    await screenshot(page, 'technique-panel-gaps.png');
  }));
});

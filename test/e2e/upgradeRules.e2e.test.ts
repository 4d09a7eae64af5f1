// e2e in code-server with the SYNTHETIC v19-like release loaded and rules written for v18.1:
// "Compare ATT&CK Releases…" opens its report (links to the lines); "Upgrade Rules to the Loaded
// ATT&CK Release…" — pick v18.1, decide the split T1562 — opens the refactor preview with the changes
// grouped by kind, and applying them rewrites the rules.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES, needsShared } from '../support/paths';
import { syntheticReleaseFile } from '../support/syntheticRelease';
import { tempDir } from '../support/temp';
import { openFile, runCommand, screenshot, type Session, settled, startSession, waitForCorpus, withFailureScreenshot } from './codeServer';

const RULES = ['sigma_tools.yml', 'sigma_split.yml', 'sigma_registry.yml', 'sentinel_tools.yaml'];

describe('e2e: upgrading rules to the loaded (SYNTHETIC v19-like) release', needsShared, () => {
  let session: Session;
  let workspace: string;

  before(async () => {
    workspace = tempDir('ttplens-upgrade-ws-');
    mkdirSync(path.join(workspace, 'rules'));
    for (const name of RULES) cpSync(path.join(FIXTURES, 'releases', name), path.join(workspace, 'rules', name));
    session = await startSession({ workspace, settings: { 'ttpLens.attack.stixPath': syntheticReleaseFile() } });
  });
  after(async () => session?.stop());

  const pick = async (text: string) => {
    const row = session.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
    await row.waitFor({ timeout: 30000 });
    await row.click();
  };

  test('Compare ATT&CK Releases opens a Markdown report of what changes for the rules', () => withFailureScreenshot(session.page, 'compare-releases', async () => {
    const { page } = session;
    await openFile(page, 'rules/sigma_registry.yml');
    await waitForCorpus(page, 'ATT&CK v19.0-synthetic');
    await runCommand(page, 'TTP Lens: Compare ATT&CK Releases');
    await pick('ATT&CK v18.1');
    await pick('The loaded release');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('h1', { hasText: 'ATT&CK release changes: ATT&CK v18.1 → ATT&CK v19.0-synthetic' }).waitFor({ timeout: 30000 });
    const body = await frame.locator('body').innerText();
    assert.match(body, /In the releases themselves/);
    assert.match(body, /Tactics renamed/);
    await screenshot(page, 'compare-releases.png');
    // Each change links to its line in the rule file.
    await frame.locator('a', { hasText: 'line 16' }).first().click();
    await page.locator('.tabs-container .tab.active[aria-label*="sigma_tools.yml"]').first().waitFor({ timeout: 20000 });
    await page.locator('.statusbar-item', { hasText: 'Ln 16' }).first().waitFor({ timeout: 20000 });
  }));

  test('the refactor preview groups the changes by kind; applying them rewrites the rules', () => withFailureScreenshot(session.page, 'upgrade-rules', async () => {
    const { page } = session;
    await openFile(page, 'rules/sigma_tools.yml');
    await waitForCorpus(page, 'ATT&CK v19.0-synthetic');
    await runCommand(page, 'TTP Lens: Upgrade Rules to the Loaded ATT&CK Release');
    await pick('ATT&CK v18.1');
    // The split T1562 is a question, not a guess.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'ambiguous case 1 of 1 — T1562' }).first().waitFor({ timeout: 30000 });
    await pick('T1686 Impair Logging (synthetic)');

    const panel = page.locator('.pane-body.bulk-edit-panel, .bulk-edit-panel').first();
    await panel.waitFor({ timeout: 30000 });
    await page.locator('.panel .action-label[aria-label="Group Changes By Type"]').first().click();
    await runCommand(page, 'View: Toggle Maximized Panel');
    for (const group of ['Revoked → successor', 'Tactic renamed', 'Tactic tags recomputed']) {
      await panel.locator('.monaco-list-row', { hasText: group }).first().waitFor({ timeout: 20000 });
    }
    const revoked = panel.locator('.monaco-list-row', { hasText: 'Revoked → successor' }).first();
    assert.match(await revoked.innerText(), /\d+ changes? in \d+ files?/);
    await panel.locator('.monaco-list-row', { hasText: 'sigma_tools.yml' }).first().waitFor({ timeout: 20000 });
    await settled(revoked);
    await screenshot(page, 'upgrade-refactor-preview.png');

    // The changes need confirmation: check every file of every group (its changes follow), then apply.
    // Found and clicked in one step: the tree re-renders its rows after each click.
    for (let i = 0; i < 50; i++) {
      const clicked = await panel.evaluate((element: any) => {
        const box = element.querySelector('.monaco-list-row input[type="checkbox"]:not(:checked)');
        box?.click();
        return !!box;
      });
      if (!clicked) break;
      await page.waitForTimeout(100);
    }
    assert.equal(await panel.locator('.monaco-list-row input[type="checkbox"]:not(:checked)').count(), 0, 'every change checked');
    await page.locator('.panel .monaco-button', { hasText: 'Apply' }).first().click();
    await panel.waitFor({ state: 'hidden', timeout: 20000 });
    await runCommand(page, 'File: Save All Files');
    const deadline = Date.now() + 20000;
    const file = path.join(workspace, 'rules', 'sigma_split.yml');
    while (!readFileSync(file, 'utf8').includes('attack.t1686') && Date.now() < deadline) await page.waitForTimeout(200);
    assert.match(readFileSync(file, 'utf8'), /- attack\.defense-impairment\n {4}- attack\.t1686\n/);
    assert.match(readFileSync(path.join(workspace, 'rules', 'sigma_tools.yml'), 'utf8'), /- attack\.stealth {3}# the tactic\n {4}- attack\.defense-impairment\n {4}- attack\.t1685 {9}# Disable or Modify Tools\n/);
  }));
});

// e2e: the packaged extension in a real VS Code (code-server) shows the ATT&CK hover on a Sigma tag.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES } from '../support/paths';
import { clickInText, copyWorkspace, languageServerPids, notificationAppears, notificationsSaying, openFile, runCommand, screenshot, type Session, showHover, showHoverEventually, startSession, waitForCorpus } from './codeServer';

describe('e2e: hover in code-server', () => {
  let session: Session;

  before(async () => {
    // No configuration at all (no setting, no TTPLENS_STIX): the ATT&CK data embedded in the .vsix,
    // read through the prebuilt cache that ships with it.
    session = await startSession({ workspace: copyWorkspace(path.join(FIXTURES, 'workspace')) });
  });
  after(async () => session?.stop());

  test('hover on attack.t1559.001 shows Component Object Model', async () => {
    const { page } = session;
    await openFile(page, 'rules/com_hijack_dde.yml');
    await waitForCorpus(page);
    await clickInText(page, 'attack.t1559.001', 10);
    // Wait for TTP Lens's hover itself, not the link tooltip the mouse may raise over the same word.
    const text = await showHover(page, 'Sub-technique of');
    assert.match(text, /T1559\.001 · Component Object Model/);
    assert.match(text, /Tactics: Execution/);
    assert.match(text, /Open T1559\.001 on attack\.mitre\.org/);
    assert.match(text, /Workspace: covered by 1 rule · sigma 1: Office Application Spawning Through COM or DDE — show rules/);
    await screenshot(page, 'hover.png');
  });

  test('the hover\'s "show rules" link (the one trusted command) opens the technique panel at its rules', async () => {
    const { page } = session;
    await page.locator('.monaco-hover-content a', { hasText: 'show rules' }).first().click();
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('h2#rules', { hasText: 'Rules claiming T1559.001 (1)' }).waitFor({ timeout: 30000 });
    assert.match(await frame.locator('body').innerText(), /Office Application Spawning Through COM or DDE/);
  });

  test('kill -9 the language server: the client restarts it, says so once, and hover comes back', async (t) => {
    const { page } = session;
    // The panel opened by the previous test is beside the editor: start from one editor group.
    await runCommand(page, 'View: Close All Editor Groups');
    const [first] = languageServerPids(session);
    assert.ok(first, 'a language server runs');
    const killed = Date.now();
    process.kill(first, 'SIGKILL');
    await notificationAppears(page, 'the language server stopped unexpectedly and was restarted');
    const deadline = Date.now() + 30000;
    let restarted: number | undefined;
    while (!restarted && Date.now() < deadline) {
      restarted = languageServerPids(session).find((pid) => pid !== first);
      if (!restarted) await page.waitForTimeout(200);
    }
    assert.ok(restarted, 'a new server process');
    await openFile(page, 'rules/com_hijack_dde.yml');
    await clickInText(page, 'attack.t1559.001', 10);
    assert.match(await showHoverEventually(page, 'Sub-technique of'), /T1559\.001 · Component Object Model/);
    t.diagnostic(`kill -9 → hover visible again: ${Date.now() - killed} ms`);
    await screenshot(page, 'server-restarted.png');
    // Told once per session: a second crash restarts quietly.
    await page.keyboard.press('Escape');
    assert.equal(await notificationsSaying(page, 'stopped unexpectedly'), 1, 'one notification');
    process.kill(restarted, 'SIGKILL');
    const again = Date.now() + 30000;
    while (Date.now() < again && !languageServerPids(session).some((pid) => pid !== restarted && pid !== first)) await page.waitForTimeout(200);
    await page.waitForTimeout(1000);
    assert.equal(await notificationsSaying(page, 'stopped unexpectedly'), 1, 'no second notification');
  });
});

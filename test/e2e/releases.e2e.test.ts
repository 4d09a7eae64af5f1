// e2e: "TTP Lens: Download ATT&CK Release…" in code-server against a loopback server playing
// MITRE's attack-stix-data (set as ttpLens.attack.releaseIndexUrl in the session's user settings):
// the status bar then shows the downloaded version, and its release picker switches back.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEMO } from '../support/paths';
import { ReleaseServer, testBundles } from '../support/releaseServer';
import { clickInText, copyWorkspace, notificationText, openFile, runCommand, screenshot, type Session, settled, showHover, startSession, waitForCorpus, withFailureScreenshot } from './codeServer';

describe('e2e: downloading and switching ATT&CK releases', () => {
  let session: Session;
  let server: ReleaseServer;

  before(async () => {
    server = await ReleaseServer.start();
    const indexUrl = server.serveIndex([{ domain: 'enterprise', version: '19.1', modified: '2026-04-28T12:00:00.000Z' }]);
    server.route('/enterprise-attack/enterprise-attack-19.1.json', { body: testBundles().enterprise19 });
    session = await startSession({ workspace: copyWorkspace(DEMO), settings: { 'ttpLens.attack.releaseIndexUrl': indexUrl } });
  });
  after(async () => {
    await session?.stop();
    await server?.close();
  });

  test('the download command fetches v19.1 from the mirror; the status bar shows it; T1685 resolves', () => withFailureScreenshot(session.page, 'download-release', async () => {
    const { page } = session;
    await openFile(page, path.join('sigma', 'windows', 'proc_creation_win_defender_disabled_with_set_mppreference.yml'));
    await waitForCorpus(page, 'ATT&CK v18.1');
    assert.equal(server.requests.length, 0, 'nothing downloaded at activation');
    await runCommand(page, 'TTP Lens: Download ATT&CK Release…');
    const v19 = page.locator('.quick-input-list .monaco-list-row', { hasText: 'v19.1' }).first();
    await v19.waitFor({ timeout: 30000 });
    await settled(v19);
    await screenshot(page, 'download-release.png');
    await v19.click();
    await waitForCorpus(page, 'ATT&CK v19.1', 120000);
    assert.ok(server.requests.includes('/enterprise-attack/enterprise-attack-19.1.json'), server.requests.join(', '));
    assert.match(await notificationText(page, 'is downloaded and in use'), /v19\.1/);
    await clickInText(page, 'attack.t1685', 9);
    const text = await showHover(page, 'T1685 · Disable or Modify Tools');
    assert.match(text, /T1685 · Disable or Modify Tools/);
    await page.keyboard.press('Escape');
  }));

  test('the ATT&CK status-bar item lists the releases and switches back to the embedded one', () => withFailureScreenshot(session.page, 'switch-release', async () => {
    const { page } = session;
    await page.locator('.statusbar-item', { hasText: 'ATT&CK v19.1' }).first().click();
    const embedded = page.locator('.quick-input-list .monaco-list-row', { hasText: 'ATT&CK v18.1 (enterprise)' }).first();
    await embedded.waitFor({ timeout: 20000 });
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    assert.ok(rows.some((r) => /ATT&CK v19\.1 \(enterprise\)[\s\S]*downloaded · in use/.test(r)), rows.join(' | '));
    await settled(embedded);
    await screenshot(page, 'switch-release.png');
    await embedded.click();
    await waitForCorpus(page, 'ATT&CK v18.1', 60000);
  }));
});

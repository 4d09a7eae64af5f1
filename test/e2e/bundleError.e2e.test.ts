// e2e: a configured bundle that does not exist gives one notification naming the file and the
// setting, with the "Choose STIX bundle…" action; the editor keeps working.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES } from '../support/paths';
import { copyWorkspace, notificationAppears, openFile, runCommand, screenshot, type Session, settled, startSession } from './codeServer';

describe('e2e: missing ATT&CK bundle', () => {
  let session: Session;
  const missing = '/nonexistent/enterprise-attack.json';

  before(async () => {
    session = await startSession({ workspace: copyWorkspace(path.join(FIXTURES, 'workspace')), settings: { 'ttpLens.attack.stixPath': missing } });
  });
  after(async () => session?.stop());

  test('shows an error notification with the file, the setting and "Choose STIX bundle…"', async () => {
    const { page } = session;
    await openFile(page, 'rules/com_hijack_dde.yml');
    const toast = page.locator('.notification-toast', { hasText: 'TTP Lens: The ATT&CK bundle' }).first();
    await toast.waitFor({ timeout: 90000 });
    await settled(toast);
    const text = await toast.innerText();
    assert.match(text, new RegExp(`${missing.replace(/\//g, '\\/').replace(/\./g, '\\.')} does not exist \\(set by ttpLens\\.attack\\.stixPath\\)`));
    assert.ok(await toast.getByRole('button', { name: 'Choose STIX Bundle…' }).count(), 'action button');
    await page.locator('.statusbar-item', { hasText: 'ATT&CK' }).first().waitFor();
    await screenshot(page, 'missing-bundle.png');
  });

  test('the coverage view says no bundle is loaded, with its actions; Show Technique says why', async () => {
    const { page } = session;
    await page.locator('.activitybar .action-item a[aria-label^="ATT&CK Coverage"]').first().click();
    const welcome = page.locator('.welcome-view-content', { hasText: 'No ATT&CK bundle is loaded' }).first();
    await welcome.waitFor({ timeout: 30000 });
    assert.ok(await welcome.getByRole('button', { name: 'Choose STIX Bundle…' }).count(), 'a button, not a link in text');
    assert.equal(await page.locator('.pane-header, .title', { hasText: /ATT&CK COVERAGE: COVERAGE/i }).count(), 0, 'one title');
    await runCommand(page, 'TTP Lens: Show Technique');
    await notificationAppears(page, 'TTP Lens cannot search techniques.', 20000);
  });
});

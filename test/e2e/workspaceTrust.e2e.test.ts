// e2e: an untrusted workspace (Restricted Mode) whose settings point TTP Lens at a bundle outside it.
// The extension runs, ignores that setting (VS Code hides restricted settings' workspace values), says
// why once, and hover works on the packaged ATT&CK data.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES } from '../support/paths';
import { clickInText, copyWorkspace, notificationsSaying, notificationText, openFile, screenshot, type Session, showHover, startSession, waitForCorpus, withFailureScreenshot } from './codeServer';

describe('e2e: Restricted Mode (untrusted workspace)', () => {
  let session: Session;

  before(async () => {
    const workspace = copyWorkspace(path.join(FIXTURES, 'workspace'));
    mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'ttpLens.attack.stixPath': '/somewhere/else/enterprise-attack.json' }));
    session = await startSession({ workspace, workspaceTrust: true, settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } });
  });
  after(async () => session?.stop());

  test('the workspace setting is ignored and named; hover works on the packaged data', () => withFailureScreenshot(session.page, 'restricted-mode', async () => {
    const { page } = session;
    assert.match(await notificationText(page, 'TTP Lens is in Restricted Mode', 60000), /ignores this workspace's ttpLens\.attack\.stixPath/);
    await openFile(page, 'rules/com_hijack_dde.yml');
    await waitForCorpus(page);
    assert.equal(await notificationsSaying(page, '/somewhere/else'), 0, 'the workspace path was not used (no notification names it, shown or hidden)');
    await clickInText(page, 'attack.t1559.001', 10);
    assert.match(await showHover(page, 'Sub-technique of'), /T1559\.001 · Component Object Model/);
    await screenshot(page, 'restricted-mode.png');
  }));
});

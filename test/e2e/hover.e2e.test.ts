// e2e: the packaged extension in a real VS Code (code-server) shows the ATT&CK hover on a Sigma tag.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES } from '../support/paths';
import { clickInText, copyWorkspace, openFile, screenshot, type Session, showHover, startSession, waitForCorpus } from './codeServer';

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
    const text = await showHover(page, 'Tactics: Execution');
    assert.match(text, /T1559\.001 · Component Object Model/);
    assert.match(text, /Tactics: Execution/);
    assert.match(text, /Open T1559\.001 on attack\.mitre\.org/);
    await screenshot(page, 'hover.png');
  });
});

// The mocha suite of test/electron (what `npm run test:electron` runs in desktop VS Code through
// @vscode/test-electron) run here in code-server's extension host — the same Node extension host and
// VS Code API — with the extension loaded from this checkout as a development extension.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { SuiteResults } from '../electron/suite/index';
import { REPO_ROOT } from '../support/paths';
import { tempDir } from '../support/temp';
import { copyWorkspace, type Session, startSession } from './codeServer';

describe('e2e: the test-electron mocha suite in code-server\'s extension host', () => {
  let session: Session | undefined;
  after(async () => session?.stop());

  test('hover, completion and the revoked-tag quick-fix pass through the VS Code API', async () => {
    const results = path.join(tempDir('ttplens-ext-tests-'), 'results.json');
    session = await startSession({
      workspace: copyWorkspace(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace')),
      env: { TTPLENS_EXTENSION_TEST_RESULTS: results },
      extensionTests: { extensionDevelopmentPath: REPO_ROOT, extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'electron', 'suite', 'index.js') },
    });
    const deadline = Date.now() + 120000;
    while (!existsSync(results) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    assert.ok(existsSync(results), `the suite wrote no results; code-server said:\n${session.log.join('').slice(-3000)}`);
    const { passes, failures } = JSON.parse(readFileSync(results, 'utf8')) as SuiteResults;
    assert.deepEqual(failures, []);
    assert.equal(passes.length, 3, passes.join('\n'));
  });
});

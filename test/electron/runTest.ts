// npm run test:electron: the in-editor checks as a mocha suite inside a real VS Code extension host,
// with @vscode/test-electron. It downloads VS Code (from update.code.visualstudio.com) on first use,
// so it needs network access: it is not part of `npm test`, which runs the same checks in
// code-server instead (test/e2e). Set VSCODE_EXECUTABLE to use an installed VS Code instead.
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { FIXTURES, REPO_ROOT } from '../support/paths';

async function main(): Promise<void> {
  const workspace = path.join(FIXTURES, 'workspace');
  try {
    await runTests({
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    });
  } catch (error) {
    console.error(`test:electron: ${(error as Error).message}`);
    console.error('If VS Code could not be downloaded, set VSCODE_EXECUTABLE to an installed VS Code binary.');
    process.exit(1);
  }
}

void main();

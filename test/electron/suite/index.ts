// Mocha entry point loaded by VS Code's extension host: by @vscode/test-electron (../runTest.ts) in
// desktop VS Code, and by the e2e layer in code-server's extension host (test/e2e/extensionHost.e2e.test.ts),
// which reads the results from the file named by TTPLENS_EXTENSION_TEST_RESULTS.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface SuiteResults {
  passes: string[];
  failures: { title: string; error: string }[];
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000 });
  mocha.addFile(path.join(__dirname, 'editor.electron.js'));
  const results: SuiteResults = { passes: [], failures: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const file = process.env.TTPLENS_EXTENSION_TEST_RESULTS;
      if (file) writeFileSync(file, JSON.stringify(results, null, 2));
      if (failures) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => results.passes.push(test.fullTitle()));
    runner.on('fail', (test, error: Error) => results.failures.push({ title: test.fullTitle(), error: String(error?.stack ?? error) }));
  });
}

// End to end in code-server: from opening a rule to its ATT&CK hover being visible, median of 5.
// Baseline, same session: from opening the rule to its text being visible (the editor alone).
import * as path from 'node:path';
import { median, out, ROOT } from './lib.mjs';

export async function e2eHover(runs = 5) {
  const h = out('test/e2e/codeServer.js');
  const session = await h.startSession({ workspace: h.copyWorkspace(path.join(ROOT, 'test', 'fixtures', 'workspace')) });
  const { page } = session;
  try {
    await h.openFile(page, 'rules/com_hijack_dde.yml');
    await h.waitForCorpus(page);
    const hover = [];
    const plain = [];
    for (let i = 0; i < runs; i++) {
      for (const [file, measure] of [['rules/revoked_dll_sideloading.yml', plain], ['rules/com_hijack_dde.yml', hover]]) {
        await h.runCommand(page, 'View: Close All Editors');
        const started = performance.now();
        await h.openFile(page, file);
        if (measure === plain) {
          await page.locator('.monaco-editor .view-line', { hasText: 'attack.t1574.002' }).first().waitFor();
        } else {
          await h.clickInText(page, 'attack.t1559.001', 10);
          await h.showHover(page, 'Component Object Model');
        }
        measure.push(performance.now() - started);
      }
    }
    return { hoverMs: median(hover), openMs: median(plain), runs };
  } finally {
    await session.stop();
  }
}

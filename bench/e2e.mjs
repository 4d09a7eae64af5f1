// End to end in code-server: from opening a rule to its ATT&CK hover being visible, median of 5.
// Baseline, same session: from opening the rule to its text being visible (the editor alone).
// Also the extension's activation time in code-server's extension host (client/src/activationTime.ts
// appends it to TTPLENS_ACTIVATION_LOG).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median, out, ROOT } from './lib.mjs';

export async function e2eHover(runs = 5) {
  const h = out('test/e2e/codeServer.js');
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'ttplens-bench-activation-'));
  const activationLog = path.join(logDir, 'activation.jsonl');
  const session = await h.startSession({ workspace: h.copyWorkspace(path.join(ROOT, 'test', 'fixtures', 'workspace')), env: { TTPLENS_ACTIVATION_LOG: activationLog } });
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
    const activations = existsSync(activationLog) ? readFileSync(activationLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line)) : [];
    if (!activations.length) throw new Error('the extension did not report its activation time');
    return { hoverMs: median(hover), openMs: median(plain), runs, activation: activations[0] };
  } finally {
    await session.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
}

// End to end in code-server: from opening a rule to its ATT&CK hover being visible, median of 5.
// Baseline, same session: from opening the rule to its text being visible (the editor alone). Also
// timed the same way: the editor's own hover on a CSS property (its built-in CSS language server),
// the floor of these steps — click, Ctrl+K Ctrl+I, the hover's request, rendering and fade-in — in
// this editor on this machine.
// Then the extension's activation in code-server's extension host (client/src/activationTime.ts
// appends each to TTPLENS_ACTIVATION_LOG): the first start after installing, which compiles
// dist/client.js and writes its code cache, and `reloads` window reloads, which start from the cache
// as every later start of the same version does.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median, out, ROOT } from './lib.mjs';

export async function e2eHover(runs = 5, reloads = 3) {
  const h = out('test/e2e/codeServer.js');
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'ttplens-bench-activation-'));
  const activationLog = path.join(logDir, 'activation.jsonl');
  const activations = () => (existsSync(activationLog) ? readFileSync(activationLog, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : []);
  const workspace = h.copyWorkspace(path.join(ROOT, 'test', 'fixtures', 'workspace'));
  mkdirSync(path.join(workspace, 'styles'));
  writeFileSync(path.join(workspace, 'styles', 'site.css'), 'body {\n  color: black;\n  text-align: center;\n}\n');
  const session = await h.startSession({ workspace, env: { TTPLENS_ACTIVATION_LOG: activationLog } });
  const { page } = session;
  try {
    await h.openFile(page, 'rules/com_hijack_dde.yml');
    await h.waitForCorpus(page);
    // The CSS language server starts on the first CSS file: its start is not part of the floor.
    await h.openFile(page, 'styles/site.css');
    await h.clickInText(page, 'text-align', 3);
    await h.showHoverEventually(page, 'horizontal', 60000);
    const hover = [];
    const plain = [];
    const cssHover = [];
    const steps = [
      ['rules/revoked_dll_sideloading.yml', plain, () => page.locator('.monaco-editor .view-line', { hasText: 'attack.t1574.002' }).first().waitFor()],
      ['rules/com_hijack_dde.yml', hover, () => h.clickInText(page, 'attack.t1559.001', 10).then(() => h.showHover(page, 'Component Object Model'))],
      ['styles/site.css', cssHover, () => h.clickInText(page, 'text-align', 3).then(() => h.showHover(page, 'horizontal'))],
    ];
    for (let i = 0; i < runs; i++) {
      for (const [file, measure, visible] of steps) {
        await h.runCommand(page, 'View: Close All Editors');
        const started = performance.now();
        await h.openFile(page, file);
        await visible();
        measure.push(performance.now() - started);
      }
    }

    // The code cache was written when the first start had started the client (client/src/loader.ts).
    for (let i = 0; i < reloads; i++) {
      const before = activations().length;
      await h.runCommand(page, 'Developer: Reload Window');
      const deadline = Date.now() + 90000;
      while (activations().length === before && Date.now() < deadline) await page.waitForTimeout(100);
      if (activations().length === before) throw new Error('the extension did not report its activation after a window reload');
      await page.waitForSelector('.monaco-workbench');
      await h.waitForCorpus(page);
    }
    const [first, ...again] = activations();
    if (!first) throw new Error('the extension did not report its activation time');
    if (first.codeCache !== 'none') throw new Error(`the first start after installing found a code cache (${first.codeCache})`);
    const notCached = again.filter((a) => a.codeCache !== 'used');
    if (notCached.length) throw new Error(`${notCached.length} of ${again.length} starts after a reload did not use the code cache (${notCached.map((a) => a.codeCache).join(', ')})`);
    return { hoverMs: median(hover), openMs: median(plain), cssHoverMs: median(cssHover), runs, firstActivation: first, activations: again };
  } finally {
    await session.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
}

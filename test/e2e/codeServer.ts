// End-to-end harness: a real VS Code (code-server, installed by test/e2e/setup.sh) with the
// packaged .vsix installed, driven by Playwright in Debian's Chromium. Waits on readiness signals
// (the workbench, TTP Lens's status-bar item), never on fixed sleeps.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { REPO_ROOT } from '../support/paths';
import { tempDir } from '../support/temp';

export const CODE_SERVER_DIR = process.env.TTPLENS_CODE_SERVER_DIR ?? path.join(REPO_ROOT, '.vscode-test', 'code-server');
const ENTRY = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const CHROMIUM = process.env.TTPLENS_CHROMIUM ?? '/usr/bin/chromium';

export function findVsix(): string {
  const vsix = readdirSync(REPO_ROOT).filter((f) => f.endsWith('.vsix')).sort().pop();
  if (!vsix) throw new Error('No .vsix in the repository root: run `npm run package` before the e2e tests.');
  return path.join(REPO_ROOT, vsix);
}

export function checkPrerequisites(): void {
  if (!existsSync(path.join(CODE_SERVER_DIR, '.done')) || !existsSync(ENTRY)) {
    throw new Error(`code-server is not installed in ${CODE_SERVER_DIR}: run \`bash test/e2e/setup.sh\` (installs code-server and Chromium).`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}: run \`bash test/e2e/setup.sh\` or set TTPLENS_CHROMIUM.`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, log: string[], timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${log.join('')}`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer on ${url} within ${timeoutMs} ms:\n${log.join('')}`);
}

export interface Session {
  url: string;
  workspace: string;
  page: Page;
  browser: Browser;
  codeServer: ChildProcess;
  log: string[];
  stop(): Promise<void>;
}

export interface SessionOptions {
  /** Folder to open (copied from a fixture by the caller). */
  workspace: string;
  /** User settings for the session (merged over quiet defaults). */
  settings?: Record<string, unknown>;
  /** Environment of code-server and therefore of the extension host and language server. */
  env?: Record<string, string | undefined>;
  /** Keep VS Code's workspace trust on (the workspace opens in Restricted Mode unless trusted). */
  workspaceTrust?: boolean;
  /** VS Code's display language (code-server --locale), e.g. "ru". */
  locale?: string;
  /** Instead of installing the .vsix: load the extension from this folder as a development extension
   *  and run the mocha suite at `extensionTestsPath` in its extension host (as test-electron does). */
  extensionTests?: { extensionDevelopmentPath: string; extensionTestsPath: string };
}

const QUIET_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'editor.hover.delay': 300,
  'editor.minimap.enabled': false,
  'files.autoSave': 'off',
  'window.commandCenter': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** VS Code displays a language only when a language pack for it is installed (else it falls back to
 *  English, extensions included). Marketplace packs cannot be downloaded here, so the session
 *  registers an empty one in the user data folder, the way an installed pack registers itself: the
 *  workbench's own texts stay English (no translations), while `vscode.env.language` becomes the
 *  locale and extensions — TTP Lens — load their bundles and package.nls.<locale>.json. */
function registerLanguagePack(userDataDir: string, locale: string): void {
  const translations = path.join(userDataDir, `ttplens-empty-language-pack.${locale}.json`);
  writeFileSync(translations, JSON.stringify({ contents: {} }));
  const pack = { extensionIdentifier: { id: `ttp-lens-tests.empty-language-pack-${locale}` }, version: '0.0.0' };
  writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify({ [locale]: { hash: `ttplens-empty-${locale}`, extensions: [pack], translations: { vscode: translations }, label: locale } }));
}

/** Installs the .vsix into a fresh extensions folder, starts code-server and opens the workspace in Chromium. */
export async function startSession(options: SessionOptions): Promise<Session> {
  checkPrerequisites();
  const home = tempDir('ttplens-e2e-');
  const extensionsDir = path.join(home, 'extensions');
  const userDataDir = path.join(home, 'user-data');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  if (!options.extensionTests) execFileSync(process.execPath, [ENTRY, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', findVsix()], { stdio: 'pipe' });
  if (options.locale && !options.locale.startsWith('en')) registerLanguagePack(userDataDir, options.locale);

  const port = await freePort();
  const log: string[] = [];
  const codeServer = spawn(
    process.execPath,
    [ENTRY, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check', ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']), ...(options.locale ? ['--locale', options.locale] : []), '--disable-getting-started-override', options.workspace],
    { env: { ...process.env, TTPLENS_STIX: undefined, ...options.env }, stdio: 'pipe' },
  );
  codeServer.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  codeServer.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  let url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`;
  if (options.extensionTests) {
    // The workbench's `payload` parameter carries what desktop VS Code takes as command-line flags;
    // paths are URIs on the remote (code-server) side.
    const remote = (file: string) => `vscode-remote://127.0.0.1:${port}${file}`;
    const { extensionDevelopmentPath, extensionTestsPath } = options.extensionTests;
    const payload = [['extensionDevelopmentPath', remote(extensionDevelopmentPath)], ['extensionTestsPath', remote(extensionTestsPath)]];
    url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  }
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, codeServer, log);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
  return {
    url,
    workspace: options.workspace,
    page,
    browser,
    codeServer,
    log,
    async stop() {
      await browser.close().catch(() => undefined);
      codeServer.kill();
    },
  };
}

/** Waits until TTP Lens reports the corpus as loaded in the status bar (the extension's readiness signal). */
export async function waitForCorpus(page: Page, label = 'ATT&CK v18.1', timeoutMs = 90000): Promise<void> {
  await page.locator('.statusbar-item', { hasText: label }).first().waitFor({ timeout: timeoutMs });
}

/** Opens a workspace file through Quick Open and waits for its editor. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(relativePath);
  // Wait for the filtered result, not a "recently opened" row shown before filtering finishes.
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relativePath) }).first();
  await row.waitFor();
  await row.click();
  await page.locator(`.tabs-container .tab[aria-label*="${path.basename(relativePath)}"]`).first().waitFor();
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/** Runs a command from the command palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    // A focused webview swallows F1 now and then (it forwards keys to the workbench asynchronously),
    // so give the focus back to the workbench first and retry when the palette does not appear.
    await page.evaluate(() => {
      const active = (globalThis as any).document.activeElement;
      if (active?.tagName === 'IFRAME') active.blur();
    });
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor();
  await row.click();
}

/** How many of the session's notifications say `text`, read in the notification center: a toast
 *  hides itself after a while (sooner on a loaded machine), the center keeps every notification. */
export async function notificationsSaying(page: Page, text: string): Promise<number> {
  return inNotificationCenter(page, (center) => center.locator('.notification-list-item', { hasText: text }).count());
}

/** `read` of the notification center, shown for it and hidden again. */
async function inNotificationCenter<T>(page: Page, read: (center: Locator) => Promise<T>): Promise<T> {
  await runCommand(page, 'Notifications: Show Notifications');
  const center = page.locator('.notifications-center');
  await center.waitFor({ state: 'visible', timeout: 10000 });
  const result = await read(center);
  await runCommand(page, 'Notifications: Hide Notifications');
  return result;
}

/** Waits until the session has a notification saying `text` (a toast or, once it hid, in the center). */
export async function notificationAppears(page: Page, text: string, timeout = 30000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await page.locator('.notification-toast', { hasText: text }).count()) return;
    if ((await notificationsSaying(page, text)) > 0) return;
    if (Date.now() > deadline) throw new Error(`no notification saying "${text}" within ${timeout} ms`);
    await page.waitForTimeout(500);
  }
}

/** The text of the session's notification saying `text`, once it appears: its toast's, or once the
 *  toast hid itself (an information toast does, sooner on a loaded machine), its entry's in the center. */
export async function notificationText(page: Page, text: string, timeout = 30000): Promise<string> {
  await notificationAppears(page, text, timeout);
  const toast = page.locator('.notification-toast', { hasText: text }).first();
  if (await toast.count()) {
    try {
      return await toast.innerText({ timeout: 1000 });
    } catch {
      // hid between the two steps: read it from the center
    }
  }
  return inNotificationCenter(page, (center) => center.locator('.notification-list-item', { hasText: text }).first().innerText({ timeout: 10000 }));
}

/** Puts the cursor inside the first occurrence of `text` in the visible editor, `offsetChars` into it.
 *  The point is measured in the page in one step (Monaco re-renders lines while it colours them, so
 *  an element found first and measured later may be gone), and measured again until it is visible. */
export async function clickInText(page: Page, text: string, offsetChars = 2, scope = '.monaco-editor'): Promise<void> {
  const line = page.locator(`${scope} .view-line`, { hasText: text }).first();
  const deadline = Date.now() + 10000;
  for (;;) {
    await line.waitFor();
    const point = await line
      .evaluate((element: any, [needle, offset]: [string, number]) => {
        const doc = element.ownerDocument;
        const walker = doc.createTreeWalker(element, 4 /* NodeFilter.SHOW_TEXT */);
        const nodes: [any, number][] = [];
        let all = '';
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          nodes.push([node, all.length]);
          all += node.textContent.replace(/\u00a0/g, ' '); // Monaco renders spaces as NBSP
        }
        const at = all.indexOf(needle);
        if (at < 0) return null;
        // An offset at or past the end of `needle` means right after its last character.
        const after = offset >= needle.length;
        const target = at + Math.min(offset, needle.length - 1);
        for (const [node, start] of nodes) {
          if (target >= start + node.textContent.length) continue;
          const range = doc.createRange();
          range.setStart(node, target - start);
          range.setEnd(node, target - start + 1);
          const box = range.getBoundingClientRect();
          if (box.width <= 0) return null;
          return { x: after ? box.right - 1 : box.x + box.width / 2, y: box.y + box.height / 2 };
        }
        return null;
      }, [text, offsetChars] as [string, number])
      .catch(() => null); // the line was re-rendered while being measured
    if (point) {
      await page.mouse.click(point.x, point.y);
      return;
    }
    if (Date.now() > deadline) throw new Error(`"${text}" is not visible in ${scope}`);
    await page.waitForTimeout(100);
  }
}

/** Shows the hover at the cursor (editor.action.showHover) and returns its text once it contains `expected`. */
export async function showHover(page: Page, expected: string): Promise<string> {
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-hover-content', { hasText: expected }).first();
  await hover.waitFor({ timeout: 20000 });
  await settled(hover);
  return hover.innerText();
}

/** showHover, asked again every few seconds until `timeoutMs`: for a server that is still starting
 *  (after a restart on a busy machine its first answer may come before its corpus). */
export async function showHoverEventually(page: Page, expected: string, timeoutMs = 45000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover-content', { hasText: expected }).first();
    try {
      await hover.waitFor({ timeout: Math.max(1000, Math.min(5000, deadline - Date.now())) });
      await settled(hover);
      return hover.innerText();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/** Expands a tree row until `child` shows: a refresh of the tree (the index finishing while the test
 *  clicks, on a loaded machine) can swallow a click or rebuild the row collapsed. */
export async function expandUntil(row: Locator, child: Locator, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await row.waitFor({ timeout: Math.max(1000, deadline - Date.now()) });
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    try {
      await child.waitFor({ timeout: Math.max(1000, Math.min(5000, deadline - Date.now())) });
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
  }
}

/** The problems indicator's accessible label: "No Problems", "Warnings: 1", "Errors: 1, Warnings: 2"… */
export async function waitForProblems(page: Page, expected: RegExp, timeoutMs = 20000): Promise<void> {
  const item = page.locator('#status\\.problems a').first();
  const deadline = Date.now() + timeoutMs;
  let label = '';
  while (Date.now() < deadline) {
    label = (await item.getAttribute('aria-label')) ?? '';
    if (expected.test(label)) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`problems indicator says "${label}", expected ${expected}`);
}

/** Waits until the element and its ancestors have finished their fade-in animations (for sharp
 *  screenshots). The callback runs in the page; this project's TypeScript has no DOM library. */
export async function settled(locator: Locator): Promise<void> {
  await locator.evaluate(async (element: any) => {
    const animations: any[] = [];
    for (let node = element; node; node = node.parentElement) animations.push(...node.getAnimations());
    await Promise.all(animations.filter((a) => a.effect?.getTiming().iterations !== Infinity).map((a) => a.finished));
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file });
  // README images are refreshed from e2e runs on request, not on every run.
  if (process.env.TTPLENS_UPDATE_SCREENSHOTS) {
    mkdirSync(path.join(REPO_ROOT, 'images'), { recursive: true });
    copyFileSync(file, path.join(REPO_ROOT, 'images', name));
  }
  return file;
}

/** Drags the side bar's edge to make it wider (for readable screenshots of the tree). */
export async function widenSideBar(page: Page, by: number): Promise<void> {
  const sidebar = await page.locator('.part.sidebar').first().boundingBox();
  if (!sidebar) return;
  const x = sidebar.x + sidebar.width;
  const y = sidebar.y + sidebar.height / 2;
  await page.mouse.move(x - 1, y);
  await page.mouse.down();
  await page.mouse.move(x + by, y, { steps: 8 });
  await page.mouse.up();
}

/** Runs a test body; on failure saves a screenshot (test-artifacts/failure-<name>.png) and rethrows. */
export async function withFailureScreenshot(page: Page, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, `failure-${name}.png`) }).catch(() => undefined);
    throw error;
  }
}

/** A fresh copy of a fixture folder, so tests never modify the repository. */
export function copyWorkspace(fixture: string): string {
  const target = tempDir('ttplens-ws-');
  execFileSync('cp', ['-r', `${fixture}/.`, target]);
  return target;
}

/** PIDs of TTP Lens language servers started by this session's code-server (its process tree). */
export function languageServerPids(session: Session): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
  const inTree = new Set([session.codeServer.pid!]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of table) if (inTree.has(p.ppid) && !inTree.has(p.pid)) (inTree.add(p.pid), (grew = true));
  }
  return table.filter((p) => inTree.has(p.pid) && /dist\/server\.js/.test(p.args)).map((p) => p.pid);
}

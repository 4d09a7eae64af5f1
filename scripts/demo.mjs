// npm run demo: build and package TTP Lens, install it into a real VS Code (code-server), open a
// copy of the demo workspace (demo/: rules written for the project, in every format) and print the
// URL to open. Ctrl+C stops it and removes the copy.
//   DEMO_PORT=8080   port to listen on (127.0.0.1); DEMO_HOST=0.0.0.0 to listen on all interfaces.
//   --check          start, check that the workbench answers, stop (for scripts and CI).
// The workspace is copied to a fresh folder under the system's temp folder, outside any git tree
// (no "git repository found" prompt); with the shared corpora present (../shared or
// $TTPLENS_SHARED) the SigmaHQ rules and the rule samples are added. code-server's settings,
// extensions, configuration and data stay inside .vscode-test/demo/ (nothing in ~/.config or ~/.local).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findShared } from './sharedDir.mjs';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const check = process.argv.includes('--check');
const codeServerDir = path.join(root, '.vscode-test', 'code-server');
const home = path.join(root, '.vscode-test', 'demo');
// code-server reads and writes $XDG_CONFIG_HOME/code-server and $XDG_DATA_HOME/code-server.
const env = {
  ...process.env,
  XDG_CONFIG_HOME: path.join(home, 'xdg', 'config'),
  XDG_DATA_HOME: path.join(home, 'xdg', 'data'),
  XDG_CACHE_HOME: path.join(home, 'xdg', 'cache'),
  XDG_STATE_HOME: path.join(home, 'xdg', 'state'),
  TTPLENS_STIX: '',
};
const run = (command, args) => execFileSync(command, args, { stdio: 'inherit', env });

if (!existsSync(path.join(codeServerDir, '.done'))) run('bash', ['test/e2e/setup.sh', codeServerDir]);
run(process.execPath, ['scripts/package.mjs']);
const vsix = readdirSync(root).filter((f) => f.endsWith('.vsix')).sort().pop();

rmSync(home, { recursive: true, force: true });
const userData = path.join(home, 'user-data');
const extensions = path.join(home, 'extensions');
for (const dir of [env.XDG_CONFIG_HOME, env.XDG_DATA_HOME, env.XDG_CACHE_HOME, env.XDG_STATE_HOME, path.join(userData, 'User')]) mkdirSync(dir, { recursive: true });
writeFileSync(
  path.join(userData, 'User', 'settings.json'),
  JSON.stringify(
    {
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'files.autoSave': 'off',
      'git.openRepositoryInParentFolders': 'never',
      'extensions.autoCheckUpdates': false,
    },
    null,
    2,
  ),
);

const workspace = mkdtempSync(path.join(os.tmpdir(), 'ttplens-demo-'));
const removeWorkspace = () => rmSync(workspace, { recursive: true, force: true });
cpSync(path.join(root, 'demo'), workspace, { recursive: true });
const shared = findShared(root);
if (shared) {
  cpSync(path.join(shared, 'corpora', 'sigmahq', 'rules'), path.join(workspace, 'sigmahq'), { recursive: true });
  cpSync(path.join(shared, 'corpora', 'samples'), path.join(workspace, 'samples'), { recursive: true });
  console.log(`demo: workspace ${workspace} = the demo rules, the SigmaHQ rules and the Elastic, Splunk and MaxPatrol samples from ${shared}`);
} else {
  console.log(`demo: workspace ${workspace} = the demo rules (demo/); the shared corpora (../shared) are not here`);
}

const entry = path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
run(process.execPath, [entry, '--extensions-dir', extensions, '--user-data-dir', userData, '--install-extension', path.join(root, vsix)]);

const port = process.env.DEMO_PORT ?? '8080';
const host = process.env.DEMO_HOST ?? '127.0.0.1';
const server = spawn(
  process.execPath,
  [entry, '--auth', 'none', '--bind-addr', `${host}:${port}`, '--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', workspace],
  { stdio: ['ignore', 'ignore', 'inherit'], env },
);
const local = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
const url = `${local}/?folder=${encodeURIComponent(workspace)}`;
process.on('SIGINT', () => server.kill());
server.on('exit', (code) => {
  removeWorkspace();
  process.exit(check ? process.exitCode ?? 0 : code ?? 0);
});

if (check) {
  const deadline = Date.now() + 60000;
  let answer = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      const body = await response.text();
      if (response.ok && body.includes('workbench')) {
        answer = `HTTP ${response.status}, the workbench page (${body.length} bytes)`;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  console.log(answer ? `demo: ${url} answers: ${answer}` : `demo: ${url} did not answer within 60 s`);
  process.exitCode = answer ? 0 : 1;
  server.kill();
} else {
  console.log(`\nTTP Lens demo is starting. Open:\n\n    ${url}\n\nin a browser (Ctrl+C stops the demo).`);
}

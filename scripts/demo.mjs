// npm run demo: build and package TTP Lens, install it into a real VS Code (code-server), open a
// sample workspace of Sigma rules, and print the URL to open. Ctrl+C stops it.
//   DEMO_PORT=8080   port to listen on (127.0.0.1); DEMO_HOST=0.0.0.0 to listen on all interfaces.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { findShared } from './sharedDir.mjs';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });

const codeServerDir = path.join(root, '.vscode-test', 'code-server');
if (!existsSync(path.join(codeServerDir, '.done'))) run('bash', ['test/e2e/setup.sh', codeServerDir]);
run(process.execPath, ['scripts/package.mjs']);
const vsix = readdirSync(root).filter((f) => f.endsWith('.vsix')).sort().pop();

const demo = path.join(root, '.vscode-test', 'demo');
const workspace = path.join(demo, 'workspace');
rmSync(demo, { recursive: true, force: true });
mkdirSync(workspace, { recursive: true });
const sharedRoot = findShared(root);
const shared = sharedRoot ? path.join(sharedRoot, 'corpora') : path.resolve(root, '..', 'shared', 'corpora');
cpSync(path.join(root, 'test', 'fixtures', 'workspace'), path.join(workspace, 'examples'), { recursive: true });
if (existsSync(shared)) {
  cpSync(path.join(shared, 'sigmahq', 'rules'), path.join(workspace, 'sigma'), { recursive: true });
  cpSync(path.join(shared, 'samples'), path.join(workspace, 'samples'), { recursive: true });
  console.log(`demo: workspace = the SigmaHQ rules and the Elastic, Splunk and MaxPatrol samples from ${shared}`);
} else {
  console.log(`demo: ${shared} not found; the workspace holds the test fixtures only`);
}

const entry = path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const userData = path.join(demo, 'user-data');
const extensions = path.join(demo, 'extensions');
mkdirSync(path.join(userData, 'User'), { recursive: true });
writeFileSync(
  path.join(userData, 'User', 'settings.json'),
  JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none' }, null, 2),
);
run(process.execPath, [entry, '--extensions-dir', extensions, '--user-data-dir', userData, '--install-extension', path.join(root, vsix)]);

const port = process.env.DEMO_PORT ?? '8080';
const host = process.env.DEMO_HOST ?? '127.0.0.1';
const server = spawn(
  process.execPath,
  [entry, '--auth', 'none', '--bind-addr', `${host}:${port}`, '--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', workspace],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/?folder=${encodeURIComponent(workspace)}`;
console.log(`\nTTP Lens demo is starting. Open:\n\n    ${url}\n\nin a browser (Ctrl+C stops the demo).`);
process.on('SIGINT', () => server.kill());
server.on('exit', (code) => process.exit(code ?? 0));

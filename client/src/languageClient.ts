// The language client: starts dist/server.js over IPC and passes what only the editor knows (the
// extension's storage, for the corpus cache and the downloaded ATT&CK releases). Settings, the
// bundle path among them, the server pulls through workspace/configuration.
import vscode = require('vscode');
import type { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import languageclient = require('vscode-languageclient/node');
import { SHOW_TECHNIQUE_COMMAND } from '../../server/src/protocol';
import { SERVER_ENV } from '../../server/src/serverEnv';
import { ServerRecovery } from './serverRecovery';

/** Rule files and notes: YAML (Sigma, Splunk, Sentinel, MaxPatrol), TOML (Elastic), detection content
 *  read as text (YARA, Suricata/Snort, KQL), Markdown and text. */
export const DOCUMENT_SELECTOR: LanguageClientOptions['documentSelector'] = [
  { scheme: 'file', language: 'yaml' },
  { scheme: 'untitled', language: 'yaml' },
  { scheme: 'file', language: 'toml' },
  { scheme: 'file', pattern: '**/*.toml' },
  { scheme: 'file', pattern: '**/*.{yar,yara,rules,kql}' },
  { scheme: 'file', language: 'markdown' },
  { scheme: 'file', language: 'plaintext' },
];

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: languageclient.TransportKind.ipc, options: { env: { ...process.env, ...SERVER_ENV } } },
    debug: { module: serverModule, transport: languageclient.TransportKind.ipc, options: { env: { ...process.env, ...SERVER_ENV }, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    errorHandler: new ServerRecovery(output),
    synchronize: { configurationSection: 'ttpLens' },
    middleware: {
      // Hovers are untrusted Markdown, except for the one command link the server itself writes
      // ("show rules" → the technique panel); rule and corpus text cannot form links (escaped/stripped).
      provideHover: async (document, position, token, next) => {
        const hover = await next(document, position, token);
        for (const content of hover?.contents ?? []) if (content instanceof vscode.MarkdownString) content.isTrusted = { enabledCommands: [SHOW_TECHNIQUE_COMMAND] };
        return hover;
      },
    },
    initializationOptions: {
      cacheDir: vscode.Uri.joinPath(context.globalStorageUri, 'corpus-cache').fsPath,
      releasesDir: vscode.Uri.joinPath(context.globalStorageUri, 'attack-releases').fsPath,
    },
  };
  return new languageclient.LanguageClient('ttpLens', 'TTP Lens', serverOptions, clientOptions);
}

// Entry point of dist/server.js: `node dist/server.js --stdio`, or started by the client over IPC
// (`--node-ipc`); createConnection picks the transport from the command line.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all), { distDir: __dirname });

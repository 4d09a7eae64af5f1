// How long activation took: from the first line of dist/extension.js (the build's banner) to the
// language client's start — what the user waits for before the server can answer. Logged to the
// output channel; with TTPLENS_ACTIVATION_LOG set (the e2e benchmark), also appended to that file.
import { appendFileSync } from 'node:fs';
import type * as vscode from 'vscode';

declare global {
  // Set by the banner and the footer of dist/extension.js (scripts/build.mjs).
  var __ttpLensLoadStart: number | undefined;
  var __ttpLensLoadEnd: number | undefined;
}

export function reportActivationTime(output: vscode.LogOutputChannel, activateStart: number): void {
  const now = performance.now();
  const loadStart = globalThis.__ttpLensLoadStart ?? activateStart;
  const loadEnd = globalThis.__ttpLensLoadEnd ?? activateStart;
  // Between loading and activate() the editor does its own work (other extensions, its events):
  // reported apart, not counted as ours.
  const timing = { activationMs: loadEnd - loadStart + (now - activateStart), loadMs: loadEnd - loadStart, activateMs: now - activateStart, editorGapMs: activateStart - loadEnd };
  output.info(`Activated in ${timing.activationMs.toFixed(1)} ms: loading the extension ${timing.loadMs.toFixed(1)} ms, activate() until the language client starts ${timing.activateMs.toFixed(1)} ms (the editor's own work in between: ${timing.editorGapMs.toFixed(1)} ms).`);
  const log = process.env.TTPLENS_ACTIVATION_LOG;
  if (log) {
    try {
      appendFileSync(log, `${JSON.stringify(timing)}\n`);
    } catch {
      // A benchmark hook: never in the way of activation.
    }
  }
}

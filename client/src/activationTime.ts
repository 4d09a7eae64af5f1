// How long activation took: from the first line of dist/extension.js (the build's banner) to the
// language client's start — what the user waits for before the server can answer. Logged to the
// output channel; with TTPLENS_ACTIVATION_LOG set (the e2e benchmark), also appended to that file.
import { appendFileSync } from 'node:fs';
import type * as vscode from 'vscode';
import { mark, marks } from './activationMarks';

export function reportActivationTime(output: vscode.LogOutputChannel): void {
  const now = mark();
  const { loadStart = now, loadEnd = now, activateStart = now, clientCompiled = now, clientLoaded = now, codeCache = 'none' } = marks();
  // Between loading and activate() the editor does its own work (other extensions, its events):
  // reported apart, not counted as ours. CPU time too, since wall time on a busy machine waits.
  const timing = {
    activationMs: loadEnd.ms - loadStart.ms + (now.ms - activateStart.ms),
    cpuMs: loadEnd.cpuMs - loadStart.cpuMs + (now.cpuMs - activateStart.cpuMs),
    loadMs: loadEnd.ms - loadStart.ms + (clientLoaded.ms - activateStart.ms),
    compileMs: clientCompiled.ms - activateStart.ms,
    runMs: clientLoaded.ms - clientCompiled.ms,
    activateMs: now.ms - clientLoaded.ms,
    cpu: { load: loadEnd.cpuMs - loadStart.cpuMs, compile: clientCompiled.cpuMs - activateStart.cpuMs, run: clientLoaded.cpuMs - clientCompiled.cpuMs, activate: now.cpuMs - clientLoaded.cpuMs },
    editorGapMs: activateStart.ms - loadEnd.ms,
    codeCache,
  };
  output.info(
    `Activated in ${timing.activationMs.toFixed(1)} ms (CPU ${timing.cpuMs.toFixed(1)} ms): loading the extension ${timing.loadMs.toFixed(1)} ms (code cache: ${codeCache}), activate() until the language client starts ${timing.activateMs.toFixed(1)} ms (the editor's own work in between: ${timing.editorGapMs.toFixed(1)} ms).`,
  );
  const log = process.env.TTPLENS_ACTIVATION_LOG;
  if (log) {
    try {
      appendFileSync(log, `${JSON.stringify(timing)}\n`);
    } catch {
      // A benchmark hook: never in the way of activation.
    }
  }
}

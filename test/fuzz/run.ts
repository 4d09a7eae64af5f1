// Runs fuzz cases through one running server (restarted after a crash or a stall): every response
// validated, every request timed, failing cases saved with their seed and steps for replay.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, CompletionItem, Diagnostic } from 'vscode-languageserver-types';
import { BUNDLE_18, HAS_SHARED, REPO_ROOT } from '../support/paths';
import { tempDir } from '../support/temp';
import { type FuzzCase, generateCase, type RequestKind, type Step } from './cases';
import { FuzzClient } from './client';
import { fuzzSources } from './sources';
import { checkCodeAction, checkCodeActions, checkCompletion, checkCompletionItem, checkDiagnostics, checkHover, checkLinks, viewOf } from './validate';

/** A request slower than this fails the run. */
export const SLOW_MS = 1000;
/** No answer (or no diagnostics) within this is a stall: the server is restarted. */
const STALL_MS = 15_000;

export type FailureKind = 'crash' | 'stall' | 'error-response' | 'logged-error' | 'malformed' | 'slow';

export interface Failure {
  kind: FailureKind;
  message: string;
  step: number;
}

export interface Slowest {
  ms: number;
  what: string;
  index: number;
  mutations: string[];
  source: string;
}

export interface FuzzReport {
  seed: number;
  documents: number;
  requests: number;
  failures: Record<FailureKind, number>;
  slowestRequest?: Slowest;
  slowestDiagnostics?: Slowest;
  requestsOverSlow: number;
  savedCases: string[];
  seconds: number;
  corpora: string;
}

export interface FuzzOptions {
  seed: number;
  count: number;
  /** Where failing cases go (test-artifacts/fuzz by default). */
  outDir?: string;
  /** Progress lines on stderr every this many documents (0: none). */
  progressEvery?: number;
  /** Cases to run instead of generating them (a replay). */
  cases?: FuzzCase[];
}

const METHOD: Record<RequestKind, string> = {
  hover: 'textDocument/hover',
  completion: 'textDocument/completion',
  codeAction: 'textDocument/codeAction',
  documentLink: 'textDocument/documentLink',
  completionResolve: 'completionItem/resolve',
  codeActionResolve: 'codeAction/resolve',
};

const overlaps = (diagnostic: Diagnostic, line: number) => diagnostic.range.start.line <= line && line <= diagnostic.range.end.line;

class CaseRun {
  readonly failures: Failure[] = [];
  requests = 0;
  slowest?: { ms: number; what: string };
  slowestDiagnostics?: { ms: number; what: string };
  requestsOverSlow = 0;
  private document!: TextDocument;
  private lastCompletion: CompletionItem[] = [];
  private lastActions: CodeAction[] = [];
  private sentAt = 0;

  constructor(
    private readonly client: FuzzClient,
    private readonly uri: string,
  ) {}

  private fail(kind: FailureKind, message: string, step: number): void {
    if (this.failures.length < 20) this.failures.push({ kind, message: message.slice(0, 4000), step });
  }

  async run(steps: Step[]): Promise<void> {
    for (const [i, step] of steps.entries()) {
      if (this.client.exited) {
        this.fail('crash', this.client.exited, i);
        return;
      }
      if (!(await this.step(step, i))) return;
    }
    for (const error of this.client.takeLoggedErrors()) this.fail('logged-error', error, steps.length - 1);
  }

  /** One step; false when the case cannot go on (the server died or stalled). */
  private async step(step: Step, i: number): Promise<boolean> {
    switch (step.op) {
      case 'open':
        this.document = TextDocument.create(this.uri, step.languageId, 1, step.text);
        this.sentAt = performance.now();
        this.client.notify('textDocument/didOpen', { textDocument: { uri: this.uri, languageId: step.languageId, version: 1, text: step.text } });
        return true;
      case 'change':
        this.document = TextDocument.update(this.document, [{ text: step.text }], this.document.version + 1);
        this.sentAt = performance.now();
        this.client.notify('textDocument/didChange', { textDocument: { uri: this.uri, version: this.document.version }, contentChanges: [{ text: step.text }] });
        return true;
      case 'edit':
        this.document = TextDocument.update(this.document, [{ range: step.range, text: step.text }], this.document.version + 1);
        this.sentAt = performance.now();
        this.client.notify('textDocument/didChange', { textDocument: { uri: this.uri, version: this.document.version }, contentChanges: [{ range: step.range, text: step.text }] });
        return true;
      case 'close':
        this.client.notify('textDocument/didClose', { textDocument: { uri: this.uri } });
        this.client.forget(this.uri);
        return true;
      case 'wait': {
        const arrived = await this.client.diagnosticsFor(this.uri, this.document.version, STALL_MS);
        if (!arrived) {
          this.fail(this.client.exited ? 'crash' : 'stall', this.client.exited ?? `no diagnostics for version ${this.document.version} within ${STALL_MS} ms`, i);
          return false;
        }
        const published = this.client.published.get(this.uri)!;
        const ms = published.at - this.sentAt;
        if (!this.slowestDiagnostics || ms > this.slowestDiagnostics.ms) this.slowestDiagnostics = { ms, what: `diagnostics of version ${this.document.version}` };
        if (published.version === this.document.version) for (const problem of checkDiagnostics(published.diagnostics, viewOf(this.document))) this.fail('malformed', problem, i);
        return true;
      }
      case 'request':
        return this.request(step.method, step, i);
    }
  }

  private async request(kind: RequestKind, step: Extract<Step, { op: 'request' }>, i: number): Promise<boolean> {
    const textDocument = { uri: this.uri };
    let params: unknown;
    switch (kind) {
      case 'hover':
      case 'completion':
        params = { textDocument, position: step.position };
        break;
      case 'codeAction': {
        const published = this.client.published.get(this.uri);
        const current = published && published.version === this.document.version ? published.diagnostics : [];
        params = { textDocument, range: { start: step.position, end: step.position }, context: { diagnostics: current.filter((d) => overlaps(d, step.position.line)).slice(0, 5), only: step.only } };
        break;
      }
      case 'documentLink':
        params = { textDocument };
        break;
      case 'completionResolve':
        if (!this.lastCompletion.length) return true;
        params = this.lastCompletion[(step.position.line + step.position.character) % this.lastCompletion.length];
        break;
      case 'codeActionResolve': {
        const action = this.lastActions.find((a) => a.data !== undefined && !a.edit);
        if (!action) return true;
        params = action;
        break;
      }
    }
    const outcome = await this.client.request<unknown>(METHOD[kind], params, STALL_MS);
    this.requests++;
    const what = `${kind} at ${step.position.line}:${step.position.character}`;
    if (!this.slowest || outcome.ms > this.slowest.ms) this.slowest = { ms: outcome.ms, what };
    if (outcome.ms > SLOW_MS) {
      this.requestsOverSlow++;
      this.fail('slow', `${what}: ${outcome.ms.toFixed(0)} ms`, i);
    }
    if (!outcome.ok) {
      this.fail(outcome.stalled ? 'stall' : this.client.exited ? 'crash' : 'error-response', outcome.error, i);
      return !outcome.stalled && !this.client.exited;
    }
    const view = viewOf(this.document);
    const result = outcome.result;
    const problems =
      kind === 'hover' ? checkHover(result, view)
      : kind === 'completion' ? checkCompletion(result, view)
      : kind === 'codeAction' ? checkCodeActions(result, view)
      : kind === 'documentLink' ? checkLinks(result, view)
      : kind === 'completionResolve' ? checkCompletionItem(result)
      : checkCodeAction(result, view);
    for (const problem of problems) this.fail('malformed', problem, i);
    if (kind === 'completion' && result) this.lastCompletion = (Array.isArray(result) ? result : (result as { items: CompletionItem[] }).items).slice(0, 50);
    if (kind === 'codeAction' && Array.isArray(result)) this.lastActions = result as CodeAction[];
    return true;
  }
}

function emptyFailures(): Record<FailureKind, number> {
  return { crash: 0, stall: 0, 'error-response': 0, 'logged-error': 0, malformed: 0, slow: 0 };
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const sources = options.cases ? [] : fuzzSources();
  const folder = tempDir('ttplens-fuzz-');
  const outDir = options.outDir ?? path.join(REPO_ROOT, 'test-artifacts', 'fuzz');
  const stixPath = HAS_SHARED ? BUNDLE_18 : undefined;
  const start = async () => {
    const client = await FuzzClient.start({ stixPath, workspaceFolder: folder });
    await client.ready();
    return client;
  };
  let client = await start();
  const report: FuzzReport = {
    seed: options.seed,
    documents: 0,
    requests: 0,
    failures: emptyFailures(),
    requestsOverSlow: 0,
    savedCases: [],
    seconds: 0,
    corpora: options.cases ? 'replayed cases' : HAS_SHARED ? `${sources.length} documents: SigmaHQ, Splunk, Elastic and MaxPatrol samples (../shared) and the project's fixtures` : `${sources.length} documents: the project's fixtures (../shared is absent)`,
  };
  const total = options.cases?.length ?? options.count;
  try {
    for (let n = 0; n < total; n++) {
      const fuzzCase = options.cases?.[n] ?? generateCase(options.seed, n, sources);
      const uri = fuzzCase.location.startsWith('untitled:') ? fuzzCase.location : pathToFileURL(path.join(folder, fuzzCase.location)).href;
      const run = new CaseRun(client, uri);
      await run.run(fuzzCase.steps);
      report.documents++;
      report.requests += run.requests;
      report.requestsOverSlow += run.requestsOverSlow;
      const describe = (slow: { ms: number; what: string }): Slowest => ({ ms: slow.ms, what: slow.what, index: fuzzCase.index, mutations: fuzzCase.mutations, source: fuzzCase.source });
      if (run.slowest && (!report.slowestRequest || run.slowest.ms > report.slowestRequest.ms)) report.slowestRequest = describe(run.slowest);
      if (run.slowestDiagnostics && (!report.slowestDiagnostics || run.slowestDiagnostics.ms > report.slowestDiagnostics.ms)) report.slowestDiagnostics = describe(run.slowestDiagnostics);
      if (run.failures.length) {
        for (const failure of run.failures) report.failures[failure.kind]++;
        mkdirSync(outDir, { recursive: true });
        const file = path.join(outDir, `case-${fuzzCase.seed}-${fuzzCase.index}.json`);
        writeFileSync(file, JSON.stringify({ ...fuzzCase, failures: run.failures }, null, 1));
        report.savedCases.push(path.relative(REPO_ROOT, file));
        process.stderr.write(`fuzz: case ${fuzzCase.index} (${fuzzCase.source}; ${fuzzCase.mutations.join(', ') || 'unmutated'}): ${run.failures.map((f) => `${f.kind}: ${f.message.split('\n')[0].slice(0, 300)}`).join(' | ')} → ${path.relative(REPO_ROOT, file)}\n`);
      }
      if (client.exited || run.failures.some((f) => f.kind === 'stall')) {
        await client.stop();
        client = await start();
      }
      if (options.progressEvery && (n + 1) % options.progressEvery === 0) {
        process.stderr.write(`fuzz: ${n + 1}/${total} documents, ${report.requests} requests, ${Object.values(report.failures).reduce((a, b) => a + b, 0)} failures, slowest request ${report.slowestRequest?.ms.toFixed(0) ?? '-'} ms\n`);
      }
    }
  } finally {
    await client.stop();
  }
  report.seconds = Math.round((performance.now() - started) / 1000);
  return report;
}

export function summary(report: FuzzReport): string {
  const failures = Object.entries(report.failures).filter(([, n]) => n).map(([kind, n]) => `${n} ${kind}`).join(', ') || 'none';
  const slow = report.slowestRequest ? `${report.slowestRequest.ms.toFixed(0)} ms (${report.slowestRequest.what}, case ${report.slowestRequest.index}: ${report.slowestRequest.source}; ${report.slowestRequest.mutations.join(', ') || 'unmutated'})` : '-';
  const diagnostics = report.slowestDiagnostics ? `${report.slowestDiagnostics.ms.toFixed(0)} ms (case ${report.slowestDiagnostics.index}; ${report.slowestDiagnostics.mutations.join(', ') || 'unmutated'})` : '-';
  return [
    `fuzz: seed ${report.seed}: ${report.documents} documents, ${report.requests} requests in ${report.seconds} s (${report.corpora})`,
    `fuzz: crashes ${report.failures.crash + report.failures['error-response'] + report.failures['logged-error']}, stalls ${report.failures.stall}, malformed responses ${report.failures.malformed}, requests over ${SLOW_MS} ms ${report.requestsOverSlow}; failures: ${failures}`,
    `fuzz: slowest request ${slow}; slowest diagnostics after an open or edit ${diagnostics}`,
    ...report.savedCases.map((file) => `fuzz: saved ${file} (replay: npm run fuzz -- --replay ${file})`),
  ].join('\n');
}

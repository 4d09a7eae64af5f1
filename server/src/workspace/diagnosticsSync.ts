// Workspace diagnostics without the protocol: one report per file (its diagnostics and a result id
// that changes exactly when they do), computed once per RuleDocument, and what one client-side
// collection holds, so that a flush sends only the files whose diagnostics changed. The same logic
// serves pull (a workspace/diagnostic stream) and push (publishDiagnostics).
import { createHash } from 'node:crypto';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { RuleDocument } from '../formats/model';

export interface FileReport {
  uri: string;
  /** A hash of the diagnostics: equal ids, equal diagnostics (across server runs too). */
  resultId: string;
  diagnostics: Diagnostic[];
}

/** The result id of a file without findings. */
export const EMPTY_RESULT_ID = 'none';
/** What a view records for a file whose client-side entry is unknown (an editor closed it and may
 *  still show the diagnostics of its unsaved text): the next change sends it whatever it has. */
const STALE = '';

export function resultIdOf(diagnostics: readonly Diagnostic[]): string {
  if (!diagnostics.length) return EMPTY_RESULT_ID;
  return createHash('sha1').update(JSON.stringify(diagnostics)).digest('base64url');
}

/** Reports per file, computed once per RuleDocument: the index and the open-document cache replace
 *  the object when a file changes, so identity says whether a cached report is current. `reset`
 *  drops everything when what the computation reads (corpus, settings) changed.
 *  A closed file's report keeps its result id only: its diagnostics are needed again only when a
 *  client holds something else (rare: a new view, a cleared entry), and are computed again then —
 *  the same, since the rule and the context are — instead of holding ~1,000 findings' objects and
 *  messages of a repository for the life of the server. */
export class ReportCache {
  private readonly entries = new Map<string, { rule: RuleDocument; report: FileReport }>();

  constructor(private readonly compute: (rule: RuleDocument) => Diagnostic[]) {}

  /** `hold`: keep the diagnostics with the report (an open document's, read on every request). */
  reportOf(rule: RuleDocument, hold = true): FileReport {
    const cached = this.entries.get(rule.uri);
    if (cached?.rule === rule) return cached.report;
    const diagnostics = this.compute(rule);
    const resultId = resultIdOf(diagnostics);
    const report: FileReport = hold || !diagnostics.length ? { uri: rule.uri, resultId, diagnostics } : new RecomputedReport(rule, resultId, this.compute);
    this.entries.set(rule.uri, { rule, report });
    return hold || !diagnostics.length ? report : { uri: rule.uri, resultId, diagnostics };
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }

  reset(): void {
    this.entries.clear();
  }
}

/** A report whose diagnostics are computed when read (see ReportCache). */
class RecomputedReport implements FileReport {
  readonly uri: string;

  constructor(
    private readonly rule: RuleDocument,
    readonly resultId: string,
    private readonly compute: (rule: RuleDocument) => Diagnostic[],
  ) {
    this.uri = rule.uri;
  }

  get diagnostics(): Diagnostic[] {
    return this.compute(this.rule);
  }
}

export type ReportChange = { kind: 'full'; report: FileReport } | { kind: 'unchanged'; uri: string; resultId: string };

/** What one client-side collection holds: the result id last sent per file. */
export class ClientView {
  private readonly sent = new Map<string, string>();
  /** Files the client named with a result id when the view started, not yet answered. */
  private readonly unanswered = new Set<string>();

  /** `previous`: the result ids the client already holds (a workspace/diagnostic request's
   *  previousResultIds), answered `unchanged` when still current. */
  constructor(previous: Iterable<{ uri: string; value: string }> = []) {
    for (const { uri, value } of previous) {
      this.sent.set(uri, value);
      this.unanswered.add(uri);
    }
  }

  /** Files the client holds something for. */
  uris(): IterableIterator<string> {
    return this.sent.keys();
  }

  /** Records a report sent outside a flush (an open document pushed at once). */
  record(report: FileReport): void {
    this.sent.set(report.uri, report.resultId);
    this.unanswered.delete(report.uri);
  }

  /** The client's entry for the file is unknown now (see STALE). */
  invalidate(uri: string): void {
    this.sent.set(uri, STALE);
    this.unanswered.delete(uri);
  }

  /** What to send for a file whose current report is `report` (undefined: the file is gone or out
   *  of scope): the report when the client holds something else, an empty report to clear what it
   *  holds, `unchanged` for a file the client named at the start, or nothing. Records what is sent. */
  change(uri: string, report: FileReport | undefined): ReportChange | undefined {
    const held = this.sent.get(uri);
    const named = this.unanswered.delete(uri);
    if (!report) {
      if (held === undefined) return undefined;
      this.sent.delete(uri);
      if (held === EMPTY_RESULT_ID) return undefined;
      return { kind: 'full', report: { uri, resultId: EMPTY_RESULT_ID, diagnostics: [] } };
    }
    if (held === report.resultId) return named ? { kind: 'unchanged', uri, resultId: held } : undefined;
    if (held === undefined && report.resultId === EMPTY_RESULT_ID) return undefined;
    this.sent.set(uri, report.resultId);
    return { kind: 'full', report };
  }
}

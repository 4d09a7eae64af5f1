// Diagnostics: every check's findings as LSP diagnostics with a stable code, the configured severity,
// and in `data` what the quick-fixes need (so fixes never parse messages). Work is linear in the
// rule's references (a verdict is computed once per distinct reference), and what one document
// publishes is capped: a hostile file with 100,000 findings shows the most severe MAX_DIAGNOSTICS
// and one more diagnostic saying how many were left out.
import { type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Corpus } from '../corpus/corpus';
import type { AttackReference, RuleDocument } from '../formats/model';
import { type Settings, severityOf, type SeveritySetting } from '../settings';
import { checkReference, type Finding } from './referenceChecks';
import { checkDuplicates, checkFiledTactics, checkObservable, checkTacticTags, type ObservabilityCheck, type RuleComponents } from './ruleChecks';
import { checkTarget, type TargetFor } from './targetChecks';
import { formatCount, t } from '../l10n/l10n';

export const DIAGNOSTIC_SOURCE = 'TTP Lens';
/** Findings one document publishes at most (plus the one that says the rest were left out). */
export const MAX_DIAGNOSTICS = 1000;

const SEVERITY: Record<Exclude<SeveritySetting, 'off'>, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a quick-fix needs, carried in Diagnostic.data. */
export interface FixData {
  replacements?: Finding['replacements'];
  autoFix?: boolean;
  insertions?: Finding['insertions'];
  deletion?: Finding['deletion'];
  deletionTitle?: string;
}

export interface DiagnosticsContext {
  corpus: Corpus | undefined;
  settings: Settings;
  /** The coverage check's inputs; absent when no log-source table is available. */
  ruleComponents?: RuleComponents;
  observability?: ObservabilityCheck;
  /** The ATT&CK release each format's SIEM supports (`ttpLens.targets`), for `ttp.target-too-new`. */
  targetFor?: TargetFor;
}

export function findingsOf(rule: RuleDocument, context: DiagnosticsContext): Finding[] {
  const findings: Finding[] = rule.problems.map((problem) => ({ code: 'ttp.parse' as const, range: problem.range, message: problem.message }));
  const corpus = context.corpus;
  if (!corpus) return findings;
  // IDs in prose and unrelated files: "S3000" may be a model number, so only what is certainly
  // about ATT&CK — a revoked or deprecated object — is reported there.
  const keep = rule.format === 'text' ? (f: Finding) => f.code === 'ttp.revoked' || f.code === 'ttp.deprecated' : undefined;
  appendAll(findings, referenceFindings(corpus, rule, keep));
  if (rule.format === 'text') return findings;
  appendAll(findings, checkFiledTactics(corpus, rule));
  appendAll(findings, checkTacticTags(corpus, rule));
  appendAll(findings, checkDuplicates(rule));
  if (context.ruleComponents && context.observability) appendAll(findings, checkObservable(corpus, rule, context.ruleComponents, context.observability));
  const target = context.targetFor?.(rule.format);
  if (target) appendAll(findings, checkTarget(corpus, rule, target));
  return findings;
}

/** Not push(...list): a list of 100,000 is beyond the argument limit. */
function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** checkReference for every reference, computed once per distinct written reference: the same tag
 *  repeated 10,000 times (or 10,000 typos needing "did you mean" searches) costs one check. */
function referenceFindings(corpus: Corpus, rule: RuleDocument, keep?: (finding: Finding) => boolean): Finding[] {
  const out: Finding[] = [];
  // Keyed by the written text (a string the parser already made: no key to build per reference),
  // then matched on what else checkReference reads (an Elastic name too).
  const memo = new Map<string, { reference: AttackReference; findings: Finding[] }[]>();
  for (const reference of rule.references) {
    let entries = memo.get(reference.written);
    if (!entries) memo.set(reference.written, (entries = []));
    const known = entries.find(({ reference: r }) => r.form === reference.form && r.kind === reference.kind && r.id === reference.id && r.malformed === reference.malformed && r.name?.text === reference.name?.text);
    let findings: Finding[];
    if (known) {
      const moves: Move[] = [[known.reference.range, reference.range]];
      if (known.reference.name && reference.name) moves.push([known.reference.name.range, reference.name.range]);
      findings = known.findings.map((finding) => new MovedFinding(finding, moves));
    } else {
      findings = checkReference(corpus, rule, reference);
      entries.push({ reference, findings });
    }
    for (const finding of findings) if (!keep || keep(finding)) out.push(finding);
  }
  return out;
}

type Move = [from: AttackReference['range'], to: AttackReference['range']];

/** A finding computed for one reference, placed at another with the same text. The copy costs one
 *  small object: a hostile file repeats a finding 100,000 times, and the fix data (replacements at
 *  the new place) is built only for the findings that are shown or fixed. */
class MovedFinding implements Finding {
  constructor(
    private readonly template: Finding,
    private readonly moves: readonly Move[],
  ) {}

  private at(range: AttackReference['range']): AttackReference['range'] {
    for (const [from, to] of this.moves) if (range === from) return to;
    return range;
  }

  get range(): AttackReference['range'] {
    return this.at(this.template.range);
  }

  get code(): Finding['code'] {
    return this.template.code;
  }

  get message(): string {
    return this.template.message;
  }

  get autoFix(): boolean | undefined {
    return this.template.autoFix;
  }

  get insertions(): Finding['insertions'] {
    return this.template.insertions;
  }

  get deletionTitle(): string | undefined {
    return this.template.deletionTitle;
  }

  get deletion(): Finding['deletion'] {
    const deletion = this.template.deletion;
    return deletion && this.at(deletion);
  }

  get replacements(): Finding['replacements'] {
    return this.template.replacements?.map((r) => {
      const range = this.at(r.range);
      return range === r.range ? r : { ...r, range };
    });
  }
}

/** The full, uncapped list behind a capped one (for "fix all"), by the capped array's identity;
 *  built on first use, since a hostile file's 100,000 diagnostics are rarely wanted. */
const uncapped = new WeakMap<Diagnostic[], { findings: () => { findings: Finding[]; severities: (DiagnosticSeverity | undefined)[] }; fixable: Map<string, number> }>();

/** All of a document's diagnostics, when `published` (what diagnose returned) was capped. */
export function allDiagnosticsOf(published: Diagnostic[]): Diagnostic[] {
  const entry = uncapped.get(published);
  if (!entry) return published;
  const { findings, severities } = entry.findings();
  return allOf(findings, severities);
}

/** What "fix all" applies — every auto-fixable finding of the document (of one code, or all), also
 *  those a capped list leaves out — as the fix data each carries. */
export function autoFixesOf(published: Diagnostic[], code?: string): { code: string; line: number; fix: FixData }[] {
  const entry = uncapped.get(published);
  const out: { code: string; line: number; fix: FixData }[] = [];
  if (!entry) {
    for (const diagnostic of published) {
      const fix = diagnostic.data as FixData | undefined;
      if (diagnostic.source === DIAGNOSTIC_SOURCE && fix?.autoFix && (code === undefined || String(diagnostic.code) === code)) out.push({ code: String(diagnostic.code), line: diagnostic.range.start.line, fix });
    }
    return out;
  }
  const { findings, severities } = entry.findings();
  findings.forEach((finding, i) => {
    if (finding.autoFix && severities[i] !== undefined && (code === undefined || finding.code === code)) out.push({ code: finding.code, line: finding.range.start.line, fix: finding });
  });
  return out;
}

/** How many of all the document's diagnostics "fix all" can fix, per code — without building the
 *  uncapped list. */
export function fixableCounts(published: Diagnostic[]): Map<string, number> {
  const known = uncapped.get(published)?.fixable;
  if (known) return known;
  const counts = new Map<string, number>();
  for (const diagnostic of published) {
    if (diagnostic.source === DIAGNOSTIC_SOURCE && (diagnostic.data as FixData | undefined)?.autoFix) counts.set(String(diagnostic.code), (counts.get(String(diagnostic.code)) ?? 0) + 1);
  }
  return counts;
}

export function diagnose(rule: RuleDocument, context: DiagnosticsContext): Diagnostic[] {
  const findings = findingsOf(rule, context);
  if (!findings.length) return []; // most rules: nothing to rate or convert
  const severities = severitiesOf(rule, findings, context.settings);
  const shownCount = severities.reduce((n: number, s) => (s === undefined ? n : n + 1), 0);
  if (shownCount <= MAX_DIAGNOSTICS) return allOf(findings, severities);
  const shown = capped(findings, severities, shownCount, context.settings);
  // Computed again when wanted rather than kept: 100,000 retained findings cost more (in garbage
  // collection) than finding them twice.
  const fixable = new Map<string, number>();
  findings.forEach((finding, i) => {
    if (finding.autoFix && severities[i] !== undefined) fixable.set(finding.code, (fixable.get(finding.code) ?? 0) + 1);
  });
  uncapped.set(shown, {
    fixable,
    findings: () => {
      const again = findingsOf(rule, context);
      return { findings: again, severities: severitiesOf(rule, again, context.settings) };
    },
  });
  return shown;
}

function severitiesOf(rule: RuleDocument, findings: Finding[], settings: Settings): (DiagnosticSeverity | undefined)[] {
  const problemSeverity = new Map(rule.problems.map((p) => [p.range, p.severity] as const));
  return findings.map((finding) => {
    const setting = finding.code === 'ttp.parse' ? (settings.diagnostics.severity['ttp.parse'] ?? problemSeverity.get(finding.range) ?? 'error') : severityOf(settings, finding.code);
    return setting === 'off' ? undefined : SEVERITY[setting];
  });
}

function allOf(findings: Finding[], severities: (DiagnosticSeverity | undefined)[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  findings.forEach((finding, i) => {
    if (severities[i] !== undefined) out.push(toDiagnostic(finding, severities[i]!));
  });
  return out;
}

function toDiagnostic(finding: Finding, severity: DiagnosticSeverity): Diagnostic {
  const data: FixData = {};
  if (finding.replacements?.length) data.replacements = finding.replacements;
  if (finding.autoFix) data.autoFix = true;
  if (finding.insertions?.length) data.insertions = finding.insertions;
  if (finding.deletion) data.deletion = finding.deletion;
  if (finding.deletionTitle) data.deletionTitle = finding.deletionTitle;
  return { range: finding.range, severity, code: finding.code, source: DIAGNOSTIC_SOURCE, message: finding.message, data };
}

/** The MAX_DIAGNOSTICS most severe findings (earliest first within a severity) as diagnostics in
 *  document order, and a last diagnostic at the first one left out, counting what was left out by code. */
function capped(findings: Finding[], severities: (DiagnosticSeverity | undefined)[], total: number, settings: Settings): Diagnostic[] {
  // Document order as one number per finding (line, then character), so the cut is a numeric sort
  // of a typed array rather than 100,000 comparator calls.
  const key = (i: number) => findings[i].range.start.line * 4194304 + Math.min(findings[i].range.start.character, 4194303);
  const bySeverity = new Map<number, number[]>();
  severities.forEach((severity, i) => {
    if (severity === undefined) return;
    let list = bySeverity.get(severity);
    if (!list) bySeverity.set(severity, (list = []));
    list.push(i);
  });
  const shown: number[] = [];
  const hidden: number[] = [];
  for (const severity of [...bySeverity.keys()].sort((a, b) => a - b)) {
    const list = bySeverity.get(severity)!;
    const room = MAX_DIAGNOSTICS - shown.length;
    if (list.length <= room) {
      appendAll(shown, list);
      continue;
    }
    if (room === 0) {
      appendAll(hidden, list);
      continue;
    }
    // The room earliest of this severity: those before the room-th smallest key, then ties in order.
    const keys = Float64Array.from(list, key).sort();
    const threshold = keys[room - 1];
    let below = 0;
    for (let k = 0; k < room && keys[k] < threshold; k++) below++;
    let ties = room - below;
    for (const i of list) {
      const value = key(i);
      if (value < threshold || (value === threshold && ties-- > 0)) shown.push(i);
      else hidden.push(i);
    }
  }
  shown.sort((a, b) => key(a) - key(b));
  const diagnostics = shown.map((i) => toDiagnostic(findings[i], severities[i]!));
  const notice = severityOf(settings, 'ttp.capped');
  if (notice === 'off') return diagnostics;
  let first = hidden[0];
  let firstKey = key(first);
  const counts = new Map<string, number>();
  for (const i of hidden) {
    counts.set(findings[i].code, (counts.get(findings[i].code) ?? 0) + 1);
    const value = key(i);
    if (value < firstKey) {
      first = i;
      firstKey = value;
    }
  }
  const n = (value: number) => formatCount(value, 'en');
  const listed = [...counts].sort((a, b) => b[1] - a[1]).map(([code, count]) => `${n(count)} ${code}`).join(', ');
  diagnostics.push({
    range: findings[first].range,
    severity: SEVERITY[notice],
    code: 'ttp.capped',
    source: DIAGNOSTIC_SOURCE,
    message: t('TTP Lens lists {0} of this file\'s {1} findings, the most severe first; {2} more are not listed ({3}), the first of them here. "Fix all" actions still fix them all.', n(MAX_DIAGNOSTICS), n(total), n(hidden.length), listed),
  });
  return diagnostics;
}

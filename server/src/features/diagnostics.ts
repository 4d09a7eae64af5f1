// Diagnostics: every check's findings as LSP diagnostics with a stable code, the configured severity,
// and in `data` what the quick-fixes need (so fixes never parse messages).
import { type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Corpus } from '../corpus/corpus';
import type { RuleDocument } from '../formats/model';
import { type DiagnosticCode, type Settings, severityOf, type SeveritySetting } from '../settings';
import { checkReference, type Finding } from './referenceChecks';
import { checkDuplicates, checkFiledTactics, checkObservable, checkTacticTags, type ObservabilityCheck, type RuleComponents } from './ruleChecks';
import { checkTarget, type TargetFor } from './targetChecks';

export const DIAGNOSTIC_SOURCE = 'TTP Lens';

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
  if (rule.format === 'text') {
    // IDs in prose and unrelated files: "S3000" may be a model number, so only what is certainly
    // about ATT&CK — a revoked or deprecated object — is reported there.
    for (const reference of rule.references) findings.push(...checkReference(corpus, rule, reference).filter((f) => f.code === 'ttp.revoked' || f.code === 'ttp.deprecated'));
    return findings;
  }
  for (const reference of rule.references) findings.push(...checkReference(corpus, rule, reference));
  findings.push(...checkFiledTactics(corpus, rule), ...checkTacticTags(corpus, rule), ...checkDuplicates(rule));
  if (context.ruleComponents && context.observability) findings.push(...checkObservable(corpus, rule, context.ruleComponents, context.observability));
  const target = context.targetFor?.(rule.format);
  if (target) findings.push(...checkTarget(corpus, rule, target));
  return findings;
}

export function diagnose(rule: RuleDocument, context: DiagnosticsContext): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const finding of findingsOf(rule, context)) {
    const severity = severityFor(finding, rule, context.settings);
    if (severity === 'off') continue;
    const data: FixData = {};
    if (finding.replacements?.length) data.replacements = finding.replacements;
    if (finding.autoFix) data.autoFix = true;
    if (finding.insertions?.length) data.insertions = finding.insertions;
    if (finding.deletion) data.deletion = finding.deletion;
    diagnostics.push({ range: finding.range, severity: SEVERITY[severity], code: finding.code, source: DIAGNOSTIC_SOURCE, message: finding.message, data });
  }
  return diagnostics;
}

function severityFor(finding: Finding, rule: RuleDocument, settings: Settings): SeveritySetting {
  if (finding.code === 'ttp.parse') {
    const problem = rule.problems.find((p) => p.range === finding.range);
    const configured = settings.diagnostics.severity['ttp.parse'];
    return configured ?? problem?.severity ?? 'error';
  }
  return severityOf(settings, finding.code as DiagnosticCode);
}

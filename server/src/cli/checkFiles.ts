// Checking rule files one by one, as the workspace index reads them: the per-file work of `check`.
import * as path from 'node:path';
import { type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import type { DiagnosticsContext, FixData } from '../features/diagnostics';
import { diagnose } from '../features/diagnostics';
import type { FormatGlobs } from '../formats/detect';
import { LineIndex } from '../formats/lineIndex';
import { copiedString, type RuleDocument, type RuleFormat } from '../formats/model';
import { parseRule } from '../formats/parse';
import { fileUri } from '../uris';
import { indexText, readIndexedFile } from '../workspace/indexer';
import { LogSourceContext } from '../features/logSourceContext';
import { type CheckConfig, loadCheckConfig } from './checkConfig';
import type { CheckedFile, CheckFinding, Level } from './checkFormats';
import { openCorpus, type OptionValues, perFolder } from './command';

export interface FileToCheck {
  absolute: string;
  /** Named on the command line: checked even when it is no rule (as the editor reads an open file). */
  explicit: boolean;
}

export interface CheckedRule {
  file: CheckedFile;
  absolute: string;
  explicit: boolean;
  uri: string;
  format: RuleFormat;
}

/** One file's outcome: checked, skipped (with the reason shown), an explicit file that cannot be
 *  read (a usage error), or no rule (CI YAML under a folder: left out). */
export type FileOutcome = { checked: CheckedRule } | { skipped: string } | { unreadable: string } | undefined;

const LEVEL_OF: Record<DiagnosticSeverity, Level> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'information',
  [DiagnosticSeverity.Hint]: 'hint',
};

/** Shown paths (relative, with '/'), per folder, for the working directory they were made for. */
let shownFor: { cwd: string; shown: (absolute: string) => string } | undefined;

export function displayPath(absolute: string): string {
  const cwd = process.cwd();
  if (shownFor?.cwd !== cwd) shownFor = { cwd, shown: perFolder((file) => shownPath(cwd, file), '/') };
  return shownFor.shown(absolute);
}

function shownPath(cwd: string, absolute: string): string {
  // Most files are under the working directory: a prefix is cheaper than path.relative.
  if (absolute === cwd) return '';
  if (absolute.startsWith(cwd) && absolute[cwd.length] === path.sep) return absolute.slice(cwd.length + 1).split(path.sep).join('/');
  const relative = path.relative(cwd, absolute);
  return (relative && !path.isAbsolute(relative) ? relative : absolute).split(path.sep).join('/');
}

export function findingOf(diagnostic: Diagnostic, lines: LineIndex | undefined): CheckFinding {
  // Copied: check keeps its findings to the end, and a view into each file's text kept those texts
  // alive (half its garbage collector's work).
  const snippet = lines ? copiedString(lines.text.slice(lines.offsetAt(diagnostic.range.start), lines.offsetAt(diagnostic.range.end)).slice(0, 200)) : '';
  return {
    code: String(diagnostic.code),
    severity: LEVEL_OF[diagnostic.severity ?? DiagnosticSeverity.Error],
    message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
    range: diagnostic.range,
    fixable: (diagnostic.data as FixData | undefined)?.autoFix === true,
    snippet,
  };
}

/** A file's RuleDocument as the workspace index reads it; a file named on the command line that is no
 *  rule as the editor reads it when open (IDs in prose: only revoked and deprecated ones reported). */
export function readRule(uri: string, absolute: string, text: string, globs: FormatGlobs, explicit: boolean): RuleDocument | undefined {
  return indexText(uri, absolute, text, globs) ?? (explicit ? parseRule(uri, text, globs) : undefined);
}

/** Reads and diagnoses one file. */
export function checkFile({ absolute, explicit }: FileToCheck, context: DiagnosticsContext, globs: FormatGlobs): FileOutcome {
  // Read as the index reads it (the quick scanner on the bytes); the text is decoded only for a
  // file with findings (their snippets) or one named on the command line that is no rule.
  const read = readIndexedFile(absolute, globs);
  if ('skipped' in read) {
    if (explicit && read.skipped === 'unreadable') return { unreadable: `${absolute} cannot be read: ${read.detail}` };
    return { skipped: `${displayPath(absolute)} (${read.skipped === 'large' ? 'over 2 MB' : read.skipped}: ${read.detail})` };
  }
  const rule = read.rule ?? (explicit ? parseRule(fileUri(absolute), read.text(), globs) : undefined);
  if (!rule) return undefined;
  const diagnostics = diagnose(rule, context);
  const lines = diagnostics.length ? new LineIndex(read.text()) : undefined;
  return { checked: { absolute, explicit, uri: rule.uri, format: rule.format, file: { path: displayPath(absolute), format: rule.format, findings: diagnostics.map((d) => findingOf(d, lines)) } } };
}

/** --config and --severity. */
export function checkConfigOf(values: OptionValues): CheckConfig {
  return loadCheckConfig(values.config as string | undefined, (values.severity as string[] | undefined) ?? []);
}

/** What diagnosing needs: the corpus of the command line's options (or --config's stixPath) and the
 *  log-source table. */
export async function checkContextOf(values: OptionValues, config: CheckConfig): Promise<DiagnosticsContext> {
  const { settings } = config;
  const corpus = await openCorpus(values, { stixPath: settings.attack.stixPath, baseDir: config.baseDir });
  const logSources = new LogSourceContext(settings.logSourceMap, settings.coverage.strictSubtechniques);
  return { corpus, settings, ruleComponents: logSources.ruleComponents, observability: logSources.observability(corpus) };
}

// `ttp-lens check <paths…>`: every finding the editor shows, for every rule file under the paths —
// the same reading of each file as the workspace index (features/diagnostics.ts on the same
// RuleDocument) — as text, JSON, SARIF, JUnit or GitHub annotations; `--fix` applies the safe fixes.
import { writeFileSync } from 'node:fs';
import type { DiagnosticsContext } from '../features/diagnostics';
import { diagnose } from '../features/diagnostics';
import type { FormatGlobs } from '../formats/detect';
import { LineIndex } from '../formats/lineIndex';
import { emptyRuleDocument } from '../formats/model';
import { excludeGlobs, readRuleFile } from '../workspace/files';
import { type CliCommand, CORPUS_HELP, CORPUS_OPTIONS, oneOf, realPath, ruleFilesUnder, UsageError } from './command';
import { type CheckedRule, checkConfigOf, checkContextOf, checkFile, type FileToCheck, findingOf, readRule } from './checkFiles';
import { fixText, unifiedDiff, type FileFix } from './checkFix';
import { type CheckReport, fails, githubFormat, jsonFormat, junitFormat, LEVELS, sarifFormat, summaryLine, textFormat } from './checkFormats';
import { t, tn } from '../l10n/l10n';
import { monotonicMs } from '../clock';

const FORMATS = ['text', 'json', 'sarif', 'junit', 'github'] as const;
const FAIL_ON = [...LEVELS.filter((l) => l !== 'hint'), 'never'] as const;

/** Reads and diagnoses every file; files that are no rules (CI YAML…) under a folder are left out. */
function checkFiles(files: readonly FileToCheck[], context: DiagnosticsContext, globs: FormatGlobs): { checked: CheckedRule[]; skipped: string[] } {
  const checked: CheckedRule[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    const outcome = checkFile(file, context, globs);
    if (!outcome) continue;
    if ('unreadable' in outcome) throw new UsageError(outcome.unreadable);
    if ('skipped' in outcome) skipped.push(outcome.skipped);
    else checked.push(outcome.checked);
  }
  return { checked, skipped };
}

/** Applies (or, with --dry-run, prints) the safe fixes of every file that has any, then checks the
 *  fixed files again so the report shows what is left. */
function applyFixes(results: CheckedRule[], context: DiagnosticsContext, globs: FormatGlobs, dryRun: boolean, out: (text: string) => void, log: (text: string) => void): void {
  const fixed: [CheckedRule, FileFix][] = [];
  for (const result of results) {
    if (!result.file.findings.some((f) => f.fixable)) continue;
    const read = readRuleFile(result.absolute);
    if ('skipped' in read) continue;
    const fix = fixText(result.uri, read.text, result.format, context);
    if (!fix) continue;
    fixed.push([result, fix]);
    if (dryRun) out(unifiedDiff(result.file.path, fix));
    else writeFileSync(result.absolute, fix.after);
    // What is left after the fix, read as the index reads the fixed text.
    const rule = readRule(result.uri, result.absolute, fix.after, globs, true) ?? emptyRuleDocument(result.uri, result.format);
    const diagnostics = diagnose(rule, context);
    const lines = new LineIndex(fix.after);
    result.file.findings = diagnostics.map((d) => findingOf(d, lines));
  }
  const total = fixed.reduce((sum, [, fix]) => sum + fix.fixes.length, 0);
  if (!fixed.length) {
    log(`${t('Nothing to fix.')}\n`);
    return;
  }
  const problems = tn(total, '{0} problem', '{0} problems');
  const files = tn(fixed.length, '{0} file', '{0} files');
  const lines = [dryRun ? t('Would fix {0} in {1}:', problems, files) : t('Fixed {0} in {1}:', problems, files)];
  for (const [result, fix] of fixed) {
    lines.push(`  ${result.file.path}`);
    for (const f of fix.fixes) {
      const change = f.before && f.after ? `${f.before} → ${f.after}` : f.after ? t('added {0}', f.after) : t('removed {0}', f.before);
      lines.push(`    ${f.line}: ${f.code} ${change}`);
    }
  }
  log(`${lines.join('\n')}\n`);
}

export const checkCommand: CliCommand = {
  name: 'check',
  args: '<paths…>',
  summary: 'Check the rule files under these paths for ATT&CK problems — every finding the editor shows — as text, JSON, SARIF, JUnit or GitHub annotations; --fix applies the safe fixes',
  options: {
    ...CORPUS_OPTIONS,
    format: { type: 'string' },
    'fail-on': { type: 'string' },
    severity: { type: 'string', multiple: true },
    config: { type: 'string' },
    fix: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  },
  help: `Options:
  --format FORMAT      text (default: file:line:col severity code message, a summary line), json,
                       sarif (SARIF 2.1.0 for code scanning), junit (one testcase per file), or github
                       (workflow commands: annotations on a pull request)
  --fail-on LEVEL      Exit 1 when a finding at or above LEVEL exists: error (default), warning,
                       information, or never
  --severity CODE=LEVEL
                       Override a code's severity, as the ttpLens.diagnostics.severity setting does
                       (error, warning, information, hint, off); repeatable
  --config FILE        The settings a workspace has: ttpLens.* (and files.exclude) from a
                       .vscode/settings.json (comments and trailing commas allowed) or a JSON/YAML file
  --fix                Apply the safe fixes in place (revoked → successor, malformed → canonical form,
                       a technique's only tactic added, duplicates removed, Elastic names corrected):
                       the editor's Fix All edits; files that do not parse are left alone
  --dry-run            With --fix: print the changes as a unified diff (git apply / patch -p1) instead
${CORPUS_HELP}

Exit codes: 0 no finding at the --fail-on level, 1 some, 2 a usage, path, config or bundle error.

Examples:
  ttp-lens check rules/
  ttp-lens check rules/ --format sarif > ttp-lens.sarif
  ttp-lens check rules/ --format github --fail-on warning
  ttp-lens check rules/ --format junit > ttp-lens-junit.xml
  ttp-lens check rules/ --config .vscode/settings.json --severity ttp.newer-id=off
  ttp-lens check rules/ --fix --dry-run | git apply --stat
  ttp-lens check rules/windows/proc_creation_win_foo.yml --fix`,
  async run(args, values) {
    if (!args.length) throw new UsageError('check needs one or more files or folders');
    const started = monotonicMs();
    const format = oneOf(values, 'format', FORMATS, 'text');
    const failOn = oneOf(values, 'fail-on', FAIL_ON, 'error');
    if (values['dry-run'] && !values.fix) throw new UsageError('--dry-run goes with --fix');
    const config = checkConfigOf(values);
    const { settings } = config;
    const explicit = new Set(args.map((arg) => realPath(arg)));
    const files = ruleFilesUnder(args, excludeGlobs(config.filesExclude, settings.exclude)).map((absolute) => ({ absolute, explicit: explicit.has(absolute) }));
    const context = await checkContextOf(values, config);
    const { checked, skipped } = checkFiles(files, context, settings.formats);
    if (skipped.length) process.stderr.write(`ttp-lens: not checked (${skipped.length}): ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', …' : ''}\n`);

    const machine = format === 'json' || format === 'sarif' || format === 'junit';
    const out = (text: string) => process.stdout.write(text);
    if (values.fix) applyFixes(checked, context, settings.formats, values['dry-run'] === true, out, (text) => (machine || values['dry-run'] ? process.stderr : process.stdout).write(text));

    const report: CheckReport = { attack: context.corpus!.versionLabel, root: process.cwd(), files: checked.map((c) => c.file), failOn, millis: monotonicMs() - started };
    if (values['dry-run']) process.stderr.write(`${summaryLine(report)}\n`);
    else if (format === 'text') out(textFormat(report, colorWanted()));
    else if (format === 'json') out(jsonFormat(report));
    else if (format === 'sarif') out(sarifFormat(report));
    else if (format === 'junit') out(junitFormat(report));
    else out(githubFormat(report));
    return report.files.some((file) => file.findings.some((f) => fails(f.severity, failOn))) ? 1 : 0;
  },
};

/** Colour on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it (https://no-color.org). */
function colorWanted(): boolean {
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  if (process.env.NO_COLOR) return false;
  return process.stdout.isTTY === true;
}

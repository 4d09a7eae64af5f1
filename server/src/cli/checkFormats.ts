// `check` output: text for terminals, JSON, SARIF 2.1.0 for code scanning, JUnit XML for CI test
// reports, and GitHub Actions workflow commands (annotations on a pull request). Pure functions of
// the findings; the findings themselves come from features/diagnostics.ts, as in the editor.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Range } from 'vscode-languageserver-types';
import packageJson from '../../../package.json';
import { CODE_DESCRIPTIONS, codeAnchor } from '../features/diagnosticCodes';
import type { RuleFormat } from '../formats/model';
import { DIAGNOSTIC_DEFAULTS, type DiagnosticCode } from '../settings';
import { formatCount, t, tn } from '../l10n/l10n';

export type Level = 'error' | 'warning' | 'information' | 'hint';
export const LEVELS: readonly Level[] = ['error', 'warning', 'information', 'hint'];

export interface CheckFinding {
  code: string;
  severity: Level;
  message: string;
  /** Zero-based, UTF-16 columns, end exclusive: the LSP range the editor shows. */
  range: Range;
  /** `check --fix` (and the editor's Fix All) applies a fix for it. */
  fixable: boolean;
  /** The text at the range (at most 200 characters): what the finding's fingerprint is made of. */
  snippet: string;
}

export interface CheckedFile {
  /** Relative to the working directory, with forward slashes (absolute when outside it). */
  path: string;
  format: RuleFormat;
  findings: CheckFinding[];
}

export interface CheckReport {
  attack: string;
  /** The working directory: relative paths and SARIF's %SRCROOT%. */
  root: string;
  files: CheckedFile[];
  /** Findings at or above this level fail the check (exit code 1). */
  failOn: Level | 'never';
  millis: number;
}

export const TOOL_NAME = 'TTP Lens';
const VERSION = packageJson.version;
/** The README the help links point into (its "Diagnostics" table has one anchor per code). */
const README_URL = String(packageJson.repository.url).replace(/^git\+/, '').replace(/\.git$/, '');

export function helpUri(code: string): string {
  return `${README_URL}#${codeAnchor(code)}`;
}

export function fails(severity: Level, failOn: Level | 'never'): boolean {
  return failOn !== 'never' && LEVELS.indexOf(severity) <= LEVELS.indexOf(failOn);
}

export interface Totals {
  files: number;
  filesWithFindings: number;
  findings: number;
  fixable: number;
  byLevel: Record<Level, number>;
}

export function totals(report: CheckReport): Totals {
  const byLevel: Record<Level, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  let findings = 0;
  let fixable = 0;
  let filesWithFindings = 0;
  for (const file of report.files) {
    if (file.findings.length) filesWithFindings++;
    for (const finding of file.findings) {
      findings++;
      byLevel[finding.severity]++;
      if (finding.fixable) fixable++;
    }
  }
  return { files: report.files.length, filesWithFindings, findings, fixable, byLevel };
}

const count = (n: number, singular: string, plural = `${singular}s`) => `${formatCount(n, 'en')} ${n === 1 ? singular : plural}`;

/** Control characters (rule text is quoted in messages) shown as escapes, never sent to a terminal. */
function printable(text: string, keepLines = false): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return keepLines ? escaped : escaped.replace(/[\r\n\t]/g, ' ');
}

const LEVEL_COUNT: Record<(typeof LEVELS)[number], (n: number) => string> = {
  error: (n) => tn(n, '{0} error', '{0} errors'),
  warning: (n) => tn(n, '{0} warning', '{0} warnings'),
  information: (n) => tn(n, '{0} information', '{0} information'),
  hint: (n) => tn(n, '{0} hint', '{0} hints'),
};

export function summaryLine(report: CheckReport): string {
  const sums = totals(report);
  const seconds = `${(report.millis / 1000).toFixed(2)} s`;
  const files = tn(sums.files, '{0} rule file', '{0} rule files');
  if (!sums.findings) return t('No findings in {0} ({1}, {2}).', files, report.attack, seconds);
  const levels = LEVELS.filter((l) => sums.byLevel[l]).map((l) => LEVEL_COUNT[l](sums.byLevel[l]));
  const fixable = sums.fixable ? `; ${tn(sums.fixable, '{0} fixable with --fix', '{0} fixable with --fix')}` : '';
  return t('{0} ({1}) in {2} of {3}{4} ({5}, {6}).', tn(sums.findings, '{0} finding', '{0} findings'), levels.join(', '), formatCount(sums.filesWithFindings), files, fixable, report.attack, seconds);
}

const COLOR: Record<Level, string> = { error: '31', warning: '33', information: '36', hint: '2' };

/** `file:line:col severity code message`, files in order, a blank line between files, a summary. */
export function textFormat(report: CheckReport, color: boolean): string {
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const blocks: string[] = [];
  for (const file of report.files) {
    if (!file.findings.length) continue;
    blocks.push(
      file.findings
        .map((f) => `${paint('1', printable(file.path))}:${f.range.start.line + 1}:${f.range.start.character + 1} ${paint(COLOR[f.severity], f.severity)} ${paint('2', f.code)} ${printable(f.message)}`)
        .join('\n'),
    );
  }
  blocks.push(summaryLine(report));
  return `${blocks.join('\n\n')}\n`;
}

export function jsonFormat(report: CheckReport): string {
  const t = totals(report);
  return `${JSON.stringify(
    {
      tool: TOOL_NAME,
      version: VERSION,
      attack: report.attack,
      summary: { files: t.files, filesWithFindings: t.filesWithFindings, findings: t.findings, fixable: t.fixable, ...t.byLevel },
      files: report.files.map((file) => ({
        path: file.path,
        format: file.format,
        findings: file.findings.map((f) => ({
          code: f.code,
          severity: f.severity,
          message: f.message,
          range: f.range,
          line: f.range.start.line + 1,
          column: f.range.start.character + 1,
          endLine: f.range.end.line + 1,
          endColumn: f.range.end.character + 1,
          fixable: f.fixable,
        })),
      })),
    },
    null,
    2,
  )}\n`;
}

const SARIF_LEVEL: Record<Level, Result.level> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** A finding's identity across commits: its code, file, the text it is about and which occurrence of
 *  that it is in the file — not its line, which moves when lines are added above it. */
export function fingerprints(file: CheckedFile): string[] {
  const seen = new Map<string, number>();
  return file.findings.map((f) => {
    const key = `${f.code}\u0000${file.path}\u0000${f.snippet || f.message}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return createHash('sha256').update(`${key}\u0000${occurrence}`).digest('hex').slice(0, 32);
  });
}

function artifactUri(report: CheckReport, file: CheckedFile): { uri: string; uriBaseId?: string } {
  if (path.isAbsolute(file.path) || file.path.startsWith('../')) return { uri: pathToFileURL(path.resolve(report.root, file.path)).href };
  return { uri: file.path.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

export function sarifFormat(report: CheckReport): string {
  const codes = Object.keys(DIAGNOSTIC_DEFAULTS) as DiagnosticCode[];
  const rules: ReportingDescriptor[] = codes.map((code) => {
    const description = CODE_DESCRIPTIONS[code];
    const help = description.fix ? `${description.when} Fix: ${description.fix}` : description.when;
    const defaultLevel = DIAGNOSTIC_DEFAULTS[code] as Level;
    return {
      id: code,
      name: description.title.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase()),
      shortDescription: { text: description.title },
      fullDescription: { text: description.when },
      help: { text: help, markdown: `${help}\n\n[${code} in the TTP Lens README](${helpUri(code)})` },
      helpUri: helpUri(code),
      defaultConfiguration: { level: SARIF_LEVEL[defaultLevel] },
      properties: { tags: ['mitre-attack', 'detection-rules'] },
    };
  });
  const results: Result[] = [];
  for (const file of report.files) {
    const prints = fingerprints(file);
    file.findings.forEach((f, i) => {
      results.push({
        ruleId: f.code,
        ruleIndex: Math.max(0, codes.indexOf(f.code as DiagnosticCode)),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: artifactUri(report, file),
              region: { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 },
            },
          },
        ],
        partialFingerprints: { 'ttpLensFinding/v1': prints[i] },
        ...(f.fixable ? { properties: { fixable: true } } : {}),
      });
    });
  }
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: TOOL_NAME, version: VERSION, semanticVersion: VERSION, informationUri: README_URL, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(report.root.endsWith(path.sep) ? report.root : `${report.root}${path.sep}`).href } },
        columnKind: 'utf16CodeUnits',
        results,
        invocations: [{ executionSuccessful: true }],
        properties: { attack: report.attack, files: report.files.length },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** XML text and attribute values: the five entities, and characters XML 1.0 cannot hold replaced. */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** One testcase per rule file; its findings at or above --fail-on are its failure, the others its
 *  system-out. */
export function junitFormat(report: CheckReport): string {
  const line = (file: CheckedFile, f: CheckFinding) => `${file.path}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.code} ${f.message}`;
  const cases: string[] = [];
  let failures = 0;
  for (const file of report.files) {
    const failing = file.findings.filter((f) => fails(f.severity, report.failOn));
    const other = file.findings.filter((f) => !fails(f.severity, report.failOn));
    const classname = path.posix.dirname(file.path) === '.' ? file.format : path.posix.dirname(file.path);
    let body = '';
    if (failing.length) {
      failures++;
      const codes = [...new Set(failing.map((f) => f.code))].join(', ');
      body += `\n      <failure message="${xmlEscape(`${count(failing.length, 'finding')}: ${codes}`)}" type="${xmlEscape(failing[0].code)}">${xmlEscape(failing.map((f) => line(file, f)).join('\n'))}</failure>`;
    }
    if (other.length) body += `\n      <system-out>${xmlEscape(other.map((f) => line(file, f)).join('\n'))}</system-out>`;
    cases.push(`    <testcase name="${xmlEscape(file.path)}" classname="${xmlEscape(classname)}" file="${xmlEscape(file.path)}" time="0">${body}${body ? '\n    ' : ''}</testcase>`);
  }
  const seconds = (report.millis / 1000).toFixed(3);
  const attributes = `tests="${report.files.length}" failures="${failures}" errors="0" time="${seconds}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ttp-lens check" ${attributes}>`,
    `  <testsuite name="ttp-lens check" ${attributes} skipped="0" timestamp="${new Date().toISOString().slice(0, 19)}">`,
    `    <properties><property name="attack" value="${xmlEscape(report.attack)}"/></properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** GitHub Actions workflow command escaping: the message (data), and property values. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const GITHUB_COMMAND: Record<Level, string> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };

/** `::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message` per finding (columns
 *  1-based, the end column inclusive), then the summary as a plain log line. */
export function githubFormat(report: CheckReport): string {
  const lines: string[] = [];
  for (const file of report.files) {
    for (const f of file.findings) {
      const properties = [
        `file=${escapeProperty(printable(file.path))}`,
        `line=${f.range.start.line + 1}`,
        `col=${f.range.start.character + 1}`,
        `endLine=${f.range.end.line + 1}`,
        `endColumn=${Math.max(f.range.end.character, f.range.start.character + 1)}`,
        `title=${escapeProperty(`${TOOL_NAME} ${f.code}`)}`,
      ];
      lines.push(`::${GITHUB_COMMAND[f.severity]} ${properties.join(',')}::${escapeData(printable(f.message, true))}`);
    }
  }
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

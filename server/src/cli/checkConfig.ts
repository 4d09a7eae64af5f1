// The settings `check` runs with: a workspace's `ttpLens.*` (and `files.exclude`) from --config —
// a .vscode/settings.json (JSON with comments and trailing commas, as VS Code reads it) or any JSON or
// YAML file, with dotted keys ("ttpLens.diagnostics.severity") or nested objects — then the
// --severity code=level overrides.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import { parse as parseYaml } from 'yaml';
import { LineIndex } from '../formats/lineIndex';
import { DIAGNOSTIC_DEFAULTS, type DiagnosticCode, type Settings, type SeveritySetting, withDefaults } from '../settings';
import { UsageError } from './command';

export const SEVERITY_VALUES: readonly SeveritySetting[] = ['error', 'warning', 'information', 'hint', 'off'];

export interface CheckConfig {
  settings: Settings;
  filesExclude: Record<string, unknown>;
  /** The folder relative paths in the settings are resolved against (the workspace folder). */
  baseDir: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{ "ttpLens.a.b": 1, "ttpLens": { "c": 2 } }` → the `ttpLens` section `{ a: { b: 1 }, c: 2 }`. */
export function sectionOf(document: Record<string, unknown>, section: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const merge = (target: Record<string, unknown>, value: Record<string, unknown>) => {
    for (const [key, item] of Object.entries(value)) {
      if (isObject(item) && isObject(target[key])) merge(target[key] as Record<string, unknown>, item);
      else target[key] = item;
    }
  };
  for (const [key, value] of Object.entries(document)) {
    if (key === section && isObject(value)) merge(result, value);
    else if (key.startsWith(`${section}.`)) {
      const parts = key.slice(section.length + 1).split('.');
      let target = result;
      for (const part of parts.slice(0, -1)) {
        if (!isObject(target[part])) target[part] = {};
        target = target[part] as Record<string, unknown>;
      }
      const last = parts[parts.length - 1];
      if (isObject(value) && isObject(target[last])) merge(target[last] as Record<string, unknown>, value);
      else target[last] = value;
    }
  }
  return result;
}

function readDocument(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--config ${file} cannot be read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message}`);
  }
  let value: unknown;
  if (/\.ya?ml$/i.test(file)) {
    try {
      value = parseYaml(text);
    } catch (error) {
      throw new UsageError(`--config ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
  } else {
    const errors: ParseError[] = [];
    value = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
    if (errors.length) {
      const lines = new LineIndex(text);
      const first = errors[0];
      const at = lines.positionAt(first.offset);
      throw new UsageError(`--config ${file} is not valid JSON: ${printParseErrorCode(first.error)} at line ${at.line + 1}, column ${at.character + 1}`);
    }
  }
  if (value === null || value === undefined) return {};
  if (!isObject(value)) throw new UsageError(`--config ${file} must hold an object of settings`);
  return value;
}

/** The severities a settings object sets, each checked: an unknown code or level is a usage error. */
function checkSeverities(severity: unknown, where: string): Partial<Record<DiagnosticCode, SeveritySetting>> {
  if (severity === undefined) return {};
  if (!isObject(severity)) throw new UsageError(`${where}: ttpLens.diagnostics.severity must be an object of code → level`);
  for (const [code, level] of Object.entries(severity)) {
    if (!(code in DIAGNOSTIC_DEFAULTS)) throw new UsageError(`${where}: "${code}" is not a TTP Lens diagnostic code (codes: ${Object.keys(DIAGNOSTIC_DEFAULTS).join(', ')})`);
    if (!SEVERITY_VALUES.includes(level as SeveritySetting)) throw new UsageError(`${where}: the level of ${code} must be ${SEVERITY_VALUES.join(', ')}, not "${String(level)}"`);
  }
  return severity as Partial<Record<DiagnosticCode, SeveritySetting>>;
}

/** `--severity ttp.newer-id=off` (repeatable) → overrides. */
export function parseSeverityOptions(options: readonly string[]): Partial<Record<DiagnosticCode, SeveritySetting>> {
  const overrides: Record<string, string> = {};
  for (const option of options) {
    const match = /^([^=\s]+)=([^=\s]+)$/.exec(option.trim());
    if (!match) throw new UsageError(`--severity takes code=level (e.g. ttp.newer-id=off), not "${option}"`);
    overrides[match[1]] = match[2];
  }
  return checkSeverities(overrides, '--severity');
}

export function loadCheckConfig(configFile: string | undefined, severityOptions: readonly string[]): CheckConfig {
  let section: Record<string, unknown> = {};
  let filesExclude: Record<string, unknown> = {};
  let baseDir = process.cwd();
  if (configFile) {
    const absolute = path.resolve(configFile);
    const document = readDocument(absolute);
    section = sectionOf(document, 'ttpLens');
    const files = sectionOf(document, 'files');
    if (isObject(files.exclude)) filesExclude = files.exclude;
    // A workspace's settings live in <folder>/.vscode/settings.json; anything else is read in place.
    const directory = path.dirname(absolute);
    baseDir = path.basename(directory) === '.vscode' ? path.dirname(directory) : directory;
  }
  const settings = withDefaults(section);
  const fromConfig = checkSeverities(isObject(section.diagnostics) ? section.diagnostics.severity : undefined, `--config ${configFile}`);
  settings.diagnostics.severity = { ...fromConfig, ...parseSeverityOptions(severityOptions) };
  return { settings, filesExclude, baseDir };
}

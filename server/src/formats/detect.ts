// Which format a file is in: user globs first, then the file name, then a cheap look at content
// (top-level YAML keys, TOML tables). Full parsing happens only after this decides.
import * as path from 'node:path';
import { globMatcher } from '../globs';
import type { RuleFormat } from './model';

export type FormatGlobs = Partial<Record<RuleFormat, readonly string[]>>;

/** Whether `key` is a top-level YAML key (at column 0, in any document) — a string search, since
 *  this runs on every file of the workspace. */
function hasTopLevelKey(text: string, key: string): boolean {
  const atLineStart = (index: number) => {
    const after = text.charCodeAt(index + key.length);
    return after === 58 /* : */ || ((after === 32 || after === 9) && /^[ \t]*:/.test(text.slice(index + key.length, index + key.length + 8)));
  };
  if (text.startsWith(key) && atLineStart(0)) return true;
  for (let i = text.indexOf(`\n${key}`); i >= 0; i = text.indexOf(`\n${key}`, i + 1)) if (atLineStart(i + 1)) return true;
  // Old Mac line ends (a lone \r) end lines too.
  if (text.includes('\r')) for (let i = text.indexOf(`\r${key}`); i >= 0; i = text.indexOf(`\r${key}`, i + 1)) if (atLineStart(i + 1)) return true;
  return false;
}

const globCache = new Map<string, (file: string) => boolean>();

function matchesAny(file: string, globs: readonly string[] | undefined): boolean {
  if (!globs?.length) return false;
  const normalized = file.split(path.sep).join('/');
  return globs.some((glob) => {
    let matcher = globCache.get(glob);
    if (!matcher) {
      matcher = globMatcher(glob.includes('/') ? glob : `**/${glob}`);
      globCache.set(glob, matcher);
    }
    return matcher(normalized);
  });
}

/** Whether any of the user's format globs is set. */
export function hasGlobs(globs: FormatGlobs): boolean {
  for (const format in globs) if (globs[format as RuleFormat]?.length) return true;
  return false;
}

/** Whether detectFormat, without globs, would look for YAML rule keys in this file first: a .yml or
 *  .yaml file (any case) other than MaxPatrol's metainfo.yaml. Without path.basename/extname: this
 *  runs for every file of the workspace. False for unusual names (".yml", "a..yml", a trailing
 *  separator), which detectFormat then decides. */
export function isPlainYamlRuleFile(filePath: string): boolean {
  const length = filePath.length;
  // The extension, compared letter by letter (a | 32 lower-cases an ASCII letter; no other
  // character lower-cases to these letters).
  const dot = length - (endsWithLower(filePath, '.yml') ? 4 : endsWithLower(filePath, '.yaml') ? 5 : length + 1);
  if (dot < 0) return false;
  const windows = path.sep === '\\';
  const nameStart = (windows ? Math.max(filePath.lastIndexOf('/', dot), filePath.lastIndexOf('\\', dot), filePath.lastIndexOf(':', dot)) : filePath.lastIndexOf('/', dot)) + 1;
  if (dot <= nameStart || filePath.charCodeAt(nameStart) === 46 /* . */ || filePath.charCodeAt(dot - 1) === 46) return false;
  // Only a name of metainfo's length can lower-case to it.
  const nameLength = length - nameStart;
  if (nameLength !== 12 && nameLength !== 13) return true;
  const name = filePath.slice(nameStart).toLowerCase();
  return name !== 'metainfo.yaml' && name !== 'metainfo.yml';
}

/** Whether `text` ends with `suffix` (lower-case ASCII letters and dots) in any case. */
function endsWithLower(text: string, suffix: string): boolean {
  const offset = text.length - suffix.length;
  if (offset < 0) return false;
  for (let i = 0; i < suffix.length; i++) {
    const code = suffix.charCodeAt(i);
    const actual = text.charCodeAt(offset + i);
    if (actual !== code && (code === 46 || (actual | 32) !== code)) return false;
  }
  return true;
}

/** The rule format of a file, or 'text' for any other text (IDs in prose), or undefined for files
 *  that are neither (other YAML/TOML, such as CI configuration, and prose) when `rulesOnly` is set;
 *  then 'text' means detection content in another language (isDetectionText).
 *  `languageId` stands in for the extension of documents that have none (unsaved, untitled ones). */
export function detectFormat(filePath: string, text: string, globs: FormatGlobs = {}, rulesOnly = false, languageId?: string): RuleFormat | undefined {
  for (const [format, list] of Object.entries(globs) as [RuleFormat, string[]][]) {
    if (matchesAny(filePath, list)) return format;
  }
  const base = path.basename(filePath).toLowerCase();
  const extension = path.extname(base) || (languageId === 'yaml' ? '.yml' : languageId === 'toml' ? '.toml' : '');
  if (extension === '.yml' || extension === '.yaml') {
    // Keys are looked up lazily, most common format first: a Sigma rule costs two string searches.
    const memo = new Map<string, boolean>();
    const has = (key: string) => {
      let found = memo.get(key);
      if (found === undefined) memo.set(key, (found = hasTopLevelKey(text, key)));
      return found;
    };
    if (base === 'metainfo.yaml' || base === 'metainfo.yml') return 'xp';
    if (has('title') && (has('logsource') || has('detection') || has('correlation') || has('filter'))) return 'sigma';
    if (has('ContentRelations') || (has('ObjectId') && has('ExpertContext'))) return 'xp';
    if (has('relevantTechniques') || has('requiredDataConnectors') || (has('queryFrequency') && has('query'))) return 'sentinel';
    if (has('tags') && (has('search') || has('data_source'))) return 'splunk';
    return rulesOnly ? undefined : 'text';
  }
  if (extension === '.toml') {
    if (/^\[\[rule\.threat\]\]|^\[rule\]/m.test(text)) return 'elastic';
    return rulesOnly ? undefined : 'text';
  }
  return rulesOnly && !DETECTION_TEXT_EXTENSIONS.has(extension) ? undefined : 'text';
}

/** Detection content in languages without a parser of ours — YARA, Suricata/Snort, KQL queries —
 *  whose ATT&CK IDs sit in metadata or comments: read as text, but counted as rules (coverage,
 *  workspace index), unlike prose such as Markdown notes. */
export const DETECTION_TEXT_EXTENSIONS: ReadonlySet<string> = new Set(['.yar', '.yara', '.rules', '.kql']);

/** Whether a file read as text is a rule of its own (see DETECTION_TEXT_EXTENSIONS, or matched by
 *  the user's `ttpLens.formats.text` globs) rather than prose that only mentions ATT&CK IDs. */
export function isDetectionText(filePath: string, globs: FormatGlobs = {}): boolean {
  return DETECTION_TEXT_EXTENSIONS.has(path.extname(filePath).toLowerCase()) || matchesAny(filePath, globs.text);
}

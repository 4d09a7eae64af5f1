// Which format a file is in: user globs first, then the file name, then a cheap look at content
// (top-level YAML keys, TOML tables). Full parsing happens only after this decides.
import picomatch from 'picomatch';
import * as path from 'node:path';
import type { RuleFormat } from './model';
import { looksLikeSigma } from './sigma';

export type FormatGlobs = Partial<Record<RuleFormat, readonly string[]>>;

const TOP_LEVEL_KEY = /^([A-Za-z_][\w.-]*)[ \t]*:/gm;

/** Top-level keys of a YAML text (keys at column 0, in any of its documents). */
export function topLevelKeys(text: string): Set<string> {
  const keys = new Set<string>();
  for (const match of text.matchAll(TOP_LEVEL_KEY)) keys.add(match[1]);
  return keys;
}

const globCache = new Map<string, (file: string) => boolean>();

function matchesAny(file: string, globs: readonly string[] | undefined): boolean {
  if (!globs?.length) return false;
  const normalized = file.split(path.sep).join('/');
  return globs.some((glob) => {
    let matcher = globCache.get(glob);
    if (!matcher) {
      matcher = picomatch(glob.includes('/') ? glob : `**/${glob}`, { dot: true });
      globCache.set(glob, matcher);
    }
    return matcher(normalized);
  });
}

/** The rule format of a file, or 'text' for any other text (IDs in prose), or undefined for files
 *  that are neither (other YAML/TOML, such as CI configuration) when `rulesOnly` is set. */
/** `languageId` stands in for the extension of documents that have none (unsaved, untitled ones). */
export function detectFormat(filePath: string, text: string, globs: FormatGlobs = {}, rulesOnly = false, languageId?: string): RuleFormat | undefined {
  for (const [format, list] of Object.entries(globs) as [RuleFormat, string[]][]) {
    if (matchesAny(filePath, list)) return format;
  }
  const base = path.basename(filePath).toLowerCase();
  const extension = path.extname(base) || (languageId === 'yaml' ? '.yml' : languageId === 'toml' ? '.toml' : '');
  if (extension === '.yml' || extension === '.yaml') {
    const keys = topLevelKeys(text);
    if (base === 'metainfo.yaml' || base === 'metainfo.yml' || keys.has('ContentRelations') || (keys.has('ObjectId') && keys.has('ExpertContext'))) return 'xp';
    if (looksLikeSigma(keys)) return 'sigma';
    if (keys.has('relevantTechniques') || (keys.has('queryFrequency') && keys.has('query')) || keys.has('requiredDataConnectors')) return 'sentinel';
    if ((keys.has('search') && keys.has('tags')) || (keys.has('data_source') && keys.has('tags'))) return 'splunk';
    return rulesOnly ? undefined : 'text';
  }
  if (extension === '.toml') {
    if (/^\[\[rule\.threat\]\]|^\[rule\]/m.test(text)) return 'elastic';
    return rulesOnly ? undefined : 'text';
  }
  return rulesOnly ? undefined : 'text';
}

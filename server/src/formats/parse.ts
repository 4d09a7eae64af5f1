// One entry point for every format: detect, then parse with that format's parser. A parser that
// throws (a bug, or input no parser anticipated) yields a document with one problem, never a crash.
import { URI } from 'vscode-uri';
import { detectFormat, type FormatGlobs } from './detect';
import { emptyRuleDocument, type RuleDocument, type RuleFormat } from './model';
import { parseElastic } from './elastic';
import { parseSentinel } from './sentinel';
import { parseSigma } from './sigma';
import { parseSplunk } from './splunk';
import { parseText } from './text';
import { parseXp } from './xp';
import { t } from '../l10n/l10n';

type Parser = (uri: string, text: string) => RuleDocument;

const PARSERS: Record<RuleFormat, Parser> = {
  sigma: parseSigma,
  splunk: parseSplunk,
  elastic: parseElastic,
  sentinel: parseSentinel,
  xp: parseXp,
  text: parseText,
};

export function parseWithFormat(uri: string, text: string, format: RuleFormat): RuleDocument {
  const parser = PARSERS[format];
  try {
    return parser(uri, text);
  } catch (error) {
    const rule = emptyRuleDocument(uri, format);
    rule.problems.push({
      message: t('TTP Lens could not read this {0} file: {1}', format, (error as Error).message),
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: 'error',
    });
    return rule;
  }
}

/** Detects the format from the file name (or the editor's language for untitled documents) and
 *  content, then parses. */
export function parseRule(uri: string, text: string, globs?: FormatGlobs, languageId?: string): RuleDocument {
  const filePath = uri.startsWith('file:') ? URI.parse(uri).fsPath : uri;
  return parseWithFormat(uri, text, detectFormat(filePath, text, globs, false, languageId) ?? 'text');
}

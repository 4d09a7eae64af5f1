// Indexing rule files: read, detect the format, then the fast Sigma scanner (falling back to the full
// parser when the scanner declines) or the format's parser. Files that are not rules are left out.
import { fileUri } from '../uris';
import type { FormatGlobs } from '../formats/detect';
import { detectFormat, hasGlobs, isPlainYamlRuleFile } from '../formats/detect';
import { detachFromText, type RuleDocument } from '../formats/model';
import { parseWithFormat } from '../formats/parse';
import { quickScanSigma } from '../formats/sigmaQuickScan';
import { sigmaByteScanner } from '../formats/sigmaQuickScanBytes';
import { scanSigma } from '../formats/sigmaScan';
import { STRICT_PARSE_LIMIT } from '../formats/yamlRule';
import { readRuleBytes, readRuleFile, type SkipReason } from './files';
import type { RuleIndex } from './ruleIndex';

export type FileOutcome = { rule: RuleDocument } | { skipped: SkipReason; detail: string } | { notRule: true };

/** The RuleDocument of a rule file's text, or undefined when the text is no rule of a known format. */
export function indexText(uri: string, filePath: string, text: string, globs: FormatGlobs = {}): RuleDocument | undefined {
  return indexTextWith(uri, filePath, text, globs, !hasGlobs(globs));
}

/** indexText, told whether there are no format globs (checked once per batch of files). */
function indexTextWith(uri: string, filePath: string, text: string, globs: FormatGlobs, noGlobs: boolean): RuleDocument | undefined {
  // Most files of a rule repository are Sigma rules in the common shape: the quick scanner reads
  // them and tells the format at once (title and logsource/detection keys, as detectFormat would);
  // user globs come first, and what it declines takes the way below.
  if (noGlobs && text.length <= STRICT_PARSE_LIMIT && isPlainYamlRuleFile(filePath)) {
    const quick = quickScanSigma(uri, text);
    if (quick) return quick;
  }
  const format = detectFormat(filePath, text, globs, true);
  if (!format) return undefined;
  // Files over the strict parser's limit are read leniently by the parser too: the same reading
  // and the same note as when the file is opened.
  // The index keeps the rule, not the text it was read from (the scanner copies what it keeps).
  const scanned = format === 'sigma' && text.length <= STRICT_PARSE_LIMIT ? scanSigma(uri, text) : undefined;
  return scanned ?? detachFromText(parseWithFormat(uri, text, format));
}

export function indexFile(filePath: string, globs: FormatGlobs = {}): FileOutcome {
  return indexFileWith(filePath, globs, !hasGlobs(globs));
}

/** A file read as the index reads it, for callers that may need its text afterwards (check's
 *  snippets): `text()` decodes it on request, and must be asked before the next file is read. */
export type IndexedFile = { skipped: SkipReason; detail: string } | { rule: RuleDocument | undefined; text: () => string };

export function readIndexedFile(filePath: string, globs: FormatGlobs = {}): IndexedFile {
  return readIndexed(filePath, globs, !hasGlobs(globs));
}

function readIndexed(filePath: string, globs: FormatGlobs, noGlobs: boolean): IndexedFile {
  const scanner = noGlobs && isPlainYamlRuleFile(filePath) ? sigmaByteScanner() : null;
  if (scanner) {
    // The quick scanner reads the file's bytes where they were read to; what it declines is
    // decoded and takes the way of any text (quickScanSigma first).
    const read = readRuleBytes(filePath, scanner);
    if ('skipped' in read) return read;
    const uri = fileUri(filePath);
    const length = read.length;
    let text: string | undefined;
    const decoded = () => (text ??= scanner.buffer.toString('utf8', 0, length));
    const quick = length <= STRICT_PARSE_LIMIT ? scanner.scan(uri, length) : undefined;
    return { rule: quick ?? indexTextWith(uri, filePath, decoded(), globs, noGlobs), text: decoded };
  }
  const read = readRuleFile(filePath);
  if ('skipped' in read) return read;
  return { rule: indexTextWith(fileUri(filePath), filePath, read.text, globs, noGlobs), text: () => read.text };
}

function indexFileWith(filePath: string, globs: FormatGlobs, noGlobs: boolean): FileOutcome {
  const read = readIndexed(filePath, globs, noGlobs);
  if ('skipped' in read) return read;
  return read.rule ? { rule: read.rule } : { notRule: true };
}

export interface SkippedFiles {
  large: string[];
  binary: string[];
  unreadable: string[];
}

export interface IndexRunOptions {
  globs?: FormatGlobs;
}

/** Indexes files into `index` synchronously (CLI, benchmark). */
export function indexFilesSync(files: readonly string[], index: RuleIndex, options: IndexRunOptions = {}): SkippedFiles {
  const skipped: SkippedFiles = { large: [], binary: [], unreadable: [] };
  const globs = options.globs ?? {};
  const noGlobs = !hasGlobs(globs);
  for (const file of files) record(file, indexFileWith(file, globs, noGlobs), index, skipped);
  return skipped;
}

/** Indexes files in batches, yielding between them so the server keeps answering requests;
 *  `onOutcomes` receives each batch's results. (Worker threads were measured and dropped: on 2 cores
 *  they were 3× slower for 3k files and no faster for 31k, as cloning results costs what parsing saves.) */
export async function indexFilesInBatches(files: readonly string[], options: BatchOptions): Promise<void> {
  for (let start = 0; start < files.length; start += BATCH_SIZE) {
    if (options.isCancelled?.()) return;
    const globs = options.globs ?? {};
    const noGlobs = !hasGlobs(globs);
    options.onOutcomes(files.slice(start, start + BATCH_SIZE).map((file) => [file, indexFileWith(file, globs, noGlobs)]));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export interface BatchOptions {
  globs?: FormatGlobs;
  onOutcomes: (outcomes: [string, FileOutcome][]) => void;
  isCancelled?: () => boolean;
}

/** Files indexed between yields to the event loop: about 10 ms of work. */
const BATCH_SIZE = 200;

function record(file: string, outcome: FileOutcome, index: RuleIndex, skipped: SkippedFiles): void {
  if ('rule' in outcome) index.set(outcome.rule);
  else if ('skipped' in outcome) skipped[outcome.skipped].push(`${file} (${outcome.detail})`);
}

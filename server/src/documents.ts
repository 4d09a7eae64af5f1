// Open documents → RuleDocument (and line index), parsed once per (uri, version), evicted on close.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FormatGlobs } from './formats/detect';
import { LineIndex } from './formats/lineIndex';
import { emptyRuleDocument, type RuleDocument } from './formats/model';
import { parseRule } from './formats/parse';
import { MAX_RULE_BYTES } from './workspace/files';
import { t } from './l10n/l10n';

interface Entry {
  version: number;
  rule: RuleDocument;
  lines: LineIndex;
}

export class RuleDocumentCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly globs: () => FormatGlobs) {}

  private entry(document: TextDocument): Entry {
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    const text = document.getText();
    const oversize = oversizeBytes(text);
    const rule = oversize ? tooLargeRule(document.uri, text, oversize) : parseRule(document.uri, text, this.globs(), document.languageId);
    const entry = { version: document.version, rule, lines: new LineIndex(text) };
    this.entries.set(document.uri, entry);
    return entry;
  }

  get(document: TextDocument): RuleDocument {
    return this.entry(document).rule;
  }

  lines(document: TextDocument): LineIndex {
    return this.entry(document).lines;
  }

  evict(uri: string): void {
    this.entries.delete(uri);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The UTF-8 size of a document over the size the workspace index skips, which is not parsed either
 *  (a 3 MB YAML file takes ~400 ms to parse, on every keystroke); undefined for others, which are
 *  not measured: UTF-8 takes at most 3 bytes per UTF-16 unit. */
function oversizeBytes(text: string): number | undefined {
  if (text.length * 3 <= MAX_RULE_BYTES) return undefined;
  const bytes = Buffer.byteLength(text);
  return bytes > MAX_RULE_BYTES ? bytes : undefined;
}

function tooLargeRule(uri: string, text: string, bytes: number): RuleDocument {
  const rule = emptyRuleDocument(uri, 'text');
  const firstLineEnd = text.search(/\r|\n|$/);
  rule.problems.push({
    message: t('TTP Lens does not read files over {0} MB (this one is {1} MB): no ATT&CK hover, completion or checks here.', MAX_RULE_BYTES / 1048576, (bytes / 1048576).toFixed(1)),
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: Math.min(firstLineEnd, 200) } },
    severity: 'information',
  });
  return rule;
}

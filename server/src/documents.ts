// Open documents → RuleDocument (and line index), parsed once per (uri, version), evicted on close.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FormatGlobs } from './formats/detect';
import { LineIndex } from './formats/lineIndex';
import type { RuleDocument } from './formats/model';
import { parseRule } from './formats/parse';

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
    const entry = { version: document.version, rule: parseRule(document.uri, text, this.globs(), document.languageId), lines: new LineIndex(text) };
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

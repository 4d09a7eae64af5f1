// Open documents → RuleDocument, parsed once per (uri, version) and evicted on close.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FormatGlobs } from './formats/detect';
import type { RuleDocument } from './formats/model';
import { parseRule } from './formats/parse';

export class RuleDocumentCache {
  private readonly entries = new Map<string, { version: number; rule: RuleDocument }>();

  constructor(private readonly globs: () => FormatGlobs) {}

  get(document: TextDocument): RuleDocument {
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version) return cached.rule;
    const rule = parseRule(document.uri, document.getText(), this.globs());
    this.entries.set(document.uri, { version: document.version, rule });
    return rule;
  }

  evict(uri: string): void {
    this.entries.delete(uri);
  }

  clear(): void {
    this.entries.clear();
  }
}

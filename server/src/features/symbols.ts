// Workspace symbols: rules by title or rule ID, and ATT&CK objects by ID or name — each object at
// the places where rules reference it, so "go to symbol" jumps to the techniques a rule claims.
import { type SymbolInformation, SymbolKind } from 'vscode-languageserver-types';
import type { Corpus } from '../corpus/corpus';
import type { ObjectKind } from '../corpus/model';
import type { RuleDocument } from '../formats/model';
import type { RuleIndex } from '../workspace/ruleIndex';
import { ruleName } from '../workspace/ruleNames';

const MAX_RESULTS = 200;

const OBJECT_SYMBOL: Partial<Record<ObjectKind, SymbolKind>> = {
  technique: SymbolKind.Function,
  tactic: SymbolKind.Namespace,
  group: SymbolKind.Class,
  software: SymbolKind.Module,
  mitigation: SymbolKind.Interface,
  dataSource: SymbolKind.Package,
  dataComponent: SymbolKind.Field,
};

function ruleTitle(rule: RuleDocument): string {
  return ruleName(rule);
}

export function workspaceSymbols(query: string, corpus: Corpus | undefined, index: RuleIndex): SymbolInformation[] {
  const text = query.trim().toLowerCase();
  const symbols: SymbolInformation[] = [];
  for (const rule of index.all()) {
    if (symbols.length >= MAX_RESULTS) break;
    const title = ruleTitle(rule);
    if (text && !title.toLowerCase().includes(text) && !(rule.identity.id ?? '').toLowerCase().startsWith(text)) continue;
    const anchor = rule.references[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    symbols.push({ name: title, kind: SymbolKind.File, location: { uri: rule.uri, range: { start: { line: 0, character: 0 }, end: anchor.start } }, containerName: `${rule.format} rule` });
  }
  if (!corpus || !text) return symbols;
  for (const result of corpus.find(query, { limit: 30, includeRetired: true })) {
    const object = result.object;
    for (const rule of index.rulesFor(object.id).slice(0, 20)) {
      const reference = rule.references.find((r) => r.id === object.id);
      if (!reference || symbols.length >= MAX_RESULTS) continue;
      symbols.push({ name: `${object.id} ${object.name}`, kind: OBJECT_SYMBOL[object.kind] ?? SymbolKind.Constant, location: { uri: rule.uri, range: reference.range }, containerName: ruleTitle(rule) });
    }
  }
  return symbols;
}

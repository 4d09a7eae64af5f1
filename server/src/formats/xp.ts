// MaxPatrol SIEM (XP) content → RuleDocument from metainfo.yaml: techniques filed under tactic keys
// in `ContentRelations.Implements.ATTACK` (the keys are kept verbatim, as references themselves),
// and `ExpertContext.DataSources` (provider + event IDs). The rule folder is the rule's identity.
import * as path from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import { URI } from 'vscode-uri';
import { emptyRuleDocument, type RuleDocument } from './model';
import { bareIdItems, insertionAfter, type ParsedYaml, parseYamlRule } from './yamlRule';
import { nodeAt, scalarText, stringAt } from './yamlUtil';
import { readXpDescriptions } from './xpI18n';

export function parseXp(uri: string, text: string): RuleDocument {
  const rule = emptyRuleDocument(uri, 'xp');
  const parsed = parseYamlRule(rule, text);
  const filePath = uri.startsWith('file:') ? URI.parse(uri).fsPath : uri;
  rule.identity.folder = path.dirname(filePath);
  if (!parsed.root) return rule;
  rule.identity.id = stringAt(parsed.root, 'ObjectId');
  rule.identity.title = stringAt(parsed.root, 'ContentAutoName') ?? path.basename(rule.identity.folder);
  if (uri.startsWith('file:')) readXpDescriptions(rule, rule.identity.folder);
  const attack = nodeAt(parsed.root, 'ContentRelations', 'Implements', 'ATTACK');
  if (isMap(attack)) {
    for (const pair of attack.items) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'string') continue;
      const key = scalarText(pair.key, text);
      if (!key) continue;
      rule.references.push({ id: key.text, kind: 'tactic', written: key.text, form: 'tacticName', range: parsed.lines.range(key.start, key.end), key: 'ContentRelations.Implements.ATTACK' });
      for (const technique of bareIdItems(parsed, pair.value, `ContentRelations.Implements.ATTACK.${key.text}`, key.text)) rule.references.push(technique);
      rule.insertion ??= insertionAfter(parsed, pair.value);
    }
  }
  readDataSources(parsed, rule);
  return rule;
}

/** One log source per event ID, at that ID. macOS content names its events (es_logger_process_execution)
 *  instead of numbering them: those are kept by name. */
function readDataSources(parsed: ParsedYaml, rule: RuleDocument): void {
  const sources = nodeAt(parsed.root, 'ExpertContext', 'DataSources');
  if (!isSeq(sources)) return;
  for (const source of sources.items) {
    const providerNode = isMap(source) ? source.get('Provider', true) : undefined;
    const provider = isScalar(providerNode) ? scalarText(providerNode, parsed.text) : undefined;
    if (!isMap(source) || !provider?.text.trim()) continue;
    const events = source.get('EventID', true);
    const items = isSeq(events) ? events.items : [events];
    let found = false;
    for (const event of items) {
      const located = isScalar(event) ? scalarText(event, parsed.text) : undefined;
      if (!located?.text.trim()) continue;
      const range = parsed.lines.range(located.start, located.end);
      const numeric = /^\d+$/.test(located.text.trim()) ? Number(located.text.trim()) : undefined;
      rule.logSources.push(numeric !== undefined ? { provider: provider.text, eventId: numeric, range } : { provider: provider.text, name: located.text, range });
      found = true;
    }
    if (!found) rule.logSources.push({ provider: provider.text, range: parsed.lines.range(provider.start, provider.end) });
  }
}

// MaxPatrol SIEM (XP) content → RuleDocument from metainfo.yaml: techniques filed under tactic keys
// in `ContentRelations.Implements.ATTACK` (the keys are kept verbatim, as references themselves),
// and `ExpertContext.DataSources` (provider + event IDs). The rule folder is the rule's identity.
import * as path from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import { URI } from 'vscode-uri';
import { emptyRuleDocument, type RuleDocument } from './model';
import { bareIdItems, insertionAfter, parseYamlRule } from './yamlRule';
import { nodeAt, scalarText, stringAt } from './yamlUtil';

export function parseXp(uri: string, text: string): RuleDocument {
  const rule = emptyRuleDocument(uri, 'xp');
  const parsed = parseYamlRule(rule, text);
  const filePath = uri.startsWith('file:') ? URI.parse(uri).fsPath : uri;
  rule.identity.folder = path.dirname(filePath);
  if (!parsed.root) return rule;
  rule.identity.id = stringAt(parsed.root, 'ObjectId');
  rule.identity.title = stringAt(parsed.root, 'ContentAutoName') ?? path.basename(rule.identity.folder);
  const attack = nodeAt(parsed.root, 'ContentRelations', 'Implements', 'ATTACK');
  if (isMap(attack)) {
    for (const pair of attack.items) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'string') continue;
      const key = scalarText(pair.key, text);
      if (!key) continue;
      rule.references.push({ id: key.text, kind: 'tactic', written: key.text, form: 'tacticName', range: parsed.lines.range(key.start, key.end), key: 'ContentRelations.Implements.ATTACK' });
      rule.references.push(...bareIdItems(parsed, pair.value, `ContentRelations.Implements.ATTACK.${key.text}`, { tactic: key.text }));
      rule.insertion ??= insertionAfter(parsed, pair.value);
    }
  }
  const sources = nodeAt(parsed.root, 'ExpertContext', 'DataSources');
  if (isSeq(sources)) {
    for (const source of sources.items) {
      const provider = isMap(source) ? source.get('Provider') : undefined;
      const events = isMap(source) ? source.get('EventID', true) : undefined;
      if (typeof provider !== 'string') continue;
      const ids = isSeq(events) ? events.items.filter(isScalar) : [];
      for (const event of ids) {
        const located = scalarText(event, text);
        const eventId = Number(event.value);
        if (located && Number.isInteger(eventId)) rule.logSources.push({ provider, eventId, range: parsed.lines.range(located.start, located.end) });
      }
      if (!ids.length && isMap(source) && source.range) rule.logSources.push({ provider, range: parsed.lines.range(source.range[0], source.range[1]) });
    }
  }
  return rule;
}

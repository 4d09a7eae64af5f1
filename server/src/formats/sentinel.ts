// Microsoft Sentinel analytic-rule YAML → RuleDocument: `relevantTechniques` (and `subTechniques`
// where present), `tactics` by name, and the connectors' data types as log sources.
import { isMap, isSeq } from 'yaml';
import { type AttackReference, emptyRuleDocument, type RuleDocument } from './model';
import { bareIdItems, insertionAfter, parseYamlRule } from './yamlRule';
import { nodeAt, seqScalars, stringAt } from './yamlUtil';

export function parseSentinel(uri: string, text: string): RuleDocument {
  const rule = emptyRuleDocument(uri, 'sentinel');
  const parsed = parseYamlRule(rule, text);
  if (!parsed.root) return rule;
  rule.identity = { id: stringAt(parsed.root, 'id'), title: stringAt(parsed.root, 'name'), status: stringAt(parsed.root, 'status') };
  for (const tactic of seqScalars(nodeAt(parsed.root, 'tactics'), text)) {
    const reference: AttackReference = { id: tactic.text, kind: 'tactic', written: tactic.text, form: 'tacticName', range: parsed.lines.range(tactic.start, tactic.end), key: 'tactics' };
    rule.references.push(reference);
  }
  const techniques = nodeAt(parsed.root, 'relevantTechniques');
  rule.references = rule.references.concat(bareIdItems(parsed, techniques, 'relevantTechniques'));
  rule.references = rule.references.concat(bareIdItems(parsed, nodeAt(parsed.root, 'subTechniques'), 'subTechniques'));
  rule.insertion = insertionAfter(parsed, techniques);
  const connectors = nodeAt(parsed.root, 'requiredDataConnectors');
  if (isSeq(connectors)) {
    for (const connector of connectors.items) {
      if (!isMap(connector)) continue;
      for (const dataType of seqScalars(connector.get('dataTypes', true), text)) {
        rule.logSources.push({ name: dataType.text, range: parsed.lines.range(dataType.start, dataType.end) });
      }
    }
  }
  return rule;
}

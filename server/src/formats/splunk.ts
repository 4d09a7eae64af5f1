// Splunk security_content (ESCU) detection YAML → RuleDocument: `tags.mitre_attack_id` and
// `data_source`, with the `id`, `name` and `status` of the detection.
import { emptyRuleDocument, type RuleDocument } from './model';
import { bareIdItems, insertionAfter, parseYamlRule } from './yamlRule';
import { nodeAt, seqScalars, stringAt } from './yamlUtil';

export function parseSplunk(uri: string, text: string): RuleDocument {
  const rule = emptyRuleDocument(uri, 'splunk');
  const parsed = parseYamlRule(rule, text);
  if (!parsed.root) return rule;
  rule.identity = { id: stringAt(parsed.root, 'id'), title: stringAt(parsed.root, 'name'), status: stringAt(parsed.root, 'status') };
  const ids = nodeAt(parsed.root, 'tags', 'mitre_attack_id');
  rule.references = rule.references.concat(bareIdItems(parsed, ids, 'tags.mitre_attack_id'));
  rule.insertion = insertionAfter(parsed, ids);
  for (const source of seqScalars(nodeAt(parsed.root, 'data_source'), text)) {
    rule.logSources.push({ name: source.text, range: parsed.lines.range(source.start, source.end) });
  }
  return rule;
}

// "What does this workspace do about it?" lines for hovers: the rules that reference a technique
// (or its sub-techniques), linked to the line of the reference.
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';
import type { RuleDocument } from '../formats/model';
import type { ComponentIndex, RuleComponentsOf } from '../workspace/componentIndex';
import type { RuleIndex } from '../workspace/ruleIndex';
import { escapeMarkdown } from './objectMarkdown';

const SHOWN = 3;

/** A link that opens the rule at its reference to `id` (VS Code understands `#L<line>` on file links). */
export function ruleLink(rule: RuleDocument, id: string): string {
  const reference = rule.references.find((r) => r.id === id);
  const line = reference ? `#L${reference.range.start.line + 1}` : '';
  const title = rule.identity.title ?? rule.uri.slice(rule.uri.lastIndexOf('/') + 1);
  return `[${escapeMarkdown(title)}](${rule.uri}${line})`;
}

function ruleList(rules: RuleDocument[], id?: string): string {
  const links = rules.slice(0, SHOWN).map((rule) => (id ? ruleLink(rule, id) : ruleLink(rule, '')));
  return `${links.join(', ')}${rules.length > SHOWN ? `, … and ${rules.length - SHOWN} more` : ''}`;
}

export interface WorkspaceLookups {
  index: RuleIndex;
  components: ComponentIndex;
  componentsOf: RuleComponentsOf;
}

export function workspaceLines(corpus: Corpus, lookups: WorkspaceLookups, object: AttackObject): string[] {
  const { index } = lookups;
  if (object.kind === 'dataComponent' || object.kind === 'dataSource') {
    const names = object.kind === 'dataSource' ? corpus.componentsOf(object).map((c) => c.name) : [object.name];
    const reading = new Map<string, RuleDocument>();
    for (const name of names) for (const rule of lookups.components.rulesReading(name, lookups.componentsOf)) reading.set(rule.uri, rule);
    const rules = [...reading.values()];
    return [rules.length ? `**In this workspace:** ${rules.length} rule${rules.length === 1 ? '' : 's'} read${rules.length === 1 ? 's' : ''} ${object.name} through ${rules.length === 1 ? 'its' : 'their'} log source — ${ruleList(rules)}` : `**In this workspace:** no rule's log source provides ${object.name}.`];
  }
  if (object.kind === 'group' || object.kind === 'software' || object.kind === 'mitigation' || object.kind === 'campaign') {
    const rules = index.rulesFor(object.id, object.kind);
    return rules.length ? [`**In this workspace:** referenced by ${rules.length} rule${rules.length === 1 ? '' : 's'} — ${ruleList(rules, object.id)}`] : [];
  }
  if (object.kind !== 'technique') return [];
  const direct = index.rulesFor(object.id);
  const viaSubtechniques = new Map<string, RuleDocument>();
  for (const sub of corpus.subtechniquesOf(object)) for (const rule of index.rulesFor(sub.id)) if (!direct.includes(rule)) viaSubtechniques.set(rule.uri, rule);
  const lines: string[] = [];
  if (direct.length) {
    const links = direct.slice(0, SHOWN).map((rule) => ruleLink(rule, object.id));
    const more = direct.length > SHOWN ? `, … and ${direct.length - SHOWN} more` : '';
    lines.push(`**In this workspace:** covered by ${direct.length} rule${direct.length === 1 ? '' : 's'} — ${links.join(', ')}${more}`);
  } else {
    lines.push(`**In this workspace:** no rule references ${object.id}${viaSubtechniques.size ? ' itself' : ' yet'}.`);
  }
  if (viaSubtechniques.size) lines.push(`${viaSubtechniques.size} more rule${viaSubtechniques.size === 1 ? '' : 's'} cover its sub-techniques.`);
  return lines;
}

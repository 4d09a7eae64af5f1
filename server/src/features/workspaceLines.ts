// "What does this workspace do about it?" lines for hovers: the rules that reference a technique
// (or its sub-techniques), linked to the line of the reference.
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';
import type { RuleDocument } from '../formats/model';
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

export function workspaceLines(corpus: Corpus, index: RuleIndex, object: AttackObject): string[] {
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

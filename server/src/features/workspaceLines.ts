// "What does this workspace do about it?" for hovers. For a technique: one line from the coverage
// model, right after the hover's title (covered by N rules, via sub-techniques, parent-only, gap),
// with a command link that opens the technique panel's rule list. For other objects: the rules that
// reference them (groups, software, mitigations, campaigns) or read them (data components).
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';
import type { RuleDocument } from '../formats/model';
import type { ComponentIndex, RuleComponentsOf } from '../workspace/componentIndex';
import { type CoverageModel, formatCounts, parentLevelRules, subtechniqueOnlyRules } from '../workspace/coverageModel';
import { SHOW_TECHNIQUE_COMMAND } from '../protocol';
import type { RuleIndex } from '../workspace/ruleIndex';
import { escapeMarkdown } from './objectMarkdown';

const SHOWN = 3;

/** A link that opens the rule at its reference to `id` (VS Code understands `#L<line>` on file links).
 *  The rule's file name and title are the rule author's text: the title is escaped, and the URI's
 *  characters that could end the link target early are percent-encoded. */
export function ruleLink(rule: RuleDocument, id: string): string {
  const reference = rule.references.find((r) => r.id === id);
  const line = reference ? `#L${reference.range.start.line + 1}` : '';
  const title = rule.identity.title ?? decodeURIComponentSafe(rule.uri.slice(rule.uri.lastIndexOf('/') + 1));
  const target = rule.uri.replace(/[()<>\s"'`\\[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `[${escapeMarkdown(title)}](${target}${line})`;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // not percent-encoded after all: shown as it is
  }
}

function ruleList(rules: RuleDocument[], id?: string): string {
  const links = rules.slice(0, SHOWN).map((rule) => ruleLink(rule, id ?? ''));
  return `${links.join(', ')}${rules.length > SHOWN ? `, … and ${rules.length - SHOWN} more` : ''}`;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

function byFormat(rules: readonly RuleDocument[]): string {
  return Object.entries(formatCounts(rules))
    .sort((a, b) => b[1] - a[1])
    .map(([format, n]) => `${format} ${n.toLocaleString('en-US')}`)
    .join(', ');
}

/** `command:ttpLens.showTechnique?["T1059","rules"]`: the panel, scrolled to its rule list. */
export function showRulesLink(id: string, text = 'show rules'): string {
  return `[${text}](command:${SHOW_TECHNIQUE_COMMAND}?${encodeURIComponent(JSON.stringify([id, 'rules']))} "Open the technique panel at its rules")`;
}

function filterNote(model: CoverageModel): string {
  const { platforms, formats, statuses, levels } = model.filter;
  const parts = [platforms?.join(', '), formats?.join(', '), statuses?.length ? `status ${statuses.join('/')}` : '', levels?.length ? `level ${levels.join('/')}` : ''].filter(Boolean);
  return parts.length ? ` _(coverage filter: ${escapeMarkdown(parts.join(' · '))})_` : '';
}

/** The coverage model's line for a technique or sub-technique. */
export function techniqueCoverageLine(model: CoverageModel, index: RuleIndex, technique: AttackObject): string {
  const entry = model.byId.get(technique.id);
  const id = escapeMarkdown(technique.id);
  if (!entry) {
    const claims = index.rulesFor(technique.id);
    const why = technique.revoked ? 'revoked' : technique.deprecated ? 'deprecated' : 'outside the coverage filter';
    return `**Workspace:** not counted (${why})${claims.length ? `; ${plural(claims.length, 'rule')} still claim${claims.length === 1 ? 's' : ''} it — ${showRulesLink(technique.id)}` : ''}.${filterNote(model)}`;
  }
  const link = ` — ${showRulesLink(technique.id)}`;
  switch (entry.state) {
    case 'covered': {
      const viaSubs = subtechniqueOnlyRules(entry).length;
      const more = viaSubs ? `; ${plural(viaSubs, 'more rule')} claim only its sub-techniques` : '';
      // A few rules are linked right here, at their reference; more are a click away in the panel.
      const few = entry.claims.length <= SHOWN ? `: ${ruleList(entry.claims, technique.id)}` : '';
      return `**Workspace:** covered by ${plural(entry.claims.length, 'rule')} · ${byFormat(entry.claims)}${few}${more}${link}${filterNote(model)}`;
    }
    case 'via-subtechniques': {
      const viaSubs = subtechniqueOnlyRules(entry);
      return `**Workspace:** via sub-techniques — no rule claims ${id} itself; ${plural(viaSubs.length, 'rule')} claim its sub-techniques · ${byFormat(viaSubs)}${link}${filterNote(model)}`;
    }
    case 'parent-only': {
      const parentRules = parentLevelRules(entry);
      return `**Workspace:** gap — no rule claims ${id}; ${plural(parentRules.length, 'parent-level rule')} claim ${escapeMarkdown(entry.parent!.technique.id)} (parent-only, not counted)${link}${filterNote(model)}`;
    }
    case 'gap':
      return `**Workspace:** gap — no rule claims ${id}${technique.isSubtechnique ? ' or its parent' : entry.subtechniques.length ? ' or any of its sub-techniques' : ''}.${filterNote(model)}`;
  }
}

export interface WorkspaceLookups {
  index: RuleIndex;
  components: ComponentIndex;
  componentsOf: RuleComponentsOf;
  /** The coverage model under the client's filter (built on first need). */
  model: () => CoverageModel;
}

export interface WorkspaceHoverLines {
  /** Right after the title line. */
  summary?: string;
  /** Before the footer. */
  lines: string[];
}

export function workspaceLines(corpus: Corpus, lookups: WorkspaceLookups, object: AttackObject): WorkspaceHoverLines {
  const { index } = lookups;
  if (object.kind === 'technique') return { summary: techniqueCoverageLine(lookups.model(), index, object), lines: [] };
  if (object.kind === 'dataComponent' || object.kind === 'dataSource') {
    const names = object.kind === 'dataSource' ? corpus.componentsOf(object).map((c) => c.name) : [object.name];
    const reading = new Map<string, RuleDocument>();
    for (const name of names) for (const rule of lookups.components.rulesReading(name, lookups.componentsOf)) reading.set(rule.uri, rule);
    const rules = [...reading.values()];
    return {
      lines: [
        rules.length
          ? `**In this workspace:** ${plural(rules.length, 'rule')} read${rules.length === 1 ? 's' : ''} ${escapeMarkdown(object.name)} through ${rules.length === 1 ? 'its' : 'their'} log source — ${ruleList(rules)}`
          : `**In this workspace:** no rule's log source provides ${escapeMarkdown(object.name)}.`,
      ],
    };
  }
  if (object.kind === 'group' || object.kind === 'software' || object.kind === 'mitigation' || object.kind === 'campaign') {
    const rules = index.rulesFor(object.id, object.kind);
    return { lines: rules.length ? [`**In this workspace:** referenced by ${plural(rules.length, 'rule')} — ${ruleList(rules, object.id)}`] : [] };
  }
  return { lines: [] };
}

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
import { t, tn } from '../l10n/l10n';
import { ruleName } from '../workspace/ruleNames';
import { formatCount } from '../l10n/l10n';

const SHOWN = 3;

/** A link that opens the rule at its reference to `id` (VS Code understands `#L<line>` on file links).
 *  The rule's file name and title are the rule author's text: the title is escaped, and the URI's
 *  characters that could end the link target early are percent-encoded. */
export function ruleLink(rule: RuleDocument, id: string): string {
  const reference = rule.references.find((r) => r.id === id);
  const line = reference ? `#L${reference.range.start.line + 1}` : '';
  const title = ruleName(rule);
  const target = rule.uri.replace(/[()<>\s"'`\\[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `[${escapeMarkdown(title)}](${target}${line})`;
}

function ruleList(rules: RuleDocument[], id?: string): string {
  const links = rules.slice(0, SHOWN).map((rule) => ruleLink(rule, id ?? ''));
  return `${links.join(', ')}${rules.length > SHOWN ? `, ${t('… and {0} more', rules.length - SHOWN)}` : ''}`;
}


function byFormat(rules: readonly RuleDocument[]): string {
  return Object.entries(formatCounts(rules))
    .sort((a, b) => b[1] - a[1])
    .map(([format, n]) => `${format} ${formatCount(n, 'en')}`)
    .join(', ');
}

/** `command:ttpLens.showTechnique?["T1059","rules"]`: the panel, scrolled to its rule list. */
export function showRulesLink(id: string, text = t('show rules')): string {
  return `[${text}](command:${SHOW_TECHNIQUE_COMMAND}?${encodeURIComponent(JSON.stringify([id, 'rules']))} "${t('Open the technique panel at its rules')}")`;
}

function filterNote(model: CoverageModel): string {
  const { platforms, formats, statuses, levels } = model.filter;
  const parts = [platforms?.join(', '), formats?.join(', '), statuses?.length ? t('status {0}', statuses.join('/')) : '', levels?.length ? t('level {0}', levels.join('/')) : ''].filter(Boolean);
  return parts.length ? ` _(${t('coverage filter: {0}', escapeMarkdown(parts.join(' · ')))})_` : '';
}

/** The coverage model's line for a technique or sub-technique. */
export function techniqueCoverageLine(model: CoverageModel, index: RuleIndex, technique: AttackObject): string {
  const entry = model.byId.get(technique.id);
  const id = escapeMarkdown(technique.id);
  if (!entry) {
    const claims = index.rulesFor(technique.id);
    const why = technique.revoked ? t('revoked') : technique.deprecated ? t('deprecated') : t('outside the coverage filter');
    const still = claims.length ? `; ${tn(claims.length, '{0} rule still claims it', '{0} rules still claim it')} — ${showRulesLink(technique.id)}` : '';
    return `${t('**Workspace:** not counted ({0})', why)}${still}.${filterNote(model)}`;
  }
  const link = ` — ${showRulesLink(technique.id)}`;
  switch (entry.state) {
    case 'covered': {
      const viaSubs = subtechniqueOnlyRules(entry).length;
      const more = viaSubs ? `; ${tn(viaSubs, '{0} more rule claims only its sub-techniques', '{0} more rules claim only its sub-techniques')}` : '';
      // A few rules are linked right here, at their reference; more are a click away in the panel.
      const few = entry.claims.length <= SHOWN ? `: ${ruleList(entry.claims, technique.id)}` : '';
      return `${tn(entry.claims.length, '**Workspace:** covered by {0} rule', '**Workspace:** covered by {0} rules')} · ${byFormat(entry.claims)}${few}${more}${link}${filterNote(model)}`;
    }
    case 'via-subtechniques': {
      const viaSubs = subtechniqueOnlyRules(entry);
      return `${t('**Workspace:** via sub-techniques — no rule claims {0} itself', id)}; ${tn(viaSubs.length, '{0} rule claims its sub-techniques', '{0} rules claim its sub-techniques')} · ${byFormat(viaSubs)}${link}${filterNote(model)}`;
    }
    case 'parent-only': {
      const parentRules = parentLevelRules(entry);
      return `${t('**Workspace:** gap — no rule claims {0}', id)}; ${tn(parentRules.length, '{0} parent-level rule claims {1} (parent-only, not counted)', '{0} parent-level rules claim {1} (parent-only, not counted)', escapeMarkdown(entry.parent!.technique.id))}${link}${filterNote(model)}`;
    }
    case 'gap':
      return `${technique.isSubtechnique ? t('**Workspace:** gap — no rule claims {0} or its parent.', id) : entry.subtechniques.length ? t('**Workspace:** gap — no rule claims {0} or any of its sub-techniques.', id) : t('**Workspace:** gap — no rule claims {0}.', id)}${filterNote(model)}`;
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
          ? `${tn(rules.length, '**In this workspace:** {0} rule reads {1} through its log source', '**In this workspace:** {0} rules read {1} through their log source', escapeMarkdown(object.name))} — ${ruleList(rules)}`
          : t("**In this workspace:** no rule's log source provides {0}.", escapeMarkdown(object.name)),
      ],
    };
  }
  if (object.kind === 'group' || object.kind === 'software' || object.kind === 'mitigation' || object.kind === 'campaign') {
    const rules = index.rulesFor(object.id, object.kind);
    return { lines: rules.length ? [`${tn(rules.length, '**In this workspace:** referenced by {0} rule', '**In this workspace:** referenced by {0} rules')} — ${ruleList(rules, object.id)}`] : [] };
  }
  return { lines: [] };
}

// Hover: the facts of the ATT&CK object under the cursor, plus what the workspace does about it.
import type { Hover, Position } from 'vscode-languageserver-types';
import { MarkupKind } from 'vscode-languageserver-types';
import { factsOf } from '../corpus/facts';
import type { AttackReference, RuleDocument } from '../formats/model';
import type { FeatureContext } from './context';
import { escapeMarkdown, factsToMarkdown } from './objectMarkdown';
import { logSourceAt, logSourceHover } from './logSourceHover';
import { checkReference } from './referenceChecks';
import { referenceAt, resolveReference } from './resolve';
import { t, translated } from '../l10n/l10n';
import { OBJECT_KIND_LABEL } from '../corpus/model';
import { localizeFacts } from './localized';

const VERDICT_CODES = new Set(['ttp.newer-id', 'ttp.newer-tactic', 'ttp.unknown-id', 'ttp.unknown-tactic']);

/** An Elastic `name = "…"` next to an ID hovers as the ID. */
function nameAt(references: readonly AttackReference[], line: number, character: number): AttackReference | undefined {
  return references.find((r) => r.name && r.name.range.start.line === line && character >= r.name.range.start.character && character <= r.name.range.end.character);
}

export function hover(rule: RuleDocument, position: Position, context: FeatureContext): Hover | null {
  const corpus = context.corpus;
  if (!corpus) return null;
  const reference = referenceAt(rule.references, position.line, position.character) ?? nameAt(rule.references, position.line, position.character);
  if (!reference) {
    const source = context.logSources && logSourceAt(rule, position.line, position.character);
    if (!source || !context.logSources) return null;
    return { contents: { kind: MarkupKind.Markdown, value: logSourceHover(rule, source, { corpus, ...context.logSources }) }, range: source.span ?? source.range };
  }
  const resolution = resolveReference(corpus, reference);
  let value: string;
  if (resolution.status === 'found') {
    const { facts, languageNote } = localizeFacts(factsOf(corpus, resolution.object), context.overlay);
    const workspace = context.workspaceFor?.(resolution.object);
    value = factsToMarkdown(facts, {
      versionLabel: corpus.versionLabel,
      workspaceSummary: workspace?.summary,
      workspaceLines: workspace?.lines,
      languageNote,
    });
  } else {
    // The verdict in the diagnostics' own words (newer release, or a typo with its did-you-mean).
    const verdict = checkReference(corpus, rule, reference).find((f) => VERDICT_CODES.has(f.code));
    value = verdict ? escapeMarkdown(verdict.message) : t('{0} is not a known ATT&CK {1} in {2}.', `**${escapeMarkdown(reference.written)}**`, reference.kind === 'unknown' ? t('reference') : translated(OBJECT_KIND_LABEL[reference.kind]).toLowerCase(), escapeMarkdown(corpus.versionLabel));
  }
  return { contents: { kind: MarkupKind.Markdown, value }, range: reference.range };
}

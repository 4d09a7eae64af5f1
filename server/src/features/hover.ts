// Hover: the facts of the ATT&CK object under the cursor, plus what the workspace does about it.
import type { Hover, Position } from 'vscode-languageserver-types';
import { MarkupKind } from 'vscode-languageserver-types';
import { factsOf } from '../corpus/facts';
import type { AttackReference, RuleDocument } from '../formats/model';
import type { FeatureContext } from './context';
import { escapeMarkdown, factsToMarkdown } from './objectMarkdown';
import { logSourceAt, logSourceHover } from './logSourceHover';
import { referenceAt, resolveReference } from './resolve';
import { t, translated } from '../l10n/l10n';
import { OBJECT_KIND_LABEL } from '../corpus/model';
import { localizeFacts } from './localized';

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
  } else if (resolution.status === 'missing' && resolution.verdict.kind === 'newer') {
    value = t('{0} is not in the loaded {1}; it is likely from a newer ATT&CK release.', `**${escapeMarkdown(reference.id)}**`, escapeMarkdown(resolution.verdict.loadedVersion));
  } else {
    value = t('{0} is not a known ATT&CK {1} in {2}.', `**${escapeMarkdown(reference.written)}**`, reference.kind === 'unknown' ? t('reference') : translated(OBJECT_KIND_LABEL[reference.kind]).toLowerCase(), escapeMarkdown(corpus.versionLabel));
  }
  return { contents: { kind: MarkupKind.Markdown, value }, range: reference.range };
}

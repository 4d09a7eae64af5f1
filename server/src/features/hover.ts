// Hover: the facts of the ATT&CK object under the cursor, plus what the workspace does about it.
import type { Hover, Position } from 'vscode-languageserver-types';
import { MarkupKind } from 'vscode-languageserver-types';
import { factsOf } from '../corpus/facts';
import type { RuleDocument } from '../formats/model';
import type { FeatureContext } from './context';
import { escapeMarkdown, factsToMarkdown } from './objectMarkdown';
import { referenceAt, resolveReference } from './resolve';

export function hover(rule: RuleDocument, position: Position, context: FeatureContext): Hover | null {
  const reference = referenceAt(rule.references, position.line, position.character);
  const corpus = context.corpus;
  if (!reference || !corpus) return null;
  const resolution = resolveReference(corpus, reference);
  let value: string;
  if (resolution.status === 'found') {
    const facts = factsOf(corpus, resolution.object);
    const workspace = context.workspaceFor?.(resolution.object);
    value = factsToMarkdown(facts, {
      versionLabel: corpus.versionLabel,
      workspaceSummary: workspace?.summary,
      workspaceLines: workspace?.lines,
    });
  } else if (resolution.status === 'missing' && resolution.verdict.kind === 'newer') {
    value = `**${escapeMarkdown(reference.id)}** is not in the loaded ${escapeMarkdown(resolution.verdict.loadedVersion)}; it is likely from a newer ATT&CK release.`;
  } else {
    value = `**${escapeMarkdown(reference.written)}** is not a known ATT&CK ${reference.kind === 'unknown' ? 'reference' : reference.kind} in ${escapeMarkdown(corpus.versionLabel)}.`;
  }
  return { contents: { kind: MarkupKind.Markdown, value }, range: reference.range };
}

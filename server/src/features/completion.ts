// Completion of ATT&CK IDs and names in the form the position needs (see completionContext.ts).
// The server filters and ranks (isIncomplete), items are light; documentation comes on resolve.
// Ranking: techniques the rule's log source can observe first, then search relevance.
import { type CompletionItem, CompletionItemKind, type CompletionList, type TextEdit } from 'vscode-languageserver-types';
import { attackUrl } from '../corpus/ids';
import type { Corpus } from '../corpus/corpus';
import type { AttackObject, ObjectKind } from '../corpus/model';
import type { LineIndex } from '../formats/lineIndex';
import type { RuleDocument } from '../formats/model';
import { sigmaTagFor } from '../formats/sigmaTags';
import { type CompletionContext, completionContext } from './completionContext';
import { findTactic } from './resolve';
import { tacticNameFor } from './writtenForm';
import type { OverlayTexts } from '../corpus/overlay';
import { t } from '../l10n/l10n';
import { localName, searchWithOverlay } from './localized';
import { byCodeUnits } from '../order';

const LIMIT = 150;
/** Characters of a name shown beside the label before it is cut with "…". */
const NAME_WIDTH = 28;

function shorten(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1).trimEnd()}…` : text;
}

const ITEM_KIND: Record<ObjectKind, CompletionItemKind> = {
  technique: CompletionItemKind.Reference,
  tactic: CompletionItemKind.EnumMember,
  dataSource: CompletionItemKind.Module,
  dataComponent: CompletionItemKind.Field,
  mitigation: CompletionItemKind.Interface,
  detectionStrategy: CompletionItemKind.Event,
  analytic: CompletionItemKind.Event,
  group: CompletionItemKind.Class,
  software: CompletionItemKind.Module,
  campaign: CompletionItemKind.Struct,
  asset: CompletionItemKind.Unit,
};

export interface CompletionInput {
  rule: RuleDocument;
  lines: LineIndex;
  line: number;
  character: number;
  corpus: Corpus | undefined;
  /** Techniques the rule's log source can observe (ranked first), when known. */
  observable?: ReadonlySet<string>;
  /** Localised names (`ttpLens.attack.overlayPaths`): shown, and searched as well as the English. */
  overlay?: OverlayTexts;
}

/** Data kept on an item for completionItem/resolve. */
export interface CompletionData {
  id: string;
}

const live = (o: AttackObject) => !o.revoked && !o.deprecated;

export function complete(input: CompletionInput): CompletionList | null {
  const { corpus } = input;
  if (!corpus) return null;
  const context = completionContext(input.rule, input.lines, input.line, input.character);
  if (!context) return null;
  const range = { start: { line: context.line, character: context.start }, end: { line: context.line, character: context.end } };
  // "attack.t155" or "T155": an ID being typed, not yet a sub-technique ("attack.t1559.").
  const idTyped = /(?:^|\.)t\d+$/i.test(context.typed);
  const items: CompletionItem[] = [];
  const overlay = input.overlay;
  const add = (object: AttackObject, text: string, rank: number, extraEdits?: TextEdit[]) => {
    const tactics = (object.tactics ?? []).map((s) => localName(corpus.tacticsNamed(s)[0] ?? { id: '', name: s }, overlay));
    const name = localName(object, overlay);
    const observable = input.observable?.has(object.id) ?? false;
    // Most items a rule's log source can observe: the few it cannot are the ones worth marking.
    const unobservable = input.observable !== undefined && object.kind === 'technique' && !observable;
    // The suggest widget is narrow: the label is the text to insert (the ID first), a short name
    // and tactic beside it; the full name, every tactic and the verdict in `detail`.
    const shortTactics = tactics.length ? `${tactics[0]}${tactics.length > 1 ? ` +${tactics.length - 1}` : ''}` : '';
    items.push({
      label: text,
      labelDetails: {
        detail: ` ${object.kind === 'tactic' ? object.id : shorten(name, NAME_WIDTH)}`,
        description: unobservable ? `${shortTactics ? `${shortTactics} · ` : ''}${t('not observable by this log source')}` : shortTactics || undefined,
      },
      detail: [`${object.id} ${name}`, tactics.join(', '), unobservable ? t("not observable by this rule's log source") : ''].filter(Boolean).join(' — '),
      kind: ITEM_KIND[object.kind],
      textEdit: { range, newText: text },
      filterText: name === object.name ? `${text} ${object.name}` : `${text} ${name} ${object.name}`,
      // An ID being typed lists techniques before sub-techniques (those come after the parent and a
      // dot); within each, what the rule's log source can observe first.
      sortText: `${idTyped && object.isSubtechnique ? 1 : 0}${observable ? 0 : 1}${String(rank).padStart(4, '0')}`,
      additionalTextEdits: extraEdits,
      data: { id: object.key ?? object.id } satisfies CompletionData,
    });
  };

  switch (context.slot.kind) {
    case 'sigmaTag':
      sigmaTagCandidates(corpus, context, overlay).forEach((object, rank) => add(object, object.kind === 'tactic' ? sigmaTagFor(object.shortname ?? '') : sigmaTagFor(object.id), rank));
      break;
    case 'bareId': {
      const tactic = context.slot.tactic ? findTactic(corpus, context.slot.tactic)?.tactic.shortname : undefined;
      const candidates = candidatesFor(corpus, context.typed, context.slot.kinds, overlay);
      // Under a MaxPatrol tactic key, that tactic's techniques first.
      if (tactic) candidates.sort((a, b) => Number(!a.tactics?.includes(tactic)) - Number(!b.tactics?.includes(tactic)));
      candidates.forEach((object, rank) => add(object, object.id, rank));
      break;
    }
    case 'tacticName':
      corpus.tactics().forEach((tactic, rank) => add(tactic, tacticNameFor(tactic, input.rule.format), rank));
      break;
    case 'elasticId':
      elasticCandidates(corpus, context, overlay).forEach((object, rank) => add(object, object.id, rank, elasticCompanionEdits(input.lines, context.slot.kind === 'elasticId' ? context.slot.line : 0, object)));
      break;
  }
  items.sort((a, b) => byCodeUnits(a.sortText!, b.sortText!));
  return { isIncomplete: true, items: items.slice(0, LIMIT) };
}

/** IDs by prefix when an ID is being typed, else names (fuzzy, word prefix, acronym). */
function candidatesFor(corpus: Corpus, typed: string, kinds: readonly ObjectKind[], overlay?: OverlayTexts): AttackObject[] {
  if (!typed) return corpus.objects.filter((o) => kinds.includes(o.kind) && live(o) && o.id && !o.isSubtechnique).sort((a, b) => byCodeUnits(a.id, b.id)).slice(0, LIMIT);
  return searchWithOverlay(corpus, overlay, typed, { kinds: [...kinds], limit: LIMIT });
}

function sigmaTagCandidates(corpus: Corpus, context: CompletionContext, overlay?: OverlayTexts): AttackObject[] {
  const typed = context.typed.toLowerCase();
  const rest = 'attack.'.startsWith(typed) ? '' : typed.startsWith('attack.') ? typed.slice('attack.'.length) : typed;
  const tactics = corpus.tactics().filter((t) => (t.shortname ?? '').startsWith(rest));
  if (/^(t|g|s|m|ds)\d/.test(rest)) return candidatesFor(corpus, rest, ['technique', 'group', 'software', 'mitigation', 'dataSource'], overlay);
  if (!rest) return [...tactics, ...candidatesFor(corpus, '', ['technique'])];
  const byName = searchWithOverlay(corpus, overlay, rest.replace(/[-_]/g, ' '), { kinds: ['technique', 'group', 'software'], limit: LIMIT });
  return [...tactics, ...byName];
}

function elasticCandidates(corpus: Corpus, context: CompletionContext, overlay?: OverlayTexts): AttackObject[] {
  const slot = context.slot;
  if (slot.kind !== 'elasticId') return [];
  if (slot.table === 'tactic') return corpus.tactics().filter((t) => t.id.startsWith(context.typed.toUpperCase()) || !context.typed);
  if (slot.table === 'subtechnique' && slot.parentTechnique) {
    const parent = corpus.get(slot.parentTechnique);
    if (parent) return corpus.subtechniquesOf(parent).filter((s) => live(s) && s.id.startsWith(context.typed.toUpperCase()));
  }
  const candidates = candidatesFor(corpus, context.typed, ['technique'], overlay).filter((t) => slot.table === 'subtechnique' || !t.isSubtechnique);
  const tactic = slot.tactic ? corpus.get(slot.tactic)?.shortname : undefined;
  if (tactic) candidates.sort((a, b) => Number(!a.tactics?.includes(tactic)) - Number(!b.tactics?.includes(tactic)));
  return candidates;
}

/** Elastic keeps the name and reference next to the ID: completing the ID rewrites both (or adds them). */
function elasticCompanionEdits(lines: LineIndex, idLine: number, object: AttackObject): TextEdit[] {
  const edits: TextEdit[] = [];
  const url = attackUrl(object.id, object.kind);
  const wanted: [string, string | undefined][] = [['name', object.name], ['reference', url]];
  const indent = /^\s*/.exec(lines.lineText(idLine))![0];
  const missing: string[] = [];
  for (const [key, value] of wanted) {
    if (value === undefined) continue;
    let found = false;
    for (let i = idLine + 1; i < lines.lineCount; i++) {
      const text = lines.lineText(i);
      if (text.trim().startsWith('[')) break;
      const match = new RegExp(`^(\\s*${key}\\s*=\\s*")([^"]*)"`).exec(text);
      if (!match) continue;
      found = true;
      if (match[2] !== value) edits.push({ range: { start: { line: i, character: match[1].length }, end: { line: i, character: match[1].length + match[2].length } }, newText: value });
      break;
    }
    if (!found) missing.push(`${indent}${key} = "${value.replace(/"/g, '\\"')}"`);
  }
  if (missing.length) {
    const end = { line: idLine, character: lines.lineText(idLine).length };
    edits.push({ range: { start: end, end }, newText: `\n${missing.join('\n')}` });
  }
  return edits;
}

/** completionItem/resolve: the object's brief facts as documentation. */
export function resolveCompletion(item: CompletionItem, corpus: Corpus | undefined, render: (object: AttackObject) => string): CompletionItem {
  const data = item.data as CompletionData | undefined;
  const object = data && corpus?.get(data.id);
  if (!object) return item;
  return { ...item, detail: item.detail ?? `${object.id} ${object.name}`, documentation: { kind: 'markdown', value: render(object) } };
}

// Any other text (Markdown notes, comments in code, reports): bare ATT&CK IDs with word boundaries,
// and Sigma-style `attack.t1059.001` tags written in prose, so hover and links work there too.
import { parseAttackId } from '../corpus/ids';
import { LineIndex } from './lineIndex';
import { type AttackReference, emptyRuleDocument, type RuleDocument } from './model';
import { interpretSigmaTag } from './sigmaTags';

// Assets (A0001) are left out: "A1234" is too common in prose to mean an ATT&CK asset.
const BARE_ID = /(?<![\w.\-/#])(?:TA|DS|DC|DET|AN|T|M|G|S|C)\d{4}(?:\.\d{3})?(?![\w\-])/g;
const PROSE_TAG = /(?<![\w.\-])attack\.(?:t\d{4}(?:\.\d{3})?|(?:g|s|ds|m)\d{4})(?![\w\-])/g;

export function parseText(uri: string, text: string): RuleDocument {
  const rule = emptyRuleDocument(uri, 'text');
  const lines = new LineIndex(text);
  for (const match of text.matchAll(BARE_ID)) {
    const written = match[0];
    // "T1059." at a sentence end: the lookahead allows the dot; a trailing dot is not part of the ID.
    const parsed = parseAttackId(written);
    if (!parsed) continue;
    rule.references.push(reference(parsed.id, parsed.kind, written, 'bareId', lines, match.index));
  }
  for (const match of text.matchAll(PROSE_TAG)) {
    const meaning = interpretSigmaTag(match[0]);
    if (meaning.kind === 'unknown') continue;
    rule.references.push(reference(meaning.id, meaning.kind, match[0], 'sigmaTag', lines, match.index));
  }
  rule.references.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return rule;
}

function reference(id: string, kind: AttackReference['kind'], written: string, form: AttackReference['form'], lines: LineIndex, start: number): AttackReference {
  return { id, kind, written, form, range: lines.range(start, start + written.length), key: '' };
}

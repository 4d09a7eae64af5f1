// Migration of an Elastic `[[rule.threat]]` block whose techniques part ways in release B: the
// techniques that left the block's tactic move, with their sub-techniques, to the block of their new
// tactic (an existing one, or a new block after this one). Only tables that hold nothing but id,
// name and reference are moved — they are rewritten from B, so nothing of the author's is lost;
// anything else is reported for a manual split.
import type { TextEdit } from 'vscode-languageserver-types';
import { attackUrl } from '../corpus/ids';
import type { AttackObject } from '../corpus/model';
import type { AttackReference } from '../formats/model';
import { label, type MigrationContext, type TechniqueState } from './migrationContext';
import { eolOf } from './textEdits';

const TECHNIQUE_HEADER = /^\s*\[\[\s*rule\.threat\.technique\s*\]\]\s*$/;
const SUB_HEADER = /^\s*\[\[\s*rule\.threat\.technique\.subtechnique\s*\]\]\s*$/;
const THREAT_HEADER = /^\s*\[\[\s*rule\.threat\s*\]\]\s*$/;
const TACTIC_HEADER = /^\s*\[\s*rule\.threat\.tactic\s*\]\s*$/;
const PLAIN_LINE = /^\s*((id|name|reference)\s*=\s*"[^"\\]*"\s*)?$/;

const tomlString = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

interface BlockShape {
  tactic: AttackReference;
  techniques: TechniqueState[];
}

/** The table of a technique entry: from its header to the next table that is not one of its
 *  sub-techniques; undefined unless every line is its header, id, name, reference or blank. */
function entryTable(m: MigrationContext, entry: AttackReference): { start: number; end: number } | undefined {
  let start = entry.range.start.line;
  while (start >= 0 && !TECHNIQUE_HEADER.test(m.lines.lineText(start))) {
    if (/^\s*\[/.test(m.lines.lineText(start))) return undefined;
    start--;
  }
  if (start < 0) return undefined;
  let end = entry.range.start.line + 1;
  while (end < m.lines.lineCount && (!/^\s*\[/.test(m.lines.lineText(end)) || SUB_HEADER.test(m.lines.lineText(end)))) end++;
  for (let line = start + 1; line < end; line++) if (!SUB_HEADER.test(m.lines.lineText(line)) && !PLAIN_LINE.test(m.lines.lineText(line))) return undefined;
  return { start, end };
}

/** The line after a block (its next `[[rule.threat]]` or a table outside rule.threat), or the line count. */
function blockEnd(m: MigrationContext, from: number): number {
  for (let line = from + 1; line < m.lines.lineCount; line++) {
    const text = m.lines.lineText(line);
    if (THREAT_HEADER.test(text) || (/^\s*\[/.test(text) && !/^\s*\[\[?\s*rule\.threat[.\]]/.test(text))) return line;
  }
  return m.lines.lineCount;
}

function tables(entries: { technique: AttackObject; subs: AttackObject[] }[], eol: string): string {
  let text = '';
  for (const { technique, subs } of entries) {
    text += `[[rule.threat.technique]]${eol}id = ${tomlString(technique.id)}${eol}name = ${tomlString(technique.name)}${eol}reference = ${tomlString(attackUrl(technique.id, 'technique') ?? '')}${eol}${eol}`;
    for (const sub of subs) text += `[[rule.threat.technique.subtechnique]]${eol}id = ${tomlString(sub.id)}${eol}name = ${tomlString(sub.name)}${eol}reference = ${tomlString(attackUrl(sub.id, 'technique') ?? '')}${eol}${eol}`;
  }
  return text;
}

/** Moves `moved` (techniques and sub-techniques of `block` that left its tactic) to `target`'s block. */
export function moveToTacticBlock(m: MigrationContext, block: BlockShape, moved: TechniqueState[], target: AttackObject, blocks: BlockShape[], parentOf: (sub: AttackReference) => TechniqueState | undefined): boolean {
  const isEntry = (t: TechniqueState) => t.reference.key === 'rule.threat.technique.id';
  const entries = moved.filter(isEntry);
  // A sub-technique moves with its technique entry, and a technique entry with all its sub-techniques.
  const whole = moved.every((t) => isEntry(t) || entries.includes(parentOf(t.reference)!)) &&
    block.techniques.every((t) => isEntry(t) || !entries.includes(parentOf(t.reference)!) || moved.includes(t));
  const spans = whole ? entries.map((e) => entryTable(m, e.reference)) : [];
  if (!whole || !entries.length || spans.some((s) => !s)) return false;
  const eol = eolOf(m.lines.text);
  const text = tables(entries.map((e) => ({ technique: e.after![0], subs: block.techniques.filter((t) => !isEntry(t) && parentOf(t.reference) === e).map((t) => t.after![0]) })), eol);
  const why = `${moved.map((t) => t.after![0].id).join(', ')} moved to ${target.name} in ${m.b.versionLabel}`;
  for (const span of spans) {
    m.dropEditsInLines(span!.start, span!.end);
    const end = span!.end < m.lines.lineCount ? { line: span!.end, character: 0 } : m.lines.positionAt(m.lines.text.length);
    m.edit('moved', { range: { start: { line: span!.start, character: 0 }, end }, newText: '' }, `${entries.map((e) => e.reference.written).join(', ')} moved out of this ${block.tactic.id} block: ${why}`);
  }
  const destination = blocks.find((other) => other !== block && other.tactic.id === target.id);
  let insertion: TextEdit;
  if (destination) {
    const tacticLine = destination.tactic.range.start.line;
    let header = tacticLine;
    while (header > 0 && !TACTIC_HEADER.test(m.lines.lineText(header))) header--;
    const beforeTactic = destination.techniques.every((t) => t.reference.range.start.line < header);
    const at = beforeTactic ? { line: header, character: 0 } : positionOfLine(m, blockEnd(m, tacticLine));
    insertion = { range: { start: at, end: at }, newText: beforeTactic ? text : `${eol}${text}` };
  } else {
    const newBlock = `[[rule.threat]]${eol}framework = "MITRE ATT&CK"${eol}${eol}${text}[rule.threat.tactic]${eol}id = ${tomlString(target.id)}${eol}name = ${tomlString(target.name)}${eol}reference = ${tomlString(attackUrl(target.id, 'tactic') ?? '')}${eol}`;
    const endLine = blockEnd(m, block.tactic.range.start.line);
    const at = positionOfLine(m, endLine);
    const atEnd = endLine >= m.lines.lineCount;
    insertion = { range: { start: at, end: at }, newText: atEnd ? `${m.lines.text.endsWith(eol) ? '' : eol}${eol}${newBlock}` : `${newBlock}${eol}` };
  }
  m.edit('moved', insertion, `${entries.map((e) => label(e.after![0])).join(', ')} filed under ${target.id} ${target.name}: ${why}`);
  for (const t of moved) m.rewritten.add(t.reference);
  return true;
}

function positionOfLine(m: MigrationContext, line: number) {
  return line < m.lines.lineCount ? { line, character: 0 } : m.lines.positionAt(m.lines.text.length);
}

// `check --fix`: the editor's Fix All on a file on disk — the same parse as an open document, the same
// diagnostics, the same edits (features/codeActions.ts autoFixes) — repeated until nothing is left
// to fix (replacing a revoked tag can make a duplicate), and a unified diff for --dry-run.
import { createTwoFilesPatch } from 'diff';
import { autoFixes, type PlannedFix } from '../features/codeActions';
import { diagnose, type DiagnosticsContext } from '../features/diagnostics';
import { applyTextEdits } from '../features/textEdits';
import { LineIndex } from '../formats/lineIndex';
import type { RuleFormat } from '../formats/model';
import { parseWithFormat } from '../formats/parse';

/** Passes over one file; each fixes what the previous one left (or made). */
const MAX_PASSES = 5;

export interface AppliedFix {
  code: string;
  /** 1-based line in the text the pass worked on. */
  line: number;
  /** What was there and what is there now ("" for an insertion or a removal). */
  before: string;
  after: string;
}

export interface FileFix {
  before: string;
  after: string;
  fixes: AppliedFix[];
}

function describe({ code, line, edit }: PlannedFix, lines: LineIndex): AppliedFix {
  const before = lines.text.slice(lines.offsetAt(edit.range.start), lines.offsetAt(edit.range.end));
  return { code, line: line + 1, before: before.trim(), after: edit.newText.trim() };
}

/** Fixes a file's text; undefined when there is nothing to fix. */
export function fixText(uri: string, text: string, format: RuleFormat, context: DiagnosticsContext): FileFix | undefined {
  let current = text;
  const fixes: AppliedFix[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const rule = parseWithFormat(uri, current, format);
    // A file that does not parse is left alone: its ranges may not be where the user thinks.
    if (rule.problems.some((p) => p.severity === 'error')) break;
    const lines = new LineIndex(current);
    const planned = autoFixes(rule, lines, diagnose(rule, context));
    if (!planned.length) break;
    fixes.push(...planned.map((fix) => describe(fix, lines)));
    current = applyTextEdits(current, planned.map((p) => p.edit), lines);
  }
  return fixes.length && current !== text ? { before: text, after: current, fixes } : undefined;
}

/** A unified diff in git's form (`a/` and `b/` prefixes), so `git apply` or `patch -p1` takes it. */
export function unifiedDiff(displayPath: string, fix: FileFix): string {
  const patch = createTwoFilesPatch(`a/${displayPath}`, `b/${displayPath}`, fix.before, fix.after, undefined, undefined, { context: 3 });
  // jsdiff starts with an "Index:" line and a separator; git's form starts at the --- line.
  return patch.slice(patch.indexOf('--- '));
}

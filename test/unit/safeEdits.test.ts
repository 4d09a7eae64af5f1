// Safe edits: every quick-fix TTP Lens offers, applied to every SigmaHQ rule (in memory, on copies
// whose tags carry one defect of each kind), changes only the intended span: a replacement only the
// tag's own text (not its quotes, comment or indentation), a removal exactly one list-item line, an
// insertion exactly one new item line at the end of the list with its neighbours' indentation. The
// result still parses, means the same apart from the intended tag, and every other line is
// byte-identical. "Fix all" and source.fixAll likewise. Elastic's name fix on the Elastic samples.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { parseTOML } from 'toml-eslint-parser';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-types';
import { parseAllDocuments, parseDocument } from 'yaml';
import { codeActions } from '../../server/src/features/codeActions';
import { diagnose } from '../../server/src/features/diagnostics';
import { LineIndex } from '../../server/src/formats/lineIndex';
import type { RuleDocument } from '../../server/src/formats/model';
import { parseRule } from '../../server/src/formats/parse';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { preloadCorpora, preloaded } from '../support/corpora';
import { applyEdits } from '../support/edits';
import { needsShared, SAMPLES, SIGMAHQ_RULES } from '../support/paths';

function* walk(directory: string, pattern: RegExp): Generator<string> {
  for (const entry of readdirSync(directory).sort()) {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) yield* walk(full, pattern);
    else if (pattern.test(entry)) yield full;
  }
}

/** One defect per fix kind, as list items: revoked (→ successor), malformed (quoted, with a
 *  comment; a dash; a tactic's underscore), a typo (→ suggestions), a misspelt tactic (→ suggestions). */
const DEFECTS = ['attack.t1574.002   # revoked in v18.1', "'attack.T1059'   # upper case, quoted", 'attack.t1059-001', 'attack.defense_evasion', 'attack.t1000', 'attack.executoin'];

interface Mutated {
  text: string;
  /** Indentation and dash of the rule's own tag items ("    - "). */
  prefix: string;
}

/** The rule with extra tag items after its last one (written the way its own items are), or with a
 *  tags list added before `logsource:` when it has none. */
function withTags(text: string, items: string[], replaceExisting = false): Mutated {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === 'tags:');
  if (start < 0) {
    const at = lines.findIndex((l) => l.startsWith('logsource:'));
    lines.splice(at, 0, 'tags:', ...items.map((i) => `    - ${i}`));
    return { text: lines.join('\n'), prefix: '    - ' };
  }
  let end = start + 1;
  while (end < lines.length && /^\s+- /.test(lines[end])) end++;
  const prefix = /^(\s+- )/.exec(lines[start + 1])![1];
  lines.splice(replaceExisting ? start + 1 : end, replaceExisting ? end - start - 1 : 0, ...items.map((i) => prefix + i));
  return { text: lines.join('\n'), prefix };
}

/** The YAML's meaning without `tags` (everything a fix must leave alone), and the tags. */
function meaning(text: string): { rest: unknown[]; tags: unknown[] } {
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  for (const document of list) assert.deepEqual(document.errors, [], 'the result parses as YAML');
  const values = list.map((d) => d.toJS() as Record<string, unknown>);
  return { rest: values.map(({ tags: _tags, ...rest }) => rest), tags: values.map((v) => v.tags) };
}

const meanings = new Map<string, unknown[]>();
/** meaning(text).rest, parsed once per text. */
const restOf = (text: string) => {
  let rest = meanings.get(text);
  if (!rest) meanings.set(text, (rest = meaning(text).rest));
  return rest;
};

/** The items of the `tags:` block, parsed by the strict parser on its own: a quick-fix changes one
 *  line inside it (the line checks prove the rest of the file byte-identical), so the block is what
 *  must still parse, as a list of strings. */
const tagsCache = new Map<string, string[]>();
function tagsOf(text: string): string[] {
  const cached = tagsCache.get(text);
  if (cached) return cached;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === 'tags:');
  let end = start + 1;
  while (end < lines.length && (/^\s/.test(lines[end]) || lines[end] === '')) end++;
  const document = parseDocument(lines.slice(start, end).join('\n'));
  assert.deepEqual(document.errors, [], 'the tags still parse');
  const tags = (document.toJS() as { tags: unknown }).tags;
  assert.ok(Array.isArray(tags) && tags.every((t) => typeof t === 'string'), 'a list of strings');
  if (tagsCache.size > 8) tagsCache.clear();
  tagsCache.set(text, tags as string[]);
  return tags as string[];
}

const editsOf = (action: CodeAction): TextEdit[] => (action.edit?.documentChanges?.[0] as { edits: TextEdit[] } | undefined)?.edits ?? [];

/** Checks one applied quick-fix line by line: which lines changed, and how. */
function checkQuickFix(before: string, action: CodeAction, rule: RuleDocument, prefix: string, where: string): string {
  const edits = editsOf(action);
  assert.equal(edits.length, 1, `${where}: a quick-fix is one edit`);
  const [edit] = edits;
  const after = applyEdits(before, edits);
  const a = before.split('\n');
  const b = after.split('\n');
  if (edit.newText === '' ) {
    // A removal: exactly one line gone, and it was a whole list item.
    assert.equal(b.length, a.length - 1, `${where}: one line removed`);
    const removed = a[edit.range.start.line];
    assert.match(removed, /^\s+- \S.*$/, `${where}: the removed line is a list item`);
    assert.deepEqual(b, [...a.slice(0, edit.range.start.line), ...a.slice(edit.range.start.line + 1)], `${where}: every other line identical`);
  } else if (edit.range.start.line === edit.range.end.line && edit.range.start.character === edit.range.end.character && edit.newText.endsWith('\n')) {
    // An insertion: one new item line with the list's own prefix, right after the last item.
    assert.equal(b.length, a.length + 1, `${where}: one line added`);
    const line = edit.range.start.line;
    assert.equal(edit.range.start.character, 0);
    assert.match(b[line], new RegExp(`^${prefix.replace(/[-\s]/g, (c) => (c === '-' ? '\\-' : c === ' ' ? ' ' : '\\s'))}attack\\.[a-z-]+$`), `${where}: ${JSON.stringify(b[line])}`);
    assert.match(a[line - 1], /^\s+- /, `${where}: inserted after a list item`);
    assert.doesNotMatch(a[line] ?? '', /^\s+- /, `${where}: …the last one`);
    assert.deepEqual([...b.slice(0, line), ...b.slice(line + 1)], a, `${where}: every other line identical`);
  } else {
    // A replacement: only the reference's own text on its line changes.
    assert.equal(edit.range.start.line, edit.range.end.line, `${where}: one line`);
    const line = edit.range.start.line;
    const reference = rule.references.find((r) => r.range.start.line === line && r.range.start.character === edit.range.start.character && r.range.end.character === edit.range.end.character);
    assert.ok(reference, `${where}: the edit covers exactly a reference (${JSON.stringify(edit.range)})`);
    assert.equal(a[line].slice(edit.range.start.character, edit.range.end.character), reference.written);
    assert.match(edit.newText, /^attack\.[a-z0-9.-]+$/, `${where}: a well-formed tag`);
    assert.equal(b.length, a.length);
    assert.equal(b[line], a[line].slice(0, edit.range.start.character) + edit.newText + a[line].slice(edit.range.end.character), `${where}: quotes, comment and indentation kept`);
    for (let i = 0; i < a.length; i++) if (i !== line) assert.equal(b[i], a[i], `${where}: line ${i + 1} untouched`);
  }
  // The tags still parse, with exactly the intended difference.
  const was = tagsOf(before);
  const now = tagsOf(after);
  if (edit.newText === '') assert.equal(now.length, was.length - 1, `${where}: one tag fewer`);
  else if (edit.newText.endsWith('\n')) assert.deepEqual(now, [...was, edit.newText.trim().replace(/^- /, '')], `${where}: one tag more, at the end`);
  else assert.deepEqual(now.filter((t, i) => t !== was[i]), [edit.newText], `${where}: one tag changed, to the fix's text`);
  return after;
}

describe('safe edits: every quick-fix on every SigmaHQ rule', needsShared, () => {
  before(preloadCorpora);
  const corpus = () => preloaded.v18;
  const context = () => ({ corpus: corpus(), settings: DEFAULT_SETTINGS });
  const actionsFor = (rule: RuleDocument, text: string, diagnostics: Diagnostic[], contextDiagnostics: Diagnostic[], only?: string[]) =>
    codeActions({ rule, lines: new LineIndex(text), version: 1, contextDiagnostics, allDiagnostics: diagnostics, only });

  test('replacements, removals and "fix all": only the intended span, the rest byte-identical, still parses', () => {
    const files = [...walk(SIGMAHQ_RULES, /\.yml$/)];
    assert.ok(files.length >= 3000);
    const applied = new Map<string, number>();
    for (const file of files) {
      const original = readFileSync(file, 'utf8');
      // A repeat of the rule's first ATT&CK tag (a rule without one gets it twice).
      const firstTag = /^tags:\n(?:\s+- .*\n)*?\s+- (attack\.\S+)/m.exec(original)?.[1];
      const { text, prefix } = withTags(original, [...DEFECTS, ...(firstTag ? [firstTag] : ['attack.execution', 'attack.execution'])]);
      const rule = parseRule(`file://${file}`, text);
      const diagnostics = diagnose(rule, context());
      const ours = diagnostics.filter((d) => d.source === 'TTP Lens');
      for (const code of ['ttp.revoked', 'ttp.malformed', 'ttp.unknown-id', 'ttp.unknown-tactic', 'ttp.duplicate']) {
        assert.ok(ours.some((d) => d.code === code), `${file}: a ${code} to fix`);
      }
      const fixAllTitles = new Set<string>();
      for (const diagnostic of ours) {
        for (const action of actionsFor(rule, text, diagnostics, [diagnostic])) {
          const where = `${path.relative(SIGMAHQ_RULES, file)}: ${action.title}`;
          if (action.title.startsWith('Fix all')) {
            if (fixAllTitles.has(action.title)) continue; // offered at each finding of its kind: checked once
            fixAllTitles.add(action.title);
            const after = applyEdits(text, editsOf(action));
            assert.deepEqual(after.split('\n').filter((l) => !/^\s+- /.test(l)), text.split('\n').filter((l) => !/^\s+- /.test(l)), `${where}: only tag lines change`);
            tagsOf(after);
          } else {
            checkQuickFix(text, action, rule, prefix, where);
          }
          applied.set(String(diagnostic.code), (applied.get(String(diagnostic.code)) ?? 0) + 1);
        }
      }
      // source.fixAll: the unambiguous fixes, nothing else.
      const [fixAll] = actionsFor(rule, text, diagnostics, [], ['source.fixAll']);
      const after = applyEdits(text, editsOf(fixAll));
      assert.deepEqual(meaning(after).rest, restOf(text), `${file}: source.fixAll`);
      meanings.delete(text);
      const again = diagnose(parseRule(`file://${file}`, after), context()).map((d) => String(d.code));
      for (const code of ['ttp.revoked', 'ttp.malformed', 'ttp.duplicate']) assert.ok(!again.includes(code), `${file}: source.fixAll leaves no ${code}`);
    }
    // Each rule offered at least: 1 revoked, 3 malformed, the typo's and the tactic's suggestions, 1 duplicate.
    for (const code of ['ttp.revoked', 'ttp.malformed', 'ttp.unknown-id', 'ttp.unknown-tactic', 'ttp.duplicate']) assert.ok((applied.get(code) ?? 0) >= files.length, `${code}: ${applied.get(code)}`);
  });

  test('a revoked ID whose successor the list already has: the fix removes it instead of making a duplicate', () => {
    const text = 'title: t\nlogsource:\n    product: windows\n    category: image_load\ndetection:\n    sel: {a: b}\n    condition: sel\ntags:\n    - attack.persistence\n    - attack.t1574.001\n    - attack.t1574.002   # revoked\n';
    const rule = parseRule('untitled:r.yml', text);
    const diagnostics = diagnose(rule, context());
    const revoked = diagnostics.find((d) => d.code === 'ttp.revoked')!;
    assert.match(String(revoked.message), /use T1574\.001 DLL, which this list already has\.$/);
    const [fix] = actionsFor(rule, text, diagnostics, [revoked]);
    assert.equal(fix.title, 'Remove it (T1574.001 is already listed)');
    assert.equal(checkQuickFix(text, fix, rule, '    - ', 'revoked, successor listed'), text.replace('    - attack.t1574.002   # revoked\n', ''));
  });

  test('insertions (a missing tactic): one new item line at the end of each rule\'s own list', () => {
    let inserted = 0;
    for (const file of walk(SIGMAHQ_RULES, /\.yml$/)) {
      const { text, prefix } = withTags(readFileSync(file, 'utf8'), ['attack.t1003.001'], true);
      const rule = parseRule(`file://${file}`, text);
      const diagnostics = diagnose(rule, context());
      const missing = diagnostics.find((d) => d.code === 'ttp.missing-tactic');
      assert.ok(missing, `${file}: T1003.001 without its tactic`);
      // One tactic to add: the quick-fix, and (it is unambiguous) Fix All, which makes the same edit.
      const actions = actionsFor(rule, text, diagnostics, [missing]);
      assert.deepEqual(actions.map((a) => a.title), ['Add attack.credential-access', 'Fix all auto-fixable ATT&CK problems'], file);
      const insertion = JSON.stringify(editsOf(actions[0])[0]);
      assert.ok(editsOf(actions[1]).some((e) => JSON.stringify(e) === insertion), `${file}: Fix All adds the tag too`);
      const after = checkQuickFix(text, actions[0], rule, prefix, `${path.relative(SIGMAHQ_RULES, file)}: ${actions[0].title}`);
      assert.ok(!diagnose(parseRule(`file://${file}`, after), context()).some((d) => d.code === 'ttp.missing-tactic'), `${file}: fixed`);
      inserted++;
    }
    assert.ok(inserted >= 3000);
  });
});

describe('safe edits: Elastic name and ID fixes on the Elastic samples', needsShared, () => {
  test('a wrong technique name and a lower-case ID: only the string\'s content changes, the TOML still parses', () => {
    let fixed = 0;
    for (const file of walk(path.join(SAMPLES, 'elastic'), /\.toml$/)) {
      const original = readFileSync(file, 'utf8');
      const name = /^(\[\[rule\.threat\.technique\]\]\nid = "T\d{4}"\nname = ")([^"]+)(")/m.exec(original);
      if (!name) continue;
      const text = original.replace(name[0], `${name[1]}Not ${name[2]}${name[3]}`).replace(/^(\[rule\.threat\.tactic\]\nid = ")TA(\d{4}")/m, '$1ta$2');
      const rule = parseRule(`file://${file}`, text);
      const diagnostics = diagnose(rule, { corpus: preloaded.v18, settings: DEFAULT_SETTINGS });
      for (const diagnostic of diagnostics.filter((d) => d.code === 'ttp.name-mismatch' || d.code === 'ttp.malformed')) {
        const [action] = codeActions({ rule, lines: new LineIndex(text), version: 1, contextDiagnostics: [diagnostic], allDiagnostics: diagnostics });
        const [edit] = editsOf(action);
        const a = text.split('\n');
        const after = applyEdits(text, [edit]);
        const b = after.split('\n');
        const line = edit.range.start.line;
        assert.equal(b[line], a[line].slice(0, edit.range.start.character) + edit.newText + a[line].slice(edit.range.end.character));
        assert.match(a[line].slice(0, edit.range.start.character), /"$/, 'inside the quotes');
        for (let i = 0; i < a.length; i++) if (i !== line) assert.equal(b[i], a[i]);
        assert.doesNotThrow(() => parseTOML(after), `${file}: still TOML`);
        fixed++;
      }
    }
    assert.ok(fixed >= 40, `${fixed} fixes applied`);
  });
});

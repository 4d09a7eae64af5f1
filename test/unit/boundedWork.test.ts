// Bounded work on hostile documents (a Sigma rule with tens of thousands of tags): what one response
// carries is capped and says so, the verdict computed once per distinct reference is the same as
// computed for each, "fix all" still fixes every finding, and links are capped. Timings are in the
// benchmark (bench/hostile.mjs), not here.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-types';
import { complete } from '../../server/src/features/completion';
import { codeActions, resolveCodeAction } from '../../server/src/features/codeActions';
import { allDiagnosticsOf, diagnose, MAX_DIAGNOSTICS } from '../../server/src/features/diagnostics';
import { documentLinks, MAX_LINKS } from '../../server/src/features/links';
import { LineIndex } from '../../server/src/formats/lineIndex';
import { parseRule } from '../../server/src/formats/parse';
import { DEFAULT_SETTINGS, withDefaults } from '../../server/src/settings';
import { preloadCorpora, preloaded } from '../support/corpora';
import { applyEdits } from '../support/edits';
import { needsShared } from '../support/paths';

const HEADER = 'title: Many Tags\nid: 2f0c6a3e-1b7d-4e5f-9a8b-0c1d2e3f4a5b\nstatus: test\nlogsource:\n  category: process_creation\n  product: windows\ndetection:\n  selection:\n    Image|endswith: \'\\powershell.exe\'\n  condition: selection\nlevel: medium\ntags:\n';
const ruleWith = (tags: string[]) => `${HEADER}${tags.map((t) => `  - ${t}\n`).join('')}`;
const cycle = (tags: string[], count: number) => Array.from({ length: count }, (_, i) => tags[i % tags.length]);

describe('bounded work per request', needsShared, () => {
  before(preloadCorpora);
  const corpus = () => preloaded.v18;
  const context = (settings = DEFAULT_SETTINGS) => ({ corpus: corpus(), settings });

  test('diagnostics are capped: the most severe first, in document order, and one more that counts the rest', () => {
    // 20,000 tags: mostly duplicates (warnings), a typo every 10th (an error).
    const tags = cycle(['attack.execution', 'attack.t1059.001', 'attack.t1003', 'attack.t9999', 'attack.t1218', 'attack.t1112', 'attack.t1547', 'attack.t1566', 'attack.g0007', 'attack.s0002'], 20_000);
    const text = ruleWith(tags);
    const rule = parseRule('untitled:many.yml', text);
    assert.equal(rule.references.length, 20_000);
    const published = diagnose(rule, context());
    assert.equal(published.length, MAX_DIAGNOSTICS + 1);
    const notice = published.at(-1)!;
    assert.equal(notice.code, 'ttp.capped');
    assert.equal(notice.severity, 3);
    const all = allDiagnosticsOf(published);
    assert.ok(all.length > 19_000, `${all.length} findings in all`);
    assert.match(String(notice.message), new RegExp(`^TTP Lens lists 1,000 of this file's ${all.length.toLocaleString('en-US')} findings, the most severe first; ${(all.length - MAX_DIAGNOSTICS).toLocaleString('en-US')} more are not listed \\(.*ttp\\.duplicate.*\\), the first of them here\\. "Fix all" actions still fix them all\\.$`));
    const shown = published.slice(0, -1);
    // Every error (2,000 typos, the first unique one included) outranks the warnings: 1,000 of them.
    assert.ok(shown.every((d) => d.severity === 1), 'only errors fit');
    for (let i = 1; i < shown.length; i++) assert.ok(shown[i - 1].range.start.line <= shown[i].range.start.line, 'document order');
    // The notice sits at the first finding left out.
    const hidden = all.filter((d) => !shown.some((s) => s.range.start.line === d.range.start.line && s.code === d.code));
    const firstHidden = hidden.reduce((a, b) => (b.range.start.line < a.range.start.line ? b : a));
    assert.deepEqual(notice.range, firstHidden.range);
  });

  test('ttp.capped can be turned off; below the cap nothing is capped', () => {
    const text = ruleWith(cycle(['attack.t1059.001', 'attack.execution'], 5000));
    const off = diagnose(parseRule('untitled:a.yml', text), context(withDefaults({ diagnostics: { severity: { 'ttp.capped': 'off' } } })));
    assert.equal(off.length, MAX_DIAGNOSTICS);
    assert.ok(off.every((d) => d.code !== 'ttp.capped'));
    const few = diagnose(parseRule('untitled:b.yml', ruleWith(['attack.t1059.001', 'attack.execution', 'attack.t1059.001'])), context());
    assert.deepEqual(few.map((d) => d.code), ['ttp.duplicate']);
    assert.equal(allDiagnosticsOf(few), few);
  });

  test('a verdict computed once per distinct reference equals one computed for each', () => {
    const tags = ['attack.t9999', 'attack.T1059', 'attack.t1574.002', 'attack.powers', 'attack.t1685'];
    const repeated = ruleWith([...tags, ...tags, ...tags]);
    const once = diagnose(parseRule('untitled:r.yml', repeated), context());
    for (const [i, tag] of tags.entries()) {
      const alone = diagnose(parseRule('untitled:s.yml', ruleWith([tag])), context()).filter((d) => d.code !== 'ttp.missing-tactic');
      for (let copy = 0; copy < 3; copy++) {
        const line = HEADER.split('\n').length - 1 + copy * tags.length + i;
        const here = once.filter((d) => d.range.start.line === line && d.code !== 'ttp.duplicate' && d.code !== 'ttp.missing-tactic');
        // Same codes and messages; every range (also the fixes') at this copy's line.
        assert.deepEqual(here.map((d) => [d.code, d.message]), alone.map((d) => [d.code, d.message]), `${tag} copy ${copy}`);
        for (const diagnostic of here) {
          for (const replacement of (diagnostic.data as { replacements?: { range: Diagnostic['range'] }[] }).replacements ?? []) assert.equal(replacement.range.start.line, line);
        }
      }
    }
  });

  test('"fix all" fixes every finding, also those the capped list leaves out — inline, or on resolve', () => {
    const tags = cycle(['attack.t1059.001', 'attack.execution', 'attack.T1003', 'attack.credential-access'], 8000);
    const text = ruleWith(tags);
    const rule = parseRule('untitled:fix.yml', text);
    const lines = new LineIndex(text);
    const published = diagnose(rule, context());
    assert.equal(published.at(-1)!.code, 'ttp.capped');
    const duplicate = published.find((d) => d.code === 'ttp.duplicate')!;
    const input = { rule, lines, version: 7, contextDiagnostics: [duplicate], allDiagnostics: published };
    const check = (action: CodeAction | undefined) => {
      assert.ok(action?.edit, 'an edit');
      const edits = (action.edit.documentChanges![0] as { edits: TextEdit[] }).edits;
      const fixed = applyEdits(text, edits);
      assert.equal(fixed, ruleWith(['attack.t1059.001', 'attack.execution', 'attack.t1003', 'attack.credential-access']), 'one of each, the malformed one normalised');
    };
    // Inline (a client that does not resolve).
    const inline = codeActions({ ...input, only: ['source.fixAll'] });
    check(inline.find((a) => a.kind === 'source.fixAll.ttpLens'));
    // Deferred: the light bulb offers it without an edit, resolve computes it.
    const offered = codeActions({ ...input, resolveEdits: true });
    const perCode = offered.find((a) => a.title.startsWith('Fix all duplicate references in this file'))!;
    assert.equal(perCode.title, 'Fix all duplicate references in this file (7,996)', 'every duplicate counted, not only the listed ones');
    assert.equal(perCode.edit, undefined);
    const all = offered.find((a) => a.kind === 'source.fixAll.ttpLens')!;
    assert.equal(all.edit, undefined);
    check(resolveCodeAction(all, input));
    // A resolve for an older version of the document does not edit.
    assert.equal(resolveCodeAction(all, { ...input, version: 8 }).edit, undefined);
  });

  test('document links are capped and computed once per parse', () => {
    const rule = parseRule('untitled:links.yml', ruleWith(cycle(['attack.t1059.001', 'attack.execution', 'attack.t9999'], 3000)));
    const links = documentLinks(rule, corpus());
    assert.equal(links.length, MAX_LINKS);
    assert.equal(documentLinks(rule, corpus()), links);
    assert.equal(links[0].target, 'https://attack.mitre.org/techniques/T1059/001/');
  });
});

// Completion reads at most MAX_SHAPE_PREFIX characters before the cursor (a regular expression over a
// multi-megabyte line overflowed the stack: the lsp layer's fuzz run without ../shared, seed 20261201).
describe('completion on long lines', () => {
  before(preloadCorpora);

  test('an ID typed in a long prose line still completes', () => {
    const text = `${'word '.repeat(1000)}T155`;
    const rule = parseRule('untitled:notes.md', text);
    const result = complete({ rule, lines: new LineIndex(text), line: 0, character: text.length, corpus: preloaded.v18 });
    assert.ok(result?.items.some((item) => String(item.label).startsWith('T1559')), 'T1559 offered');
  });
});

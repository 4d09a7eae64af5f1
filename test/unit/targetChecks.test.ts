// ttp.target-too-new: a rule of a format whose SIEM supports an older ATT&CK release claims what
// that release does not have — from the release's bundle, or from creation dates.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { findingsOf } from '../../server/src/features/diagnostics';
import { checkTarget } from '../../server/src/features/targetChecks';
import { parseWithFormat } from '../../server/src/formats/parse';
import { releaseDate } from '../../server/src/releases/releaseDates';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { preloaded, preloadCorpora } from '../support/corpora';
import { needsShared } from '../support/paths';

before(preloadCorpora);


const sentinel = (tactics: string[], techniques: string[]) =>
  parseWithFormat('file:///rules/rule.yaml', `id: 1\nname: Test rule\nqueryFrequency: 1h\nquery: x\ntactics:\n${tactics.map((t) => `  - ${t}\n`).join('')}relevantTechniques:\n${techniques.map((t) => `  - ${t}\n`).join('')}`, 'sentinel');

describe('ttp.target-too-new', needsShared, () => {
  test('by creation date: T1059.013 (created 2025-06-15) is too new for v16.1; T1110.003 is not', () => {
    const rule = sentinel(['Execution', 'CredentialAccess'], ['T1059.013', 'T1110.003']);
    const findings = checkTarget(preloaded.v18, rule, { version: '16.1', date: releaseDate('16.1') });
    assert.equal(findings.length, 1);
    assert.equal(findings[0].code, 'ttp.target-too-new');
    assert.match(findings[0].message, /^T1059\.013 Container CLI\/API was added to ATT&CK after v16\.1 \(created 2025-06-15; v16\.1 was published 2024-11-12\), the release Microsoft Sentinel rules target \(ttpLens\.targets\)/);
    assert.deepEqual(findings[0].range.start, { line: 8, character: 4 });
  });

  test("by the target release's bundle: not in v17.1", () => {
    const findings = checkTarget(preloaded.v18, sentinel(['Execution'], ['T1059.013', 'T1059.001']), { version: '17.1', corpus: preloaded.v17 });
    assert.deepEqual(findings.map((f) => f.message), ['T1059.013 Container CLI/API is not in ATT&CK v17.1, the release Microsoft Sentinel rules target (ttpLens.targets): the SIEM will reject or mis-file it.']);
  });

  test('the creation dates agree with the v17.1 bundle on every technique and tactic of v18.1', () => {
    const date = releaseDate('17.1')!;
    const disagree = preloaded.v18.objects.filter((o) => (o.kind === 'technique' || o.kind === 'tactic') && (o.created! > date) === !!preloaded.v17.get(o.id));
    assert.deepEqual(disagree.map((o) => o.id), []);
  });

  test('a renamed or new tactic is too new for the release before it (SYNTHETIC release loaded, target v18.1)', () => {
    const rule = sentinel(['Stealth', 'DefenseImpairment', 'Execution'], ['T1685', 'T1059.001']);
    const messages = checkTarget(preloaded.synthetic, rule, { version: '18.1', date: releaseDate('18.1'), corpus: preloaded.v18 }).map((f) => f.message);
    assert.deepEqual(messages, [
      'Stealth is not a tactic name in ATT&CK v18.1 (there TA0005 is Defense Evasion), the release Microsoft Sentinel rules target (ttpLens.targets): the SIEM will reject or mis-file it.',
      'TA0112 Defense Impairment is not in ATT&CK v18.1, the release Microsoft Sentinel rules target (ttpLens.targets): the SIEM will reject or mis-file it.',
      'T1685 Disable or Modify Tools (synthetic) is not in ATT&CK v18.1, the release Microsoft Sentinel rules target (ttpLens.targets): the SIEM will reject or mis-file it.',
    ]);
    // Without the bundle the dates still catch the new objects (created after v18.1's release).
    const byDate = checkTarget(preloaded.synthetic, rule, { version: '18.1', date: releaseDate('18.1') }).map((f) => f.message.split(' ')[0]);
    assert.deepEqual(byDate, ['TA0112', 'T1685']);
  });

  test('a target not older than the loaded release finds nothing; the setting reaches the diagnostics per format', () => {
    const rule = sentinel(['Execution'], ['T1059.013']);
    assert.deepEqual(checkTarget(preloaded.v18, rule, { version: '18.1', date: releaseDate('18.1') }), []);
    assert.deepEqual(checkTarget(preloaded.v18, rule, { version: '19.0', date: undefined }), []);
    const codes = (format: string) => findingsOf(rule, { corpus: preloaded.v18, settings: DEFAULT_SETTINGS, targetFor: (f) => (f === format ? { version: '16.1', date: releaseDate('16.1') } : undefined) }).map((f) => f.code);
    assert.ok(codes('sentinel').includes('ttp.target-too-new'));
    assert.ok(!codes('elastic').includes('ttp.target-too-new'));
  });
});

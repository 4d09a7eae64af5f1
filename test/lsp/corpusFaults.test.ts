// Corpus faults while the server runs: the configured bundle truncated on disk, restored, replaced by
// an empty file or a huge unrelated JSON, or the setting pointed at a missing file. Each gives one
// clear status (the client says it once), the previous good corpus stays in use until a new one
// loads, and nothing loops: the server is quiet afterwards.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CorpusStatus } from '../../server/src/protocol';
import { LspTestClient, positionOf } from '../support/lspClient';
import { BUNDLE_18 } from '../support/paths';
import { tempDir } from '../support/temp';

const RULE = 'title: t\nlogsource:\n  category: process_creation\n  product: windows\ndetection:\n  sel: {a: b}\n  condition: sel\ntags:\n  - attack.execution\n  - attack.t1059.001\n';

describe('lsp: corpus faults while running', () => {
  let client: LspTestClient;
  const dir = tempDir('ttplens-faults-');
  const bundle = path.join(dir, 'enterprise-attack-18.1.json.gz');
  const uri = 'untitled:faults.yml';
  /** Corpus statuses the server sent since `mark` was last moved. */
  let mark = 0;
  const since = () => client.notifications.slice(mark).filter((n) => n.method === 'ttpLens/corpusStatus').map((n) => n.params as CorpusStatus);
  const reset = () => {
    mark = client.notifications.length;
  };

  before(async () => {
    copyFileSync(BUNDLE_18, bundle);
    client = await LspTestClient.start({ settings: { attack: { stixPath: bundle } } });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    await client.open(uri, RULE);
  });
  after(() => client.stop());

  const hoverWorks = async () => assert.match((await client.hover(uri, positionOf(RULE, 'attack.t1059.001', 9)))!.contents.value, /T1059\.001 · PowerShell/);
  async function nextStatus(predicate: (s: CorpusStatus) => boolean, timeoutMs = 15000): Promise<CorpusStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = since().find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such status; seen: ${JSON.stringify(since().map((s) => [s.state, s.error?.problem]))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const settingTo = async (stixPath: string) => {
    reset();
    client.settings = { attack: { stixPath } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  };

  test('the bundle truncated on disk: one failure, the corpus stays in use; restored: reloaded', async () => {
    const good = readFileSync(bundle);
    reset();
    writeFileSync(bundle, good.subarray(0, good.length >> 1));
    const kept = await nextStatus((s) => s.state === 'ready' && !!s.error);
    assert.equal(kept.versionLabel, 'ATT&CK v18.1');
    assert.match(kept.error!.problem, /truncated|ends early|damaged/);
    await hoverWorks();
    reset();
    writeFileSync(bundle, good);
    await nextStatus((s) => s.state === 'ready' && !s.error);
    await hoverWorks();
  });

  test('the setting pointed at a missing file, an empty file, a huge unrelated JSON: each said, the corpus kept', async () => {
    await settingTo(path.join(dir, 'missing.json'));
    assert.match((await nextStatus((s) => !!s.error)).error!.problem, /does not exist/);
    await hoverWorks();

    const empty = path.join(dir, 'empty.json');
    writeFileSync(empty, '');
    await settingTo(empty);
    assert.match((await nextStatus((s) => !!s.error)).error!.problem, /is empty \(0 bytes\)/);

    const huge = path.join(dir, 'telemetry-dump.json');
    writeFileSync(huge, `[${Array.from({ length: 3_000_000 }, (_, i) => i).join(',')}]`); // ~20 MB of JSON, no bundle
    const started = Date.now();
    await settingTo(huge);
    const refused = await nextStatus((s) => !!s.error);
    assert.match(refused.error!.problem, /not a STIX bundle/);
    assert.ok(Date.now() - started < 5000, `refused after its first megabyte (${Date.now() - started} ms)`);
    assert.equal(refused.state, 'ready', 'the previous corpus is still in use');
    await hoverWorks();
  });

  test('no loop: an idle server sends nothing more', async () => {
    reset();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.deepEqual(since(), []);
    await settingTo(bundle);
    await nextStatus((s) => s.state === 'ready' && !s.error);
    await hoverWorks();
  });
});

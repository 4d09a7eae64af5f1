// Releases over stdio: the embedded data with nothing configured, the release index and a download
// (with work-done progress) from a loopback server, switching between releases, and failures that
// leave the release in use as it was. Nothing is fetched unless a request asks for it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CorpusStatus, DownloadReleaseResult, ReleaseList, RemoteReleaseList } from '../../server/src/protocol';
import { LspTestClient, positionOf } from '../support/lspClient';
import { BUNDLE_18 } from '../support/paths';
import { ReleaseServer, testBundles } from '../support/releaseServer';
import { tempDir } from '../support/temp';

describe('lsp: ATT&CK releases', () => {
  let server: ReleaseServer;
  let client: LspTestClient;
  let releasesDir: string;
  const note = 'Tooling gaps: T1685 and T1059.001\n';
  const uri = 'file:///virtual/releases/notes.md';
  const hoverOn = async (id: string) => (await client.hover(uri, positionOf(note, id, 1)))?.contents.value;
  const status = () => client.request<CorpusStatus>('ttpLens/corpusStatusRequest', undefined);

  before(async () => {
    const { enterprise18, mobile18, enterprise19 } = testBundles();
    server = await ReleaseServer.start();
    const indexUrl = server.serveIndex([{ domain: 'enterprise', version: '19.1', modified: '2026-04-28T12:00:00.000Z' }]);
    server
      .route('/enterprise-attack/enterprise-attack-19.1.json', { body: enterprise19 })
      .route('/enterprise-attack/enterprise-attack-18.0.json', { body: enterprise18, truncateAt: 100000 })
      .route('/enterprise-attack/enterprise-attack-17.1.json', { body: mobile18 });
    releasesDir = tempDir('ttplens-lsp-releases-');
    client = await LspTestClient.start({ initializationOptions: { releasesDir }, settings: { attack: { releaseIndexUrl: indexUrl } } });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    await client.open(uri, note, 'markdown');
  });
  after(async () => {
    await client?.stop();
    await server?.close();
  });

  test('with nothing configured: the embedded v18.1, and nothing fetched at start', async () => {
    const current = await status();
    assert.equal(current.versionLabel, 'ATT&CK v18.1');
    assert.equal(current.from, 'the ATT&CK data embedded in TTP Lens');
    assert.deepEqual(current.bundles?.map((b) => b.path), [BUNDLE_18]);
    assert.deepEqual(server.requests, [], 'no network at start');
    assert.match((await hoverOn('T1059.001'))!, /PowerShell/);
    const list = await client.request<ReleaseList>('ttpLens/listReleases', undefined);
    assert.deepEqual(list.releases.map((r) => [r.label, r.source, r.active]), [['ATT&CK v18.1 (enterprise)', 'embedded', true]]);
    assert.equal(list.overriddenBy, undefined);
  });

  test('the index lists the versions newest first, marking what is downloaded', async () => {
    const remote = await client.request<RemoteReleaseList>('ttpLens/remoteReleases', undefined);
    assert.ok(remote.ok, JSON.stringify(remote));
    assert.deepEqual(remote.releases.slice(0, 2).map((r) => r.version), ['19.1', '18.1']);
    assert.deepEqual(remote.releases[0].domains, ['enterprise']);
    assert.deepEqual(remote.releases[1].domains, ['enterprise', 'mobile', 'ics']);
    assert.deepEqual(remote.loaded, ['enterprise v18.1']);
  });

  test('download 19.1: progress, checked, stored, switched to; the embedded release is still listed', async () => {
    const before = client.notifications.length;
    const result = await client.request<DownloadReleaseResult>('ttpLens/downloadRelease', { version: '19.1', domains: ['enterprise'] });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.status.versionLabel, 'ATT&CK v19.1');
    assert.equal(result.previous, 'ATT&CK v18.1');
    assert.ok(existsSync(path.join(releasesDir, 'enterprise-attack-19.1.json')));
    const progress = client.notifications.slice(before).filter((n) => n.method === '$/progress').map((n) => (n.params as { value: { kind: string; title?: string; message?: string } }).value);
    assert.equal(progress[0].kind, 'begin');
    assert.equal(progress[0].title, 'TTP Lens: Downloading ATT&CK v19.1');
    assert.ok(progress.some((p) => p.kind === 'report' && /^enterprise v19\.1: [\d.]+ \/ [\d.]+ MB$/.test(p.message ?? '')), JSON.stringify(progress.slice(0, 4)));
    assert.equal(progress.at(-1)!.kind, 'end');
    assert.match((await hoverOn('T1685'))!, /T1685 · Disable or Modify Tools/);
    const list = await client.request<ReleaseList>('ttpLens/listReleases', undefined);
    assert.deepEqual(list.releases.map((r) => [r.label, r.active]), [['ATT&CK v18.1 (enterprise)', false], ['ATT&CK v19.1 (enterprise)', true]]);
  });

  test('failed downloads (truncated, wrong domain, 404) say why and keep v19.1 in use', async () => {
    const cases: [string, RegExp][] = [
      ['18.0', /closed before the download was complete|ended after/],
      ['17.1', /is an ATT&CK mobile-attack bundle, not enterprise-attack/],
      ['16.1', /does not exist on the server \(HTTP 404\)/],
    ];
    for (const [version, message] of cases) {
      const result = await client.request<DownloadReleaseResult>('ttpLens/downloadRelease', { version, domains: ['enterprise'] });
      assert.equal(result.ok, false, version);
      assert.ok(!result.ok && message.test(result.message) && /Nothing was changed: the previous ATT&CK release stays in use$/.test(result.message), !result.ok ? result.message : '');
      assert.equal((await status()).versionLabel, 'ATT&CK v19.1', version);
    }
    assert.match((await hoverOn('T1685'))!, /Disable or Modify Tools/);
  });

  test('switching: back to the embedded release and to the download again', async () => {
    const embedded = await client.request<{ ok: boolean; status: CorpusStatus }>('ttpLens/useRelease', { kind: 'embedded' });
    assert.ok(embedded.ok);
    assert.equal(embedded.status.versionLabel, 'ATT&CK v18.1');
    assert.match((await hoverOn('T1685'))!, /is not in the loaded ATT&CK v18\.1 \(its highest technique is T1681\); it is likely from a newer ATT&CK release/);
    const again = await client.request<{ ok: boolean; status: CorpusStatus }>('ttpLens/useRelease', { kind: 'downloaded', domain: 'enterprise', version: '19.1' });
    assert.equal(again.status.versionLabel, 'ATT&CK v19.1');
    const missing = await client.request<{ ok: boolean; message?: string; status: CorpusStatus }>('ttpLens/useRelease', { kind: 'downloaded', domain: 'enterprise', version: '15.0' });
    assert.equal(missing.ok, false);
    assert.match(missing.message!, /ATT&CK enterprise v15\.0 is not downloaded/);
    assert.equal(missing.status.versionLabel, 'ATT&CK v19.1');
  });

  test('a configured stixPath decides: a choice is stored but reported as overridden', async () => {
    client.settings = { attack: { stixPath: BUNDLE_18, releaseIndexUrl: server.url('/index.json') } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready' && s.from === 'ttpLens.attack.stixPath');
    const list = await client.request<ReleaseList>('ttpLens/listReleases', undefined);
    assert.equal(list.overriddenBy, 'ttpLens.attack.stixPath');
    assert.deepEqual(list.releases.map((r) => [r.source, r.active]), [['configured', true], ['embedded', false], ['downloaded', false]]);
    const use = await client.request<{ ok: boolean; overriddenBy?: string }>('ttpLens/useRelease', { kind: 'embedded' });
    assert.equal(use.overriddenBy, 'ttpLens.attack.stixPath');
  });

  test('offline: one clear message naming the setting for a mirror', async () => {
    const gone = await ReleaseServer.start();
    const url = gone.url('/index.json');
    await gone.close();
    client.settings = { attack: { releaseIndexUrl: url } };
    const reloaded = client.next<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.notEqual((await reloaded).from, 'ttpLens.attack.stixPath');
    const remote = await client.request<RemoteReleaseList>('ttpLens/remoteReleases', undefined);
    assert.ok(!remote.ok);
    assert.match(remote.message, /^cannot reach 127\.0\.0\.1:\d+ \(the connection was refused\): this machine looks offline, or a proxy or firewall blocks it; the release in use stays as it is\. To use a mirror, set ttpLens\.attack\.releaseIndexUrl$/);
  });
});

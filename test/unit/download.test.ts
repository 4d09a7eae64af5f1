// Downloading ATT&CK releases from a loopback server playing MITRE's attack-stix-data: the index,
// a good download, and each fault (truncated, wrong domain, wrong version, 404, a stalled server,
// nobody listening) with its own message — and nothing changed, nothing left behind, on failure.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fetchCollectionIndex, findRelease } from '../../server/src/releases/collectionIndex';
import { downloadRelease } from '../../server/src/releases/download';
import { ReleaseError } from '../../server/src/releases/http';
import { ReleaseStore } from '../../server/src/releases/store';
import { DIST, needsShared, RELEASE_INDEX } from '../support/paths';
import { ReleaseServer, testBundles } from '../support/releaseServer';
import { tempDir } from '../support/temp';

async function rejection(promise: Promise<unknown>): Promise<ReleaseError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ReleaseError, `expected a ReleaseError, got ${(error as Error).stack}`);
    return error;
  }
  assert.fail('no error');
}

describe('release download (loopback server)', () => {
  let server: ReleaseServer;
  let indexUrl: string;

  before(async () => {
    const { enterprise18, mobile18, enterprise19 } = testBundles();
    server = await ReleaseServer.start();
    indexUrl = server.serveIndex([{ domain: 'enterprise', version: '19.1', modified: '2026-04-28T12:00:00.000Z' }]);
    server
      .route('/enterprise-attack/enterprise-attack-19.1.json', { body: enterprise19 })
      .route('/enterprise-attack/enterprise-attack-18.1.json', { body: enterprise18 })
      // Faults, each behind the URL of another release.
      .route('/enterprise-attack/enterprise-attack-18.0.json', { body: enterprise18, truncateAt: Math.floor(enterprise18.length / 3) })
      .route('/enterprise-attack/enterprise-attack-17.1.json', { body: mobile18 })
      .route('/enterprise-attack/enterprise-attack-16.0.json', { body: enterprise19 })
      .route('/ics-attack/ics-attack-18.1.json', { body: Buffer.from('<html>Sign in to continue</html>'), contentType: 'text/html' })
      .route('/enterprise-attack/enterprise-attack-16.1.json', { body: enterprise18, stallAfter: 65536 });
  });
  after(async () => server?.close());

  test('the index lists every domain\'s versions, newest first, with URLs on the mirror', async () => {
    const index = await fetchCollectionIndex(indexUrl);
    const enterprise = index.releases.filter((r) => r.domain === 'enterprise');
    assert.equal(enterprise[0].version, '19.1');
    assert.equal(findRelease(index, 'enterprise', 'latest').version, '19.1');
    assert.equal(findRelease(index, 'ics', 'v18.1').url, server.url('/ics-attack/ics-attack-18.1.json'));
    assert.ok(index.releases.some((r) => r.domain === 'mobile') && index.releases.some((r) => r.domain === 'ics'));
    const missing = (() => {
      try {
        findRelease(index, 'enterprise', '99.0');
      } catch (error) {
        return error as ReleaseError;
      }
    })();
    assert.match(missing!.message, /ATT&CK enterprise has no release 99\.0 in .*index\.json \(newest: 19\.1, 18\.1/);
  });

  test('the shared snapshot of MITRE\'s index: 38 enterprise, 38 mobile and 24 ICS versions', needsShared, async () => {
    const index = await fetchCollectionIndex(indexUrl);
    const count = (domain: string) => index.releases.filter((r) => r.domain === domain).length;
    assert.deepEqual([count('enterprise'), count('mobile'), count('ics')], [38 + 1, 38, 24]);
    assert.equal(JSON.parse(readFileSync(RELEASE_INDEX, 'utf8')).collections.length, 3);
  });

  test('a good download is checked (domain and version) and stored under its release name', async () => {
    const store = new ReleaseStore(tempDir('ttplens-store-'));
    const index = await fetchCollectionIndex(indexUrl);
    const progress: number[] = [];
    const file = await downloadRelease(findRelease(index, 'enterprise', '19.1'), store, { onProgress: (received) => progress.push(received) });
    assert.equal(file.path, path.join(store.dir, 'enterprise-attack-19.1.json'));
    assert.equal(file.info.version, '19.1');
    assert.equal(file.info.versionSource, 'collection');
    assert.equal(file.bytes, testBundles().enterprise19.length);
    assert.ok(progress.length > 1 && progress.at(-1) === file.bytes, 'progress reported as the bytes arrive');
    assert.deepEqual(readdirSync(store.dir), ['enterprise-attack-19.1.json'], 'no temporary file left');
    // A release without a collection object is dated by its content: v18.1's objects date from v18.
    const v18 = await downloadRelease(findRelease(index, 'enterprise', '18.1'), store);
    assert.equal(v18.info.versionSource, 'content');
  });

  const faults: [string, 'enterprise' | 'mobile' | 'ics', string, ReleaseError['kind'], RegExp][] = [
    ['truncated download', 'enterprise', '18.0', 'truncated', /closed before the download was complete|ended after/],
    ['wrong domain', 'enterprise', '17.1', 'invalid', /is an ATT&CK mobile-attack bundle, not enterprise-attack; the index or the mirror is wrong/],
    ['wrong version', 'enterprise', '16.0', 'invalid', /enterprise-attack-16\.0\.json is ATT&CK v19\.1, not v16\.0; the index or the mirror is wrong/],
    ['an HTML page instead of a bundle', 'ics', '18.1', 'invalid', /is not valid JSON/],
    ['404', 'enterprise', '17.0', 'not-found', /enterprise-attack-17\.0\.json does not exist on the server \(HTTP 404\)/],
  ];
  for (const [name, domain, version, kind, message] of faults) {
    test(`${name}: its own message, nothing stored`, async () => {
      const store = new ReleaseStore(tempDir('ttplens-store-'));
      const index = await fetchCollectionIndex(indexUrl);
      const error = await rejection(downloadRelease(findRelease(index, domain, version), store, { timeoutMs: 5000 }));
      assert.equal(error.kind, kind, error.message);
      assert.match(error.message, message);
      assert.deepEqual(readdirSync(store.dir), [], 'no file left behind');
    });
  }

  test('a server that stops sending: a timeout naming the host, nothing stored', async () => {
    const store = new ReleaseStore(tempDir('ttplens-store-'));
    const index = await fetchCollectionIndex(indexUrl);
    const error = await rejection(downloadRelease(findRelease(index, 'enterprise', '16.1'), store, { timeoutMs: 400 }));
    assert.equal(error.kind, 'timeout');
    assert.match(error.message, /^127\.0\.0\.1:\d+ sent nothing for 400 ms .*too slow or the connection stalled/);
    assert.deepEqual(readdirSync(store.dir), []);
  });

  test('nobody listening (offline): one clear message', async () => {
    const gone = await ReleaseServer.start();
    const url = gone.url('/index.json');
    await gone.close();
    const error = await rejection(fetchCollectionIndex(url, { timeoutMs: 5000 }));
    assert.equal(error.kind, 'offline');
    assert.match(error.message, /^cannot reach 127\.0\.0\.1:\d+ \(the connection was refused\): this machine looks offline, or a proxy or firewall blocks it/);
  });

  test('an index that is not one', async () => {
    server.route('/not-an-index.json', { body: Buffer.from('{"objects": []}') });
    assert.match((await rejection(fetchCollectionIndex(server.url('/not-an-index.json')))).message, /is JSON but not an ATT&CK collection index/);
    server.route('/html.json', { body: Buffer.from('<!doctype html>'), contentType: 'text/html' });
    assert.match((await rejection(fetchCollectionIndex(server.url('/html.json')))).message, /is not JSON \(it starts with "<!doctype html>"\)/);
  });

  describe('ttp-lens download', () => {
    // Asynchronous: the loopback server runs in this process and must keep answering.
    const cli = (releasesDir: string, ...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [path.join(DIST, 'cli.js'), ...args], {
          env: { ...process.env, TTPLENS_STIX: '', TTPLENS_RELEASES_DIR: releasesDir, TTPLENS_CACHE_DIR: tempDir('ttplens-cli-cache-') },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });

    test('--list, then a download that later commands use; the previous release is kept', async () => {
      const releases = tempDir('ttplens-cli-releases-');
      const list = await cli(releases, 'download', '--list', '--index-url', indexUrl);
      assert.equal(list.code, 0, list.stderr + list.stdout);
      assert.match(list.stdout, /^enterprise:\n {2}19\.1 {3}2026-04-28\n {2}18\.1 {3}2025-11-13/m);
      assert.equal((await cli(releases, 'show', 'T1685')).code, 1, 'not in the embedded v18.1');
      const done = await cli(releases, 'download', '--version', 'latest', '--index-url', indexUrl);
      assert.equal(done.code, 0, done.stderr);
      assert.match(done.stdout, /Downloaded ATT&CK enterprise v19\.1 \(\d+\.\d MB, \d+ objects\) to .*enterprise-attack-19\.1\.json/);
      assert.match(done.stdout, /now uses ATT&CK enterprise v19\.1; the previous release \(the embedded v18\.1\) is kept/);
      const show = await cli(releases, 'show', 'T1685', '--json');
      assert.equal(show.code, 0, show.stderr);
      assert.equal(JSON.parse(show.stdout).attack, 'ATT&CK v19.1');
      assert.match((await cli(releases, 'download', '--list', '--index-url', indexUrl)).stdout, /19\.1 {3}2026-04-28 {2}\(downloaded, in use\)/);
    });

    test('a failed download exits 2 with its message and changes nothing; --dir only stores', async () => {
      const releases = tempDir('ttplens-cli-releases-');
      const failed = await cli(releases, 'download', '--version', '17.1', '--index-url', indexUrl);
      assert.equal(failed.code, 2);
      assert.match(failed.stderr, /^ttp-lens: the file downloaded from .* is an ATT&CK mobile-attack bundle, not enterprise-attack; the index or the mirror is wrong\.\n$/);
      assert.equal(existsSync(path.join(releases, 'selection.json')), false);
      const dir = tempDir('ttplens-cli-dir-');
      const stored = await cli(releases, 'download', '--version', '19.1', '--index-url', indexUrl, '--dir', dir);
      assert.equal(stored.code, 0, stored.stderr);
      assert.match(stored.stdout, /Use it with --stix .*enterprise-attack-19\.1\.json/);
      assert.equal(existsSync(path.join(releases, 'selection.json')), false, '--dir does not switch');
      assert.equal(JSON.parse((await cli(releases, 'show', 'T1059', '--json')).stdout).attack, 'ATT&CK v18.1');
      const usage = await cli(releases, 'download', '19.1');
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /download takes no arguments \(got "19\.1"\); did you mean --version 19\.1\?/);
    });
  });
});

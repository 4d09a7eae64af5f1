// `ttp-lens download`: an ATT&CK release from MITRE's collection index (or a mirror), checked and
// stored in the CLI's release folder, where later commands use it; or, with --dir, just stored.
import * as path from 'node:path';
import { fetchCollectionIndex, findRelease, type IndexedRelease } from '../releases/collectionIndex';
import { downloadRelease } from '../releases/download';
import { ReleaseError } from '../releases/http';
import { defaultReleasesDir, type Domain, DOMAINS, embeddedReleases, ReleaseStore } from '../releases/store';
import { DEFAULT_RELEASE_INDEX_URL } from '../settings';
import { type CliCommand, oneOf, positiveInteger, UsageError } from './command';

export const downloadCommand: CliCommand = {
  name: 'download',
  args: '[--version V|latest]',
  summary: 'Download an ATT&CK release (newer than the embedded one) from MITRE\'s collection index or a mirror, check it, and use it',
  options: {
    version: { type: 'string' },
    domain: { type: 'string' },
    'index-url': { type: 'string' },
    dir: { type: 'string' },
    list: { type: 'boolean', default: false },
    timeout: { type: 'string' },
  },
  help: `Options:
  --version V          A release version (19.1) or latest (default)
  --domain DOMAIN      enterprise (default), mobile or ics
  --index-url URL      The collection index to read (default: $TTPLENS_RELEASE_INDEX_URL, else
                       ${DEFAULT_RELEASE_INDEX_URL})
  --dir DIR            Store the bundle in DIR and only there (use it with --stix or TTPLENS_STIX);
                       without --dir it goes to ${displayPath(defaultReleasesDir())} ($TTPLENS_RELEASES_DIR)
                       and the other commands use it from then on; the previous release is kept
  --list               List the releases in the index instead of downloading
  --timeout SECONDS    Give up when the server sends nothing for this long (default 30)

Nothing is downloaded unless you run this command. Exit code 2 when the download fails: the release
in use stays as it was.

Examples:
  ttp-lens download --list
  ttp-lens download --version latest
  ttp-lens download --version 19.1 --domain mobile
  ttp-lens download --index-url https://mirror.example/attack-stix-data/index.json --dir vendor/attack`,
  async run(args, values) {
    if (args.length) throw new UsageError(`download takes no arguments (got "${args[0]}"); did you mean --version ${args[0]}?`);
    const domain = oneOf(values, 'domain', DOMAINS, 'enterprise');
    const indexUrl = (values['index-url'] as string | undefined) ?? process.env.TTPLENS_RELEASE_INDEX_URL ?? DEFAULT_RELEASE_INDEX_URL;
    const timeoutMs = positiveInteger(values, 'timeout', 30) * 1000;
    const dir = values.dir as string | undefined;
    const store = new ReleaseStore(dir ? path.resolve(dir) : defaultReleasesDir());
    let progress: ReturnType<typeof progressLine> | undefined;
    try {
      const index = await fetchCollectionIndex(indexUrl, { timeoutMs });
      if (values.list) {
        process.stdout.write(listing(index.releases, store));
        return 0;
      }
      const release = findRelease(index, domain, (values.version as string | undefined) ?? 'latest');
      progress = progressLine(`${release.domain} v${release.version}`);
      const downloaded = await downloadRelease(release, store, { timeoutMs, onProgress: progress.update });
      progress.end();
      process.stdout.write(`Downloaded ATT&CK ${release.domain} v${release.version} (${(downloaded.bytes / 1048576).toFixed(1)} MB, ${downloaded.info.objectCount} objects) to ${downloaded.path}\n`);
      if (dir) {
        process.stdout.write(`Use it with --stix ${downloaded.path} (or TTPLENS_STIX=${downloaded.path}).\n`);
        return 0;
      }
      const previous = store.selection()[domain];
      store.select({ [domain]: release.version });
      const before = previous ? `the downloaded v${previous}` : `the embedded v${embeddedReleases(__dirname).find((f) => f.domain === domain)?.version ?? '?'}`;
      process.stdout.write(`ttp-lens now uses ATT&CK ${domain} v${release.version}; the previous release (${before}) is kept in ${store.dir}.\n`);
      return 0;
    } catch (error) {
      progress?.end();
      if (!(error instanceof ReleaseError)) throw error;
      process.stderr.write(`ttp-lens: ${error.message}.\n`);
      return 2;
    }
  },
};

function listing(releases: IndexedRelease[], store: ReleaseStore): string {
  const selection = store.selection();
  const stored = new Set(store.list().map((f) => `${f.domain} ${f.version}`));
  const lines: string[] = [];
  for (const domain of DOMAINS as readonly Domain[]) {
    const ofDomain = releases.filter((r) => r.domain === domain);
    if (!ofDomain.length) continue;
    lines.push(`${domain}:`);
    for (const r of ofDomain) {
      const marks = [stored.has(`${domain} ${r.version}`) ? 'downloaded' : '', selection[domain] === r.version ? 'in use' : ''].filter(Boolean);
      lines.push(`  ${r.version.padEnd(6)} ${r.modified?.slice(0, 10) ?? ''}${marks.length ? `  (${marks.join(', ')})` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** "downloading enterprise v19.1: 12.3 / 44.0 MB (28%)" rewritten in place on a terminal; nothing otherwise. */
function progressLine(what: string): { update: (received: number, total: number | undefined) => void; end: () => void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  let shown = false;
  return {
    update(received, total) {
      const now = Date.now();
      if (!tty || (now - last < 100 && received !== total)) return;
      last = now;
      shown = true;
      const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
      process.stderr.write(`\rdownloading ${what}: ${mb(received)}${total ? ` / ${mb(total)} MB (${Math.floor((received / total) * 100)}%)` : ' MB'}\u001b[K`);
    },
    end() {
      if (shown) process.stderr.write('\n');
      shown = false;
    },
  };
}

function displayPath(file: string): string {
  const home = process.env.HOME;
  return home && file.startsWith(`${home}/`) ? `~/${file.slice(home.length + 1)}` : file;
}

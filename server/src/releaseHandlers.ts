// The release requests (protocol.ts, ttpLens/listReleases … useRelease): list what can be loaded,
// read the collection index, download a release with work-done progress, switch. Nothing here runs
// unless the client asks, and the client asks only when the user does.
import type { Connection, WorkDoneProgressReporter } from 'vscode-languageserver';
import type { StixPathSources } from './corpus/load';
import type { CorpusState } from './corpusState';
import {
  type CorpusStatus,
  DownloadReleaseRequest,
  type DownloadReleaseResult,
  ListReleasesRequest,
  type ReleaseChoice,
  type ReleaseList,
  type RemoteRelease,
  RemoteReleasesRequest,
  UseReleaseRequest,
} from './protocol';
import { fetchCollectionIndex, findRelease } from './releases/collectionIndex';
import { downloadRelease, type DownloadedRelease } from './releases/download';
import { ReleaseError } from './releases/http';
import { listReleases } from './releases/releaseList';
import { compareVersions, type Domain, embeddedReleases, type ReleaseStore, toDomain } from './releases/store';
import type { Settings } from './settings';

export interface ReleaseContext {
  corpusState: () => CorpusState | undefined;
  store: () => ReleaseStore;
  settings: () => Settings;
  sources: () => StixPathSources;
  distDir?: string;
  /** How long the index or a bundle may send nothing before the download gives up. */
  timeoutMs?: number;
}

/** What the user reads when something goes wrong; the ReleaseError messages say the rest. */
const MESSAGES = {
  offline: (message: string) => `${message}. To use a mirror, set ttpLens.attack.releaseIndexUrl`,
  failed: (message: string) => `${message}. Nothing was changed: the previous ATT&CK release stays in use`,
  unknownDomain: (domain: string) => `"${domain}" is not an ATT&CK domain (enterprise, mobile or ics)`,
  noCorpus: 'TTP Lens is still starting; try again in a moment',
  notDownloaded: (domain: string, version: string, dir: string) => `ATT&CK ${domain} v${version} is not downloaded (in ${dir}); use "TTP Lens: Download ATT&CK Release…"`,
};

function describe(error: ReleaseError): string {
  return error.kind === 'offline' ? MESSAGES.offline(error.message) : MESSAGES.failed(error.message);
}

export function registerReleaseHandlers(connection: Connection, context: ReleaseContext): void {
  const overriddenBy = () => {
    const resolution = context.corpusState()?.lastResolution;
    return resolution?.ok && resolution.kind !== 'releases' ? resolution.from : undefined;
  };

  connection.onRequest(ListReleasesRequest.type, (): ReleaseList => {
    const state = context.corpusState();
    return listReleases({
      resolution: state?.lastResolution,
      loaded: state?.status.bundles ?? [],
      embedded: context.distDir ? embeddedReleases(context.distDir) : [],
      downloaded: context.store().list(),
      domains: context.settings().attack.domains,
      indexUrl: context.settings().attack.releaseIndexUrl,
    });
  });

  connection.onRequest(RemoteReleasesRequest.type, async () => {
    const indexUrl = context.settings().attack.releaseIndexUrl;
    try {
      const index = await fetchCollectionIndex(indexUrl, { timeoutMs: context.timeoutMs });
      const stored = context.store().list();
      const byVersion = new Map<string, RemoteRelease>();
      for (const release of index.releases) {
        const entry = byVersion.get(release.version) ?? { version: release.version, domains: [], modified: release.modified, downloaded: [] };
        entry.domains.push(release.domain);
        if (stored.some((f) => f.domain === release.domain && f.version === release.version)) entry.downloaded.push(release.domain);
        byVersion.set(release.version, entry);
      }
      const releases = [...byVersion.values()].sort((a, b) => compareVersions(b.version, a.version));
      const loaded = (context.corpusState()?.status.bundles ?? []).map((b) => `${b.domain.replace(/-attack$/, '')} v${b.version}`);
      return { ok: true as const, indexUrl, releases, loaded };
    } catch (error) {
      if (error instanceof ReleaseError) return { ok: false as const, message: error.kind === 'offline' ? MESSAGES.offline(error.message) : error.message };
      throw error;
    }
  });

  connection.onRequest(DownloadReleaseRequest.type, async (params, cancel): Promise<DownloadReleaseResult> => {
    const { version, domains } = params;
    const state = context.corpusState();
    const current = (): CorpusStatus => state?.status ?? { state: 'loading' };
    if (!state) return { ok: false, message: MESSAGES.noCorpus, status: current() };
    const wanted: Domain[] = [];
    for (const name of domains.length ? domains : ['enterprise']) {
      const domain = toDomain(name);
      if (!domain) return { ok: false, message: MESSAGES.unknownDomain(name), status: current() };
      if (!wanted.includes(domain)) wanted.push(domain);
    }
    // The client's progress (a notification with Cancel, in VS Code) when it sent a token; else ours.
    const controller = new AbortController();
    cancel.onCancellationRequested(() => controller.abort());
    let progress: WorkDoneProgressReporter = connection.languages.attachWorkDoneProgress(params);
    if (params.workDoneToken === undefined) {
      const created = await connection.window.createWorkDoneProgress();
      created.token.onCancellationRequested(() => controller.abort());
      progress = created;
    }
    progress.begin(`TTP Lens: Downloading ATT&CK v${version}`, 0, 'reading the release index…', true);
    const downloaded: DownloadedRelease[] = [];
    try {
      const index = await fetchCollectionIndex(context.settings().attack.releaseIndexUrl, { timeoutMs: context.timeoutMs, signal: controller.signal });
      const releases = wanted.map((domain) => findRelease(index, domain, version));
      for (const [i, release] of releases.entries()) {
        let lastPercent = -1;
        const file = await downloadRelease(release, context.store(), {
          timeoutMs: context.timeoutMs,
          signal: controller.signal,
          onProgress: (received, total) => {
            const share = total ? received / total : 0;
            const percent = Math.floor(((i + share) / releases.length) * 100);
            if (percent === lastPercent) return;
            lastPercent = percent;
            const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
            progress.report(percent, `${release.domain} v${release.version}: ${mb(received)}${total ? ` / ${mb(total)}` : ''} MB`);
          },
        });
        downloaded.push(file);
      }
    } catch (error) {
      progress.done();
      if (error instanceof ReleaseError) return { ok: false, message: describe(error), status: current(), cancelled: error.kind === 'cancelled' || undefined };
      throw error;
    }
    progress.report(100, 'checking and loading…');
    const previous = current().versionLabel;
    const store = context.store();
    const before = store.selection();
    store.select(Object.fromEntries(downloaded.map((file) => [file.domain, file.version])));
    const status = await state.load(context.sources(), { keepOnFailure: true });
    progress.done();
    if (status.state !== 'ready') {
      store.select(Object.fromEntries(downloaded.map((file) => [file.domain, before[file.domain]])));
      return { ok: false, message: MESSAGES.failed(`${status.error?.file} ${status.error?.problem}`), status: current() };
    }
    return { ok: true, downloaded: downloaded.map(({ domain, version: v, path }) => ({ domain, version: v, path })), status, overriddenBy: overriddenBy(), previous };
  });

  connection.onRequest(UseReleaseRequest.type, async (choice: ReleaseChoice) => {
    const state = context.corpusState();
    if (!state) return { ok: false, message: MESSAGES.noCorpus, status: { state: 'loading' as const } };
    const store = context.store();
    const before = store.selection();
    if (choice.kind === 'embedded') store.select({ enterprise: undefined, mobile: undefined, ics: undefined });
    else {
      const domain = toDomain(choice.domain);
      if (!domain) return { ok: false, message: MESSAGES.unknownDomain(choice.domain), status: state.status };
      if (!store.find(domain, choice.version)) return { ok: false, message: MESSAGES.notDownloaded(domain, choice.version, store.dir), status: state.status };
      store.select({ [domain]: choice.version });
    }
    const status = await state.load(context.sources(), { keepOnFailure: true });
    if (status.state !== 'ready') {
      store.select({ enterprise: before.enterprise, mobile: before.mobile, ics: before.ics });
      return { ok: false, message: MESSAGES.failed(`${status.error?.file} ${status.error?.problem}`), status: state.status };
    }
    return { ok: true, status, overriddenBy: overriddenBy() };
  });
}

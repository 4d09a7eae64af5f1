// Downloading one ATT&CK release into a release store: to a temporary file, checked to be a STIX
// bundle of the expected domain and version, then renamed into place. A failed download leaves
// nothing behind and changes nothing (the caller switches only after success).
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { BundleError, readBundleFile } from '../corpus/bundleFile';
import type { BundleInfo } from '../corpus/model';
import type { IndexedRelease } from './collectionIndex';
import { fetchToFile, type HttpOptions, ReleaseError } from './http';
import type { ReleaseFile, ReleaseStore } from './store';

export interface DownloadedRelease extends ReleaseFile {
  info: BundleInfo;
  bytes: number;
}

export async function downloadRelease(release: IndexedRelease, store: ReleaseStore, options: HttpOptions = {}): Promise<DownloadedRelease> {
  const name = store.fileName(release.domain, release.version);
  const target = path.join(store.dir, name);
  // No version in the temporary name: the bundle's version must come from its content.
  const temp = path.join(store.dir, `.download-${release.domain}-${process.pid}-${Date.now()}.part`);
  try {
    mkdirSync(store.dir, { recursive: true });
  } catch (error) {
    throw new ReleaseError('storage', `cannot create the folder ${store.dir} for downloaded releases: ${(error as Error).message}`);
  }
  try {
    const bytes = await fetchToFile(release.url, temp, options);
    const info = await checkRelease(temp, release);
    try {
      renameSync(temp, target);
    } catch (error) {
      throw new ReleaseError('storage', `cannot store the download as ${target}: ${(error as Error).message}`);
    }
    return { domain: release.domain, version: release.version, path: target, source: 'downloaded', info: { ...info, path: target }, bytes };
  } finally {
    rmSync(temp, { force: true });
  }
}

/** The downloaded file must be an ATT&CK bundle of the release's domain and version. */
async function checkRelease(file: string, release: IndexedRelease): Promise<BundleInfo> {
  let info: BundleInfo;
  try {
    info = (await readBundleFile(file)).info;
  } catch (error) {
    if (error instanceof BundleError) throw new ReleaseError(/Unexpected end|ends early|truncated gzip/.test(error.problem) ? 'truncated' : 'invalid', `the file downloaded from ${release.url} ${error.problem}`);
    throw error;
  }
  const domain = `${release.domain}-attack`;
  if (info.domain !== domain) {
    throw new ReleaseError('invalid', `the file downloaded from ${release.url} is an ATT&CK ${info.domain} bundle, not ${domain}; the index or the mirror is wrong`);
  }
  if (!versionAgrees(info, release.version)) {
    throw new ReleaseError('invalid', `the file downloaded from ${release.url} is ATT&CK ${describeVersion(info)}, not v${release.version}; the index or the mirror is wrong`);
  }
  return info;
}

/** A collection object names the exact version; without one, the content's dates give the major
 *  release (or ">18" for one newer than the releases TTP Lens knows the dates of). */
function versionAgrees(info: BundleInfo, wanted: string): boolean {
  if (info.versionSource === 'collection') return info.version === wanted;
  if (info.versionSource !== 'content') return true;
  const major = Number(wanted.split('.')[0]);
  if (info.version.startsWith('>')) return major > Number(info.version.slice(1));
  return Number(info.version) === major;
}

function describeVersion(info: BundleInfo): string {
  if (info.versionSource === 'collection') return `v${info.version}`;
  return info.version.startsWith('>') ? `newer than v${info.version.slice(1)} (judged by its dates)` : `v${info.version} (judged by its dates)`;
}

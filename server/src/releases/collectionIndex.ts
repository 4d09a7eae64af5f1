// MITRE's collection index (index.json of mitre-attack/attack-stix-data, what the ATT&CK Navigator
// reads): one collection per domain, each with its versions, their bundle URLs and modified dates.
// A mirror may use relative URLs: they are resolved against the index's own URL.
import { compareVersions, type Domain, DOMAINS, toDomain } from './store';
import { fetchJson, type HttpOptions, ReleaseError } from './http';

export interface IndexedRelease {
  domain: Domain;
  version: string;
  url: string;
  modified?: string;
}

export interface CollectionIndex {
  url: string;
  /** Newest first per domain; domains in enterprise, mobile, ics order. */
  releases: IndexedRelease[];
}

interface RawCollection {
  id?: unknown;
  name?: unknown;
  versions?: unknown;
}

/** Which domain a collection is: by its name ("Enterprise ATT&CK"), else by its bundle URLs. */
function domainOf(collection: RawCollection, firstUrl: string | undefined): Domain | undefined {
  const byName = typeof collection.name === 'string' ? toDomain(collection.name.split(/\s+/)[0]) : undefined;
  if (byName) return byName;
  const byUrl = firstUrl ? /(enterprise|mobile|ics)-attack/i.exec(firstUrl) : null;
  return byUrl ? toDomain(byUrl[1]) : undefined;
}

export function parseCollectionIndex(json: unknown, indexUrl: string): CollectionIndex {
  const collections = (json as { collections?: unknown } | null)?.collections;
  if (!Array.isArray(collections)) throw new ReleaseError('index', `${indexUrl} is JSON but not an ATT&CK collection index (no "collections" list)`);
  const releases: IndexedRelease[] = [];
  for (const collection of collections as RawCollection[]) {
    if (!Array.isArray(collection?.versions)) continue;
    const versions = (collection.versions as { version?: unknown; url?: unknown; modified?: unknown }[]).filter(
      (v) => typeof v?.version === 'string' && /^\d+\.\d+(?:-[a-z]+)?$/i.test(v.version) && typeof v.url === 'string',
    );
    const domain = domainOf(collection, versions[0]?.url as string | undefined);
    if (!domain) continue;
    for (const v of versions) {
      let url: string;
      try {
        url = new URL(v.url as string, indexUrl).href;
      } catch {
        continue; // not a URL: the entry cannot be downloaded
      }
      releases.push({ domain, version: v.version as string, url, modified: typeof v.modified === 'string' ? v.modified : undefined });
    }
  }
  if (!releases.length) throw new ReleaseError('index', `${indexUrl} lists no ATT&CK releases`);
  releases.sort((a, b) => DOMAINS.indexOf(a.domain) - DOMAINS.indexOf(b.domain) || compareVersions(b.version, a.version));
  return { url: indexUrl, releases };
}

export async function fetchCollectionIndex(url: string, options: HttpOptions = {}): Promise<CollectionIndex> {
  return parseCollectionIndex(await fetchJson(url, options), url);
}

/** The release of a domain: a version ("19.1", "v19.1") or "latest". */
export function findRelease(index: CollectionIndex, domain: Domain, version: string): IndexedRelease {
  const ofDomain = index.releases.filter((r) => r.domain === domain);
  if (!ofDomain.length) throw new ReleaseError('not-found', `${index.url} lists no ${domain} releases`);
  if (version === 'latest') return ofDomain[0];
  const wanted = version.replace(/^v/i, '');
  const found = ofDomain.find((r) => r.version === wanted);
  if (!found) {
    const known = ofDomain.slice(0, 8).map((r) => r.version).join(', ');
    throw new ReleaseError('not-found', `ATT&CK ${domain} has no release ${version} in ${index.url} (newest: ${known}${ofDomain.length > 8 ? ', …' : ''})`);
  }
  return found;
}

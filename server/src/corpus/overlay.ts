// A corpus overlay: ATT&CK names and descriptions in another language (`ttpLens.attack.overlayPaths`,
// the CLI's --overlay), laid over the bundle's English per field. Two forms are read:
//  - STIX 2.1 `language-content` objects (the standard form: `object_ref` + `contents.<lang>.name /
//    description`), in a bundle, an array or one object; `object_ref` is matched by the ATT&CK ID of
//    the object it names — from the overlay file itself when it carries that object, else from the
//    loaded bundles (read once, when such an overlay is loaded);
//  - a plain YAML/JSON map by ATT&CK ID: `language: ru` and `objects: { T1559: { name, description } }`.
// A broken file is reported in words and skipped; the rest still applies.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { readBundleFileSync, type StixObject } from './bundleFile';
import type { Corpus } from './corpus';
import { parseAttackId } from './ids';
import { type Locale, t, toLocale } from '../l10n/l10n';

export interface OverlayText {
  name?: string;
  description?: string;
}

/** The localised texts of one language, by ATT&CK ID. */
export class OverlayTexts {
  private readonly words: { id: string; name: string; words: string[] }[] = [];

  constructor(
    readonly language: Locale,
    private readonly byId: ReadonlyMap<string, OverlayText>,
  ) {
    for (const [id, text] of byId) if (text.name) this.words.push({ id, name: text.name.toLowerCase(), words: text.name.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean) });
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): OverlayText | undefined {
    return this.byId.get(id);
  }

  /** IDs whose localised name has a word starting with the query ("межпроц" → T1559), or contains
   *  it; word-prefix matches first. */
  search(query: string, limit = 50): string[] {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const prefix: string[] = [];
    const inner: string[] = [];
    for (const entry of this.words) {
      if (entry.words.some((w) => w.startsWith(q)) || entry.name.startsWith(q)) prefix.push(entry.id);
      else if (entry.name.includes(q)) inner.push(entry.id);
    }
    return [...prefix, ...inner].slice(0, limit);
  }
}

export interface OverlayLoad {
  /** Per language, what the files give. */
  languages: Map<Locale, OverlayTexts>;
  /** One sentence per file that could not be read, naming the file. */
  problems: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const MAX_OVERLAY_BYTES = 64 * 1024 * 1024;

export function loadOverlays(files: readonly string[], corpus: Corpus | undefined): OverlayLoad {
  const collected = new Map<Locale, Map<string, OverlayText>>();
  const problems: string[] = [];
  const put = (language: Locale, id: string, text: OverlayText) => {
    let map = collected.get(language);
    if (!map) collected.set(language, (map = new Map()));
    map.set(id, { ...map.get(id), ...text });
  };
  let stixIds: Map<string, string> | undefined;
  const corpusStixIds = () => (stixIds ??= attackIdsOfBundles(corpus));
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      problems.push(t('The ATT&CK overlay {0} cannot be read ({1}).', file, (error as NodeJS.ErrnoException).code ?? (error as Error).message));
      continue;
    }
    if (text.length > MAX_OVERLAY_BYTES) {
      problems.push(t('The ATT&CK overlay {0} is larger than {1} MB and is not read.', file, MAX_OVERLAY_BYTES / 1048576));
      continue;
    }
    const document = parseDocument(text, { uniqueKeys: false });
    if (document.errors.length) {
      const kind = /\.json$/i.test(file) ? 'JSON' : 'YAML';
      problems.push(t('The ATT&CK overlay {0} is not valid {1} ({2}).', file, kind, document.errors[0].message.split('\n')[0]));
      continue;
    }
    const value: unknown = document.toJS();
    const stix = stixObjectsOf(value);
    if (stix) {
      const own = attackIdsOf(stix);
      let found = 0;
      let unmatched = 0;
      for (const object of stix) {
        if (object.type !== 'language-content' || typeof object.object_ref !== 'string' || !isObject(object.contents)) continue;
        const id = own.get(object.object_ref) ?? corpusStixIds().get(object.object_ref);
        if (!id) {
          unmatched++;
          continue;
        }
        for (const [language, contents] of Object.entries(object.contents)) {
          if (!isObject(contents)) continue;
          put(toLocale(language), id, textOf(contents));
          found++;
        }
      }
      if (!found) problems.push(unmatched ? t('The ATT&CK overlay {0} names no object of the loaded ATT&CK bundles ({1} language-content objects refer to unknown objects).', file, unmatched) : t('The ATT&CK overlay {0} is a STIX file without language-content objects.', file));
      continue;
    }
    if (!isObject(value) || !isObject(value.objects)) {
      problems.push(t('The ATT&CK overlay {0} is neither STIX language-content nor a map with `language` and `objects` (see the README, "Languages").', file));
      continue;
    }
    const language = typeof value.language === 'string' ? value.language : '';
    if (!language.trim()) {
      problems.push(t('The ATT&CK overlay {0} does not say its `language` (e.g. `language: ru`).', file));
      continue;
    }
    for (const [id, entry] of Object.entries(value.objects)) {
      const parsed = parseAttackId(id.trim().toUpperCase());
      if (!parsed || !isObject(entry)) continue;
      put(toLocale(language), parsed.id, textOf(entry));
    }
  }
  const languages = new Map<Locale, OverlayTexts>();
  for (const [language, map] of collected) languages.set(language, new OverlayTexts(language, map));
  return { languages, problems };
}

function textOf(entry: Record<string, unknown>): OverlayText {
  const text: OverlayText = {};
  if (typeof entry.name === 'string' && entry.name.trim()) text.name = entry.name.trim();
  if (typeof entry.description === 'string' && entry.description.trim()) text.description = entry.description.trim();
  return text;
}

function stixObjectsOf(value: unknown): StixObject[] | undefined {
  const list = Array.isArray(value) ? value : isObject(value) && value.type === 'bundle' && Array.isArray(value.objects) ? value.objects : isObject(value) && typeof value.type === 'string' ? [value] : undefined;
  return list?.filter((o): o is StixObject => isObject(o) && typeof o.type === 'string' && typeof o.id === 'string');
}

/** STIX id → ATT&CK ID of the objects that carry one (`external_references`, source mitre-attack). */
function attackIdsOf(objects: readonly StixObject[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const object of objects) {
    const external = object.external_references?.find((r) => r.source_name?.startsWith('mitre') && r.external_id)?.external_id;
    if (external) ids.set(object.id, external);
  }
  return ids;
}

function attackIdsOfBundles(corpus: Corpus | undefined): Map<string, string> {
  const ids = new Map<string, string>();
  for (const bundle of corpus?.data.bundles ?? []) {
    try {
      for (const [stixId, id] of attackIdsOf(readBundleFileSync(bundle.path).objects)) ids.set(stixId, id);
    } catch {
      // The bundle was readable when the corpus loaded; if it is gone now its objects are unmatched.
    }
  }
  return ids;
}

/** Overlay paths as configured: relative ones against the workspace folder (or the working directory). */
export function resolveOverlayPaths(paths: readonly string[], baseDir: string | undefined): string[] {
  return paths.map((p) => path.resolve(baseDir ?? process.cwd(), p.startsWith('~/') ? path.join(process.env.HOME ?? '', p.slice(2)) : p));
}

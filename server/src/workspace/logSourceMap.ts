// The log-source → ATT&CK data-component table (data/logsource-map.json, documented in data/README.md)
// and its lookup. Users extend it with the ttpLens.logSourceMap setting; their entries come first.
import builtin from '../../../data/logsource-map.json';
import type { LogSource, RuleFormat } from '../formats/model';

interface SigmaEntry {
  product?: string;
  category?: string;
  service?: string;
  components: string[];
  basis?: string;
  note?: string;
}
interface PatternEntry {
  pattern: string;
  /** ATT&CK platforms the source's events come from, when it tells (for coverage per platform). */
  platforms?: string[];
  /** Name of an `events` table, looked up with the pattern's first capture group. */
  events?: string;
  components?: string[];
}
interface ProviderEntry {
  provider: string;
  platforms?: string[];
  events?: string;
  components?: string[];
}
interface IndexEntry {
  /** An Elastic index pattern; a trailing `*` matches any rule index pattern it is a prefix of. */
  index: string;
  components: string[];
  platforms?: string[];
}
interface DataTypeEntry {
  dataType: string;
  platforms?: string[];
  components: string[];
}

export interface LogSourceMapData {
  version?: number;
  /** "@name" → component names, usable in any `components` list. */
  groups?: Record<string, string[]>;
  /** Event tables: name → event ID → component names. */
  events?: Record<string, Record<string, string[]>>;
  sigma?: SigmaEntry[];
  splunk?: PatternEntry[];
  xp?: ProviderEntry[];
  sentinel?: DataTypeEntry[];
  /** Elastic rule `index` patterns. */
  elastic?: IndexEntry[];
  /** Sigma `product` → the ATT&CK platforms its events come from (products missing here tell none). */
  sigmaProductPlatforms?: Record<string, string[]>;
}

export interface MappedComponents {
  components: string[];
  /** Which entry said so, e.g. "sigma windows/process_creation" — for messages and debugging. */
  entry: string;
  /** The ATT&CK platforms the log source's events come from; absent when the source does not tell
   *  (a Sigma rule without a product, a multi-platform EDR table). */
  platforms?: string[];
  /** The table entry itself and whether it is a built-in one or the user's (for the log-source hover). */
  table?: { section: string; entry: Record<string, unknown>; builtin: boolean };
}

export function loadBuiltinLogSourceMap(): LogSourceMapData {
  return builtin as LogSourceMapData;
}

const lower = (value: string | undefined) => value?.toLowerCase();

export class LogSourceMap {
  private readonly layers: LogSourceMapData[];
  private readonly patterns = new Map<string, RegExp>();

  /** `user` entries are consulted before the built-in ones; its groups and events extend the built-in ones. */
  constructor(builtinData: LogSourceMapData, user?: Partial<LogSourceMapData>) {
    this.layers = user ? [user, builtinData] : [builtinData];
  }

  componentsFor(source: LogSource, format?: RuleFormat): MappedComponents | undefined {
    const found = this.entryFor(source, format);
    return found?.components.length ? found : undefined;
  }

  /** The table entry a log source matches, even one that maps to no component (clipboard_capture). */
  entryFor(source: LogSource, format?: RuleFormat): MappedComponents | undefined {
    for (const layer of this.layers) {
      const found = this.lookup(layer, source, format);
      if (found) {
        if (found.table) found.table.builtin = layer === this.layers[this.layers.length - 1];
        return found;
      }
    }
    return undefined;
  }

  private lookup(layer: LogSourceMapData, source: LogSource, format: RuleFormat | undefined): MappedComponents | undefined {
    if (source.category || source.product || source.service) return this.sigma(layer, source);
    if (source.provider) return this.provider(layer, source);
    if (source.name && format === 'elastic') return this.index(layer, source.name);
    if (source.name) return format === 'sentinel' ? this.dataType(layer, source.name) : this.pattern(layer, source.name) ?? this.dataType(layer, source.name);
    return undefined;
  }

  /** Most specific first: product+category, category, product+service, service, product (the first
   *  entry of the table that matches, at the most specific level that has one). */
  private sigma(layer: LogSourceMapData, source: LogSource): MappedComponents | undefined {
    const [product, category, service] = [lower(source.product), lower(source.category), lower(source.service)];
    const index = this.sigmaIndexOf(layer);
    const entry =
      (product && category ? index.get(sigmaKey('product+category', product, category)) : undefined) ??
      (category ? index.get(sigmaKey('category', category)) : undefined) ??
      (product && service ? index.get(sigmaKey('product+service', product, service)) : undefined) ??
      (service ? index.get(sigmaKey('service', service)) : undefined) ??
      (product ? index.get(sigmaKey('product', product)) : undefined);
    if (!entry) return undefined;
    const label = [entry.product, entry.category ?? entry.service].filter(Boolean).join('/');
    return withPlatforms({ components: this.expand(entry.components), entry: `sigma ${label}`, table: tableOf('sigma', entry) }, product ? this.productPlatforms(product) : undefined);
  }

  private readonly sigmaIndexes = new Map<LogSourceMapData, Map<string, SigmaEntry>>();

  /** A layer's Sigma entries by level and lower-cased fields, the first of the table kept for each key:
   *  a lookup without scanning the table five times (checked for every distinct log source). */
  private sigmaIndexOf(layer: LogSourceMapData): Map<string, SigmaEntry> {
    let index = this.sigmaIndexes.get(layer);
    if (index) return index;
    index = new Map();
    const add = (key: string, entry: SigmaEntry) => {
      if (!index!.has(key)) index!.set(key, entry);
    };
    for (const entry of layer.sigma ?? []) {
      const [product, category, service] = [lower(entry.product), lower(entry.category), lower(entry.service)];
      const withProduct = entry.product !== undefined;
      if (entry.category !== undefined && entry.service === undefined) add(withProduct ? sigmaKey('product+category', product!, category!) : sigmaKey('category', category!), entry);
      if (entry.service !== undefined && entry.category === undefined) add(withProduct ? sigmaKey('product+service', product!, service!) : sigmaKey('service', service!), entry);
      if (withProduct && entry.category === undefined && entry.service === undefined) add(sigmaKey('product', product!), entry);
    }
    this.sigmaIndexes.set(layer, index);
    return index;
  }

  private pattern(layer: LogSourceMapData, name: string): MappedComponents | undefined {
    for (const entry of layer.splunk ?? []) {
      let regex = this.patterns.get(entry.pattern);
      if (!regex) this.patterns.set(entry.pattern, (regex = new RegExp(entry.pattern, 'i')));
      const match = regex.exec(name.trim());
      if (!match) continue;
      const components = entry.events ? this.event(entry.events, match[1]) : this.expand(entry.components ?? []);
      return withPlatforms({ components, entry: `splunk ${entry.pattern}`, table: tableOf('splunk', entry) }, entry.platforms);
    }
    return undefined;
  }

  private provider(layer: LogSourceMapData, source: LogSource): MappedComponents | undefined {
    const entry = (layer.xp ?? []).find((e) => lower(e.provider) === lower(source.provider));
    if (!entry) return undefined;
    const components = entry.events ? this.event(entry.events, source.eventId === undefined ? undefined : String(source.eventId)) : this.expand(entry.components ?? []);
    return withPlatforms({ components, entry: `xp ${entry.provider}`, table: tableOf('xp', entry) }, entry.platforms);
  }

  private dataType(layer: LogSourceMapData, name: string): MappedComponents | undefined {
    const entry = (layer.sentinel ?? []).find((e) => lower(e.dataType) === lower(name.trim()));
    return entry ? withPlatforms({ components: this.expand(entry.components), entry: `sentinel ${entry.dataType}`, table: tableOf('sentinel', entry) }, entry.platforms) : undefined;
  }

  /** Elastic: the exact index pattern, else the first entry whose `prefix*` the rule's pattern starts with. */
  private index(layer: LogSourceMapData, name: string): MappedComponents | undefined {
    const wanted = name.trim().toLowerCase();
    const entries = layer.elastic ?? [];
    const entry =
      entries.find((e) => e.index.toLowerCase() === wanted) ??
      entries.find((e) => e.index.endsWith('*') && wanted.startsWith(e.index.slice(0, -1).toLowerCase()));
    return entry ? withPlatforms({ components: this.expand(entry.components), entry: `elastic ${entry.index}`, table: tableOf('elastic', entry) }, entry.platforms) : undefined;
  }

  private productPlatforms(product: string): string[] | undefined {
    for (const layer of this.layers) {
      const table = layer.sigmaProductPlatforms;
      if (!table) continue;
      const key = Object.keys(table).find((k) => k.toLowerCase() === product);
      if (key) return table[key];
    }
    return undefined;
  }

  /** An event of a named table (any layer); an unknown event maps to nothing. */
  private event(table: string, eventId: string | undefined): string[] {
    if (eventId === undefined) return [];
    for (const layer of this.layers) {
      const components = layer.events?.[table]?.[eventId];
      if (components) return this.expand(components);
    }
    return [];
  }

  /** Expands "@group" names and removes duplicates. */
  private expand(components: readonly string[]): string[] {
    const out = new Set<string>();
    for (const name of components) {
      if (!name.startsWith('@')) {
        out.add(name);
        continue;
      }
      const group = this.layers.map((l) => l.groups?.[name]).find(Boolean);
      for (const member of group ?? []) out.add(member);
    }
    return [...out];
  }
}

function sigmaKey(level: string, ...fields: string[]): string {
  return [level, ...fields].join('\u0000');
}

function withPlatforms(mapped: MappedComponents, platforms: string[] | undefined): MappedComponents {
  if (platforms?.length) mapped.platforms = platforms;
  return mapped;
}

function tableOf(section: string, entry: object): MappedComponents['table'] {
  return { section, entry: entry as Record<string, unknown>, builtin: true };
}

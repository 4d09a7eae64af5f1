// Ranked search over the corpus: ID prefix, then names (fuzzysort: word-prefix and fuzzy matching,
// fast enough per keystroke), aliases and acronyms ("ipc" → Inter-Process Communication).
import fuzzysort from 'fuzzysort';

type Prepared = Fuzzysort.Prepared;
import type { AttackObject, ObjectKind } from './model';
import { byCodeUnits } from '../order';

export interface SearchOptions {
  kinds?: readonly ObjectKind[];
  limit?: number;
  /** Include revoked and deprecated objects (ranked after live ones). Default false. */
  includeRetired?: boolean;
}

export interface SearchResult {
  object: AttackObject;
  /** 0..1, higher is better: 1 an exact ID; above 0.5 an ID prefix or a query starting a word of
   *  the name, alias or acronym; below, fuzzy matches. */
  score: number;
  matchedOn: 'id' | 'name' | 'alias' | 'acronym';
}

interface Entry {
  object: AttackObject;
  name: Prepared;
  // null, not undefined, when absent: fuzzysort reads a key with `obj[key] !== undefined` and falls
  // back to splitting the key on dots (an allocation per entry per query) when that fails: 40% of
  // a name search's time before.
  alias: Prepared | null;
  acronym: Prepared | null;
  /** Lower-cased name, aliases and acronym, for the word-prefix tier (worked out once, not per hit). */
  lower: { name: string; alias: string; acronym: string };
}

/** Among equal scores, what a detection engineer most likely means comes first. */
const KIND_RANK: Record<ObjectKind, number> = {
  technique: 0,
  tactic: 1,
  dataComponent: 2,
  dataSource: 3,
  mitigation: 4,
  group: 5,
  software: 6,
  campaign: 7,
  detectionStrategy: 8,
  analytic: 9,
  asset: 10,
};

const ID_QUERY = /^(TA|DS|DC|DET|AN|T|M|G|S|C|A)\d[\d.]*$/i;
const SMALL_WORDS = new Set(['and', 'or', 'of', 'the', 'for', 'to', 'in', 'on', 'a', 'an', 'via', 'with']);

/** "Inter-Process Communication" → "ipc"; "Windows Management Instrumentation" → "wmi". */
export function acronymOf(name: string): string {
  const words = name.split(/[\s\-/:&()]+/).filter((w) => w && !SMALL_WORDS.has(w.toLowerCase()));
  return words.length >= 2 ? words.map((w) => w[0]).join('').toLowerCase() : '';
}

export class NameSearch {
  private readonly entries: Entry[];
  /** The entries other than detection strategies, and the strategies: their names are sentences
   *  ("Detection of … via … and …") in which a query of several words nearly always has some fuzzy
   *  match — noise, and most of such a query's time (1.8 of 2.6 ms) — so there every word of the
   *  query must start a word of the name. */
  private readonly shortNamed: Entry[];
  private readonly sentenceNamed: Entry[];
  /** Live objects first, then by ID, for prefix scans. */
  private readonly byId: AttackObject[];

  constructor(objects: readonly AttackObject[]) {
    this.entries = objects
      .filter((o) => o.kind !== 'analytic') // analytics are named "Analytic 1357": found by ID only
      .map((object) => {
        const acronym = acronymOf(object.name);
        const aliases = object.aliases?.length ? object.aliases.join(' · ') : '';
        return {
          object,
          name: fuzzysort.prepare(object.name),
          alias: aliases ? fuzzysort.prepare(aliases) : null,
          acronym: acronym ? fuzzysort.prepare(acronym) : null,
          lower: { name: object.name.toLowerCase(), alias: aliases.toLowerCase(), acronym },
        };
      });
    this.shortNamed = this.entries.filter((e) => e.object.kind !== 'detectionStrategy');
    this.sentenceNamed = this.entries.filter((e) => e.object.kind === 'detectionStrategy');
    this.byId = objects.filter((o) => o.id).sort((a, b) => byCodeUnits(a.id, b.id));
  }

  find(query: string, options: SearchOptions = {}): SearchResult[] {
    const text = query.trim();
    const limit = options.limit ?? 50;
    if (!text) return [];
    const accept = (o: AttackObject) => (!options.kinds || options.kinds.includes(o.kind)) && (options.includeRetired || (!o.revoked && !o.deprecated));
    const results: SearchResult[] = [];
    const seen = new Set<number>();
    const idQuery = ID_QUERY.test(text);
    if (idQuery) {
      let position = 0;
      for (const object of this.idPrefixMatches(text.toUpperCase())) {
        if (!accept(object)) continue;
        const exact = object.id.length === text.length;
        // In ID order: T1059, T1059.001, T1059.002, …
        results.push({ object, score: exact ? 1 : 0.99 - Math.min(position++, 900) * 1e-5, matchedOn: 'id' });
        seen.add(object.index);
      }
    }
    // An ID-shaped query is answered by IDs only: names mentioning "(T1559)" are noise here.
    if (!idQuery && text.length >= 2) {
      const lowered = text.toLowerCase();
      const go = (entries: readonly Entry[]) => fuzzysort.go(text, entries, { keys: ['name', 'alias', 'acronym'], threshold: 0.3, limit: limit * 4 });
      const words = lowered.split(/\s+/);
      const hits = words.length < 2
        ? go(this.entries)
        : [...go(this.shortNamed), ...go(this.sentenceNamed.filter((entry) => words.every((word) => wordPrefix(entry.lower.name, word))))];
      for (const hit of hits) {
        const entry = hit.obj;
        if (seen.has(entry.object.index) || !accept(entry.object)) continue;
        const [nameHit, aliasHit, acronymHit] = [hit[0], hit[1], hit[2]];
        let matchedOn: SearchResult['matchedOn'] = 'name';
        let score = nameHit.score;
        if (acronymHit.score > score) [score, matchedOn] = [acronymHit.score, 'acronym'];
        if (aliasHit.score > score) [score, matchedOn] = [aliasHit.score * 0.95, 'alias'];
        // Two tiers: a query that starts a word of the name (or alias, or is the acronym's start)
        // ranks above every fuzzy match, whatever fuzzysort's score: "powers" → PowerShell first.
        score = wordPrefix(entry.lower[matchedOn], lowered) ? 0.5 + score * 0.48 : score * 0.48;
        if (entry.object.revoked || entry.object.deprecated) score *= 0.5;
        results.push({ object: entry.object, score, matchedOn });
        seen.add(entry.object.index);
      }
    }
    return results
      .sort((a, b) => b.score - a.score || KIND_RANK[a.object.kind] - KIND_RANK[b.object.kind] || a.object.name.length - b.object.name.length || byCodeUnits(a.object.id, b.object.id))
      .slice(0, limit);
  }

  private *idPrefixMatches(prefix: string): Generator<AttackObject> {
    let low = 0;
    let high = this.byId.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.byId[mid].id < prefix) low = mid + 1;
      else high = mid;
    }
    for (let i = low; i < this.byId.length && this.byId[i].id.startsWith(prefix); i++) yield this.byId[i];
  }
}

/** Whether `lowered` starts a word of `lower` (both lower-cased). */
function wordPrefix(lower: string, lowered: string): boolean {
  if (lower.startsWith(lowered)) return true;
  for (let i = lower.indexOf(lowered); i > 0; i = lower.indexOf(lowered, i + 1)) {
    if (!/[a-z0-9]/.test(lower[i - 1])) return true;
  }
  return false;
}

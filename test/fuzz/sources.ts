// What the fuzzer mutates: the real rules of ../shared/corpora (SigmaHQ, Splunk, Elastic, MaxPatrol)
// when present, and the project's own fixtures and notes always — so a clone without the shared
// corpora still fuzzes, on less material.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, HAS_SHARED, REPO_ROOT, SAMPLES, SIGMAHQ_RULES } from '../support/paths';

export interface Source {
  /** Path relative to its corpus, for reports. */
  name: string;
  /** The file name the document is opened under (it decides the format, as in the editor). */
  fileName: string;
  text: string;
}

function* walk(directory: string): Generator<string> {
  if (!existsSync(directory)) return;
  for (const entry of readdirSync(directory).sort()) {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}

const RULE_FILE = /(\.ya?ml|\.toml|\.md)$/;

function read(files: Iterable<string>, root: string): Source[] {
  const out: Source[] = [];
  for (const file of files) {
    if (!RULE_FILE.test(file)) continue;
    out.push({ name: path.relative(root, file), fileName: path.basename(file), text: readFileSync(file, 'utf8') });
  }
  return out;
}

let cached: Source[] | undefined;

/** Every source, in a stable order. */
export function fuzzSources(): Source[] {
  if (cached) return cached;
  const sources = [...read(walk(FIXTURES), REPO_ROOT), ...read([path.join(REPO_ROOT, 'README.md'), path.join(REPO_ROOT, 'data', 'README.md')], REPO_ROOT)];
  if (HAS_SHARED) {
    sources.push(...read(walk(SIGMAHQ_RULES), SIGMAHQ_RULES));
    for (const folder of ['splunk', 'elastic', 'xp']) sources.push(...read(walk(path.join(SAMPLES, folder)), SAMPLES));
  }
  cached = sources;
  return sources;
}

// Rule corpora for the release tests: a copy of SigmaHQ as it is (already tagged with v19 IDs) and
// a copy DOWNGRADED to v18.1's vocabulary (SYNTHETIC: attack.stealth and attack.defense-impairment
// become attack.defense-evasion, T1685/T1686 and their sub-techniques the T1562 IDs the synthetic
// release revokes for them), which is what a repository written for v18.1 looks like at scale.
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { requireShared, SIGMAHQ_RULES } from './paths';
import { SPLIT_TECHNIQUE, SYNTHETIC_SUCCESSORS } from './syntheticRelease';
import { tempDir } from './temp';

export function copySigmaHq(): string {
  const target = tempDir('ttplens-sigmahq-');
  cpSync(requireShared(SIGMAHQ_RULES), target, { recursive: true });
  return target;
}

const TAG_LINE = /^(\s*-\s*)attack\.([a-z0-9.-]+)(\s*)$/;

/** Rewrites the copy's tag lines to v18.1's vocabulary (a repeated tag is dropped); returns how many
 *  files changed. */
export function downgradeToV18(folder: string): number {
  const inverse = new Map(Object.entries(SYNTHETIC_SUCCESSORS).map(([old, [successor]]) => [successor.toLowerCase(), old.toLowerCase()]));
  inverse.set('t1686', SPLIT_TECHNIQUE.toLowerCase());
  const older = (tag: string) => (tag === 'stealth' || tag === 'defense-impairment' ? 'defense-evasion' : (inverse.get(tag) ?? tag));
  let changed = 0;
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const file = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.ya?ml$/.test(entry.name)) {
        const text = readFileSync(file, 'utf8');
        const seen = new Set<string>();
        const lines = text.split(/(?<=\n)/).flatMap((line) => {
          const eol = /\r?\n$/.exec(line)?.[0] ?? '';
          const match = TAG_LINE.exec(line.slice(0, line.length - eol.length));
          if (line.startsWith('---')) seen.clear(); // the next document of a rule collection
          if (!match) return [line];
          const tag = older(match[2]);
          if (seen.has(tag)) return [];
          seen.add(tag);
          return [`${match[1]}attack.${tag}${match[3]}${eol}`];
        });
        const result = lines.join('');
        if (result !== text) {
          writeFileSync(file, result);
          changed++;
        }
      }
    }
  };
  walk(folder);
  return changed;
}

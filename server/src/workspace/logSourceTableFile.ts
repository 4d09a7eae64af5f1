// Where a built-in log-source table entry is written: data/logsource-map.json (shipped with the
// extension) at the entry's line, for the log-source hover's link. Read once, on the first hover.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileUri } from '../uris';
import type { MappedComponents } from './logSourceMap';

const KEYS = ['product', 'category', 'service', 'pattern', 'provider', 'dataType', 'index'];

export class LogSourceTableFile {
  private lines: string[] | undefined;
  private readonly file: string | undefined;

  /** `root`: the folder holding data/ (the extension's, or the checkout's for dist/ builds). */
  constructor(root: string | undefined) {
    const file = root ? path.join(root, 'data', 'logsource-map.json') : undefined;
    this.file = file && existsSync(file) ? file : undefined;
  }

  link = (table: NonNullable<MappedComponents['table']>): string | undefined => {
    if (!this.file) return undefined;
    this.lines ??= readFileSync(this.file, 'utf8').split('\n');
    const needles = KEYS.filter((k) => typeof table.entry[k] === 'string').map((k) => `"${k}": ${JSON.stringify(table.entry[k])}`);
    if (!needles.length) return undefined;
    const section = this.lines.findIndex((l) => l.startsWith(`  "${table.section}"`));
    const line = this.lines.findIndex((l, i) => i > section && needles.every((n) => l.includes(n)));
    return line < 0 ? undefined : `${fileUri(this.file)}#L${line + 1}`;
  };
}

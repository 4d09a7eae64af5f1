// Fresh copies of fixture folders, so tests never modify the repository.
import { cpSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES } from './paths';

export function copyFixture(name: string): string {
  const target = mkdtempSync(path.join(os.tmpdir(), `ttplens-${name}-`));
  cpSync(path.join(FIXTURES, name), target, { recursive: true });
  return target;
}

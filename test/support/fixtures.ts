// Fresh copies of fixture folders, so tests never modify the repository.
import { cpSync } from 'node:fs';
import * as path from 'node:path';
import { FIXTURES } from './paths';
import { tempDir } from './temp';

export function copyFixture(name: string): string {
  const target = tempDir(`ttplens-${name}-`);
  cpSync(path.join(FIXTURES, name), target, { recursive: true });
  return target;
}

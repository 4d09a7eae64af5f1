// npm run fuzz [-- --count N] [--seed S] [--replay case.json] [--out DIR]
// Mutated real rules through the running server; exit code 1 when a case crashed the server, stalled
// it, got a malformed response or a request over a second. Failing cases are saved for --replay.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { FuzzCase } from './cases';
import { runFuzz, summary } from './run';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      count: { type: 'string', default: '2000' },
      seed: { type: 'string' },
      replay: { type: 'string', multiple: true },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('npm run fuzz -- [--count N (default 2000)] [--seed S (default: random, printed)] [--replay case.json …] [--out DIR]\n');
    return 0;
  }
  // --replay a.json b.json …: the files after the first need no flag of their own.
  const replays = values.replay ? [...values.replay, ...positionals] : [];
  const cases = replays.length ? replays.map((file) => JSON.parse(readFileSync(file, 'utf8')) as FuzzCase) : undefined;
  const seed = values.seed !== undefined ? Number(values.seed) : cases?.[0]?.seed ?? Math.floor(Math.random() * 2 ** 31);
  const count = Number(values.count);
  if (!Number.isInteger(seed) || !Number.isInteger(count) || count <= 0) {
    process.stderr.write('fuzz: --seed and --count take whole numbers\n');
    return 2;
  }
  process.stderr.write(cases ? `fuzz: replaying ${cases.length} saved case(s)\n` : `fuzz: ${count} documents, seed ${seed}\n`);
  const report = await runFuzz({ seed, count, cases, outDir: values.out, progressEvery: cases ? 0 : 500 });
  process.stdout.write(`${summary(report)}\n${JSON.stringify(report)}\n`);
  const failed = Object.values(report.failures).some((n) => n > 0);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`fuzz: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);

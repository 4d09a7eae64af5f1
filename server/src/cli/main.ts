// dist/cli.js: the same engine as the language server, for terminals and CI.
//   ttp-lens show <ID> [--stix FILE]... [--json]
//   ttp-lens search <text> [--kind KIND]... [--limit N] [--json]
//   ttp-lens coverage <paths…> [--format text|json|navigator] [--stix FILE]...
// Exit codes: 0 success, 1 nothing found, 2 usage or bundle error.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { BundleError } from '../corpus/bundleFile';
import { defaultCacheDir } from '../corpus/cache';
import type { Corpus } from '../corpus/corpus';
import { factsOf } from '../corpus/facts';
import { loadCorpus, resolveStixPaths } from '../corpus/load';
import type { ObjectKind } from '../corpus/model';
import { DEFAULT_SETTINGS } from '../settings';
import { uriToPath } from '../uris';
import { coverageJson, coverageText } from '../workspace/coverage';
import { navigatorLayer } from '../workspace/navigator';
import { ExcludeMatcher, listRuleFiles } from '../workspace/files';
import { indexFilesSync } from '../workspace/indexer';
import { RuleIndex } from '../workspace/ruleIndex';
import { factsToText } from './factsText';

const USAGE = `Usage: ttp-lens <command> [options]

Commands:
  show <ID>            Everything about an ATT&CK object (T1059.001, TA0002, DS0009, DC0032, M1013,
                       DET0493, AN1357, G0007, S0002, C0001)
  search <text>        Find objects by ID prefix, name, alias or acronym ("powers", "ipc")
  coverage <paths…>    Which techniques the rule files under these paths reference (Sigma, Splunk,
                       Elastic, Sentinel, MaxPatrol SIEM), per tactic (text) or per technique and file (json)

Options:
  --stix FILE          ATT&CK STIX bundle (repeat for several domains). Default: $TTPLENS_STIX,
                       the bundle packaged in dist/data/, or ../shared/attack in a development checkout
  --json               Machine-readable output
  --kind KIND          search: only this kind (technique, tactic, dataSource, dataComponent, mitigation,
                       detectionStrategy, analytic, group, software, campaign, asset); repeatable
  --limit N            search: at most N results (default 20)
  --format FORMAT      coverage: text (default), json, or navigator (an ATT&CK Navigator layer, format 4.5)
  --no-cache           Do not read or write the corpus cache ($TTPLENS_CACHE_DIR or ~/.cache/ttp-lens)
  -h, --help           This help
`;

class UsageError extends Error {}

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        stix: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
        kind: { type: 'string', multiple: true },
        limit: { type: 'string' },
        format: { type: 'string' },
        'no-cache': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`ttp-lens: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  try {
    switch (command) {
      case 'show':
        return show(rest, values);
      case 'search':
        return search(rest, values);
      case 'coverage':
        return coverage(rest, values);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`ttp-lens: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof BundleError) {
      process.stderr.write(`ttp-lens: ATT&CK bundle ${error.file} ${error.problem}\n`);
      return 2;
    }
    throw error;
  }
}

interface CommonOptions {
  stix?: string[];
  json?: boolean;
  'no-cache'?: boolean;
  kind?: string[];
  limit?: string;
  format?: string;
}

function openCorpus(options: CommonOptions): Corpus {
  const resolution = resolveStixPaths({ setting: options.stix, settingName: '--stix', env: process.env.TTPLENS_STIX, distDir: __dirname });
  if (!resolution.ok) throw new BundleError(resolution.file, resolution.problem);
  const load = loadCorpus(resolution.paths, { cacheDir: options['no-cache'] ? false : defaultCacheDir() });
  for (const warning of load.corpus.data.warnings) process.stderr.write(`ttp-lens: warning: ${warning.file}: ${warning.problem}\n`);
  return load.corpus;
}

function show(args: string[], options: CommonOptions): number {
  if (args.length !== 1) throw new UsageError('show takes exactly one ID');
  const corpus = openCorpus(options);
  const object = corpus.get(args[0]);
  if (!object) {
    const verdict = corpus.classifyMissing(args[0]);
    const message = verdict.kind === 'newer'
      ? `${args[0]} is not in the loaded ${verdict.loadedVersion}; it may be from a newer ATT&CK release`
      : `${args[0]} is not an ATT&CK ID in ${corpus.versionLabel}`;
    const suggestions = corpus.find(args[0], { limit: 3 }).map((r) => `${r.object.id} ${r.object.name}`);
    process.stderr.write(`ttp-lens: ${message}${suggestions.length ? `; did you mean: ${suggestions.join(', ')}?` : ''}\n`);
    return 1;
  }
  const facts = factsOf(corpus, object);
  process.stdout.write(options.json ? `${JSON.stringify({ attack: corpus.versionLabel, ...facts }, null, 2)}\n` : `${factsToText(facts, corpus.versionLabel)}\n`);
  return 0;
}

function search(args: string[], options: CommonOptions): number {
  if (!args.length) throw new UsageError('search needs the text to look for');
  const limit = options.limit ? Number(options.limit) : 20;
  if (!Number.isInteger(limit) || limit <= 0) throw new UsageError(`--limit must be a positive number, not "${options.limit}"`);
  const corpus = openCorpus(options);
  const results = corpus.find(args.join(' '), { limit, kinds: options.kind as ObjectKind[] | undefined });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(results.map((r) => ({ id: r.object.id, name: r.object.name, kind: r.object.kind, score: Number(r.score.toFixed(3)), matchedOn: r.matchedOn })), null, 2)}\n`);
  } else {
    for (const r of results) process.stdout.write(`${r.object.id.padEnd(10)} ${r.object.name}  (${r.object.kind}${r.matchedOn === 'id' || r.matchedOn === 'name' ? '' : `, ${r.matchedOn}`})\n`);
  }
  return results.length ? 0 : 1;
}

function coverage(args: string[], options: CommonOptions): number {
  if (!args.length) throw new UsageError('coverage needs one or more files or folders');
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'navigator') throw new UsageError(`--format must be text, json or navigator, not "${format}"`);
  const files: string[] = [];
  const exclude = new ExcludeMatcher(DEFAULT_SETTINGS.exclude);
  for (const arg of args) {
    let stat;
    try {
      stat = statSync(arg);
    } catch {
      throw new UsageError(`${arg} does not exist`);
    }
    if (stat.isDirectory()) files.push(...listRuleFiles(path.resolve(arg), exclude));
    else files.push(path.resolve(arg));
  }
  const corpus = openCorpus(options);
  const index = new RuleIndex();
  const skipped = indexFilesSync(files, index);
  for (const [reason, list] of Object.entries(skipped) as [string, string[]][]) {
    if (list.length) process.stderr.write(`ttp-lens: skipped ${list.length} ${reason} file(s): ${list.slice(0, 3).join(', ')}${list.length > 3 ? ', …' : ''}\n`);
  }
  const display = (uri: string) => path.relative(process.cwd(), uriToPath(uri));
  const output = format === 'json' ? JSON.stringify(coverageJson(corpus, index, display), null, 2) : format === 'navigator' ? JSON.stringify(navigatorLayer(corpus, index, {}), null, 2) : coverageText(corpus, index);
  process.stdout.write(`${output}\n`);
  return 0;
}

// `ttp-lens search x | head`: the reader closing the pipe is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = main(process.argv.slice(2));

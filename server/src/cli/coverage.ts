// `ttp-lens coverage <paths…>`: which techniques the rule files under the paths claim, per tactic.
import * as path from 'node:path';
import { uriToPath } from '../uris';
import { coverageJson, coverageText } from '../workspace/coverage';
import { indexFilesSync } from '../workspace/indexer';
import { navigatorLayer } from '../workspace/navigator';
import { RuleIndex } from '../workspace/ruleIndex';
import { type CliCommand, CORPUS_HELP, CORPUS_OPTIONS, oneOf, openCorpus, ruleFilesUnder, UsageError } from './command';

const FORMATS = ['text', 'json', 'navigator'] as const;

export const coverageCommand: CliCommand = {
  name: 'coverage',
  args: '<paths…>',
  summary: 'Which techniques the rule files under these paths claim (Sigma, Splunk, Elastic, Sentinel, MaxPatrol SIEM), per tactic',
  options: { ...CORPUS_OPTIONS, format: { type: 'string' } },
  help: `Options:
  --format FORMAT      text (default), json (per technique and file), or navigator (an ATT&CK
                       Navigator layer, format 4.5)
${CORPUS_HELP}

Examples:
  ttp-lens coverage rules/
  ttp-lens coverage rules/ --format json > coverage.json
  ttp-lens coverage rules/ --format navigator > layer.json`,
  async run(args, values) {
    if (!args.length) throw new UsageError('coverage needs one or more files or folders');
    const format = oneOf(values, 'format', FORMATS, 'text');
    const files = ruleFilesUnder(args);
    const corpus = await openCorpus(values);
    const index = new RuleIndex();
    const skipped = indexFilesSync(files, index);
    for (const [reason, list] of Object.entries(skipped) as [string, string[]][]) {
      if (list.length) process.stderr.write(`ttp-lens: skipped ${list.length} ${reason} file(s): ${list.slice(0, 3).join(', ')}${list.length > 3 ? ', …' : ''}\n`);
    }
    const display = (uri: string) => path.relative(process.cwd(), uriToPath(uri));
    const output = format === 'json' ? JSON.stringify(coverageJson(corpus, index, display), null, 2) : format === 'navigator' ? JSON.stringify(navigatorLayer(corpus, index, {}), null, 2) : coverageText(corpus, index);
    process.stdout.write(`${output}\n`);
    return 0;
  },
};

// `ttp-lens coverage <paths…>`: the coverage model of the rule files under the paths — per tactic
// with every gap by ID and name (text, markdown), per technique (json, csv), or a Navigator layer.
import { coverageCsv, coverageJson, coverageMarkdown, coverageText } from '../workspace/coverage';
import { buildCoverageModel } from '../workspace/coverageModel';
import { indexFilesSync } from '../workspace/indexer';
import { DEFAULT_MAX_SCORE, navigatorLayer } from '../workspace/navigator';
import { RuleIndex } from '../workspace/ruleIndex';
import { type CliCommand, CORPUS_HELP, CORPUS_OPTIONS, fileDisplay, oneOf, openCorpus, positiveInteger, ruleFilesUnder, UsageError } from './command';

const FORMATS = ['text', 'markdown', 'json', 'csv', 'navigator'] as const;

export const coverageCommand: CliCommand = {
  name: 'coverage',
  args: '<paths…>',
  summary: 'The ATT&CK coverage of the rule files under these paths (Sigma, Splunk, Elastic, Sentinel, MaxPatrol SIEM; YARA, Suricata and KQL as text): per tactic, with every gap',
  options: {
    ...CORPUS_OPTIONS,
    format: { type: 'string' },
    gaps: { type: 'boolean', default: false },
    platform: { type: 'string', multiple: true },
    'rule-format': { type: 'string', multiple: true },
    'max-score': { type: 'string' },
  },
  help: `A rule claims a technique when it references exactly its ID. A technique is covered (a rule claims
it), covered via sub-techniques (only sub-techniques are claimed) or a gap; a sub-technique is
covered, parent-only (only its parent is claimed: shown, not counted as covered) or a gap.

Options:
  --format FORMAT      text (default): per tactic its counts, covered techniques and gaps;
                       markdown: the same as a report; json: every technique and sub-technique with
                       its state and the files claiming it, every file with its references;
                       csv: one row per technique; navigator: an ATT&CK Navigator layer (format 4.5)
  --gaps               text, markdown: only the gaps and parent-only sub-techniques
  --platform NAME      Only techniques of this ATT&CK platform (Windows, Linux, macOS, IaaS, …); repeatable
  --rule-format NAME   Only rules of this format (sigma, splunk, elastic, sentinel, xp, text); repeatable
  --max-score N        navigator: rule counts at or above N get the darkest colour (default ${DEFAULT_MAX_SCORE})
${CORPUS_HELP}

Examples:
  ttp-lens coverage rules/
  ttp-lens coverage rules/ --gaps --platform Windows
  ttp-lens coverage rules/ --format markdown > COVERAGE.md
  ttp-lens coverage rules/ --format json > coverage.json
  ttp-lens coverage rules/ --format navigator --max-score 20 > layer.json`,
  async run(args, values) {
    if (!args.length) throw new UsageError('coverage needs one or more files or folders');
    const format = oneOf(values, 'format', FORMATS, 'text');
    const maxScore = positiveInteger(values, 'max-score', DEFAULT_MAX_SCORE);
    const files = ruleFilesUnder(args);
    const corpus = await openCorpus(values);
    const index = new RuleIndex();
    const skipped = indexFilesSync(files, index);
    for (const [reason, list] of Object.entries(skipped) as [string, string[]][]) {
      if (list.length) process.stderr.write(`ttp-lens: skipped ${list.length} ${reason} file(s): ${list.slice(0, 3).join(', ')}${list.length > 3 ? ', …' : ''}\n`);
    }
    const model = buildCoverageModel(corpus, index, { platforms: values.platform as string[] | undefined, formats: values['rule-format'] as string[] | undefined });
    const display = fileDisplay();
    const gapsOnly = values.gaps === true;
    const output =
      format === 'json' ? JSON.stringify(coverageJson(model, index, display), null, 2)
      : format === 'csv' ? coverageCsv(model)
      : format === 'navigator' ? JSON.stringify(navigatorLayer(model, { maxScore }), null, 2)
      : format === 'markdown' ? coverageMarkdown(model, index, { gapsOnly })
      : coverageText(model, index, { gapsOnly });
    process.stdout.write(`${output}\n`);
    return 0;
  },
};

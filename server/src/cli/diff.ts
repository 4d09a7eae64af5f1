// `ttp-lens diff --from A --to B <paths…>`: per rule file, every ATT&CK reference whose meaning
// changes from release A to release B (text, Markdown or JSON).
import { diffJson, diffMarkdown, diffText } from '../releases/diffReport';
import { changesForRules } from '../releases/ruleChanges';
import { indexFilesSync } from '../workspace/indexer';
import { RuleIndex } from '../workspace/ruleIndex';
import { type CliCommand, fileDisplay, oneOf, ruleFilesUnder, UsageError } from './command';
import { openReleases, RELEASE_HELP, RELEASE_OPTIONS } from './releaseOptions';

const FORMATS = ['text', 'markdown', 'json'] as const;

export const diffCommand: CliCommand = {
  name: 'diff',
  args: '--from A [--to B] <paths…>',
  summary: 'What changes for the rules under these paths from ATT&CK release A to B: revoked, deprecated, renamed, moved between tactics, new sub-techniques, deprecated data sources',
  options: { ...RELEASE_OPTIONS, format: { type: 'string' } },
  help: `Per rule file, every reference whose meaning changes: revoked (with the successor, or the
successors of a split), deprecated, renamed, a technique's tactics changed, a tactic renamed or
new, new sub-techniques under a claimed technique, a data source deprecated (with the data
components and detection strategies that replace it), an Elastic name that no longer matches;
and the counts per kind.

Options:
${RELEASE_HELP}
  --format FORMAT      text (default), markdown (a report), json (every change with line and column)

Examples:
  ttp-lens diff --from 17.1 --to 18.1 --releases attack/ rules/
  ttp-lens diff --from enterprise-attack-17.1.json --to enterprise-attack-18.1.json rules/
  ttp-lens diff --from 18.1 rules/ --format markdown > RELEASE-CHANGES.md
  ttp-lens diff --from 17.1 rules/ --format json | jq '.summary'`,
  async run(args, values) {
    if (!args.length) throw new UsageError('diff needs one or more rule files or folders');
    const format = oneOf(values, 'format', FORMATS, 'text');
    const files = ruleFilesUnder(args);
    const diff = await openReleases(values);
    const index = new RuleIndex();
    indexFilesSync(files, index);
    const { files: changed, counts } = changesForRules(diff, index.all());
    const input = { diff, files: changed, counts, ruleCount: index.size, display: fileDisplay() };
    const output = format === 'json' ? JSON.stringify(diffJson(input), null, 2) : format === 'markdown' ? diffMarkdown(input) : diffText(input);
    process.stdout.write(`${output}\n`);
    return 0;
  },
};

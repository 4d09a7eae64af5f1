// dist/cli.js (`ttp-lens` through package.json's bin): the same engine as the language server, for
// terminals and CI. One module per command (cli/<command>.ts); this file parses and dispatches.
// Exit codes: 0 success, 1 nothing found (or findings at the failing level), 2 usage or bundle error.
import { parseArgs } from 'node:util';
import { BundleError } from '../corpus/bundleFile';
import { checkCommand } from './check';
import { type CliCommand, UsageError } from './command';
import { coverageCommand } from './coverage';
import { diffCommand } from './diff';
import { downloadCommand } from './download';
import { migrateCommand } from './migrate';
import { searchCommand } from './search';
import { showCommand } from './show';
import { type Locale, setLocale, toLocale } from '../l10n/l10n';
import { bundleErrorSentence } from '../corpus/bundleErrorText';

const COMMANDS: CliCommand[] = [showCommand, searchCommand, coverageCommand, checkCommand, diffCommand, migrateCommand, downloadCommand];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.length)) + 2;
  return `Usage: ttp-lens <command> [options]

Commands:
${COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.padEnd(width)} ${c.summary}`).join('\n')}

Run \`ttp-lens <command> --help\` for a command's options and examples. Every command takes
--locale en|ru (default: \$LC_ALL, \$LC_MESSAGES, \$LANG) for its messages and reports.
`;
}

/** --locale, else the POSIX locale variables in their order of precedence. */
function cliLocale(option: string | undefined): Locale {
  return toLocale(option ?? (process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG));
}

function usageOf(command: CliCommand): string {
  return `Usage: ttp-lens ${command.name} ${command.args} [options]\n\n${command.summary}.\n\n${command.help}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(overview());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`ttp-lens: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { ...command.options, help: { type: 'boolean', short: 'h', default: false }, locale: { type: 'string' } } });
    setLocale(cliLocale(values.locale as string | undefined));
    if (values.help) {
      process.stdout.write(usageOf(command));
      return 0;
    }
    return await command.run(positionals, values);
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`ttp-lens: ${(error as Error).message}\n\n${usageOf(command)}`);
      return 2;
    }
    if (error instanceof BundleError) {
      process.stderr.write(`ttp-lens: ${bundleErrorSentence(error)}\n`);
      return 2;
    }
    throw error;
  }
}

// `ttp-lens search x | head`: the reader closing the pipe is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

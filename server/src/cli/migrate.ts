// `ttp-lens migrate --from A --to B <paths…> [--write]`: rewrites the rules' ATT&CK references for
// release B — revoked → successor, tactics recomputed, Elastic names, duplicates merged — as a
// unified diff (default) or in place. Ambiguous cases are decided by --choose or left unchanged
// and listed; nothing is guessed.
import { writeFileSync } from 'node:fs';
import { LineIndex } from '../formats/lineIndex';
import type { RuleDocument } from '../formats/model';
import { MIGRATION_KIND_LABEL, MIGRATION_KINDS } from '../releases/migrate';
import { type MigrationInput, parseChoices, planMigration } from '../releases/migrateFiles';
import { applyTextEdits, unifiedDiff } from '../releases/textEdits';
import { fileUri } from '../uris';
import { readRuleFile } from '../workspace/files';
import { indexText } from '../workspace/indexer';
import { type CliCommand, fileDisplay, ruleFilesUnder, UsageError } from './command';
import { openReleases, RELEASE_HELP, RELEASE_OPTIONS } from './releaseOptions';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  args: '--from A [--to B] <paths…>',
  summary: 'Rewrite the ATT&CK references of the rules under these paths from release A to release B (a unified diff, or --write)',
  options: { ...RELEASE_OPTIONS, write: { type: 'boolean', default: false }, choose: { type: 'string', multiple: true } },
  help: `Revoked techniques become their successor; tactic tags and fields are recomputed from each
technique's tactics in B (Sigma tags, Sentinel tactics, Elastic [[rule.threat]] tactic id, name and
reference, MaxPatrol tactic keys); Elastic technique names and references follow; a successor that
is already listed is merged. Only reference and tactic spans or lines change: comments, formatting
and line endings stay as they are. A problem the release did not cause (a tactic already wrong in
A) is left to \`check\`. Exit code 1 when ambiguous or unresolved cases remain.

Options:
${RELEASE_HELP}
  --write              Write the changes to the files (default: print a unified diff)
  --choose ID=CHOICE   Decide an ambiguous case (repeatable): a split revoked technique's successor
                       (T1562=T1685, or T1562=T1685,T1686 to claim both), or the tactic of a
                       technique that belongs to several (T1078=privilege-escalation)

Examples:
  ttp-lens migrate --from 18.1 --to enterprise-attack-19.0.json rules/ > migration.patch
  ttp-lens migrate --from 17.1 --releases attack/ rules/ --write
  ttp-lens migrate --from 18.1 rules/ --choose T1562=T1685 --write`,
  async run(args, values) {
    if (!args.length) throw new UsageError('migrate needs one or more rule files or folders');
    const { choices, problems } = parseChoices((values.choose as string[] | undefined) ?? []);
    if (problems.length) throw new UsageError(problems.join('; '));
    const files = ruleFilesUnder(args);
    const diff = await openReleases(values);
    const inputs: (MigrationInput & { file: string })[] = [];
    for (const file of files) {
      const read = readRuleFile(file);
      if ('skipped' in read) continue;
      const rule = indexText(fileUri(file), file, read.text);
      if (rule) inputs.push({ rule, text: read.text, file });
    }
    const plan = planMigration(diff, inputs, choices);
    const display = fileDisplay();
    const out = values.write ? process.stderr : process.stdout;
    let changedFiles = 0;
    const refused: string[] = [];
    for (const migration of plan.files) {
      if (!migration.edits.length) continue;
      const input = inputs.find((i) => i.rule.uri === migration.uri)!;
      const migrated = applyTextEdits(new LineIndex(input.text), migration.edits);
      // A safety net: never write a file the migration made unreadable (read as the index reads it).
      const errors = (rule: RuleDocument | undefined) => rule?.problems.filter((p) => p.severity === 'error').length ?? Infinity;
      if (errors(indexText(input.rule.uri, input.file, migrated)) > errors(input.rule)) {
        refused.push(display(migration.uri));
        continue;
      }
      changedFiles++;
      if (values.write) writeFileSync(input.file, migrated);
      else out.write(unifiedDiff(input.text, migrated, `a/${display(migration.uri)}`, `b/${display(migration.uri)}`));
    }
    const report = process.stderr;
    const edits = MIGRATION_KINDS.map((kind) => [kind, plan.counts[kind]] as const).filter(([, c]) => c);
    const total = edits.reduce((sum, [, c]) => sum + c!.edits, 0);
    report.write(`ttp-lens: ${diff.from.versionLabel} → ${diff.to.versionLabel}: ${total} change${total === 1 ? '' : 's'} in ${changedFiles} of ${plan.ruleCount} rule files${values.write ? ' written' : ''}\n`);
    for (const [kind, count] of edits) report.write(`  ${MIGRATION_KIND_LABEL[kind]}: ${count!.edits} in ${count!.files} file${count!.files === 1 ? '' : 's'}\n`);
    for (const c of plan.ambiguous) {
      const hint = c.kind === 'successor'
        ? `--choose ${c.key}=${c.options[0]?.id ?? '…'}${c.options.length > 1 ? ` (or ${c.key}=${c.options.map((o) => o.id).join(',')} for all)` : ''}`
        : `--choose ${c.key}=${c.options[0]?.id ?? '…'}`;
      report.write(`ttp-lens: ambiguous, left unchanged in ${c.files.length} file${c.files.length === 1 ? '' : 's'}: ${c.message} Options: ${c.options.map((o) => `${o.id} ${o.name}`).join('; ')}. Decide with ${hint}\n`);
      for (const uri of c.files) report.write(`    ${display(uri)}\n`);
    }
    for (const migration of plan.files) {
      for (const u of migration.unresolved) report.write(`ttp-lens: ${display(migration.uri)}:${u.range.start.line + 1}:${u.range.start.character + 1}: not migrated: ${u.message}\n`);
    }
    for (const file of refused) report.write(`ttp-lens: ${file}: not migrated: the changes would make it unreadable (please report this)\n`);
    const open = plan.ambiguous.length + plan.files.reduce((sum, f) => sum + f.unresolved.length, 0) + refused.length;
    return open ? 1 : 0;
  },
};

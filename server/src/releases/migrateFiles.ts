// Migrating a set of rule files: each file's edits (migrate.ts), the ambiguous cases merged across
// files (one question per revoked technique or open tactic), the counts per kind, and the result as
// one LSP WorkspaceEdit with a change annotation per kind, so the editor's refactor preview groups
// the changes by kind and asks for confirmation.
import type { ChangeAnnotation, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { RuleDocument } from '../formats/model';
import { type AmbiguousCase, type FileMigration, MIGRATION_KIND_LABEL, MIGRATION_KINDS, type MigrationChoices, type MigrationKind, migrateRule } from './migrate';
import type { ReleaseDiff } from './releaseDiff';

export interface MigrationInput {
  rule: RuleDocument;
  text: string;
}

export interface MergedAmbiguousCase extends AmbiguousCase {
  /** The files (URIs) where it occurs. */
  files: string[];
}

export interface MigrationPlan {
  /** Files with edits, ambiguous or unresolved cases, by URI. */
  files: FileMigration[];
  ambiguous: MergedAmbiguousCase[];
  counts: Partial<Record<MigrationKind, { edits: number; files: number }>>;
  /** Rule files looked at. */
  ruleCount: number;
}

export function planMigration(diff: ReleaseDiff, inputs: Iterable<MigrationInput>, choices: MigrationChoices = new Map()): MigrationPlan {
  const files: FileMigration[] = [];
  const ambiguous = new Map<string, MergedAmbiguousCase>();
  const counts: MigrationPlan['counts'] = {};
  let ruleCount = 0;
  for (const { rule, text } of inputs) {
    if (rule.format === 'text') continue;
    ruleCount++;
    const migration = migrateRule(diff, rule, text, choices);
    if (!migration.edits.length && !migration.ambiguous.length && !migration.unresolved.length) continue;
    files.push(migration);
    for (const c of migration.ambiguous) {
      const key = `${c.kind}:${c.key}`;
      const merged = ambiguous.get(key);
      if (merged) {
        if (!merged.files.includes(rule.uri)) merged.files.push(rule.uri);
        for (const option of c.options) if (!merged.options.some((o) => o.id === option.id)) merged.options.push(option);
      } else ambiguous.set(key, { ...c, options: [...c.options], files: [rule.uri] });
    }
    const kinds = new Set<MigrationKind>();
    for (const edit of migration.edits) {
      const count = (counts[edit.kind] ??= { edits: 0, files: 0 });
      count.edits++;
      kinds.add(edit.kind);
    }
    for (const kind of kinds) counts[kind]!.files++;
  }
  files.sort((a, b) => a.uri.localeCompare(b.uri));
  return { files, ambiguous: [...ambiguous.values()].sort((a, b) => a.key.localeCompare(b.key)), counts, ruleCount };
}

/** The plan's edits as one WorkspaceEdit: a text-document edit per file (with the open document's
 *  version, or null for a file on disk) whose edits carry their kind's change annotation. */
export function migrationWorkspaceEdit(plan: MigrationPlan, versionOf: (uri: string) => number | null): WorkspaceEdit {
  const changeAnnotations: Record<string, ChangeAnnotation> = {};
  for (const kind of MIGRATION_KINDS) {
    const count = plan.counts[kind];
    if (!count) continue;
    changeAnnotations[kind] = {
      label: MIGRATION_KIND_LABEL[kind],
      needsConfirmation: true,
      description: `${count.edits} change${count.edits === 1 ? '' : 's'} in ${count.files} file${count.files === 1 ? '' : 's'}`,
    };
  }
  const documentChanges: TextDocumentEdit[] = plan.files
    .filter((file) => file.edits.length)
    .map((file) => ({
      textDocument: { uri: file.uri, version: versionOf(file.uri) },
      edits: file.edits.map((edit) => ({ range: edit.range, newText: edit.newText, annotationId: edit.kind })),
    }));
  return { documentChanges, changeAnnotations };
}

/** `--choose T1562=T1685` / `T1562=T1685,T1686` / `T1112=defense-impairment` → choices. */
export function parseChoices(values: readonly string[]): { choices: Map<string, string[]>; problems: string[] } {
  const choices = new Map<string, string[]>();
  const problems: string[] = [];
  for (const value of values) {
    const match = /^\s*([^=\s]+)\s*=\s*(.+?)\s*$/.exec(value);
    if (!match) {
      problems.push(`--choose ${value}: write ID=CHOICE, e.g. T1562=T1685`);
      continue;
    }
    choices.set(match[1].toUpperCase(), match[2].split(/[,+]/).map((v) => v.trim()).filter(Boolean));
  }
  return { choices, problems };
}

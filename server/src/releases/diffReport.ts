// The release diff of a set of rules as text (terminal), Markdown (CLI and the editor's report) and
// JSON (tools). One renderer per form; the content comes from ruleChanges.ts.
import type { ObjectKind } from '../corpus/model';
import type { ReleaseDiff, ReleaseSummaryRow } from './releaseDiff';
import { CHANGE_KIND_LABEL, CHANGE_KINDS, type ChangeCounts, type ReferenceChange, type RuleChanges } from './ruleChanges';
import { formatCount } from '../l10n/l10n';

export interface DiffReportInput {
  diff: ReleaseDiff;
  files: RuleChanges[];
  counts: ChangeCounts;
  /** How many rule files were compared. */
  ruleCount: number;
  /** A file's URI as the reader should see it (a relative path). */
  display: (uri: string) => string;
  /** Markdown: a link target for a file at a line (the editor links to the file), if any. */
  link?: (uri: string, line: number) => string;
}

const thousands = (n: number) => formatCount(n, 'en');
const plural = (n: number, word: string) => `${thousands(n)} ${word}${n === 1 ? '' : 's'}`;
const total = (counts: ChangeCounts) => Object.values(counts).reduce((sum, c) => sum + (c?.references ?? 0), 0);
const idList = (ids: readonly string[], max = 12) => ids.slice(0, max).join(', ') + (ids.length > max ? `, … (${ids.length})` : '');
/** Plural labels of object kinds, for the release-level table. */
const KIND_PLURAL: Record<ObjectKind, string> = {
  technique: 'Techniques',
  tactic: 'Tactics',
  dataSource: 'Data sources',
  dataComponent: 'Data components',
  mitigation: 'Mitigations',
  detectionStrategy: 'Detection strategies',
  analytic: 'Analytics',
  group: 'Groups',
  software: 'Software',
  campaign: 'Campaigns',
  asset: 'Assets',
};
const escapeMd = (text: string) => text.replace(/([\\`*_[\]<>|])/g, '\\$1');

function headline(input: DiffReportInput): string {
  const { diff, files, counts, ruleCount } = input;
  return `${diff.from.versionLabel} → ${diff.to.versionLabel}: ${plural(total(counts), 'reference')} in ${plural(files.length, 'rule file')} (of ${thousands(ruleCount)}) change meaning`;
}

function releaseLine(row: ReleaseSummaryRow): string {
  const parts = [
    row.revoked && `${row.revoked} revoked`,
    row.deprecated && `${row.deprecated} deprecated`,
    row.renamed && `${row.renamed} renamed`,
    row.tacticsChanged && `${row.tacticsChanged} moved between tactics`,
    row.introduced && `${row.introduced} new`,
  ].filter(Boolean);
  return `${KIND_PLURAL[row.kind]}: ${parts.join(', ')}`;
}

export function diffText(input: DiffReportInput): string {
  const lines = [headline(input), ''];
  for (const kind of CHANGE_KINDS) {
    const count = input.counts[kind];
    if (count) lines.push(`  ${CHANGE_KIND_LABEL[kind]}: ${plural(count.references, 'reference')} in ${plural(count.files, 'file')} (${idList(count.ids)})`);
  }
  const release = input.diff.summary();
  if (release.length) lines.push('', 'In the releases themselves:', ...release.map((row) => `  ${releaseLine(row)}`));
  for (const file of input.files) {
    lines.push('', input.display(file.uri));
    for (const change of file.changes) lines.push(`  ${change.range.start.line + 1}:${change.range.start.character + 1}  ${change.kind}  ${change.reference.written}  ${change.message}`);
  }
  return lines.join('\n');
}

export function diffMarkdown(input: DiffReportInput): string {
  const { diff } = input;
  const lines = [`# ATT&CK release changes: ${diff.from.versionLabel} → ${diff.to.versionLabel}`, '', `${headline(input)}.`, ''];
  if (total(input.counts)) {
    lines.push('| change | references | files | IDs |', '| --- | ---: | ---: | --- |');
    for (const kind of CHANGE_KINDS) {
      const count = input.counts[kind];
      if (count) lines.push(`| ${CHANGE_KIND_LABEL[kind]} | ${count.references} | ${count.files} | ${escapeMd(idList(count.ids))} |`);
    }
    lines.push('');
  }
  const release = diff.summary();
  if (release.length) {
    lines.push('## In the releases themselves', '', '| objects | revoked | deprecated | renamed | moved between tactics | new |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const row of release) lines.push(`| ${KIND_PLURAL[row.kind]} | ${row.revoked} | ${row.deprecated} | ${row.renamed} | ${row.tacticsChanged} | ${row.introduced} |`);
    lines.push('');
  }
  if (input.files.length) lines.push('## Rule files', '');
  for (const file of input.files) {
    const title = file.title ? ` — ${escapeMd(file.title)}` : '';
    lines.push(`### ${escapeMd(input.display(file.uri))}${title}`, '');
    for (const change of file.changes) {
      const line = change.range.start.line + 1;
      const where = input.link ? `[line ${line}](${input.link(file.uri, line)})` : `line ${line}`;
      lines.push(`- ${where} \`${change.reference.written.replace(/`/g, "'")}\` — **${CHANGE_KIND_LABEL[change.kind]}**: ${escapeMd(change.message)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

const jsonChange = (change: ReferenceChange) => ({
  line: change.range.start.line + 1,
  column: change.range.start.character + 1,
  kind: change.kind,
  id: change.id,
  written: change.reference.written,
  message: change.message,
  ...(change.successors && { successors: change.successors }),
  ...(change.subtechniques && { subtechniques: change.subtechniques }),
  ...(change.components && { components: change.components }),
  ...(change.detectionStrategies && { detectionStrategies: change.detectionStrategies }),
  ...(change.tactics && { tactics: change.tactics }),
  ...(change.name && { name: change.name }),
});

export function diffJson(input: DiffReportInput): unknown {
  const release = (label: string, corpus: ReleaseDiff['from']) => ({ label, bundles: corpus.data.bundles.map((b) => ({ path: b.path, domain: b.domain, version: b.version })) });
  return {
    from: release(input.diff.from.versionLabel, input.diff.from),
    to: release(input.diff.to.versionLabel, input.diff.to),
    rules: input.ruleCount,
    summary: input.counts,
    release: input.diff.summary(),
    files: input.files.map((file) => ({ file: input.display(file.uri), format: file.format, title: file.title, changes: file.changes.map(jsonChange) })),
  };
}

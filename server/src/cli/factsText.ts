// ObjectFacts → plain text for the terminal (the CLI's `show`).
import { type ObjectFacts, type ObjectRef, usedBySentence } from '../corpus/facts';
import { OBJECT_KIND_LABEL } from '../corpus/model';

const WIDTH = 100;

/** Markdown links → their text; code spans → their content. */
export function plainText(markdown: string): string {
  return markdown.replace(/\[([^\]]+)\]\([^)]+\)/g, '$1').replace(/`([^`]*)`/g, '$1');
}

function wrap(text: string, indent = ''): string {
  const out: string[] = [];
  for (const paragraph of text.split(/\n/)) {
    let line = indent;
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line.length + word.length + 1 > WIDTH && line.trim()) {
        out.push(line.trimEnd());
        line = indent;
      }
      line += (line.trim() ? ' ' : '') + word;
    }
    out.push(line.trimEnd());
  }
  return out.join('\n');
}

const refLine = (r: ObjectRef) => (r.id ? `${r.id} ${r.name}` : r.label);

function list(title: string, items: string[], limit = 25): string[] {
  if (!items.length) return [];
  const shown = items.slice(0, limit).map((i) => `  ${i}`);
  if (items.length > limit) shown.push(`  … and ${items.length - limit} more`);
  return ['', `${title}:`, ...shown];
}

export function factsToText(facts: ObjectFacts, versionLabel: string): string {
  const { ref } = facts;
  const lines: string[] = [`${ref.id}  ${ref.name}`];
  const kind = facts.softwareType ? `Software (${facts.softwareType})` : OBJECT_KIND_LABEL[ref.kind];
  lines.push([kind, versionLabel, ref.url].filter(Boolean).join(' · '));
  if (facts.revoked) lines.push(facts.successor ? `REVOKED — replaced by ${refLine(facts.successor)}` : 'REVOKED');
  else if (facts.deprecated) lines.push('DEPRECATED');
  if (facts.parent && ref.kind === 'technique') lines.push(`Sub-technique of: ${refLine(facts.parent)}`);
  if (facts.tactics?.length) lines.push(`Tactics:   ${facts.tactics.map((t) => (t.id ? `${t.name} (${t.id})` : t.name)).join(', ')}`);
  if (facts.platforms?.length) lines.push(`Platforms: ${facts.platforms.join(', ')}`);
  if (facts.aliases?.length) lines.push(`Aliases:   ${facts.aliases.join(', ')}`);
  if (facts.parent && ref.kind !== 'technique') lines.push(`Part of:   ${refLine(facts.parent)}`);
  if (facts.summary) lines.push('', wrap(plainText(facts.summary)));
  lines.push(...list('Sub-techniques', (facts.subtechniques ?? []).map(refLine)));
  lines.push(
    ...list(
      'Detection — data components',
      (facts.observedBy ?? []).map((entry) => {
        const label = entry.dataSource && entry.component.id ? `${entry.dataSource.id} ${entry.dataSource.name}: ${refLine(entry.component)}` : refLine(entry.component);
        const via = entry.via.map((v) => `${v.logSource.name} ${v.logSource.channel} (${v.analytic.id})`);
        return via.length ? `${label} — ${via.join('; ')}` : label;
      }),
      50,
    ),
  );
  for (const strategy of facts.detectionStrategies ?? []) {
    lines.push('', `Detection strategy ${refLine(strategy.strategy)}:`);
    for (const analytic of strategy.analytics) {
      lines.push(`  ${analytic.analytic.id} (${analytic.platforms.join(', ') || 'all platforms'})`);
      for (const read of analytic.reads) lines.push(`    ${refLine(read.component)} — ${read.logSource.name} ${read.logSource.channel}`);
    }
  }
  lines.push(...list('Mitigations', (facts.mitigations ?? []).map((m) => refLine(m.mitigation))));
  lines.push(...list('Data components', (facts.components ?? []).map(refLine)));
  lines.push(...list('Log sources', (facts.logSources ?? []).map((l) => `${l.name} ${l.channel}`)));
  if (facts.techniques && ref.kind !== 'technique') lines.push(...list(`Techniques (${facts.techniques.length})`, facts.techniques.map(refLine)));
  if (facts.usedBy) lines.push('', usedBySentence(facts.usedBy));
  return lines.join('\n');
}

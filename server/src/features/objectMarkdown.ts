// ObjectFacts → Markdown for hovers and completion documentation.
import { type ObjectFacts, type ObjectRef, usedBySentence } from '../corpus/facts';
import { OBJECT_KIND_LABEL } from '../corpus/model';

export interface MarkdownOptions {
  /** "ATT&CK v18.1", shown in the header line. */
  versionLabel: string;
  /** Short form for completion items: header, status and summary only. */
  brief?: boolean;
  /** The workspace's coverage of the object, right after the title line. */
  workspaceSummary?: string;
  /** Lines about the workspace (rules referencing the object), appended before the footer. */
  workspaceLines?: string[];
  /** Maximum list entries before "and N more". */
  listLimit?: number;
}

export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

/** A URL as a Markdown link target: only https (and http) pages, with what would end or break the
 *  target percent-encoded; anything else (command:, javascript:, file:, data:) is no link. */
export function safeLinkTarget(url: string): string | undefined {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return undefined;
  return url.replace(/[()<>\s"'`\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Corpus prose (STIX descriptions, which are Markdown) made inert: https links and code spans are
 *  kept; everything else is escaped — raw HTML, images, links to any other scheme (their text is
 *  kept, their target dropped), reference-style links, emphasis. A crafted bundle cannot put active
 *  content, a remote image or a command link into a hover. */
export function safeMarkdown(markdown: string): string {
  const out: string[] = [];
  const token = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)|(!?)\[([^\[\]\n]*)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+"[^"\n]*")?\)/g;
  let last = 0;
  for (const match of markdown.matchAll(token)) {
    out.push(escapeMarkdown(markdown.slice(last, match.index)));
    if (match[1] !== undefined) {
      // A code span: its content is shown verbatim, whatever it holds.
      out.push(code(match[2]));
    } else {
      const target = match[3] ? undefined : safeLinkTarget(match[5]);
      out.push(target ? `[${escapeMarkdown(match[4])}](${target})` : escapeMarkdown(match[4]));
    }
    last = match.index + match[0].length;
  }
  out.push(escapeMarkdown(markdown.slice(last)));
  return out.join('');
}

function link(ref: ObjectRef, text = `${ref.id}`): string {
  const target = ref.url ? safeLinkTarget(ref.url) : undefined;
  return target ? `[${escapeMarkdown(text)}](${target})` : escapeMarkdown(text);
}

function refText(ref: ObjectRef): string {
  return ref.id ? `${link(ref)} ${escapeMarkdown(ref.name)}` : escapeMarkdown(ref.name);
}

function limited<T>(items: readonly T[], limit: number, render: (item: T) => string, separator = ', '): string {
  const shown = items.slice(0, limit).map(render).join(separator);
  return items.length > limit ? `${shown}${separator}… and ${items.length - limit} more` : shown;
}

/** Code spans for log-source channels, which hold `=` and spaces (and any text: a backtick inside
 *  becomes a quote, so nothing ends the span early; line breaks become spaces). */
function code(text: string): string {
  return '`' + text.replace(/`/g, "'").replace(/\s*\n\s*/g, ' ') + '`';
}

export function factsToMarkdown(facts: ObjectFacts, options: MarkdownOptions): string {
  const limit = options.listLimit ?? 8;
  const lines: string[] = [];
  const { ref } = facts;
  const subtitle = facts.softwareType ? `Software (${facts.softwareType})` : OBJECT_KIND_LABEL[ref.kind];
  lines.push(`**${escapeMarkdown(ref.id)} · ${escapeMarkdown(ref.name)}** — ${subtitle} · ${escapeMarkdown(options.versionLabel)}`);
  if (options.workspaceSummary) lines.push('', options.workspaceSummary);
  if (facts.revoked) {
    lines.push('', facts.successor ? `⚠ **Revoked** — replaced by ${refText(facts.successor)}.` : '⚠ **Revoked** in this ATT&CK release.');
  } else if (facts.deprecated) {
    lines.push('', '⚠ **Deprecated** in this ATT&CK release.');
  }
  const meta: string[] = [];
  if (facts.parent && ref.kind === 'technique') meta.push(`Sub-technique of ${refText(facts.parent)}`);
  if (facts.tactics?.length) meta.push(`Tactics: ${facts.tactics.map((t) => (t.id ? `${escapeMarkdown(t.name)} (${link(t)})` : escapeMarkdown(t.name))).join(', ')}`);
  if (facts.platforms?.length) meta.push(`Platforms: ${facts.platforms.map(escapeMarkdown).join(', ')}`);
  if (facts.aliases?.length) meta.push(`Also known as: ${limited(facts.aliases, 6, escapeMarkdown)}`);
  if (facts.parent && ref.kind === 'dataComponent') meta.push(`Data source: ${refText(facts.parent)}`);
  if (facts.parent && ref.kind === 'analytic') meta.push(`Detection strategy: ${refText(facts.parent)}`);
  if (meta.length) lines.push('', meta.join('  \n'));
  if (facts.summary) lines.push('', safeMarkdown(facts.summary));
  if (options.brief) return lines.join('\n');

  if (facts.subtechniques?.length) lines.push('', `**Sub-techniques:** ${limited(facts.subtechniques, limit, refText)}`);
  if (facts.observedBy) {
    if (facts.observedBy.length) {
      lines.push('', '**Detection — data components**');
      for (const entry of facts.observedBy.slice(0, limit)) lines.push(componentLine(entry));
      if (facts.observedBy.length > limit) lines.push(`- … and ${facts.observedBy.length - limit} more`);
    } else {
      lines.push('', '_ATT&CK lists no data component that observes this technique._');
    }
  }
  if (facts.detectionStrategies?.length && ref.kind === 'technique') {
    const strategies = facts.detectionStrategies.map(
      (s) => `${refText(s.strategy)} (${s.analytics.map((a) => `${link(a.analytic)}${a.platforms.length ? ' ' + a.platforms.join('/') : ''}`).join(', ')})`,
    );
    lines.push('', `**Detection strategies:** ${strategies.join('; ')}`);
  }
  if (facts.analytic) {
    lines.push('', '**Reads**');
    for (const read of facts.analytic.reads) lines.push(`- ${refText(read.component)} — ${escapeMarkdown(read.logSource.name)} ${code(read.logSource.channel)}`);
  }
  if (facts.mitigations?.length) {
    lines.push('', '**Mitigations**');
    for (const m of facts.mitigations.slice(0, limit)) lines.push(`- ${refText(m.mitigation)}`);
    if (facts.mitigations.length > limit) lines.push(`- … and ${facts.mitigations.length - limit} more`);
  }
  if (facts.components?.length) lines.push('', `**Data components:** ${limited(facts.components, limit, refText)}`);
  if (facts.logSources?.length) {
    lines.push('', `**Log sources:** ${limited(facts.logSources, 6, (l) => `${escapeMarkdown(l.name)} ${code(l.channel)}`)}`);
  }
  if (facts.techniques && ref.kind !== 'technique') {
    const verb = TECHNIQUE_VERB[ref.kind] ?? 'Techniques';
    lines.push('', facts.techniques.length ? `**${verb} (${facts.techniques.length}):** ${limited(facts.techniques, limit, refText)}` : `_${verb}: none in this release._`);
  }
  if (facts.usedBy && (facts.usedBy.groups || facts.usedBy.software || facts.usedBy.campaigns)) {
    lines.push('', usedBySentence(facts.usedBy));
  }
  if (options.workspaceLines?.length) lines.push('', ...options.workspaceLines);
  const page = ref.url ? safeLinkTarget(ref.url) : undefined;
  if (page) lines.push('', `[Open ${escapeMarkdown(ref.id)} on attack.mitre.org](${page})`);
  return lines.join('\n');
}

const TECHNIQUE_VERB: Partial<Record<string, string>> = {
  tactic: 'Techniques',
  dataSource: 'Observes techniques',
  dataComponent: 'Observes techniques',
  mitigation: 'Mitigates techniques',
  detectionStrategy: 'Detects techniques',
  analytic: 'Detects techniques',
  group: 'Uses techniques',
  software: 'Uses techniques',
  campaign: 'Uses techniques',
};

function componentLine(entry: NonNullable<ObjectFacts['observedBy']>[number]): string {
  const name = entry.component.id ? refText(entry.component) : escapeMarkdown(entry.component.label);
  const label = entry.dataSource && entry.component.id ? `${link(entry.dataSource)} ${escapeMarkdown(entry.dataSource.name)}: ${name}` : name;
  if (entry.via.length) {
    const sources = entry.via.slice(0, 3).map((v) => `${escapeMarkdown(v.logSource.name)} ${code(v.logSource.channel)} (${v.analytic.id})`);
    return `- ${label} — ${sources.join('; ')}${entry.via.length > 3 ? '; …' : ''}`;
  }
  if (entry.description) return `- ${label} — ${escapeMarkdown(truncate(entry.description, 140))}`;
  return `- ${label}`;
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

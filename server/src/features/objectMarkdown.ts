// ObjectFacts → Markdown for hovers and completion documentation.
import { type ObjectFacts, type ObjectRef, usedBySentence } from '../corpus/facts';
import { OBJECT_KIND_LABEL } from '../corpus/model';
import { later, t, translated } from '../l10n/l10n';

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
  /** Which text is in which language, when an overlay gave only some of them. */
  languageNote?: string;
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
  return items.length > limit ? `${shown}${separator}${t('… and {0} more', items.length - limit)}` : shown;
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
  const subtitle = facts.softwareType ? t('Software ({0})', facts.softwareType) : translated(OBJECT_KIND_LABEL[ref.kind]);
  lines.push(`**${escapeMarkdown(ref.id)} · ${escapeMarkdown(ref.name)}** — ${subtitle} · ${escapeMarkdown(options.versionLabel)}`);
  if (options.workspaceSummary) lines.push('', options.workspaceSummary);
  if (facts.revoked) {
    lines.push('', facts.successor ? t('⚠ **Revoked** — replaced by {0}.', refText(facts.successor)) : t('⚠ **Revoked** in this ATT&CK release.'));
  } else if (facts.deprecated) {
    lines.push('', t('⚠ **Deprecated** in this ATT&CK release.'));
  }
  const meta: string[] = [];
  if (facts.parent && ref.kind === 'technique') meta.push(t('Sub-technique of {0}', refText(facts.parent)));
  if (facts.tactics?.length) meta.push(t('Tactics: {0}', facts.tactics.map((t) => (t.id ? `${escapeMarkdown(t.name)} (${link(t)})` : escapeMarkdown(t.name))).join(', ')));
  if (facts.platforms?.length) meta.push(t('Platforms: {0}', facts.platforms.map(escapeMarkdown).join(', ')));
  if (facts.aliases?.length) meta.push(t('Also known as: {0}', limited(facts.aliases, 6, escapeMarkdown)));
  if (facts.parent && ref.kind === 'dataComponent') meta.push(t('Data source: {0}', refText(facts.parent)));
  if (facts.parent && ref.kind === 'analytic') meta.push(t('Detection strategy: {0}', refText(facts.parent)));
  if (meta.length) lines.push('', meta.join('  \n'));
  if (facts.summary) lines.push('', safeMarkdown(facts.summary));
  if (options.languageNote) lines.push('', options.languageNote);
  if (options.brief) return lines.join('\n');

  if (facts.subtechniques?.length) lines.push('', t('**Sub-techniques:** {0}', limited(facts.subtechniques, limit, refText)));
  if (facts.observedBy) {
    if (facts.observedBy.length) {
      lines.push('', t('**Detection — data components**'));
      for (const entry of facts.observedBy.slice(0, limit)) lines.push(componentLine(entry));
      if (facts.observedBy.length > limit) lines.push(`- ${t('… and {0} more', facts.observedBy.length - limit)}`);
    } else {
      lines.push('', `_${t('ATT&CK lists no data component that observes this technique.')}_`);
    }
  }
  if (facts.detectionStrategies?.length && ref.kind === 'technique') {
    const strategies = facts.detectionStrategies.map(
      (s) => `${refText(s.strategy)} (${s.analytics.map((a) => `${link(a.analytic)}${a.platforms.length ? ' ' + a.platforms.join('/') : ''}`).join(', ')})`,
    );
    lines.push('', t('**Detection strategies:** {0}', strategies.join('; ')));
  }
  if (facts.analytic) {
    lines.push('', t('**Reads**'));
    for (const read of facts.analytic.reads) lines.push(`- ${refText(read.component)} — ${escapeMarkdown(read.logSource.name)} ${code(read.logSource.channel)}`);
  }
  if (facts.mitigations?.length) {
    lines.push('', t('**Mitigations**'));
    for (const m of facts.mitigations.slice(0, limit)) lines.push(`- ${refText(m.mitigation)}`);
    if (facts.mitigations.length > limit) lines.push(`- ${t('… and {0} more', facts.mitigations.length - limit)}`);
  }
  if (facts.components?.length) lines.push('', t('**Data components:** {0}', limited(facts.components, limit, refText)));
  if (facts.logSources?.length) {
    lines.push('', t('**Log sources:** {0}', limited(facts.logSources, 6, (l) => `${escapeMarkdown(l.name)} ${code(l.channel)}`)));
  }
  if (facts.techniques && ref.kind !== 'technique') {
    const verb = translated(TECHNIQUE_VERB[ref.kind] ?? 'Techniques');
    lines.push('', facts.techniques.length ? `**${verb} (${facts.techniques.length}):** ${limited(facts.techniques, limit, refText)}` : `_${verb}: ${t('none in this release')}_`);
  }
  if (facts.usedBy && (facts.usedBy.groups || facts.usedBy.software || facts.usedBy.campaigns)) {
    lines.push('', usedBySentence(facts.usedBy));
  }
  if (options.workspaceLines?.length) lines.push('', ...options.workspaceLines);
  const page = ref.url ? safeLinkTarget(ref.url) : undefined;
  if (page) lines.push('', `[${t('Open {0} on attack.mitre.org', escapeMarkdown(ref.id))}](${page})`);
  return lines.join('\n');
}

const TECHNIQUE_VERB: Partial<Record<string, string>> = {
  tactic: later('Techniques'),
  dataSource: later('Observes techniques'),
  dataComponent: later('Observes techniques'),
  mitigation: later('Mitigates techniques'),
  detectionStrategy: later('Detects techniques'),
  analytic: later('Detects techniques'),
  group: later('Uses techniques'),
  software: later('Uses techniques'),
  campaign: later('Uses techniques'),
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

// Hover on a rule's log source (Sigma `logsource`, Splunk `data_source`, Elastic `index`, Sentinel
// data types, MaxPatrol `DataSources`): the ATT&CK data components it provides per the log-source
// table, how many techniques each observes, the platforms its events come from and a link to the
// table entry — or, for a log source the table does not know, how to add it.
import type { Corpus } from '../corpus/corpus';
import { attackUrl } from '../corpus/ids';
import type { AttackObject } from '../corpus/model';
import type { LogSource, RuleDocument, RuleFormat } from '../formats/model';
import { FORMAT_LABEL } from '../formats/model';
import type { MappedComponents } from '../workspace/logSourceMap';
import { describeLogSource } from './logSourceContext';
import { escapeMarkdown } from './objectMarkdown';
import { t, tn } from '../l10n/l10n';

export interface LogSourceHoverContext {
  corpus: Corpus;
  /** The table entry a log source matches (user entries first), or undefined. */
  entryFor: (source: LogSource, format: RuleFormat) => MappedComponents | undefined;
  /** A link target for a built-in table entry (the shipped data/logsource-map.json at its line). */
  tableLink?: (table: NonNullable<MappedComponents['table']>) => string | undefined;
}

const inside = (range: LogSource['range'], line: number, character: number) =>
  (line > range.start.line || (line === range.start.line && character >= range.start.character)) &&
  (line < range.end.line || (line === range.end.line && character <= range.end.character));

/** The log source under a position: its own range, or (Sigma) anywhere in its `logsource` block. */
export function logSourceAt(rule: RuleDocument, line: number, character: number): LogSource | undefined {
  return rule.logSources.find((s) => inside(s.range, line, character) || (s.span && inside(s.span, line, character)));
}

const componentsByName = new WeakMap<Corpus, Map<string, AttackObject>>();

function componentNamed(corpus: Corpus, name: string): AttackObject | undefined {
  let byName = componentsByName.get(corpus);
  if (!byName) {
    byName = new Map();
    for (const c of corpus.ofKind('dataComponent')) if (!c.revoked) byName.set(c.name.toLowerCase(), c);
    componentsByName.set(corpus, byName);
  }
  return byName.get(name.toLowerCase());
}

function componentLabel(corpus: Corpus, component: AttackObject): string {
  const url = component.id ? attackUrl(component.id, 'dataComponent') : undefined;
  const source = corpus.parentOf(component);
  const text = component.id ? `${component.id} ${component.name}` : source ? `${source.id} ${source.name}: ${component.name}` : component.name;
  return url ? `[${escapeMarkdown(component.id)}](${url}) ${escapeMarkdown(component.name)}` : escapeMarkdown(text);
}

/** What a user would write in `ttpLens.logSourceMap` for this log source. */
function settingExample(source: LogSource, format: RuleFormat): string {
  const components = ['Process Creation'];
  let entry: Record<string, unknown>;
  let section: string;
  if (source.category || source.product || source.service) {
    section = 'sigma';
    entry = { ...(source.product ? { product: source.product } : {}), ...(source.category ? { category: source.category } : source.service ? { service: source.service } : {}), components };
  } else if (source.provider) {
    section = 'xp';
    entry = { provider: source.provider, components };
  } else if (format === 'elastic') {
    section = 'elastic';
    entry = { index: source.name, components };
  } else if (format === 'sentinel') {
    section = 'sentinel';
    entry = { dataType: source.name, components };
  } else {
    section = 'splunk';
    entry = { pattern: `^${(source.name ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, components };
  }
  return `\`\`\`json\n"ttpLens.logSourceMap": { "${section}": [${JSON.stringify(entry).replace(/,"/g, ', "').replace(/":/g, '": ')}] }\n\`\`\``;
}

export function logSourceHover(rule: RuleDocument, source: LogSource, context: LogSourceHoverContext): string {
  const { corpus } = context;
  const title = `**${t('Log source')}** \`${describeLogSource(source).replace(/`/g, "'")}\` · ${FORMAT_LABEL[rule.format]}`;
  const mapped = context.entryFor(source, rule.format);
  if (!mapped) {
    return [
      title,
      '',
      t("This log source is not in TTP Lens's log-source table, so TTP Lens cannot tell which ATT&CK data components it provides: no `ttp.unobservable` check and no per-component coverage for this rule."),
      '',
      t('Add it with the setting `ttpLens.logSourceMap` (the shape of `data/logsource-map.json`), for example:'),
      '',
      settingExample(source, rule.format),
    ].join('\n');
  }
  const where = mapped.table?.builtin === false ? t('your `ttpLens.logSourceMap` setting') : t("TTP Lens's log-source table");
  const link = mapped.table?.builtin !== false && mapped.table ? context.tableLink?.(mapped.table) : undefined;
  const entryText = link ? `[${escapeMarkdown(mapped.entry)}](${link})` : `\`${mapped.entry}\``;
  const basis = typeof mapped.table?.entry.basis === 'string' ? `, ${t('basis: {0}', escapeMarkdown(mapped.table.entry.basis))}` : '';
  const note = typeof mapped.table?.entry.note === 'string' ? escapeMarkdown(mapped.table.entry.note) : '';
  const lines = [title, ''];
  if (!mapped.components.length) {
    lines.push(`${t('This log source is mapped to no ATT&CK data component by {0} (entry {1}).', where, `${entryText}${basis}`)} ${note}`.trim());
    return lines.join('\n');
  }
  const observed = new Set<number>();
  const rows: string[] = [];
  for (const name of mapped.components) {
    const component = componentNamed(corpus, name);
    if (!component) {
      rows.push(`- ${escapeMarkdown(name)} — ${t('not a data component of {0}', escapeMarkdown(corpus.versionLabel))}`);
      continue;
    }
    const techniques = corpus.techniquesObservedBy(component).filter((t) => !t.revoked && !t.deprecated);
    for (const t of techniques) observed.add(t.index);
    rows.push(`- ${componentLabel(corpus, component)} — ${tn(techniques.length, 'observes {0} technique or sub-technique', 'observes {0} techniques and sub-techniques')}`);
  }
  const platforms = mapped.platforms?.length ? ` ${t('Its events come from {0}.', mapped.platforms.map(escapeMarkdown).join(', '))}` : '';
  lines.push(`${tn(mapped.components.length, 'This log source provides {0} ATT&CK data component per {1} (entry {2}).', 'This log source provides {0} ATT&CK data components per {1} (entry {2}).', where, `${entryText}${basis}`)}${platforms}`, '', ...rows, '');
  lines.push(`${tn(observed.size, 'Together they observe {0} technique or sub-technique in {1}.', 'Together they observe {0} techniques and sub-techniques in {1}.', escapeMarkdown(corpus.versionLabel))}${note ? ` _${note}_` : ''}`);
  return lines.join('\n');
}

// The CLI's coverage reports, rendered from the coverage model: per tactic its counts, what is covered
// and — by ID and name — every gap and parent-only sub-technique (text, Markdown); every counted
// technique with its state (JSON, CSV); and the references the loaded release does not know.
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';
import type { RuleDocument } from '../formats/model';
import type { CoverageCounts } from '../protocol';
import { type CoverageModel, formatCounts, parentLevelRules, subtechniqueOnlyRules, type TechniqueCoverage } from './coverageModel';
import { type RuleIndex, techniqueReferences } from './ruleIndex';
import { formatCount, later, t, tn, translated } from '../l10n/l10n';
import { ruleName } from './ruleNames';
import { byCodeUnits, byText } from '../order';

export interface OrphanReference {
  id: string;
  status: 'newer' | 'revoked' | 'deprecated' | 'unknown';
  successor?: string;
  rules: RuleDocument[];
}

const live = (o: AttackObject) => !o.revoked && !o.deprecated;
const rulesCount = (n: number) => tn(n, '{0} rule', '{0} rules');
const ruleFilesCount = (n: number) => tn(n, '{0} rule file', '{0} rule files');

/** Technique IDs referenced in the workspace that are not live techniques of the loaded release. */
export function orphanReferences(corpus: Corpus, index: RuleIndex): OrphanReference[] {
  const orphans: OrphanReference[] = [];
  for (const id of index.techniqueIds()) {
    const object = corpus.get(id);
    if (object?.kind === 'technique' && live(object)) continue;
    const rules = index.rulesFor(id);
    if (object?.kind === 'technique' && object.revoked) {
      orphans.push({ id, status: 'revoked', successor: corpus.revokedSuccessor(object)?.successor.id, rules });
    } else if (object?.kind === 'technique') {
      orphans.push({ id, status: 'deprecated', rules });
    } else {
      orphans.push({ id, status: corpus.classifyMissing(id).kind === 'newer' ? 'newer' : 'unknown', rules });
    }
  }
  return orphans;
}

/** "11/17 techniques (9 covered, 2 via sub-techniques) · 38/95 sub-techniques (12 parent-only)". */
export function countsText(counts: CoverageCounts): string {
  const c = counts.techniques;
  const s = counts.subtechniques;
  const techniqueDetail = c.viaSubtechniques ? ` ${t('({0} covered, {1} via sub-techniques)', c.covered, c.viaSubtechniques)}` : '';
  const subDetail = s.parentOnly ? ` ${t('(+ {0} parent-only)', s.parentOnly)}` : '';
  return `${t('{0}/{1} techniques', c.covered + c.viaSubtechniques, c.total)}${techniqueDetail} · ${t('{0}/{1} sub-techniques', s.covered, s.total)}${subDetail}`;
}

const COUNTING = later('A technique counts when a rule claims it or one of its sub-techniques ("via sub-techniques"); a sub-technique counts only when a rule claims it — one whose parent alone is claimed is "parent-only", shown but not counted.');

function formatLine(rules: readonly RuleDocument[]): string {
  return Object.entries(formatCounts(rules)).sort((a, b) => b[1] - a[1]).map(([format, n]) => `${format} ${formatCount(n, 'en')}`).join(', ');
}

function ruleCountNote(entry: TechniqueCoverage): string {
  if (entry.state === 'covered') return rulesCount(entry.claims.length);
  if (entry.state === 'via-subtechniques') return t('via sub-techniques, {0}', rulesCount(subtechniqueOnlyRules(entry).length));
  if (entry.state === 'parent-only') return t('parent-only, {0}', tn(parentLevelRules(entry).length, '{0} parent-level rule', '{0} parent-level rules'));
  return t('gap');
}

export interface ReportOptions {
  /** Only the gaps and parent-only sub-techniques. */
  gapsOnly?: boolean;
}

/** What `coverage --format text` prints. */
export function coverageText(model: CoverageModel, index: RuleIndex, options: ReportOptions = {}): string {
  const { corpus } = model;
  const lines: string[] = [`${t('{0} coverage of {1}', corpus.versionLabel, ruleFilesCount(index.size))}${index.size ? ` (${formatLine([...index.all()])})` : ''}`, translated(COUNTING), ''];
  for (const { tactic, techniques, counts } of model.tactics) {
    lines.push(`${tactic.id} ${tactic.name}: ${countsText(counts)}`);
    if (!options.gapsOnly) {
      const covered = techniques.filter((e) => e.state !== 'gap').sort((a, b) => b.claims.length + subtechniqueOnlyRules(b).length - (a.claims.length + subtechniqueOnlyRules(a).length));
      if (covered.length) lines.push(`  ${t('with rules:')}`);
      for (const entry of covered) lines.push(`    ${entry.technique.id.padEnd(10)} ${entry.technique.name} — ${ruleCountNote(entry)}`);
    }
    const gaps = gapLines(techniques);
    if (gaps.length) lines.push(`  ${t('gaps:')}`, ...gaps.map((line) => `    ${line}`));
  }
  lines.push('', t('Overall: {0}; {1} claim them.', countsText(model.counts), rulesCount(model.rules.length)));
  const orphans = orphanReferences(corpus, index);
  if (orphans.length && !options.gapsOnly) {
    lines.push('', t('References {0} does not have as live techniques:', corpus.versionLabel));
    for (const orphan of orphans) lines.push(`  ${orphan.id.padEnd(10)} ${orphanNote(orphan)} — ${rulesCount(orphan.rules.length)}`);
  }
  return lines.join('\n');
}

function orphanNote(orphan: OrphanReference): string {
  if (orphan.status === 'newer') return t('from a newer ATT&CK release');
  if (orphan.status === 'revoked') return orphan.successor ? t('revoked, now {0}', orphan.successor) : t('revoked');
  return orphan.status === 'deprecated' ? t('deprecated') : t('unknown');
}

/** Per technique with a gap: the technique (when it is one) and its gap and parent-only sub-techniques,
 *  indented under it, with the parent's own state when it is not a gap. */
function gapLines(techniques: readonly TechniqueCoverage[]): string[] {
  const lines: string[] = [];
  for (const entry of techniques) {
    const subs = entry.subtechniques.filter((s) => s.state !== 'covered');
    if (entry.state !== 'gap' && !subs.length) continue;
    const own = entry.state === 'gap' ? '' : entry.state === 'covered' ? ` (${t('covered, {0}', rulesCount(entry.claims.length))})` : ` (${ruleCountNote(entry)})`;
    lines.push(`${entry.technique.id.padEnd(10)} ${entry.technique.name}${own}`);
    for (const sub of subs) lines.push(`  ${sub.technique.id.padEnd(10)} ${sub.technique.name} — ${ruleCountNote(sub)}`);
  }
  return lines;
}

const md = (text: string) => text.replace(/([\\`*_[\]<>|])/g, '\\$1');

/** What `coverage --format markdown` prints: a summary table, then per tactic the gaps. */
export function coverageMarkdown(model: CoverageModel, index: RuleIndex, options: ReportOptions = {}): string {
  const { corpus } = model;
  const lines = [`# ${t('{0} coverage', md(corpus.versionLabel))}`, '', `${ruleFilesCount(index.size)}${index.size ? ` (${formatLine([...index.all()])})` : ''}. ${translated(COUNTING)}`, ''];
  lines.push(`| ${t('tactic')} | ${t('techniques')} | ${t('sub-techniques')} |`, '| --- | ---: | ---: |');
  for (const { tactic, counts } of model.tactics) {
    const c = counts.techniques;
    const s = counts.subtechniques;
    lines.push(`| ${tactic.id} ${md(tactic.name)} | ${c.covered + c.viaSubtechniques}/${c.total} | ${s.covered}/${s.total}${s.parentOnly ? ` ${t('(+ {0} parent-only)', s.parentOnly)}` : ''} |`);
  }
  const c = model.counts.techniques;
  const s = model.counts.subtechniques;
  lines.push(`| **${t('all')}** | **${c.covered + c.viaSubtechniques}/${c.total}** | **${s.covered}/${s.total}** |`, '');
  for (const { tactic, techniques, counts } of model.tactics) {
    const gaps = techniques.filter((e) => e.state === 'gap' || e.subtechniques.some((sub) => sub.state !== 'covered'));
    if (!gaps.length && options.gapsOnly) continue;
    lines.push(`## ${tactic.id} ${md(tactic.name)}`, '', countsText(counts), '');
    if (!options.gapsOnly) {
      const covered = techniques.filter((e) => e.state !== 'gap');
      if (covered.length) lines.push(`${t('Covered:')} ${covered.map((e) => `${e.technique.id} ${md(e.technique.name)} (${ruleCountNote(e)})`).join(' · ')}`, '');
    }
    if (gaps.length) {
      lines.push(`| ${t('gap')} | ${t('name')} | ${t('state')} |`, '| --- | --- | --- |');
      for (const entry of gaps) {
        if (entry.state === 'gap') lines.push(`| ${entry.technique.id} | ${md(entry.technique.name)} | ${t('gap')} |`);
        for (const sub of entry.subtechniques.filter((x) => x.state !== 'covered')) lines.push(`| ${sub.technique.id} | ${md(entry.technique.name)}: ${md(sub.technique.name)} | ${ruleCountNote(sub)} |`);
      }
      lines.push('');
    }
  }
  return lines.join('\n');
}

function statusOf(corpus: Corpus, id: string): string {
  const object = corpus.get(id);
  if (object?.kind !== 'technique') return corpus.classifyMissing(id).kind === 'newer' ? 'newer' : 'unknown';
  return object.revoked ? 'revoked' : object.deprecated ? 'deprecated' : 'live';
}

/** What `coverage --format json` prints: per file its references; per technique — every counted one
 *  and every other one a rule references — its name, status, state and the files claiming it. */
export function coverageJson(model: CoverageModel, index: RuleIndex, displayPath: (uri: string) => string): unknown {
  const { corpus } = model;
  // Each path made once, not twice per comparison of the sort.
  const rules = [...index.all()].map((rule) => ({ rule, file: displayPath(rule.uri) })).sort((a, b) => byText(a.file, b.file));
  const techniques: Record<string, unknown> = {};
  const filesOf = (claims: readonly RuleDocument[]) => claims.map((r) => displayPath(r.uri)).sort();
  for (const id of [...new Set([...model.byId.keys(), ...index.techniqueIds()])].sort()) {
    const entry = model.byId.get(id);
    const object = corpus.get(id);
    techniques[id] = {
      name: object?.kind === 'technique' ? object.name : null,
      status: statusOf(corpus, id),
      ...(entry ? { state: entry.state } : {}),
      files: entry ? filesOf(entry.claims) : filesOf(index.rulesFor(id)),
      ...(entry?.parent ? { parent: entry.parent.technique.id } : {}),
    };
  }
  return {
    attack: corpus.versionLabel,
    filter: model.filter,
    summary: { ...model.counts, rules: model.rules.length },
    tactics: model.tactics.map(({ tactic, counts }) => ({ id: tactic.id, name: tactic.name, ...counts })),
    files: rules.map(({ rule, file }) => ({
      file,
      format: rule.format,
      id: rule.identity.id ?? null,
      title: rule.identity.title ?? null,
      name: ruleName(rule),
      techniques: [...new Set(techniqueReferences(rule).map((r) => r.id))].sort(),
      references: rule.references.map((r) => ({
        id: r.id,
        kind: r.kind,
        written: r.written,
        key: r.key,
        line: r.range.start.line + 1,
        column: r.range.start.character + 1,
        ...(r.tactic ? { tactic: r.tactic } : {}),
        ...(r.malformed ? { malformed: r.malformed } : {}),
      })),
    })),
    techniques,
  };
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** What `coverage --format csv` prints: one row per counted technique and sub-technique. */
export function coverageCsv(model: CoverageModel): string {
  const { corpus } = model;
  const header = ['id', 'name', 'parent', 'tactics', 'platforms', 'state', 'rules', 'related_rules', 'formats'];
  const rows = [...model.byId.values()]
    .sort((a, b) => byCodeUnits(a.technique.id, b.technique.id))
    .map((entry) => {
      const related = entry.technique.isSubtechnique ? parentLevelRules(entry) : subtechniqueOnlyRules(entry);
      const tactics = (entry.technique.tactics ?? []).map((s) => corpus.tacticsNamed(s)[0]?.name ?? s).join('; ');
      const formats = Object.entries(formatCounts(entry.claims)).map(([f, n]) => `${f} ${n}`).join('; ');
      return [entry.technique.id, entry.technique.name, entry.parent?.technique.id ?? '', tactics, (entry.technique.platforms ?? []).join('; '), entry.state, entry.claims.length, related.length, formats];
    });
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n');
}

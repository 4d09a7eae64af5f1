// "New rule for technique…": a rule pre-filled from the corpus, built from the skeletons in snippets/
// — title, ATT&CK tags/IDs in the format's form, and a log source that provides a data component
// observing the technique (the one asked for, when the panel asks for a gap's component).
import type { Corpus } from '../corpus/corpus';
import { attackUrl } from '../corpus/ids';
import type { AttackObject } from '../corpus/model';
import type { LogSource, RuleFormat } from '../formats/model';
import { sigmaTagFor } from '../formats/sigmaTags';
import type { NewRuleTemplate } from '../protocol';
import elasticSnippets from '../../../snippets/elastic.json';
import sentinelSnippets from '../../../snippets/sentinel.json';
import sigmaSnippets from '../../../snippets/sigma.json';
import splunkSnippets from '../../../snippets/splunk.json';
import xpSnippets from '../../../snippets/xp.json';
import { snippetEscape, snippetToText, type SnippetVariables } from './snippetText';
import { tacticNameFor } from './writtenForm';

type Snippets = Record<string, { body: string[] }>;
export type ComponentsOfSource = (source: LogSource, format: RuleFormat) => string[] | undefined;

const SIGMA_PLATFORM: Record<string, string[]> = {
  windows: ['Windows'],
  linux: ['Linux'],
  macos: ['macOS'],
  aws: ['IaaS'],
  azure: ['IaaS', 'Identity Provider', 'SaaS', 'Office Suite'],
};

interface Choice {
  body: string[];
  explanation: string;
}

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Names of the components ATT&CK lists as observing the technique (or, if none, its relatives). */
function observingComponents(corpus: Corpus, technique: AttackObject): string[] {
  const own = corpus.componentsObserving(technique).map((c) => c.name);
  if (own.length) return own;
  const relatives = [corpus.parentOf(technique), ...corpus.subtechniquesOf(technique)].filter((t): t is AttackObject => !!t);
  return [...new Set(relatives.flatMap((t) => corpus.componentsObserving(t).map((c) => c.name)))];
}

function sigmaLogSource(body: string[]): LogSource {
  const start = body.indexOf('logsource:');
  const source: LogSource = { range };
  for (let i = start + 1; i < body.length && body[i].startsWith('    '); i++) {
    const match = /^\s+(category|product|service):\s*(\S+)/.exec(body[i]);
    if (match) source[match[1] as 'category' | 'product' | 'service'] = match[2];
  }
  return source;
}

function chooseSigma(technique: AttackObject, wanted: string[], componentsOf: ComponentsOfSource): Choice {
  const skeletons = Object.values(sigmaSnippets as Snippets);
  const fits = (source: LogSource) => !source.product || !SIGMA_PLATFORM[source.product] || SIGMA_PLATFORM[source.product].some((p) => technique.platforms?.includes(p));
  const wantedSet = new Set(wanted.map((w) => w.toLowerCase()));
  for (const skeleton of skeletons) {
    const source = sigmaLogSource(skeleton.body);
    const provided = componentsOf(source, 'sigma') ?? [];
    const hit = provided.find((c) => wantedSet.has(c.toLowerCase()));
    if (hit && fits(source)) {
      return { body: skeleton.body, explanation: `logsource ${describe(source)} provides ${hit}, which ATT&CK lists as observing ${technique.id}.` };
    }
  }
  const fallback = skeletons.find((s) => fits(sigmaLogSource(s.body))) ?? skeletons[0];
  return {
    body: fallback.body,
    explanation: `No Sigma skeleton's log source provides ${wanted.join(', ') || 'a component ATT&CK lists for ' + technique.id}; starting from ${describe(sigmaLogSource(fallback.body))}.`,
  };
}

function describe(source: LogSource): string {
  return [source.product, source.category ?? source.service].filter(Boolean).join('/');
}

/** Replaces the list items under `key` (the lines right after it that are deeper or list items). */
function replaceItems(lines: string[], key: RegExp, items: string[]): string[] {
  const at = lines.findIndex((l) => key.test(l));
  if (at < 0) return lines;
  const keyIndent = lines[at].length - lines[at].trimStart().length;
  let end = at + 1;
  while (end < lines.length && lines[end].trim() && (lines[end].length - lines[end].trimStart().length > keyIndent || lines[end].trimStart().startsWith('- '))) end++;
  return [...lines.slice(0, at + 1), ...items, ...lines.slice(end)];
}

function replaceLine(lines: string[], pattern: RegExp, replacement: string): string[] {
  const at = lines.findIndex((l) => pattern.test(l));
  return at < 0 ? lines : [...lines.slice(0, at), replacement, ...lines.slice(at + 1)];
}

export interface NewRuleOptions {
  component?: string;
  format?: RuleFormat;
  componentsOf: ComponentsOfSource;
  variables?: SnippetVariables;
}

export function newRuleTemplate(corpus: Corpus, technique: AttackObject, options: NewRuleOptions): NewRuleTemplate {
  const format = options.format ?? 'sigma';
  const tactics = (technique.tactics ?? []).map((s) => corpus.tacticsNamed(s).find((t) => t.domains.some((d) => technique.domains.includes(d)))).filter((t): t is AttackObject => !!t);
  const wanted = options.component ? [options.component] : observingComponents(corpus, technique);
  const name = snippetEscape(technique.name);
  const url = attackUrl(technique.id, 'technique') ?? 'https://attack.mitre.org/';
  const slug = technique.name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  let lines: string[];
  let explanation = '';
  let language = 'yaml';
  let fileName = `${slug}.yml`;
  const component = options.component ? ` via ${snippetEscape(options.component)}` : '';
  switch (format) {
    case 'sigma': {
      const choice = chooseSigma(technique, wanted, options.componentsOf);
      explanation = choice.explanation;
      lines = replaceLine(choice.body, /^title: /, `title: \${1:${name}${component}}`);
      lines = replaceLine(lines, /^description: /, `description: \${2:Detects ${name} (${technique.id})${component}.}`);
      lines = replaceItems(lines, /^references:/, [`    - ${url}`]);
      lines = replaceItems(lines, /^tags:/, [...tactics.map((t) => `    - ${sigmaTagFor(t.shortname ?? '')}`), `    - ${sigmaTagFor(technique.id)}`]);
      break;
    }
    case 'splunk':
      lines = replaceLine(Object.values(splunkSnippets as Snippets)[0].body, /^name: /, `name: \${1:${name}}`);
      lines = replaceItems(lines, /^\s+mitre_attack_id:/, [`  - ${technique.id}`]);
      break;
    case 'sentinel':
      lines = replaceLine(Object.values(sentinelSnippets as Snippets)[0].body, /^name: /, `name: \${1:${name}}`);
      lines = replaceItems(lines, /^tactics:/, tactics.map((t) => `  - ${tacticNameFor(t, 'sentinel')}`));
      lines = replaceItems(lines, /^relevantTechniques:/, [`  - ${technique.id}`]);
      break;
    case 'xp': {
      lines = replaceLine(Object.values(xpSnippets as Snippets)[0].body, /^ContentAutoName: /, `ContentAutoName: \${1:${slug}}`);
      lines = replaceItems(lines, /^\s+ATTACK:/, tactics.flatMap((t) => [`            ${t.shortname}:`, `                - ${technique.id}`]));
      fileName = 'metainfo.yaml';
      break;
    }
    case 'elastic': {
      language = 'toml';
      fileName = `${slug}.toml`;
      const body = Object.values(elasticSnippets as Snippets)[0].body;
      const threatAt = body.indexOf('[[rule.threat]]');
      lines = replaceLine(body.slice(0, threatAt), /^name = /, `name = "\${3:${name}}"`);
      for (const tactic of tactics) lines.push(...elasticThreat(corpus, technique, tactic), '');
      lines.push('$0');
      break;
    }
    default:
      throw new Error(`no rule skeleton for the ${format} format`);
  }
  const snippet = lines.join('\n');
  return { snippet, text: snippetToText(snippet, options.variables), language, fileName, explanation };
}

function elasticThreat(corpus: Corpus, technique: AttackObject, tactic: AttackObject): string[] {
  const parent = technique.isSubtechnique ? corpus.parentOf(technique) : undefined;
  const top = parent ?? technique;
  const lines = ['[[rule.threat]]', 'framework = "MITRE ATT&CK"', '[[rule.threat.technique]]', `id = "${top.id}"`, `name = "${snippetEscape(top.name)}"`, `reference = "${attackUrl(top.id, 'technique')}"`];
  if (parent) lines.push('[[rule.threat.technique.subtechnique]]', `id = "${technique.id}"`, `name = "${snippetEscape(technique.name)}"`, `reference = "${attackUrl(technique.id, 'technique')}"`);
  lines.push('', '[rule.threat.tactic]', `id = "${tactic.id}"`, `name = "${tactic.name}"`, `reference = "${attackUrl(tactic.id, 'tactic')}"`);
  return lines;
}

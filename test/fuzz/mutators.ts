// Mutations of real rule text, each a pure function of (text, random): byte flips, truncations at
// structural points, deep nesting, alias bombs, huge lines and lists, many documents, invalid UTF-16,
// NUL, line-end variants, BOM, tabs, homoglyphs and TOML edge cases.
import type { Random } from './random';

export type Mutator = (text: string, random: Random) => string;

/** Characters that mean something to YAML, TOML, JSON-RPC or UTF-16 — and some that do not. */
const INTERESTING = [':', '-', ' ', '\t', '\n', '\r', '\r\n', '"', "'", '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`', '\\', '=', ',', '.', '\0', '\uFEFF', '\u2028', '\u2029', '\u0085', '\uD800', '\uDFFF', '\uFFFF', 'Т', '１', '𝐓'];

const at = (text: string, random: Random) => random.int(0, text.length);
const lineStarts = (text: string) => {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0 && starts.length < 100_000; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
};

function byteFlips(text: string, random: Random): string {
  let out = text;
  for (let n = random.int(1, 24); n > 0; n--) {
    const i = at(out, random);
    const replacement = random.chance(0.7) ? random.pick(INTERESTING) : String.fromCharCode(random.int(0, 0xffff));
    out = out.slice(0, i) + replacement + out.slice(i + (random.chance(0.5) ? 1 : 0));
  }
  return out;
}

/** Cut at a place where a parser is mid-construct: after a colon, inside a quote, after a bracket,
 *  at a line start, or anywhere. */
function truncate(text: string, random: Random): string {
  const marks: number[] = [];
  const pattern = /[:"'[{=\n]/g;
  for (let match = pattern.exec(text); match && marks.length < 5000; match = pattern.exec(text)) marks.push(match.index + (random.chance(0.5) ? 1 : 0));
  const cut = marks.length && random.chance(0.8) ? random.pick(marks) : at(text, random);
  return text.slice(0, cut);
}

function deepNesting(text: string, random: Random): string {
  const depth = random.pick([64, 200, 1000, 10_000, 50_000]);
  const starts = lineStarts(text);
  const where = random.pick(starts);
  const shapes = [
    () => `deep: ${'['.repeat(depth)}${random.chance(0.5) ? ']'.repeat(depth) : ''}\n`,
    () => `deep: ${'{a: '.repeat(depth)}x${random.chance(0.5) ? '}'.repeat(depth) : ''}\n`,
    () => `${'- '.repeat(depth)}x\n`,
    () => `${Array.from({ length: Math.min(depth, 1500) }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')}\n`,
    () => `x = ${'['.repeat(depth)}${']'.repeat(depth)}\n`,
  ];
  return text.slice(0, where) + random.pick(shapes)() + text.slice(where);
}

/** "Billion laughs": nine levels of nine aliases each, and the tags pointing at the top. */
function aliasBomb(text: string, random: Random): string {
  const levels = random.int(3, 9);
  const lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
  lines.push(`tags: *a${levels}`);
  return random.chance(0.5) ? `${lines.join('\n')}\n${text}` : `${text}\n${lines.join('\n')}\n`;
}

/** One line of 1.5 MB (below the 2 MB limit) or 5 MB (above it). */
function hugeLine(text: string, random: Random): string {
  const size = random.pick([1_500_000, 5_000_000]);
  const unit = random.pick(['x', 'attack.t1059 ', 'T1059.001,', 'é', '\uD83D\uDE00']);
  const line = `description: ${unit.repeat(Math.ceil(size / unit.length))}`;
  const starts = lineStarts(text);
  const where = random.pick(starts);
  return `${text.slice(0, where)}${line}\n${text.slice(where)}`;
}

/** A list of 100,000 items in the format's own list (or a new one). */
function hugeList(text: string, random: Random): string {
  const count = random.pick([10_000, 100_000]);
  const ids = ['T1059', 'T1059.001', 'T1003', 'T9999', 'TA0002', 'T1574.002', 't1059-001', 'T1685'];
  if (/^\[\[rule\.threat\]\]/m.test(text)) {
    const block = (i: number) => `\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "${ids[i % ids.length].toUpperCase()}"\nname = "x"\n`;
    return text + Array.from({ length: Math.min(count, 20_000) }, (_, i) => block(i)).join('');
  }
  const key = /^tags:\s*$/m.test(text) && /^\s+- attack\./m.test(text) ? 'sigma' : /mitre_attack_id:/.test(text) ? 'splunk' : /relevantTechniques:/.test(text) ? 'sentinel' : 'sigma';
  const item = (i: number) => (key === 'sigma' ? `    - attack.${ids[i % ids.length].toLowerCase()}` : `  - ${ids[i % ids.length]}`);
  const items = Array.from({ length: count }, (_, i) => item(i)).join('\n');
  const anchor = key === 'sigma' ? /^tags:\s*$/m : key === 'splunk' ? /^\s*mitre_attack_id:\s*$/m : /^relevantTechniques:\s*$/m;
  const match = anchor.exec(text);
  if (!match) return `${text}\ntags:\n${items}\n`;
  const end = match.index + match[0].length;
  return `${text.slice(0, end)}\n${items}${text.slice(end)}`;
}

function manyDocuments(text: string, random: Random): string {
  const copies = random.pick([10, 200, 2000]);
  const budget = Math.max(1, Math.floor(1_800_000 / Math.max(1, text.length)));
  return Array.from({ length: Math.min(copies, budget) }, () => text).join(random.chance(0.8) ? '\n---\n' : '\n...\n---\n');
}

function loneSurrogates(text: string, random: Random): string {
  let out = text;
  for (let n = random.int(1, 8); n > 0; n--) {
    const i = at(out, random);
    out = out.slice(0, i) + random.pick(['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D']) + out.slice(i);
  }
  return out;
}

function nul(text: string, random: Random): string {
  let out = text;
  for (let n = random.int(1, 8); n > 0; n--) {
    const i = at(out, random);
    out = `${out.slice(0, i)}\0${out.slice(i)}`;
  }
  return out;
}

function lineEnds(text: string, random: Random): string {
  const style = random.pick(['\r', '\r\n', '\u2028', '\u2029', '\u0085', 'mixed']);
  if (style !== 'mixed') return text.replace(/\r?\n/g, style);
  return text.replace(/\r?\n/g, () => random.pick(['\n', '\r\n', '\r', '\u2028']));
}

function bom(text: string, random: Random): string {
  return '\uFEFF'.repeat(random.int(1, 2)) + text;
}

function tabs(text: string, random: Random): string {
  return text.replace(/^( +)/gm, (indent) => (random.chance(0.3) ? indent.replace(/ {2}| {4}/g, '\t') : indent));
}

const HOMOGLYPHS: Record<string, string[]> = {
  a: ['а', 'ɑ'], e: ['е'], o: ['о', '０'], c: ['с'], p: ['р'], x: ['х'], t: ['т', 'ｔ'], T: ['Т', 'Ｔ'], k: ['к'], '1': ['１', 'l'], '0': ['О', '０'], '.': ['․', '。'], '-': ['‐', '–'], s: ['ѕ'],
};

function homoglyphs(text: string, random: Random): string {
  return text.replace(/attack\.[\w.-]+|\bT\d{4}(?:\.\d{3})?\b|\b[A-Z][a-z]+[A-Z]\w*\b/g, (token) =>
    random.chance(0.3) ? [...token].map((c) => (HOMOGLYPHS[c] && random.chance(0.3) ? random.pick(HOMOGLYPHS[c]) : c)).join('') : token,
  );
}

const TOML_EDGES = [
  'note = """\nunterminated multi-line string',
  "note = '''literal with \\ and \"quotes\"'''",
  '[[rule.threat]]\n'.repeat(500),
  'a = {b = {c = {d = {e = {f = "deep"}}}}}',
  'x = [[[[[[[[[[1]]]]]]]]]]',
  'rule.threat.technique.id = "T1059"',
  'id = "\\u0000\\uD800"',
  'when = 1979-05-27T07:32:00Z',
  '[rule]\n[rule]',
  '"rule"."threat" = []',
  '[[rule.threat]]\nframework = "MITRE ATT&CK"\n[rule.threat.tactic]\nid = "TA0002"\nname = "Execution"\n[[rule.threat.technique]]\nid = "T1059"\nname = "Command and Scripting Interpreter"\n[[rule.threat.technique.subtechnique]]\nid = "T1059.001"\nname = "PowerShell"',
  'id = "T1059',
  '[rule.threat.technique\nid = "T1059"',
  'key = \n',
  'bad key = 1',
];

function tomlEdge(text: string, random: Random): string {
  const edge = random.pick(TOML_EDGES);
  const starts = lineStarts(text);
  const where = random.pick(starts);
  return `${text.slice(0, where)}${edge}\n${text.slice(where)}`;
}

/** A chunk of the text moved elsewhere (keys in the wrong section, half documents). */
function splice(text: string, random: Random): string {
  if (text.length < 2) return text;
  const start = at(text, random);
  const end = Math.min(text.length, start + random.int(1, 400));
  const chunk = text.slice(start, end);
  const rest = text.slice(0, start) + text.slice(end);
  const where = random.int(0, rest.length);
  return rest.slice(0, where) + chunk + rest.slice(where);
}

/** Mutators by name, with how often each is picked; the heavy ones (megabytes) rarely. */
export const MUTATORS: readonly (readonly [string, Mutator, number])[] = [
  ['byteFlips', byteFlips, 20],
  ['truncate', truncate, 14],
  ['deepNesting', deepNesting, 5],
  ['aliasBomb', aliasBomb, 3],
  ['hugeLine', hugeLine, 1],
  ['hugeList', hugeList, 1.5],
  ['manyDocuments', manyDocuments, 2],
  ['loneSurrogates', loneSurrogates, 6],
  ['nul', nul, 4],
  ['lineEnds', lineEnds, 6],
  ['bom', bom, 3],
  ['tabs', tabs, 5],
  ['homoglyphs', homoglyphs, 6],
  ['tomlEdge', tomlEdge, 5],
  ['splice', splice, 8],
];

export function mutatorNamed(name: string): Mutator {
  const found = MUTATORS.find(([n]) => n === name);
  if (!found) throw new Error(`no mutator ${name}`);
  return found[1];
}

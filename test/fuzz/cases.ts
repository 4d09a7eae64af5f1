// One fuzz case: a real rule, mutated, opened under some file name, then requests at random
// positions, an edit (the whole text again mutated, or a small range change), more requests, and a
// close. A pure function of (seed, index): the same case is generated again for a replay, and a
// saved case carries its concrete steps so it replays without the corpora too.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range } from 'vscode-languageserver-types';
import { MUTATORS } from './mutators';
import { Random } from './random';
import type { Source } from './sources';

export type RequestKind = 'hover' | 'completion' | 'codeAction' | 'documentLink' | 'completionResolve' | 'codeActionResolve';

export type Step =
  | { op: 'open'; text: string; languageId: string }
  | { op: 'change'; text: string }
  | { op: 'edit'; range: Range; text: string }
  | { op: 'request'; method: RequestKind; position: Position; only?: string[] }
  /** Wait for the diagnostics of the current version. */
  | { op: 'wait' }
  | { op: 'close' };

export interface FuzzCase {
  seed: number;
  index: number;
  source: string;
  /** Where the document is opened: a path under the workspace folder, or an untitled: URI. */
  location: string;
  mutations: string[];
  steps: Step[];
}

/** Documents over this are cut (a 5 MB line is the largest input the fuzzer means to send). */
const MAX_CHARS = 6_000_000;

const LANGUAGE: Record<string, string> = { '.yml': 'yaml', '.yaml': 'yaml', '.toml': 'toml', '.md': 'markdown' };
const SNIPPETS = ['', '\n', '    - attack.t1059\n', 'attack.', 'attack.t10', 'T10', ':', '"', "'", '[', ']', '{', '\t', '\uD800', 'tags:\n', '---\n', '\r', '\r\n', '#', '&a ', '*a', '- ', 'attack.t1574.002', 'T1685', '\u0000'];
const REQUESTS: readonly (readonly [RequestKind, number])[] = [['hover', 5], ['completion', 4], ['codeAction', 4], ['documentLink', 2], ['completionResolve', 1], ['codeActionResolve', 1]];

function mutate(text: string, random: Random, mutations: string[]): string {
  const count = random.weighted([[0, 1], [1, 6], [2, 3], [3, 1]] as const);
  let out = text;
  for (let i = 0; i < count; i++) {
    const [name, mutator] = random.weighted(MUTATORS.map((m) => [m, m[2]] as const));
    out = mutator(out, random);
    mutations.push(name);
    if (out.length > MAX_CHARS) out = out.slice(0, MAX_CHARS);
  }
  return out;
}

/** The file name a source is opened under: usually its own; sometimes another format's. */
function fileNameFor(source: Source, random: Random): string {
  if (!random.chance(0.15)) return source.fileName;
  return random.pick(['rule.yml', 'rule.yaml', 'rule.toml', 'metainfo.yaml', 'notes.md', 'detection.yml']);
}

/** A position to ask at: mostly on or near something that looks like an ATT&CK reference, else
 *  anywhere, and now and then outside the document. */
function positionIn(document: TextDocument, random: Random): Position {
  const text = document.getText();
  if (random.chance(0.1)) return { line: random.int(0, document.lineCount + 3), character: random.int(0, 300) };
  if (text.length && random.chance(0.6)) {
    const marks: number[] = [];
    const pattern = /attack\.|\bT\d{4}|tags:|mitre_attack_id|relevantTechniques|technique|ATTACK:/g;
    // Only the first megabyte is searched for marks: enough places to ask at, bounded cost.
    const head = text.slice(0, 1_000_000);
    for (let match = pattern.exec(head); match && marks.length < 2000; match = pattern.exec(head)) marks.push(match.index);
    if (marks.length) return document.positionAt(random.pick(marks) + random.int(0, 14));
  }
  return document.positionAt(random.int(0, text.length));
}

export function generateCase(seed: number, index: number, sources: readonly Source[]): FuzzCase {
  const random = new Random(seed, index);
  const source = random.pick(sources);
  const fileName = fileNameFor(source, random);
  const mutations: string[] = [];
  const text = mutate(source.text, random, mutations);
  const extension = /\.[a-z]+$/.exec(fileName)?.[0] ?? '';
  const languageId = LANGUAGE[extension] ?? 'plaintext';
  const location = random.chance(0.08) ? `untitled:Untitled-${index}` : `${index}/${fileName}`;
  let document = TextDocument.create('fuzz:doc', languageId, 1, text);
  const steps: Step[] = [{ op: 'open', text, languageId }];
  const requests = (count: number) => {
    for (let i = 0; i < count; i++) {
      const method = random.weighted(REQUESTS);
      steps.push({ op: 'request', method, position: positionIn(document, random), only: method === 'codeAction' && random.chance(0.2) ? ['source.fixAll'] : undefined });
    }
  };
  // A request right after the open, before its diagnostics (it waits behind the parse).
  requests(1);
  steps.push({ op: 'wait' });
  requests(random.int(2, 6));
  if (random.chance(0.7)) {
    if (random.chance(0.4)) {
      const changed = mutate(document.getText(), random, mutations);
      steps.push({ op: 'change', text: changed });
      document = TextDocument.create('fuzz:doc', languageId, 2, changed);
    } else {
      const length = document.getText().length;
      const start = random.int(0, length);
      const end = Math.min(length, start + random.int(0, 200));
      const range = { start: document.positionAt(start), end: document.positionAt(end) };
      const inserted = random.pick(SNIPPETS);
      steps.push({ op: 'edit', range, text: inserted });
      document = TextDocument.update(document, [{ range, text: inserted }], 2);
    }
    requests(1);
    steps.push({ op: 'wait' });
    requests(random.int(1, 4));
  }
  steps.push({ op: 'close' });
  return { seed, index, source: source.name, location, mutations, steps };
}

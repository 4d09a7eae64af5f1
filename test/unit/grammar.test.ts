// The ATT&CK-ID injection grammar, tokenized with VS Code's own TextMate engine (vscode-textmate with
// the Oniguruma regex engine) into minimal host grammars for YAML, TOML, Markdown and plain text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, type IGrammar, Registry, parseRawGrammar } from 'vscode-textmate';
import { REPO_ROOT } from '../support/paths';

const INJECTION = path.join(REPO_ROOT, 'syntaxes', 'attack-ids.injection.tmLanguage.json');
const HOSTS = ['source.yaml', 'source.toml', 'text.html.markdown', 'text.plain'];

let registry: Registry;

async function grammarFor(scope: string): Promise<IGrammar> {
  const grammar = await registry.loadGrammar(scope);
  assert.ok(grammar, scope);
  return grammar;
}

function tokens(grammar: IGrammar, line: string): [string, string][] {
  const result = grammar.tokenizeLine(line, INITIAL);
  return result.tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]]);
}

const attackTokens = (grammar: IGrammar, line: string) => tokens(grammar, line).filter(([, scope]) => scope.endsWith('.ttp-lens')).map(([text]) => text);

describe('grammar: ATT&CK IDs injected into YAML, TOML, Markdown and plain text', () => {
  before(async () => {
    const wasm = readFileSync(path.join(REPO_ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    registry = new Registry({
      onigLib: Promise.resolve({ createOnigScanner: (sources) => new oniguruma.OnigScanner(sources), createOnigString: (text) => new oniguruma.OnigString(text) }),
      loadGrammar: async (scope) => {
        if (scope === 'ttp-lens.attack-ids.injection') return parseRawGrammar(readFileSync(INJECTION, 'utf8'), INJECTION);
        // Minimal stand-ins for VS Code's built-in grammars: a comment rule, so "-comment" is exercised.
        return parseRawGrammar(JSON.stringify({ scopeName: scope, patterns: [{ match: '#.*$', name: 'comment.line.number-sign' }] }), `${scope}.json`);
      },
      getInjections: (scope) => (HOSTS.includes(scope) ? ['ttp-lens.attack-ids.injection'] : undefined),
    });
  });

  test('Sigma tags split into namespace, dot and ID; techniques, tactics, groups', async () => {
    const yaml = await grammarFor('source.yaml');
    const line = '    - attack.t1059.001';
    assert.deepEqual(tokens(yaml, line).filter(([, s]) => s.endsWith('.ttp-lens')), [
      ['attack', 'entity.name.namespace.attack.ttp-lens'],
      ['.', 'punctuation.separator.namespace.attack.ttp-lens'],
      ['t1059.001', 'constant.language.attack-id.ttp-lens'],
    ]);
    assert.deepEqual(attackTokens(yaml, '    - attack.defense-evasion'), ['attack', '.', 'defense-evasion']);
    assert.deepEqual(attackTokens(yaml, '    - "attack.g0007"'), ['attack', '.', 'g0007']);
  });

  test('bare IDs of every kind, with word boundaries', async () => {
    for (const scope of HOSTS) {
      const grammar = await grammarFor(scope);
      assert.deepEqual(attackTokens(grammar, 'T1059.001 TA0002 DS0009 DC0032 DET0493 AN1357 M1013 G0007 S0002 C0001'), ['T1059.001', 'TA0002', 'DS0009', 'DC0032', 'DET0493', 'AN1357', 'M1013', 'G0007', 'S0002', 'C0001'], scope);
      assert.deepEqual(attackTokens(grammar, 'XT1059 T10590 T1059x file-T1059 path/T1059 S3'), [], scope);
    }
  });

  test('not inside YAML and TOML comments', async () => {
    assert.deepEqual(attackTokens(await grammarFor('source.yaml'), 'foo: 1 # T1059 in a comment'), []);
    assert.deepEqual(attackTokens(await grammarFor('source.toml'), 'id = "T1059" # T1003'), ['T1059']);
  });
});

describe('grammar: TOML (contributed for Elastic rule files)', () => {
  let toml: IGrammar;
  const TOML = path.join(REPO_ROOT, 'syntaxes', 'toml.tmLanguage.json');

  before(async () => {
    const wasm = readFileSync(path.join(REPO_ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).catch(() => undefined); // loaded once per process
    const real = new Registry({
      onigLib: Promise.resolve({ createOnigScanner: (sources) => new oniguruma.OnigScanner(sources), createOnigString: (text) => new oniguruma.OnigString(text) }),
      loadGrammar: async (scope) => {
        if (scope === 'source.toml') return parseRawGrammar(readFileSync(TOML, 'utf8'), TOML);
        if (scope === 'ttp-lens.attack-ids.injection') return parseRawGrammar(readFileSync(INJECTION, 'utf8'), INJECTION);
        return null;
      },
      getInjections: (scope) => (scope === 'source.toml' ? ['ttp-lens.attack-ids.injection'] : undefined),
    });
    toml = (await real.loadGrammar('source.toml'))!;
  });

  /** Tokenizes lines in order (multi-line strings and arrays carry state) → [text, innermost scope]. */
  function lines(...texts: string[]): [string, string][][] {
    let state = INITIAL;
    return texts.map((line) => {
      const result = toml.tokenizeLine(line, state);
      state = result.ruleStack;
      return result.tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]] as [string, string]).filter(([text]) => text.trim());
    });
  }
  const scopeOf = (tokens: [string, string][], text: string) => tokens.find(([t]) => t.trim() === text)?.[1];

  test('tables, keys, strings, numbers, booleans, dates and comments of an Elastic rule', () => {
    const [header, table, key, date, flag, risk, comment] = lines('[metadata]', '[[rule.threat.technique]]', 'id = "T1059.001" # PowerShell', 'creation_date = "2020/11/02"', 'building_block = false', 'risk_score = 47', '# a comment');
    assert.equal(scopeOf(header, 'metadata'), 'entity.name.section.toml');
    assert.deepEqual(table.map(([t]) => t), ['[[', 'rule', '.', 'threat', '.', 'technique', ']]']);
    assert.equal(scopeOf(table, 'technique'), 'entity.name.section.toml');
    assert.equal(scopeOf(key, 'id'), 'support.type.property-name.toml');
    assert.equal(scopeOf(key, 'T1059.001'), 'constant.language.attack-id.ttp-lens', 'the ATT&CK ID inside the string, by the injection');
    assert.equal(scopeOf(key, '#'), 'punctuation.definition.comment.toml');
    assert.equal(scopeOf(key, 'PowerShell'), 'comment.line.number-sign.toml');
    assert.match(date.map(([, s]) => s).join(' '), /string\.quoted\.double\.toml/);
    assert.equal(scopeOf(flag, 'false'), 'constant.language.boolean.toml');
    assert.equal(scopeOf(risk, '47'), 'constant.numeric.toml');
    assert.equal(scopeOf(comment, 'a comment'), 'comment.line.number-sign.toml');
  });

  test('multi-line literal queries and arrays keep their state across lines', () => {
    const [open, body, close, after] = lines("query = '''", 'process where process.name : "cmd.exe" # not a comment', "'''", 'tags = ["Domain: Endpoint",');
    assert.equal(scopeOf(open, "'''"), 'string.quoted.triple.single.toml');
    assert.ok(body.every(([, s]) => s === 'string.quoted.triple.single.toml'), JSON.stringify(body));
    assert.equal(scopeOf(close, "'''"), 'string.quoted.triple.single.toml');
    assert.equal(scopeOf(after, 'tags'), 'support.type.property-name.toml');
    const [, next, end] = lines('tags = [', '  "OS: Windows", 0x1F, 1979-05-27T07:32:00Z,', ']');
    assert.equal(scopeOf(next, '0x1F'), 'constant.numeric.hex.toml');
    assert.equal(scopeOf(next, '1979-05-27T07:32:00Z'), 'constant.other.datetime.toml');
    assert.equal(scopeOf(end, ']'), 'punctuation.definition.array.end.toml');
  });
});

// Hover over stdio against dist/server.js with the real bundles.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CorpusStatus } from '../../server/src/protocol';
import { fileUri, LspTestClient, positionOf } from '../support/lspClient';
import { BUNDLE_17, BUNDLE_18, FIXTURES, needsShared, requireShared } from '../support/paths';

const RULE = path.join(FIXTURES, 'workspace', 'rules', 'com_hijack_dde.yml');

describe('lsp: hover on Sigma technique tags (v18.1)', () => {
  let client: LspTestClient;
  const text = readFileSync(RULE, 'utf8');
  const uri = fileUri(RULE);

  before(async () => {
    client = await LspTestClient.start({ initializationOptions: { attack: { stixPath: BUNDLE_18 } } });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    await client.open(uri, text);
  });
  after(() => client.stop());

  test('advertises hover', () => {
    assert.equal(client.initializeResult?.capabilities.hoverProvider, true);
  });

  test('hover on attack.t1559.001 answers with Component Object Model, tactics, platforms and a link', async () => {
    const hover = await client.hover(uri, positionOf(text, 'attack.t1559.001', 9));
    assert.ok(hover, 'hover');
    const value = hover.contents.value;
    assert.match(value, /T1559\.001 · Component Object Model/);
    assert.match(value, /Sub-technique of \[T1559\]\(https:\/\/attack\.mitre\.org\/techniques\/T1559\/\) Inter-Process Communication/);
    assert.match(value, /Tactics: Execution \(\[TA0002\]/);
    assert.match(value, /Platforms: Windows/);
    assert.match(value, /\[Open T1559\.001 on attack\.mitre\.org\]\(https:\/\/attack\.mitre\.org\/techniques\/T1559\/001\/\)/);
    assert.doesNotMatch(value, /\(Citation:/);
    const start = positionOf(text, 'attack.t1559.001');
    assert.deepEqual(hover.range, { start, end: { line: start.line, character: start.character + 'attack.t1559.001'.length } });
  });

  test('hover on a tactic tag describes the tactic', async () => {
    const hover = await client.hover(uri, positionOf(text, 'attack.execution', 3));
    assert.match(hover!.contents.value, /TA0002 · Execution\*\* — Tactic/);
  });

  test('no hover outside references', async () => {
    assert.equal(await client.hover(uri, positionOf(text, 'WINWORD')), null);
  });
});

describe('lsp: hover with the v17.1 bundle shows data sources with components', needsShared, () => {
  let client: LspTestClient;
  after(() => client.stop());

  test('T1559 lists DS0009 Process: Process Creation and the mitigations', async () => {
    client = await LspTestClient.start({ initializationOptions: { attack: { stixPath: requireShared(BUNDLE_17) } } });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
    const text = 'title: t\nlogsource:\n  category: process_creation\ndetection:\n  sel: {a: b}\n  condition: sel\ntags:\n  - attack.t1559\n';
    const uri = 'untitled:rule.yml';
    await client.open(uri, text);
    const value = (await client.hover(uri, positionOf(text, 'attack.t1559', 8)))!.contents.value;
    assert.match(value, /DS0009 Process: Process Creation/);
    assert.match(value, /DS0011 Module: Module Load/);
    assert.match(value, /M1013\]\(https:\/\/attack\.mitre\.org\/mitigations\/M1013\/\) Application Developer Guidance/);
  });
});

describe('lsp: without a usable bundle the server stays up', () => {
  test('a missing bundle is reported with the file and the setting, and hover answers null', async () => {
    const client = await LspTestClient.start({ initializationOptions: { attack: { stixPath: '/nonexistent/enterprise-attack.json' } } });
    try {
      const status = await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'failed');
      assert.equal(status.error?.file, '/nonexistent/enterprise-attack.json');
      assert.match(status.error!.problem, /does not exist \(set by initializationOptions\.attack\.stixPath\)/);
      const uri = 'untitled:x.yml';
      await client.open(uri, 'title: x\nlogsource: {product: windows}\ndetection: {condition: a}\ntags: [attack.t1059]\n');
      assert.equal(await client.hover(uri, { line: 3, character: 10 }), null);
      assert.equal(client.process.exitCode, null, 'server still running');
    } finally {
      await client.stop();
    }
  });

  test('a broken bundle (truncated JSON) is reported as such', async () => {
    const client = await LspTestClient.start({ initializationOptions: { attack: { stixPath: RULE } } });
    try {
      const status = await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'failed');
      assert.match(status.error!.problem, /not valid JSON/);
    } finally {
      await client.stop();
    }
  });
});

describe('lsp: hover on log sources and Elastic names (v18.1)', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start({ initializationOptions: { attack: { stixPath: requireShared(BUNDLE_18) } } });
    await client.waitFor<CorpusStatus>('ttpLens/corpusStatus', (s) => s.state === 'ready');
  });
  after(() => client.stop());

  test('Sigma logsource: the data components it provides, what they observe, its platform, a link to the table entry', async () => {
    const text = readFileSync(RULE, 'utf8');
    const uri = fileUri(RULE);
    await client.open(uri, text);
    for (const at of ['logsource', 'process_creation', 'windows']) {
      const value = (await client.hover(uri, positionOf(text, at, 2)))!.contents.value;
      assert.match(value, /^\*\*Log source\*\* `windows\/process_creation` · Sigma$/m, at);
      assert.match(value, /This log source provides 2 ATT&CK data components per TTP Lens's log-source table \(entry \[sigma windows\/process\\_creation\]\(file:\/\/.*\/data\/logsource-map\.json#L\d+\), basis: consensus\)\. Its events come from Windows\./);
      assert.match(value, /^- \[DC0032\]\(https:\/\/attack\.mitre\.org\/datacomponents\/DC0032\/\) Process Creation — observes \d+ techniques and sub-techniques$/m);
      assert.match(value, /^Together they observe \d+ techniques and sub-techniques in ATT&CK v18\.1\./m);
    }
    const link = /\(file:\/\/(.*?)#L(\d+)\)/.exec((await client.hover(uri, positionOf(text, 'logsource', 2)))!.contents.value)!;
    const line = readFileSync(link[1], 'utf8').split('\n')[Number(link[2]) - 1];
    assert.match(line, /"product": "windows", "category": "process_creation"/, 'the link points at the entry');
  });

  test('an unmapped log source says so and how to add it with ttpLens.logSourceMap', async () => {
    const text = 'title: t\nlogsource:\n  product: acme\n  category: edr_alert\ndetection:\n  sel: {a: b}\n  condition: sel\ntags:\n  - attack.t1059\n';
    const uri = 'untitled:acme.yml';
    await client.open(uri, text);
    const value = (await client.hover(uri, positionOf(text, 'edr_alert', 1)))!.contents.value;
    assert.match(value, /not in TTP Lens's log-source table/);
    assert.match(value, /"ttpLens\.logSourceMap": \{ "sigma": \[\{"product": "acme", "category": "edr_alert", "components": \["Process Creation"\]\}\] \}/);
  });

  test('Splunk data_source, Elastic index and Sentinel data types hover too; an Elastic name hovers as its ID', async () => {
    const splunk = 'name: x\nid: 1\ntags:\n  mitre_attack_id:\n  - T1059.001\ndata_source:\n- Sysmon EventID 1\nsearch: x\n';
    await client.open('untitled:splunk.yml', splunk);
    assert.match((await client.hover('untitled:splunk.yml', positionOf(splunk, 'Sysmon EventID 1', 3)))!.contents.value, /This log source provides 2 ATT&CK data components .*Its events come from Windows\./);
    const elastic = '[rule]\nname = "x"\nindex = ["logs-endpoint.events.process-*", "acme-*"]\n\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "T1059"\nname = "Command and Scripting Interpreter"\nreference = "https://attack.mitre.org/techniques/T1059/"\n\n[rule.threat.tactic]\nid = "TA0002"\nname = "Execution"\nreference = "https://attack.mitre.org/tactics/TA0002/"\n';
    await client.open('untitled:elastic.toml', elastic, 'toml');
    assert.match((await client.hover('untitled:elastic.toml', positionOf(elastic, 'logs-endpoint', 3)))!.contents.value, /This log source provides 4 ATT&CK data components .*\(entry \[elastic logs-endpoint\.events\.process-\\\*\]/);
    assert.match((await client.hover('untitled:elastic.toml', positionOf(elastic, 'acme-*', 1)))!.contents.value, /"ttpLens\.logSourceMap": \{ "elastic": \[\{"index": "acme-\*"/);
    assert.match((await client.hover('untitled:elastic.toml', positionOf(elastic, 'Command and Scripting', 3)))!.contents.value, /\*\*T1059 · Command and Scripting Interpreter\*\* — Technique/);
    assert.match((await client.hover('untitled:elastic.toml', positionOf(elastic, '"Execution"', 3)))!.contents.value, /\*\*TA0002 · Execution\*\* — Tactic/);
  });
});

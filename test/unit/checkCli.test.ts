// `ttp-lens check` as CI runs it: every output format (SARIF validated against the official 2.1.0
// schema, JUnit parsed as XML), workflow-command escaping, --fail-on / --severity / --config, exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeData, escapeProperty, xmlEscape } from '../../server/src/cli/checkFormats';
import { copyFixture } from '../support/fixtures';
import { BUNDLE_18, DIST, FIXTURES, needsShared, requireShared, SHARED, SIGMAHQ_RULES } from '../support/paths';
import { tempDir } from '../support/temp';

function check(args: string[], cwd = FIXTURES) {
  const result = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'check', ...args, '--stix', BUNDLE_18], {
    encoding: 'utf8',
    cwd,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TTPLENS_STIX: '', NO_COLOR: '1', FORCE_COLOR: '', TTPLENS_CACHE_DIR: path.join(DIST, '..', 'out', 'cli-cache') },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cli check: formats', needsShared, () => {
  test('text: file:line:col severity code message, grouped by file, and a summary', () => {
    const { code, stdout } = check(['workspace']);
    assert.equal(code, 0, 'warnings do not fail the default --fail-on error');
    assert.match(stdout, /^workspace\/rules\/revoked_dll_sideloading\.yml:11:7 warning ttp\.revoked T1574\.002 DLL Side-Loading is revoked in ATT&CK v18\.1: use T1574\.001 DLL\.$/m);
    assert.match(stdout, /^1 finding \(1 warning\) in 1 of 2 rule files; 1 fixable with --fix \(ATT&CK v18\.1, [\d.]+ s\)\.$/m);
    assert.doesNotMatch(stdout, /\u001b\[/, 'no colour when NO_COLOR is set or stdout is no terminal');
  });

  test('json: per file, findings with LSP ranges and 1-based positions', () => {
    const { stdout } = check(['workspace', '--format', 'json']);
    const report = JSON.parse(stdout);
    assert.equal(report.attack, 'ATT&CK v18.1');
    assert.deepEqual(report.summary, { files: 2, filesWithFindings: 1, findings: 1, fixable: 1, error: 0, warning: 1, information: 0, hint: 0 });
    const file = report.files.find((f: { path: string }) => f.path.endsWith('revoked_dll_sideloading.yml'));
    assert.deepEqual(file.findings[0], {
      code: 'ttp.revoked',
      severity: 'warning',
      message: 'T1574.002 DLL Side-Loading is revoked in ATT&CK v18.1: use T1574.001 DLL.',
      range: { start: { line: 10, character: 6 }, end: { line: 10, character: 22 } },
      line: 11,
      column: 7,
      endLine: 11,
      endColumn: 23,
      fixable: true,
    });
  });

  test('sarif: valid SARIF 2.1.0 (official schema), a rule per code with help, stable fingerprints, relative URIs', () => {
    const { stdout } = check(['rules', '--format', 'sarif'], path.dirname(SIGMAHQ_RULES));
    const log = JSON.parse(stdout);
    const schema = JSON.parse(readFileSync(requireShared(path.join(SHARED, 'reference', 'sarif', 'sarif-schema-2.1.0.json')), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const valid: boolean = validate(structuredClone(log));
    assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 5), null, 1));
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'TTP Lens');
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'ttp.newer-tactic');
    assert.match(rule.helpUri, /#ttp-newer-tactic$/);
    assert.ok(rule.help.text.length > 20);
    assert.equal(rule.defaultConfiguration.level, 'note');
    assert.ok(run.results.length > 1000);
    // The working directory as the process sees it: symbolic links resolved (CI links ../shared in).
    assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, `${new URL(`file://${realpathSync(path.dirname(SIGMAHQ_RULES))}/`).href}`);
    const first = run.results[0];
    assert.equal(first.locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.doesNotMatch(first.locations[0].physicalLocation.artifactLocation.uri, /^(file:|\/)/);
    assert.equal(run.tool.driver.rules[first.ruleIndex].id, first.ruleId);
    const prints = run.results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['ttpLensFinding/v1']);
    assert.equal(new Set(prints).size, prints.length, 'every finding has its own fingerprint');
  });

  test('sarif fingerprints survive lines added above a finding', () => {
    const root = copyFixture('workspace');
    const file = path.join(root, 'rules', 'revoked_dll_sideloading.yml');
    const fingerprint = () => JSON.parse(check(['rules', '--format', 'sarif'], root).stdout).runs[0].results[0];
    const before = fingerprint();
    writeFileSync(file, readFileSync(file, 'utf8').replace('description:', '# a comment\n# and another\ndescription:'));
    const after = fingerprint();
    assert.equal(after.locations[0].physicalLocation.region.startLine, before.locations[0].physicalLocation.region.startLine + 2);
    assert.deepEqual(after.partialFingerprints, before.partialFingerprints);
  });

  test('junit: well-formed XML, one testcase per file, failures for findings at --fail-on', () => {
    const { stdout } = check([path.relative(FIXTURES, SIGMAHQ_RULES), '--format', 'junit', '--fail-on', 'warning'], FIXTURES);
    assert.equal(XMLValidator.validate(stdout), true);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(stdout);
    const cases = xml.testsuites.testsuite.testcase as { name: string; failure?: unknown; 'system-out'?: unknown }[];
    assert.equal(cases.length, Number(xml.testsuites.tests));
    assert.ok(cases.length > 3000);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
    const failing = cases.filter((c) => c.failure).length;
    assert.equal(failing, Number(xml.testsuites.failures));
    assert.ok(failing > 50 && cases.some((c) => c['system-out']), 'warnings fail, information is reported as output');
  });

  test('github: workflow commands per finding, then the summary', () => {
    const { stdout } = check(['workspace', '--format', 'github']);
    const [command, summary] = stdout.trim().split('\n');
    assert.equal(command, '::warning file=workspace/rules/revoked_dll_sideloading.yml,line=11,col=7,endLine=11,endColumn=22,title=TTP Lens ttp.revoked::T1574.002 DLL Side-Loading is revoked in ATT&CK v18.1: use T1574.001 DLL.');
    assert.match(summary, /^1 finding/);
  });
});

describe('cli check: escaping', () => {
  test('workflow commands escape %, CR and LF in messages, and also : and , in properties', () => {
    assert.equal(escapeData('50% done\r\nnext: a, b'), '50%25 done%0D%0Anext: a, b');
    assert.equal(escapeProperty('C:\\rules\\a,b.yml'), 'C%3A\\rules\\a%2Cb.yml');
  });

  test('XML escapes entities and replaces characters XML cannot hold', () => {
    assert.equal(xmlEscape(`<a href="x">&'\u0001\ud800`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;\ufffd\ufffd');
  });

  test('hostile rule text stays inert in every format', needsShared, () => {
    const root = tempDir('ttplens-hostile-');
    mkdirSync(path.join(root, 'rules'));
    const tag = 'attack.\u001b[31mred</failure>&%0A,::error::';
    writeFileSync(path.join(root, 'rules', 'h.yml'), `title: x\nlogsource:\n    product: windows\ndetection:\n    condition: a\ntags:\n    - "${tag.replace('\u001b', '\\e')}"\n`);
    const text = check(['rules'], root).stdout;
    assert.doesNotMatch(text, /\u001b/, 'no escape sequence reaches the terminal');
    const junit = check(['rules', '--format', 'junit'], root).stdout;
    assert.equal(XMLValidator.validate(junit), true);
    const github = check(['rules', '--format', 'github'], root).stdout;
    assert.equal(github.split('\n').filter((l) => l.startsWith('::')).length, 1, 'one command: the message cannot start another');
    JSON.parse(check(['rules', '--format', 'sarif'], root).stdout);
  });
});

describe('cli check: exit codes, --fail-on, --severity, --config', needsShared, () => {
  test('--fail-on decides exit 1; never always exits 0', () => {
    assert.equal(check(['workspace']).code, 0);
    assert.equal(check(['workspace', '--fail-on', 'warning']).code, 1);
    assert.equal(check(['workspace', '--fail-on', 'information']).code, 1);
    assert.equal(check(['diagnostics', '--fail-on', 'error']).code, 1, 'sigma_problems.yml has errors');
    assert.equal(check(['diagnostics', '--fail-on', 'never']).code, 0);
  });

  test('--severity overrides a code, as the setting does; off silences it', () => {
    assert.equal(check(['workspace', '--severity', 'ttp.revoked=error']).code, 1);
    const { stdout } = check(['workspace', '--severity', 'ttp.revoked=off', '--format', 'json']);
    assert.equal(JSON.parse(stdout).summary.findings, 0);
  });

  test('--config reads a .vscode/settings.json with comments and trailing commas (dotted or nested keys)', () => {
    const root = copyFixture('workspace');
    mkdirSync(path.join(root, '.vscode'));
    const settings = path.join(root, '.vscode', 'settings.json');
    writeFileSync(settings, '{\n  // as VS Code writes it\n  "ttpLens.diagnostics.severity": { "ttp.revoked": "error", },\n  "editor.tabSize": 4,\n}\n');
    assert.equal(check(['rules', '--config', settings], root).code, 1);
    writeFileSync(settings, '{ "ttpLens": { "exclude": ["**/revoked_*"] } }');
    assert.equal(JSON.parse(check(['rules', '--config', settings, '--format', 'json'], root).stdout).summary.files, 1);
    const yaml = path.join(root, 'ttp-lens.yaml');
    writeFileSync(yaml, 'ttpLens.diagnostics.severity:\n  ttp.revoked: "off"\n');
    assert.equal(JSON.parse(check(['rules', '--config', yaml, '--format', 'json'], root).stdout).summary.findings, 0);
  });

  test('usage, path, config and bundle errors exit 2 naming what is wrong', () => {
    const cases: [string[], RegExp][] = [
      [['no-such-folder'], /no-such-folder does not exist/],
      [['workspace', '--format', 'xml'], /--format must be text, json, sarif, junit or github, not "xml"/],
      [['workspace', '--fail-on', 'fatal'], /--fail-on must be error, warning, information or never/],
      [['workspace', '--severity', 'ttp.nope=off'], /"ttp\.nope" is not a TTP Lens diagnostic code/],
      [['workspace', '--severity', 'ttp.revoked=loud'], /the level of ttp\.revoked must be error, warning, information, hint, off, not "loud"/],
      [['workspace', '--severity', 'revoked'], /--severity takes code=level/],
      [['workspace', '--config', 'missing.json'], /--config .*missing\.json cannot be read: it does not exist/],
      [['workspace', '--dry-run'], /--dry-run goes with --fix/],
      [[], /check needs one or more files or folders/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = check(args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr.split('\n')[0], message, args.join(' '));
    }
    const broken = path.join(tempDir('ttplens-config-'), 'settings.json');
    writeFileSync(broken, '{ "ttpLens.exclude": [ }');
    assert.match(check(['workspace', '--config', broken]).stderr, /is not valid JSON: ValueExpected at line 1, column 24/);
    const bundle = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'check', 'workspace', '--stix', 'nope.json'], { cwd: FIXTURES, encoding: 'utf8' });
    assert.equal(bundle.status, 2);
    assert.match(bundle.stderr, /nope\.json does not exist/);
  });
});

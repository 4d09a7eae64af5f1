// One measurement in a fresh Node process (run with --expose-gc), printing one JSON line.
//   node --expose-gc bench/child.mjs <task> [args…]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { out, percentile, require, settledRss } from './lib.mjs';

const [task, ...args] = process.argv.slice(2);
const now = () => performance.now();
const heap = () => {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
};
const rss = () => {
  global.gc();
  return process.memoryUsage().rss;
};
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

const tasks = {
  /** Baseline for corpus loading: JSON.parse of the bundle text (read before timing). */
  'json-parse'([bundle]) {
    const text = readFileSync(bundle, 'utf8');
    const before = heap();
    const started = now();
    const parsed = JSON.parse(text);
    const ms = now() - started;
    const heapDelta = heap() - before;
    print({ ms, heapMB: heapDelta / 1048576, objects: parsed.objects.length });
  },

  /** Corpus ready (cache or bundle; cacheDir "none" for no cache), and the heap it holds once its
   *  texts are loaded too. */
  async 'corpus-load'([bundle, cacheDir]) {
    const { loadCorpus } = out('server/src/corpus/load.js');
    const before = heap();
    const started = now();
    const load = await loadCorpus([bundle], { cacheDir: cacheDir === 'none' ? false : cacheDir });
    const ms = now() - started;
    load.corpus.description(load.corpus.get('T1059')); // the lazily parsed texts count as index memory
    const heapDelta = heap() - before;
    print({ ms, source: load.source, heapMB: heapDelta / 1048576, objects: load.corpus.objects.length });
  },

  /** Name search latency (corpus.find) vs a naive substring scan over the same objects. */
  async search([bundle, cacheDir]) {
    const { loadCorpus } = out('server/src/corpus/load.js');
    const corpus = (await loadCorpus([bundle], { cacheDir })).corpus;
    const queries = ['powers', 'ipc', 'wmi', 'process creation', 'apt28', 'mimik', 'credential dump', 'scheduled task', 'lsass', 'registry run keys', 'dll side', 'pass the hash', 'exfil', 'T1059', 'phish', 'kerber', 'token', 'masq', 'cloud', 'inject'];
    const naive = (query) => {
      const q = query.toLowerCase();
      return corpus.objects.filter((o) => o.name.toLowerCase().includes(q) || o.id.toLowerCase().startsWith(q)).slice(0, 50);
    };
    const measure = (fn) => {
      for (let i = 0; i < 5; i++) for (const q of queries) fn(q);
      const times = [];
      for (let i = 0; i < 30; i++) for (const q of queries) {
        const started = now();
        fn(q);
        times.push(now() - started);
      }
      return { p50: percentile(times, 50), p99: percentile(times, 99), n: times.length };
    };
    print({ ours: measure((q) => corpus.find(q, { limit: 50 })), naive: measure(naive) });
  },

  /** The workspace index as the server builds it: list the files, read and parse them in batches
   *  (scanner or parser per format, yielding between batches) into the rule index. */
  async index([dir]) {
    const { ExcludeMatcher, listRuleFiles } = out('server/src/workspace/files.js');
    const { indexFilesInBatches } = out('server/src/workspace/indexer.js');
    const { RuleIndex } = out('server/src/workspace/ruleIndex.js');
    const started = now();
    const files = listRuleFiles(dir, new ExcludeMatcher([]));
    const index = new RuleIndex();
    await indexFilesInBatches(files, { onOutcomes: (outcomes) => outcomes.forEach(([, o]) => o.rule && index.set(o.rule)) });
    const ms = now() - started;
    let references = 0;
    for (const rule of index.all()) references += rule.references.length;
    print({ ms, files: files.length, rules: index.size, references, rssMB: rss() / 1048576 });
  },

  /** Floor (a) of the index: the same folder listed, read and regex-scanned for technique tags. */
  async 'index-floor'([dir]) {
    const { floorScan } = await import('./floorScan.mjs');
    const started = now();
    const result = floorScan(dir);
    print({ ms: now() - started, ...result });
  },

  /** Baseline: list the same files, read them, yaml.parseDocument every one. */
  'index-baseline'([dir]) {
    const { ExcludeMatcher, listRuleFiles } = out('server/src/workspace/files.js');
    const { parseDocument } = require('yaml');
    const started = now();
    const files = listRuleFiles(dir, new ExcludeMatcher([]));
    for (const file of files) parseDocument(readFileSync(file, 'utf8'));
    print({ ms: now() - started, files: files.length });
  },

  /** The index's references must equal the full parser's, file by file. */
  'index-equality'([dir]) {
    const { ExcludeMatcher, listRuleFiles } = out('server/src/workspace/files.js');
    const { indexFile } = out('server/src/workspace/indexer.js');
    const { parseSigma } = out('server/src/formats/sigma.js');
    const files = listRuleFiles(dir, new ExcludeMatcher([]));
    let compared = 0;
    const mismatches = [];
    for (const file of files) {
      const outcome = indexFile(file);
      if (!outcome.rule) continue;
      const full = parseSigma(pathToFileURL(file).href, readFileSync(file, 'utf8'));
      compared++;
      if (JSON.stringify(outcome.rule.references) !== JSON.stringify(full.references)) mismatches.push(file);
    }
    print({ compared, mismatches: mismatches.length, examples: mismatches.slice(0, 3) });
  },

  /** Baseline for the coverage tree: the same per-technique counts by scanning every rule. */
  async 'naive-tree'([dir, bundle]) {
    const { loadCorpus } = out('server/src/corpus/load.js');
    const { ExcludeMatcher, listRuleFiles } = out('server/src/workspace/files.js');
    const { indexFilesSync } = out('server/src/workspace/indexer.js');
    const { RuleIndex } = out('server/src/workspace/ruleIndex.js');
    const corpus = (await loadCorpus([bundle], { cacheDir: false })).corpus;
    const index = new RuleIndex();
    indexFilesSync(listRuleFiles(dir, new ExcludeMatcher([])), index);
    const rules = [...index.all()];
    const started = now();
    const counts = [];
    for (const tactic of corpus.tactics()) {
      for (const technique of corpus.ofKind('technique')) {
        if (technique.revoked || technique.deprecated || technique.isSubtechnique || !technique.tactics?.includes(tactic.shortname)) continue;
        const ids = new Set([technique.id, ...corpus.subtechniquesOf(technique).map((s) => s.id)]);
        counts.push(rules.filter((rule) => rule.references.some((r) => ids.has(r.id))).length);
      }
    }
    print({ ms: now() - started, techniques: counts.length });
  },

  /** The coverage model of SigmaHQ once the index is ready: the first build (what a view waits for
   *  after an index change) and the median of 10 more. */
  async 'coverage-model'([dir, bundle]) {
    const { loadCorpus } = out('server/src/corpus/load.js');
    const { ExcludeMatcher, listRuleFiles } = out('server/src/workspace/files.js');
    const { indexFilesSync } = out('server/src/workspace/indexer.js');
    const { RuleIndex } = out('server/src/workspace/ruleIndex.js');
    const { buildCoverageModel } = out('server/src/workspace/coverageModel.js');
    const corpus = (await loadCorpus([bundle], { cacheDir: false })).corpus;
    const index = new RuleIndex();
    indexFilesSync(listRuleFiles(dir, new ExcludeMatcher([])), index);
    corpus.subtechniquesOf(corpus.get('T1059')); // the corpus's relationship index is built by any first request
    let started = now();
    const model = buildCoverageModel(corpus, index, {});
    const firstMs = now() - started;
    const times = [];
    for (let i = 0; i < 10; i++) {
      started = now();
      buildCoverageModel(corpus, index, {});
      times.push(now() - started);
    }
    times.sort((a, b) => a - b);
    print({ firstMs, medianMs: times[5], counted: model.byId.size });
  },

  /** Baseline for the server's RSS: a process holding the parsed bundle, settled the same way. */
  async 'hold-bundle'([bundle]) {
    const parsed = JSON.parse(readFileSync(bundle, 'utf8'));
    const settled = await settledRss(() => process.memoryUsage().rss / 1048576);
    print({ ...settled, objects: parsed.objects.length });
  },
};

if (!tasks[task]) throw new Error(`unknown task ${task}`);
await tasks[task](args);

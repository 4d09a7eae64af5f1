// The server side of ATT&CK release work: the releases available locally, the release diff of the
// workspace's rules (a Markdown report), the migration WorkspaceEdit, and the target release of each
// rule format for `ttp.target-too-new`. The logic lives in releases/ and features/targetChecks.ts.
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Corpus } from './corpus/corpus';
import type { RuleDocumentCache } from './documents';
import type { TargetFor, TargetRelease } from './features/targetChecks';
import type { RuleDocument } from './formats/model';
import { DiffReleasesRequest, LocalReleasesRequest, MigrationEditRequest } from './protocol';
import { diffMarkdown } from './releases/diffReport';
import { defaultReleaseSources, listLocalReleases, type ReleaseSource, resolveRelease } from './releases/localReleases';
import { MIGRATION_KIND_LABEL, type MigrationKind } from './releases/migrate';
import { type MigrationInput, migrationWorkspaceEdit, planMigration } from './releases/migrateFiles';
import { ReleaseCorpora } from './releases/releaseCorpora';
import { normalizeVersion, releaseDate } from './releases/releaseDates';
import { ReleaseDiff } from './releases/releaseDiff';
import { changesForRules } from './releases/ruleChanges';
import type { Settings } from './settings';
import { uriToPath } from './uris';
import { readRuleFile } from './workspace/files';
import { indexText } from './workspace/indexer';
import type { RuleIndex } from './workspace/ruleIndex';

export interface ReleaseServiceOptions {
  corpus: () => Corpus | undefined;
  settings: () => Settings;
  index: RuleIndex;
  documents: TextDocuments<TextDocument>;
  rules: RuleDocumentCache;
  folders: () => string[];
  distDir?: string;
  cacheDir: string | false;
  log: (message: string) => void;
  /** A target release's bundle finished loading: diagnostics should be redone. */
  onTargetsChanged: () => void;
}

export class ReleaseService {
  private readonly corpora: ReleaseCorpora;
  private targetsMemo?: { corpus: Corpus; settings: Settings; targets: Map<string, TargetRelease | undefined> };

  constructor(private readonly options: ReleaseServiceOptions) {
    this.corpora = new ReleaseCorpora({ cacheDir: options.cacheDir, log: options.log, onLoaded: () => this.forgetTargets(true) });
  }

  private sources(corpus = this.options.corpus()): ReleaseSource[] {
    return defaultReleaseSources({ bundlesInUse: corpus?.data.bundles.map((b) => b.path) ?? [], distDir: this.options.distDir });
  }

  /** After the corpus or the settings changed. */
  forgetTargets(notify = false): void {
    this.targetsMemo = undefined;
    if (notify) this.options.onTargetsChanged();
  }

  /** The target release of a format (`ttpLens.targets`): its date, and its bundle once loaded. */
  readonly targetFor: TargetFor = (format) => {
    const corpus = this.options.corpus();
    const settings = this.options.settings();
    const configured = settings.targets[format];
    if (!corpus || !configured) return undefined;
    if (this.targetsMemo?.corpus !== corpus || this.targetsMemo.settings !== settings) this.targetsMemo = { corpus, settings, targets: new Map() };
    const memo = this.targetsMemo.targets;
    if (memo.has(configured)) return memo.get(configured);
    const version = normalizeVersion(configured);
    if (!version) {
      this.options.log(`ttpLens.targets.${format}: "${configured}" is not an ATT&CK release version (such as 16.1); ignored.`);
      memo.set(configured, undefined);
      return undefined;
    }
    const bundles = resolveRelease(version, this.sources(corpus), { domains: corpus.data.bundles.map((b) => b.domain) });
    const target: TargetRelease = { version, date: releaseDate(version), corpus: bundles.ok ? this.corpora.peek(bundles.paths) : undefined };
    if (!target.date && !bundles.ok) this.options.log(`ttpLens.targets.${format}: ATT&CK v${version} has no known release date and its bundle is not available locally, so ttp.target-too-new cannot judge it.`);
    // While the target's bundle loads, its date decides; once loaded, forgetTargets asks again.
    if (!bundles.ok || target.corpus || this.corpora.hasFailed(bundles.paths)) memo.set(configured, target);
    return target;
  };

  private display(uri: string): string {
    const file = uriToPath(uri);
    const folder = this.options.folders().find((f) => file.startsWith(f.endsWith(path.sep) ? f : `${f}${path.sep}`));
    return folder ? path.relative(folder, file) : file;
  }

  private async openRelease(spec: string, corpus: Corpus): Promise<{ ok: true; corpus: Corpus } | { ok: false; error: string }> {
    const resolved = resolveRelease(spec, this.sources(corpus), { domains: corpus.data.bundles.map((b) => b.domain), baseDir: this.options.folders()[0] });
    if (!resolved.ok) return { ok: false, error: resolved.problem };
    try {
      return { ok: true, corpus: await this.corpora.open(resolved.paths) };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }

  /** The rule file's current text and its parse: the open document's, else the file's on disk. */
  private input(rule: RuleDocument): MigrationInput | undefined {
    const document = this.options.documents.get(rule.uri);
    if (document) return { rule: this.options.rules.get(document), text: document.getText() };
    if (!rule.uri.startsWith('file:')) return undefined;
    const file = uriToPath(rule.uri);
    const read = readRuleFile(file);
    if ('skipped' in read) return undefined;
    const current = indexText(rule.uri, file, read.text, this.options.settings().formats);
    return current ? { rule: current, text: read.text } : undefined;
  }

  register(connection: Connection): void {
    connection.onRequest(LocalReleasesRequest.type, () => {
      const corpus = this.options.corpus();
      const inUse = new Set(corpus?.data.bundles.map((b) => path.resolve(b.path)) ?? []);
      return listLocalReleases(this.sources(corpus)).map((r) => ({ ...r, inUse: inUse.has(r.path) }));
    });

    connection.onRequest(DiffReleasesRequest.type, async ({ from, to }) => {
      const loaded = this.options.corpus();
      if (!loaded) return { ok: false, error: 'no ATT&CK release is loaded' };
      const a = await this.openRelease(from, loaded);
      if (!a.ok) return a;
      const b = to ? await this.openRelease(to, loaded) : { ok: true as const, corpus: loaded };
      if (!b.ok) return b;
      const diff = new ReleaseDiff(a.corpus, b.corpus);
      const { files, counts } = changesForRules(diff, this.options.index.all());
      // The Markdown preview refuses file: links; a path from the workspace root opens the file at the line.
      const link = (uri: string, line: number) => `/${this.display(uri).split(path.sep).map(encodeURIComponent).join('/')}#L${line}`;
      const markdown = diffMarkdown({ diff, files, counts, ruleCount: this.options.index.size, display: (uri) => this.display(uri), link });
      const references = Object.values(counts).reduce((sum, c) => sum + (c?.references ?? 0), 0);
      return { ok: true, title: `${diff.from.versionLabel} → ${diff.to.versionLabel}`, markdown, files: files.length, references };
    });

    connection.onRequest(MigrationEditRequest.type, async ({ from, choices }) => {
      const loaded = this.options.corpus();
      if (!loaded) return { ok: false, error: 'no ATT&CK release is loaded' };
      const a = await this.openRelease(from, loaded);
      if (!a.ok) return a;
      const diff = new ReleaseDiff(a.corpus, loaded);
      const inputs: MigrationInput[] = [];
      for (const rule of [...this.options.index.all()]) {
        const input = this.input(rule);
        if (input) inputs.push(input);
      }
      const decided = new Map(Object.entries(choices ?? {}).map(([key, values]) => [key.toUpperCase(), values]));
      const plan = planMigration(diff, inputs, decided);
      const edit = migrationWorkspaceEdit(plan, (uri) => this.options.documents.get(uri)?.version ?? null);
      const counts: Record<string, number> = {};
      for (const [kind, count] of Object.entries(plan.counts)) counts[MIGRATION_KIND_LABEL[kind as MigrationKind]] = count!.edits;
      return {
        ok: true,
        from: diff.from.versionLabel,
        to: diff.to.versionLabel,
        edit,
        questions: plan.ambiguous.map(({ key, kind, subject, options, message, files }) => ({ key, kind, subject, options, message, files: files.length })),
        unresolved: plan.files.flatMap((file) => file.unresolved.map((u) => ({ uri: file.uri, line: u.range.start.line, message: u.message }))),
        counts,
      };
    });
  }
}

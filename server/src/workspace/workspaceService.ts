// Keeps the rule index of the workspace folders current: a first full index with progress, then
// one file at a time from file-system events and open-document edits (the editor's text wins
// while a document is open). No protocol code here: server.ts wires it to the connection.
import { existsSync } from 'node:fs';
import { fileUri, uriToPath } from '../uris';
import { type FormatGlobs, isDetectionText } from '../formats/detect';
import type { RuleDocument } from '../formats/model';
import { ExcludeMatcher, isRuleCandidate, listRuleFiles } from './files';
import { type FileOutcome, indexFile, indexFilesInBatches } from './indexer';
import type { SkipReason } from './files';
import { RuleIndex } from './ruleIndex';
import { t } from '../l10n/l10n';
import { monotonicMs } from '../clock';

export interface WorkspaceServiceOptions {
  log: (message: string) => void;
  /** Progress of a full index; `done` is called once at the end. */
  progress: (title: string) => Promise<{ report(done: number, total: number): void; done(): void }>;
}

export interface WorkspaceStats {
  indexing: boolean;
  rules: number;
  /** Files read from disk since start (first index + file events + closes). */
  filesRead: number;
  /** Open-document versions parsed into the index since start. */
  documentsParsed: number;
  skipped: { large: number; binary: number; unreadable: number };
}

export class WorkspaceService {
  readonly index = new RuleIndex();
  private folders: string[] = [];
  private exclude = new ExcludeMatcher([]);
  private globs: FormatGlobs = {};
  /** Open documents' latest parse (the editor's text wins over the disk while open). */
  private readonly openRules = new Map<string, RuleDocument>();
  private readonly skipped = new Map<string, { reason: SkipReason; detail: string }>();
  private readonly reportedSkips = new Set<string>();
  private indexing = false;
  private run = 0;
  private filesRead = 0;
  private documentsParsed = 0;

  constructor(private readonly options: WorkspaceServiceOptions) {}

  configure(folders: string[], excludeGlobs: string[], globs: FormatGlobs): void {
    this.folders = folders;
    this.exclude = new ExcludeMatcher(excludeGlobs);
    this.globs = globs;
  }

  /** Whether a full index run is in progress. */
  get isIndexing(): boolean {
    return this.indexing;
  }

  get stats(): WorkspaceStats {
    return {
      indexing: this.indexing,
      rules: this.index.size,
      filesRead: this.filesRead,
      documentsParsed: this.documentsParsed,
      skipped: { large: this.countSkipped('large'), binary: this.countSkipped('binary'), unreadable: this.countSkipped('unreadable') },
    };
  }

  /** (Re)indexes every folder. A newer call supersedes a running one. */
  async indexAll(): Promise<void> {
    const run = ++this.run;
    this.indexing = true;
    const files = this.folders.flatMap((folder) => listRuleFiles(folder, this.exclude));
    const progress = await this.options.progress(t('Indexing rules'));
    const started = monotonicMs();
    let done = 0;
    try {
      await indexFilesInBatches(files, {
        globs: this.globs,
        isCancelled: () => run !== this.run, // superseded by a newer full index
        onOutcomes: (outcomes) => {
          for (const [file, outcome] of outcomes) this.apply(file, outcome);
          done += outcomes.length;
          progress.report(done, files.length);
        },
      });
      if (run !== this.run) return;
      const present = new Set(files.map((f) => fileUri(f)));
      for (const rule of [...this.index.all()]) if (!present.has(rule.uri) && !this.openRules.has(rule.uri)) this.index.delete(rule.uri);
      for (const rule of this.openRules.values()) this.applyOpenRule(rule);
      this.options.log(`Indexed ${this.index.size} rule files of ${files.length} candidates in ${Math.round(monotonicMs() - started)} ms.`);
      this.reportSkips();
    } finally {
      progress.done();
      if (run === this.run) this.indexing = false;
    }
  }

  /** A watched file was created or changed on disk. Open documents keep the editor's version. */
  fileChanged(uri: string): void {
    if (this.openRules.has(uri) || !uri.startsWith('file:')) return;
    const file = uriToPath(uri);
    if (!this.inWorkspace(file) || !isRuleCandidate(file)) return;
    this.indexFromDisk(file);
    this.reportSkips();
  }

  /** A watched file or folder was deleted (a rename arrives as a delete and a create). */
  fileDeleted(uri: string): void {
    if (this.openRules.has(uri)) return;
    if (!this.index.delete(uri)) this.index.deleteUnder(uri);
  }

  /** An open document's current parse (full parser, every edit). */
  documentChanged(rule: RuleDocument): void {
    this.openRules.set(rule.uri, rule);
    this.applyOpenRule(rule);
  }

  /** Indexes an open document's parse when it belongs to the workspace (folders may be configured
   *  after the first documents open, so a full index applies them again). */
  private applyOpenRule(rule: RuleDocument): void {
    if (!rule.uri.startsWith('file:') || !this.inWorkspace(uriToPath(rule.uri))) return;
    this.documentsParsed++;
    if (rule.format === 'text' && !isDetectionText(uriToPath(rule.uri), this.globs)) this.index.delete(rule.uri);
    else this.index.set(rule);
  }

  /** Closing drops unsaved edits: the file on disk is the truth again. */
  documentClosed(uri: string): void {
    this.openRules.delete(uri);
    if (!uri.startsWith('file:')) return;
    const file = uriToPath(uri);
    if (existsSync(file) && this.inWorkspace(file) && isRuleCandidate(file)) this.indexFromDisk(file);
    else this.index.delete(uri);
  }

  private indexFromDisk(file: string): void {
    this.apply(file, undefined);
  }

  /** Records a file's index outcome (read here when not given), unless the file is open. */
  private apply(file: string, given: FileOutcome | undefined): void {
    const uri = fileUri(file);
    if (this.openRules.has(uri)) return;
    this.filesRead++;
    const outcome = given ?? indexFile(file, this.globs);
    this.skipped.delete(file);
    if ('rule' in outcome) {
      this.index.set(outcome.rule);
      return;
    }
    this.index.delete(uri);
    if ('skipped' in outcome) this.skipped.set(file, { reason: outcome.skipped, detail: outcome.detail });
  }

  private countSkipped(reason: SkipReason): number {
    let count = 0;
    for (const entry of this.skipped.values()) if (entry.reason === reason) count++;
    return count;
  }

  private inWorkspace(file: string): boolean {
    return this.folders.some((folder) => {
      if (file !== folder && !file.startsWith(folder.endsWith('/') ? folder : `${folder}/`)) return false;
      const relative = file.slice(folder.length + 1);
      return !this.exclude.excludesFile(relative);
    });
  }

  /** Says once per file which files were not indexed and why. */
  private reportSkips(): void {
    const label: Record<SkipReason, string> = { large: 'over 2 MB', binary: 'binary', unreadable: 'unreadable' };
    const fresh = [...this.skipped].filter(([file]) => !this.reportedSkips.has(file));
    if (!fresh.length) return;
    for (const [file] of fresh) this.reportedSkips.add(file);
    this.options.log(`Not indexed (${fresh.length} file${fresh.length === 1 ? '' : 's'}):\n  ${fresh.map(([file, e]) => `${file} — ${label[e.reason]} (${e.detail})`).join('\n  ')}`);
  }
}

// Registers one handler per LSP feature; each handler only fetches the parsed document and calls the
// feature's pure function. Diagnostics are pushed on every change and re-run for every open document
// when the corpus or the settings change.
import { type CodeActionParams, type Connection, type Diagnostic, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Corpus } from './corpus/corpus';
import type { ObjectKind } from './corpus/model';
import { factsOf } from './corpus/facts';
import type { RuleDocumentCache } from './documents';
import { codeActions } from './features/codeActions';
import { complete, resolveCompletion } from './features/completion';
import { diagnose } from './features/diagnostics';
import { hover } from './features/hover';
import { documentLinks } from './features/links';
import type { LogSourceContext } from './features/logSourceContext';
import { factsToMarkdown } from './features/objectMarkdown';
import { workspaceSymbols } from './features/symbols';
import { newRuleTemplate } from './features/newRule';
import type { TargetFor } from './features/targetChecks';
import { techniquePanel } from './features/techniquePanel';
import { workspaceLines } from './features/workspaceLines';
import type { RuleFormat } from './formats/model';
import {
  type CoverageFilter,
  CoverageFilterNotification,
  CoverageSummaryRequest,
  CoverageTreeRequest,
  NavigatorLayerRequest,
  NewRuleRequest,
  SearchRequest,
  TechniquePanelRequest,
  TechniqueRulesRequest,
} from './protocol';
import type { Settings } from './settings';
import type { ComponentIndex } from './workspace/componentIndex';
import type { CoverageModelCache } from './workspace/coverageModel';
import { coverageSummary, coverageTree, techniqueRules } from './workspace/coverageView';
import { navigatorLayer } from './workspace/navigator';
import type { WorkspaceService } from './workspace/workspaceService';

export interface ServerState {
  documents: TextDocuments<TextDocument>;
  rules: RuleDocumentCache;
  workspace: WorkspaceService;
  /** Which workspace rules read which data component. */
  components: ComponentIndex;
  /** The one coverage model, per corpus, index generation and filter. */
  coverage: CoverageModelCache;
  /** The coverage filter the client last set: what coverage answers without a filter of their own use. */
  coverageFilter: CoverageFilter;
  corpus(): Corpus | undefined;
  settings(): Settings;
  logSources(): LogSourceContext;
  /** The ATT&CK release each rule format's SIEM supports (`ttpLens.targets`). */
  targetFor?: TargetFor;
}

export class DiagnosticsPublisher {
  private readonly latest = new Map<string, { version: number; diagnostics: Diagnostic[] }>();

  constructor(
    private readonly connection: Connection,
    private readonly state: ServerState,
  ) {}

  /** The document's diagnostics for its current version (computed once per version). */
  current(document: TextDocument): Diagnostic[] {
    const cached = this.latest.get(document.uri);
    if (cached?.version === document.version) return cached.diagnostics;
    const corpus = this.state.corpus();
    const logSources = this.state.logSources();
    const diagnostics = diagnose(this.state.rules.get(document), {
      corpus,
      settings: this.state.settings(),
      ruleComponents: logSources.ruleComponents,
      observability: corpus ? logSources.observability(corpus) : undefined,
      targetFor: this.state.targetFor,
    });
    this.latest.set(document.uri, { version: document.version, diagnostics });
    return diagnostics;
  }

  publish(document: TextDocument): void {
    void this.connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: this.current(document) });
  }

  /** After the corpus or the settings changed: every open document again. */
  republishAll(): void {
    this.latest.clear();
    for (const document of this.state.documents.all()) this.publish(document);
  }

  forget(uri: string): void {
    this.latest.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }
}

export function registerFeatureHandlers(connection: Connection, state: ServerState, diagnostics: DiagnosticsPublisher): void {
  const documentOf = (uri: string) => state.documents.get(uri);

  connection.onHover((params) => {
    const document = documentOf(params.textDocument.uri);
    if (!document) return null;
    const corpus = state.corpus();
    return hover(state.rules.get(document), params.position, {
      corpus,
      workspaceFor: corpus
        ? (object) =>
            workspaceLines(
              corpus,
              { index: state.workspace.index, components: state.components, componentsOf: state.logSources().ruleComponents, model: () => state.coverage.get(corpus, state.coverageFilter) },
              object,
            )
        : undefined,
    });
  });

  connection.onCompletion((params) => {
    const document = documentOf(params.textDocument.uri);
    if (!document) return null;
    const corpus = state.corpus();
    const rule = state.rules.get(document);
    const provided = state.logSources().ruleComponents(rule);
    return complete({
      rule,
      lines: state.rules.lines(document),
      line: params.position.line,
      character: params.position.character,
      corpus,
      observable: corpus && provided ? state.logSources().observableTechniques(corpus, provided.components) : undefined,
    });
  });

  connection.onCompletionResolve((item) => {
    const corpus = state.corpus();
    return resolveCompletion(item, corpus, (object) => factsToMarkdown(factsOf(corpus!, object), { versionLabel: corpus!.versionLabel, brief: true }));
  });

  connection.onCodeAction((params: CodeActionParams) => {
    const document = documentOf(params.textDocument.uri);
    if (!document) return [];
    return codeActions({
      rule: state.rules.get(document),
      lines: state.rules.lines(document),
      version: document.version,
      contextDiagnostics: params.context.diagnostics,
      allDiagnostics: diagnostics.current(document),
      only: params.context.only,
    });
  });

  connection.onDocumentLinks((params) => {
    const document = documentOf(params.textDocument.uri);
    return document ? documentLinks(state.rules.get(document), state.corpus()) : [];
  });

  connection.onWorkspaceSymbol((params) => workspaceSymbols(params.query, state.corpus(), state.workspace.index));
}

/** The coverage views' requests: tree, rules of a technique, status-bar summary, technique panel,
 *  new-rule templates, Navigator layers, and search for pickers. */
export function registerCoverageHandlers(connection: Connection, state: ServerState): void {
  const index = state.workspace.index;
  const technique = (id: string) => {
    const object = state.corpus()?.get(id);
    return object?.kind === 'technique' ? object : undefined;
  };
  const filterOf = (filter: CoverageFilter | undefined) => filter ?? state.coverageFilter;
  const modelFor = (filter: CoverageFilter | undefined) => {
    const corpus = state.corpus();
    return corpus ? state.coverage.get(corpus, filterOf(filter)) : undefined;
  };

  connection.onNotification(CoverageFilterNotification.type, ({ filter }) => {
    state.coverageFilter = filter ?? {};
  });
  connection.onRequest(CoverageTreeRequest.type, ({ filter }) => {
    const model = modelFor(filter);
    return model ? coverageTree(model, index, filterOf(filter)) : null;
  });
  connection.onRequest(TechniqueRulesRequest.type, ({ id, filter }) => techniqueRules(index, id, filterOf(filter)));
  connection.onRequest(CoverageSummaryRequest.type, ({ filter }) => {
    const model = modelFor(filter);
    return model ? coverageSummary(model) : null;
  });
  connection.onRequest(TechniquePanelRequest.type, ({ id, filter }) => {
    const corpus = state.corpus();
    const model = modelFor(filter);
    const object = technique(id);
    if (!corpus || !model || !object) return null;
    return techniquePanel({ corpus, model, index, components: state.components, componentsOf: state.logSources().ruleComponents }, object);
  });
  connection.onRequest(NewRuleRequest.type, ({ techniqueId, component, format }) => {
    const corpus = state.corpus();
    const object = technique(techniqueId);
    if (!corpus || !object) return null;
    return newRuleTemplate(corpus, object, { component, format: format as RuleFormat | undefined, componentsOf: state.logSources().componentsOfSource });
  });
  connection.onRequest(NavigatorLayerRequest.type, ({ filter, maxScore }) => {
    const model = modelFor(filter);
    return model ? navigatorLayer(model, { maxScore }) : null;
  });
  connection.onRequest(SearchRequest.type, ({ query, kinds, limit }) => {
    const corpus = state.corpus();
    if (!corpus) return [];
    return corpus.find(query, { kinds: kinds as ObjectKind[] | undefined, limit: limit ?? 50 }).map(({ object }) => ({
      id: object.id,
      name: object.name,
      kind: object.kind,
      detail: (object.tactics ?? []).map((s) => corpus.tacticsNamed(s)[0]?.name ?? s).join(', '),
    }));
  });
}

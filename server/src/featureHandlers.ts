// Registers one handler per LSP feature; each handler only fetches the parsed document and calls the
// feature's pure function. Diagnostics (pulled or pushed, open files or the whole workspace) are
// scheduled by diagnosticsPublisher.ts.
import { type CodeActionParams, type Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Corpus } from './corpus/corpus';
import type { ObjectKind } from './corpus/model';
import { factsOf } from './corpus/facts';
import type { DiagnosticsPublisher } from './diagnosticsPublisher';
import type { RuleDocumentCache } from './documents';
import { codeActions, type FixAllData, resolveCodeAction } from './features/codeActions';
import { complete, resolveCompletion } from './features/completion';
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
  DiagnosticsStatusRequest,
  NavigatorLayerRequest,
  NewRuleRequest,
  SearchRequest,
  TechniquePanelRequest,
  TechniqueRulesRequest,
} from './protocol';
import type { Settings } from './settings';
import type { ComponentIndex } from './workspace/componentIndex';
import type { CoverageModelCache } from './workspace/coverageModel';
import type { LogSourceTableFile } from './workspace/logSourceTableFile';
import { coverageSummary, coverageTree, techniqueRules } from './workspace/coverageView';
import { navigatorLayer } from './workspace/navigator';
import type { WorkspaceService } from './workspace/workspaceService';
import type { OverlayTexts } from './corpus/overlay';
import { localizeFacts, localName, searchWithOverlay } from './features/localized';

export interface ServerState {
  documents: TextDocuments<TextDocument>;
  rules: RuleDocumentCache;
  workspace: WorkspaceService;
  /** Which workspace rules read which data component. */
  components: ComponentIndex;
  /** The one coverage model, per corpus, index generation and filter. */
  coverage: CoverageModelCache;
  /** Where the built-in log-source table's entries are written, for hover links. */
  logSourceTable: LogSourceTableFile;
  /** The coverage filter the client last set: what coverage answers without a filter of their own use. */
  coverageFilter: CoverageFilter;
  corpus(): Corpus | undefined;
  /** Resolves once no corpus load is in progress (bounded): requests wait for the corpus instead of
   *  answering as without one while it loads. */
  corpusSettled(): Promise<void>;
  /** No corpus load has finished or failed yet. */
  corpusPending(): boolean;
  settings(): Settings;
  logSources(): LogSourceContext;
  /** The ATT&CK release each rule format's SIEM supports (`ttpLens.targets`). */
  targetFor?: TargetFor;
  /** The corpus overlay's texts in the user's language, when one is configured. */
  overlay(): OverlayTexts | undefined;
  /** Whether the client resolves code actions' edits (codeAction/resolve with `edit`). */
  resolvesCodeActionEdits?(): boolean;
}

export function registerFeatureHandlers(connection: Connection, state: ServerState, diagnostics: DiagnosticsPublisher): void {
  const documentOf = (uri: string) => state.documents.get(uri);

  connection.onHover(async (params) => {
    await state.corpusSettled();
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
      logSources: { entryFor: state.logSources().entryFor, tableLink: state.logSourceTable.link },
      overlay: state.overlay(),
    });
  });

  connection.onCompletion(async (params) => {
    await state.corpusSettled();
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
      overlay: state.overlay(),
    });
  });

  connection.onCompletionResolve(async (item) => {
    await state.corpusSettled();
    const corpus = state.corpus();
    return resolveCompletion(item, corpus, (object) => {
      const { facts, languageNote } = localizeFacts(factsOf(corpus!, object), state.overlay());
      return factsToMarkdown(facts, { versionLabel: corpus!.versionLabel, brief: true, languageNote });
    });
  });

  connection.onCodeAction(async (params: CodeActionParams) => {
    await state.corpusSettled();
    const document = documentOf(params.textDocument.uri);
    if (!document) return [];
    return codeActions({
      rule: state.rules.get(document),
      lines: state.rules.lines(document),
      version: document.version,
      contextDiagnostics: params.context.diagnostics,
      allDiagnostics: diagnostics.current(document),
      only: params.context.only,
      resolveEdits: state.resolvesCodeActionEdits?.() === true,
    });
  });

  // The edit of a "fix all" action, computed when the user picks it (it may hold 100,000 edits).
  connection.onCodeActionResolve(async (action) => {
    await state.corpusSettled();
    const uri = (action.data as Partial<FixAllData> | undefined)?.ttpLensFixAll?.uri;
    const document = uri ? documentOf(uri) : undefined;
    if (!document) return action;
    return resolveCodeAction(action, { rule: state.rules.get(document), lines: state.rules.lines(document), version: document.version, allDiagnostics: diagnostics.current(document) });
  });

  connection.onDocumentLinks(async (params) => {
    await state.corpusSettled();
    const document = documentOf(params.textDocument.uri);
    return document ? documentLinks(state.rules.get(document), state.corpus()) : [];
  });

  connection.onWorkspaceSymbol(async (params) => {
    await state.corpusSettled();
    return workspaceSymbols(params.query, state.corpus(), state.workspace.index);
  });

  // Announced in the capabilities only to clients that pull (see server.ts).
  connection.languages.diagnostics.on((params) => diagnostics.documentReport(params));
  connection.languages.diagnostics.onWorkspace((params, token, _workDone, progress) => diagnostics.workspaceReport(params, token, progress));
  connection.onRequest(DiagnosticsStatusRequest.type, () => diagnostics.status());
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
  connection.onRequest(CoverageTreeRequest.type, async ({ filter }) => {
    await state.corpusSettled();
    const model = modelFor(filter);
    return model ? coverageTree(model, index, filterOf(filter), state.overlay()) : null;
  });
  connection.onRequest(TechniqueRulesRequest.type, async ({ id, filter }) => {
    await state.corpusSettled();
    return techniqueRules(index, id, filterOf(filter));
  });
  connection.onRequest(CoverageSummaryRequest.type, async ({ filter }) => {
    await state.corpusSettled();
    const model = modelFor(filter);
    return model ? coverageSummary(model) : null;
  });
  connection.onRequest(TechniquePanelRequest.type, async ({ id, filter }) => {
    await state.corpusSettled();
    const corpus = state.corpus();
    const model = modelFor(filter);
    const object = technique(id);
    if (!corpus || !model || !object) return null;
    return techniquePanel({ corpus, model, index, components: state.components, componentsOf: state.logSources().ruleComponents, overlay: state.overlay() }, object);
  });
  connection.onRequest(NewRuleRequest.type, async ({ techniqueId, component, format }) => {
    await state.corpusSettled();
    const corpus = state.corpus();
    const object = technique(techniqueId);
    if (!corpus || !object) return null;
    return newRuleTemplate(corpus, object, { component, format: format as RuleFormat | undefined, componentsOf: state.logSources().componentsOfSource });
  });
  connection.onRequest(NavigatorLayerRequest.type, async ({ filter, maxScore }) => {
    await state.corpusSettled();
    const model = modelFor(filter);
    return model ? navigatorLayer(model, { maxScore }) : null;
  });
  connection.onRequest(SearchRequest.type, async ({ query, kinds, limit }) => {
    await state.corpusSettled();
    const corpus = state.corpus();
    if (!corpus) return [];
    const overlay = state.overlay();
    return searchWithOverlay(corpus, overlay, query, { kinds: kinds as ObjectKind[] | undefined, limit: limit ?? 50 }).map((object) => ({
      id: object.id,
      name: localName(object, overlay),
      kind: object.kind,
      detail: (object.tactics ?? []).map((s) => localName(corpus.tacticsNamed(s)[0] ?? { id: '', name: s }, overlay)).join(', '),
    }));
  });
}

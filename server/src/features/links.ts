// Document links: every resolvable ATT&CK reference links to its attack.mitre.org page.
import type { DocumentLink } from 'vscode-languageserver-types';
import { attackUrl } from '../corpus/ids';
import type { Corpus } from '../corpus/corpus';
import type { RuleDocument } from '../formats/model';
import { resolveReference } from './resolve';

export function documentLinks(rule: RuleDocument, corpus: Corpus | undefined): DocumentLink[] {
  if (!corpus) return [];
  const links: DocumentLink[] = [];
  for (const reference of rule.references) {
    const resolution = resolveReference(corpus, reference);
    if (resolution.status !== 'found') continue;
    const { object } = resolution;
    const strategy = object.kind === 'analytic' ? corpus.detectionStrategyOf(object)?.id : undefined;
    const target = attackUrl(object.id, object.kind, strategy);
    if (target) links.push({ range: reference.range, target, tooltip: `${object.id} ${object.name} on attack.mitre.org` });
  }
  return links;
}

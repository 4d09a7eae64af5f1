// Document links: every resolvable ATT&CK reference links to its attack.mitre.org page — the first
// MAX_LINKS of them in a hostile file (a link is only useful where one can see it), computed once per
// parsed document and corpus, and each distinct reference resolved once.
import type { DocumentLink } from 'vscode-languageserver-types';
import { attackUrl } from '../corpus/ids';
import type { Corpus } from '../corpus/corpus';
import type { RuleDocument } from '../formats/model';
import { resolveReference } from './resolve';

export const MAX_LINKS = 1000;

const computed = new WeakMap<RuleDocument, { corpus: Corpus; links: DocumentLink[] }>();

export function documentLinks(rule: RuleDocument, corpus: Corpus | undefined): DocumentLink[] {
  if (!corpus) return [];
  const cached = computed.get(rule);
  if (cached?.corpus === corpus) return cached.links;
  const links: DocumentLink[] = [];
  const targets = new Map<string, { target: string; tooltip: string } | undefined>();
  for (const reference of rule.references) {
    if (links.length >= MAX_LINKS) break;
    const key = `${reference.kind}\u0000${reference.id}`;
    if (!targets.has(key)) {
      const resolution = resolveReference(corpus, reference);
      let link: { target: string; tooltip: string } | undefined;
      if (resolution.status === 'found') {
        const { object } = resolution;
        const strategy = object.kind === 'analytic' ? corpus.detectionStrategyOf(object)?.id : undefined;
        const target = attackUrl(object.id, object.kind, strategy);
        if (target) link = { target, tooltip: `${object.id} ${object.name} on attack.mitre.org` };
      }
      targets.set(key, link);
    }
    const link = targets.get(key);
    if (link) links.push({ range: reference.range, ...link });
  }
  computed.set(rule, { corpus, links });
  return links;
}

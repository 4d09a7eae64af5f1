// ATT&CK identifiers: their shapes, the kind each prefix names, and normalisation.
import type { ObjectKind } from './model';

export const ID_PREFIX_KIND: Record<string, ObjectKind> = {
  T: 'technique',
  TA: 'tactic',
  DS: 'dataSource',
  DC: 'dataComponent',
  M: 'mitigation',
  DET: 'detectionStrategy',
  AN: 'analytic',
  G: 'group',
  S: 'software',
  C: 'campaign',
  A: 'asset',
};

export const KIND_PREFIX: Record<ObjectKind, string> = {
  technique: 'T',
  tactic: 'TA',
  dataSource: 'DS',
  dataComponent: 'DC',
  mitigation: 'M',
  detectionStrategy: 'DET',
  analytic: 'AN',
  group: 'G',
  software: 'S',
  campaign: 'C',
  asset: 'A',
};

/** Whole-string match of a well-formed ATT&CK ID (case-insensitive); sub-technique suffix only on T. */
const ID_SHAPE = /^(TA|DS|DC|DET|AN|T|M|G|S|C|A)(\d{4})(?:\.(\d{3}))?$/i;

export interface ParsedId {
  /** Upper-case canonical form, e.g. "T1059.001". */
  id: string;
  prefix: string;
  kind: ObjectKind;
  number: number;
  /** Sub-technique number (T only). */
  sub?: number;
  /** "T1059" for "T1059.001". */
  parentId?: string;
}

/** Parses a well-formed ID, or returns undefined. Sub-technique suffixes are only valid on T IDs. */
export function parseAttackId(text: string): ParsedId | undefined {
  const match = ID_SHAPE.exec(text);
  if (!match) return undefined;
  const prefix = match[1].toUpperCase();
  if (match[3] !== undefined && prefix !== 'T') return undefined;
  const kind = ID_PREFIX_KIND[prefix];
  const id = `${prefix}${match[2]}${match[3] !== undefined ? '.' + match[3] : ''}`;
  const parsed: ParsedId = { id, prefix, kind, number: Number(match[2]) };
  if (match[3] !== undefined) {
    parsed.sub = Number(match[3]);
    parsed.parentId = `${prefix}${match[2]}`;
  }
  return parsed;
}

export function normalizeId(text: string): string {
  return parseAttackId(text)?.id ?? text.toUpperCase();
}

/** The attack.mitre.org page of an object, for kinds that have one. */
export function attackUrl(id: string, kind: ObjectKind, parentDetectionStrategy?: string): string | undefined {
  const parsed = parseAttackId(id);
  if (!parsed) return undefined;
  switch (kind) {
    case 'technique':
      return parsed.sub !== undefined
        ? `https://attack.mitre.org/techniques/${parsed.parentId}/${id.slice(-3)}/`
        : `https://attack.mitre.org/techniques/${id}/`;
    case 'tactic':
      return `https://attack.mitre.org/tactics/${id}/`;
    case 'dataSource':
      return `https://attack.mitre.org/datasources/${id}/`;
    case 'dataComponent':
      return `https://attack.mitre.org/datacomponents/${id}/`;
    case 'mitigation':
      return `https://attack.mitre.org/mitigations/${id}/`;
    case 'detectionStrategy':
      return `https://attack.mitre.org/detectionstrategies/${id}/`;
    case 'analytic':
      return parentDetectionStrategy
        ? `https://attack.mitre.org/detectionstrategies/${parentDetectionStrategy}/#${id}`
        : undefined;
    case 'group':
      return `https://attack.mitre.org/groups/${id}/`;
    case 'software':
      return `https://attack.mitre.org/software/${id}/`;
    case 'campaign':
      return `https://attack.mitre.org/campaigns/${id}/`;
    case 'asset':
      return `https://attack.mitre.org/assets/${id}/`;
  }
}

/** The forms users paste from rules and pages, as an ID: `attack.t1059.001`, `t1059.001`,
 *  `T1059/001`, `https://attack.mitre.org/techniques/T1059/001/` → "T1059.001". Other text is
 *  returned trimmed, for a name search. */
export function idFromUserInput(input: string): string {
  let text = input.trim();
  const url = /^https?:\/\/attack\.mitre\.org\/(?:[a-z]+)\/([A-Za-z]+\d{4})(?:\/(\d{3}))?\/?(?:[#?].*)?$/i.exec(text);
  if (url) text = url[2] ? `${url[1]}.${url[2]}` : url[1];
  text = text.replace(/^attack\./i, '').replace(/^(T\d{4})\/(\d{3})$/i, '$1.$2');
  return parseAttackId(text)?.id ?? text;
}

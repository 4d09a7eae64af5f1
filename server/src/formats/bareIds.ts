// IDs written bare in a list (Splunk, Sentinel, MaxPatrol, Elastic): the canonical ID, and why the
// written form is not well-formed when it is recognisably meant (t1059.001, T1059-001, T1059.1).
import { ID_PREFIX_KIND, parseAttackId } from '../corpus/ids';
import type { AttackReference } from './model';
import { later } from '../l10n/l10n';

export function interpretBareId(written: string, expected: AttackReference['kind'] = 'technique'): Pick<AttackReference, 'id' | 'kind' | 'malformed'> {
  const text = written.trim();
  const parsed = parseAttackId(text);
  if (parsed) return text === parsed.id ? { id: parsed.id, kind: parsed.kind } : { id: parsed.id, kind: parsed.kind, malformed: later('ATT&CK IDs are upper case') };
  const technique = /^t(\d{4})[-_ ,:/](\d{1,3})$|^t(\d{4})\.(\d{1,2})$/i.exec(text);
  if (technique) {
    const number = technique[1] ?? technique[3];
    const sub = (technique[2] ?? technique[4]).padStart(3, '0');
    return { id: `T${number}.${sub}`, kind: 'technique', malformed: technique[2] !== undefined ? later('a sub-technique is written with a dot') : later('a sub-technique number has three digits') };
  }
  // A technique's attack.mitre.org page instead of its ID (seen in real MaxPatrol content).
  const url = /^https?:\/\/attack\.mitre\.org\/techniques\/(T\d{4})(?:\/(\d{3}))?\/?$/i.exec(text);
  if (url) return { id: url[2] ? `${url[1].toUpperCase()}.${url[2]}` : url[1].toUpperCase(), kind: 'technique', malformed: later('a technique page URL instead of the technique ID') };
  const other = /^(TA|DS|DC|DET|AN|M|G|S|C)[-_ ]?(\d{4})$/i.exec(text);
  if (other) return { id: `${other[1].toUpperCase()}${other[2]}`, kind: ID_PREFIX_KIND[other[1].toUpperCase()], malformed: later('ATT&CK IDs are written without separators') };
  return { id: text, kind: expected === 'technique' ? 'unknown' : expected, malformed: expected === 'tactic' ? later('not an ATT&CK tactic ID') : later('not an ATT&CK technique ID') };
}

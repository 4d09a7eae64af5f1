// `ttp.target-too-new`: a rule of a format whose SIEM supports an older ATT&CK release
// (`ttpLens.targets`, e.g. `{ "sentinel": "16.1" }`) claims a technique or tactic that release does
// not have — the SIEM will reject or mis-file it. Decided from that release's bundle when it is
// available locally (exact), else from the object's STIX `created` date against the release's
// publication date (releases/releaseDates.ts).
import type { Corpus } from '../corpus/corpus';
import type { AttackObject } from '../corpus/model';
import { FORMAT_LABEL, type RuleDocument, type RuleFormat } from '../formats/model';
import { compareVersions } from '../releases/releaseDates';
import type { Finding } from './referenceChecks';
import { findTactic, resolveReference } from './resolve';
import { t } from '../l10n/l10n';

export interface TargetRelease {
  /** The configured version, normalised ("16.1"). */
  version: string;
  /** Its publication date (YYYY-MM-DD), when known. */
  date?: string;
  /** Its bundle, when available locally. */
  corpus?: Corpus;
}

export type TargetFor = (format: RuleFormat) => TargetRelease | undefined;

const label = (o: AttackObject) => `${o.id} ${o.name}`;

/** The newest release among the loaded bundles. */
function loadedVersion(corpus: Corpus): string {
  return corpus.data.bundles.map((b) => b.version).sort(compareVersions).at(-1) ?? '';
}

export function checkTarget(corpus: Corpus, rule: RuleDocument, target: TargetRelease): Finding[] {
  // Everything in a release the target is not older than existed at the target.
  if (compareVersions(loadedVersion(corpus), target.version) <= 0) return [];
  if (!target.corpus && !target.date) return [];
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const reference of rule.references) {
    if (reference.kind !== 'technique' && reference.kind !== 'tactic') continue;
    const resolution = resolveReference(corpus, reference);
    if (resolution.status !== 'found') continue;
    const object = resolution.object;
    const key = `${object.id}\u0000${reference.written}`;
    if (reported.has(key)) continue;
    let message: string | undefined;
    if (target.corpus) {
      const byId = target.corpus.get(object.id);
      const byName = object.kind === 'tactic' && !/^TA\d{4}$/i.test(reference.id) ? findTactic(target.corpus, reference.id)?.tactic : byId;
      if (byId?.kind !== object.kind) message = t('{0} is not in ATT&CK v{1}, the release {2} rules target (ttpLens.targets): the SIEM will reject or mis-file it.', label(object), target.version, FORMAT_LABEL[rule.format]);
      else if (!byName) message = t('{0} is not a tactic name in ATT&CK v{1} (there {2} is {3}), the release {4} rules target (ttpLens.targets): the SIEM will reject or mis-file it.', reference.written, target.version, object.id, byId.name, FORMAT_LABEL[rule.format]);
    } else if (object.created && target.date && object.created > target.date) {
      message = t('{0} was added to ATT&CK after v{1} (created {2}; v{1} was published {3}), the release {4} rules target (ttpLens.targets): the SIEM will reject or mis-file it.', label(object), target.version, object.created, target.date, FORMAT_LABEL[rule.format]);
    }
    if (!message) continue;
    reported.add(key);
    findings.push({ code: 'ttp.target-too-new', range: reference.range, message });
  }
  return findings;
}

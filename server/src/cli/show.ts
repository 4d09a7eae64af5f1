// `ttp-lens show <ID>`: everything about one ATT&CK object, as text or JSON. The argument may be an
// ID, a Sigma tag (attack.t1059.001, attack.execution) or a tactic name; one that names nothing gets
// the editor's verdict, in the diagnostics' words: from a newer release, or a typo with suggestions.
import type { Corpus } from '../corpus/corpus';
import { factsOf } from '../corpus/facts';
import { idFromUserInput } from '../corpus/ids';
import type { AttackObject } from '../corpus/model';
import { interpretBareId } from '../formats/bareIds';
import { emptyRuleDocument, type AttackReference } from '../formats/model';
import { isAttackTag, sigmaTagReference } from '../formats/sigmaTags';
import { checkReference, newerMessage } from '../features/referenceChecks';
import { findTactic } from '../features/resolve';
import { localizeFacts } from '../features/localized';
import { t } from '../l10n/l10n';
import { type CliCommand, CORPUS_HELP, CORPUS_OPTIONS, openCorpus, openOverlay, UsageError } from './command';
import { factsToText } from './factsText';

export const showCommand: CliCommand = {
  name: 'show',
  args: '<ID>',
  summary: 'Everything about an ATT&CK object (T1059.001, TA0002, DS0009, DC0032, M1013, DET0493, AN1357, G0007, S0002, C0001, attack.execution)',
  options: { ...CORPUS_OPTIONS, json: { type: 'boolean', default: false } },
  help: `Options:
  --json               The facts as JSON
${CORPUS_HELP}

Exit codes: 0 found; 1 not in the loaded release (the message says whether it is likely from a newer
release or a typo, with suggestions); 2 usage or bundle error.

Examples:
  ttp-lens show T1559
  ttp-lens show attack.t1059.001                                   (a Sigma tag)
  ttp-lens show https://attack.mitre.org/techniques/T1059/001/     (a technique page)
  ttp-lens show attack.defense-evasion                             (a tactic tag)
  ttp-lens show DET0493 --json
  ttp-lens show T1059.001 --stix enterprise-attack-17.1.json`,
  async run(args, values) {
    if (args.length !== 1 || !args[0].trim()) throw new UsageError('show takes exactly one ID');
    const corpus = await openCorpus(values);
    const reference = referenceFor(args[0].trim());
    const object = lookUp(corpus, reference);
    if (!object) {
      process.stderr.write(`ttp-lens: ${verdictOf(corpus, reference)}\n`);
      return 1;
    }
    const facts = factsOf(corpus, object);
    process.stdout.write(values.json ? `${JSON.stringify({ attack: corpus.versionLabel, ...facts }, null, 2)}\n` : `${factsToText(localizeFacts(facts, openOverlay(values, corpus)).facts, corpus.versionLabel)}\n`);
    return 0;
  },
};

/** The argument read as the editor reads a reference: a Sigma tag, a bare ID (also in a technique
 *  page's URL), or a tactic name. */
function referenceFor(input: string): AttackReference {
  // attack.mitre.org URLs and T1059/001 are pasted too; they mean the ID they name.
  const text = /^https?:|\//i.test(input) ? idFromUserInput(input) : input;
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: text.length } };
  if (isAttackTag(text)) return sigmaTagReference(text, range, 0);
  const bare = interpretBareId(text);
  if (bare.kind !== 'unknown') return { ...bare, malformed: undefined, written: text, form: 'bareId', range, key: '' };
  return { id: text, kind: 'tactic', written: text, form: 'tacticName', range, key: '' };
}

function lookUp(corpus: Corpus, reference: AttackReference): AttackObject | undefined {
  if (reference.kind === 'tactic' && !/^TA\d{4}$/i.test(reference.id)) return findTactic(corpus, reference.id)?.tactic;
  const object = corpus.get(reference.id);
  return object && (reference.kind === 'unknown' || object.kind === reference.kind) ? object : undefined;
}

function verdictOf(corpus: Corpus, reference: AttackReference): string {
  const verdict = corpus.classifyMissing(reference.id);
  if (verdict.kind === 'newer') return newerMessage(reference.written, verdict, reference.kind === 'tactic' && !/^TA\d{4}$/i.test(reference.id), '--stix');
  const finding = checkReference(corpus, emptyRuleDocument('', reference.form === 'sigmaTag' ? 'sigma' : 'text'), reference)[0];
  const suggestions = finding?.replacements?.length ? [] : corpus.find(reference.written, { limit: 3 }).map((r) => `${r.object.id} ${r.object.name}`);
  return `${finding?.message ?? t('{0} is not an ATT&CK ID in {1}.', reference.written, corpus.versionLabel)}${suggestions.length ? ` ${t('Did you mean {0}?', suggestions.join(t(', or ')))}` : ''}`;
}

// `ttp-lens show <ID>`: everything about one ATT&CK object, as text or JSON.
import { factsOf } from '../corpus/facts';
import { idFromUserInput } from '../corpus/ids';
import { type CliCommand, CORPUS_HELP, CORPUS_OPTIONS, openCorpus, openOverlay, UsageError } from './command';
import { localizeFacts } from '../features/localized';
import { factsToText } from './factsText';

export const showCommand: CliCommand = {
  name: 'show',
  args: '<ID>',
  summary: 'Everything about an ATT&CK object (T1059.001, TA0002, DS0009, DC0032, M1013, DET0493, AN1357, G0007, S0002, C0001)',
  options: { ...CORPUS_OPTIONS, json: { type: 'boolean', default: false } },
  help: `Options:
  --json               The facts as JSON
${CORPUS_HELP}

Examples:
  ttp-lens show T1559
  ttp-lens show attack.t1059.001                                   (a Sigma tag)
  ttp-lens show https://attack.mitre.org/techniques/T1059/001/     (a technique page)
  ttp-lens show attack.defense-evasion                             (a tactic tag)
  ttp-lens show DET0493 --json
  ttp-lens show T1059.001 --stix enterprise-attack-17.1.json`,
  async run(args, values) {
    if (args.length !== 1) throw new UsageError('show takes exactly one ID');
    const corpus = await openCorpus(values);
    // attack.t1059.001, t1059.001 and attack.mitre.org URLs are the forms users paste.
    const id = idFromUserInput(args[0]);
    const object = corpus.get(id) ?? (corpus.tacticsNamed(id.replace(/_/g, '-'))[0]);
    if (!object) {
      const verdict = corpus.classifyMissing(id);
      const message = verdict.kind === 'newer'
        ? `${id} is not in the loaded ${verdict.loadedVersion}; it may be from a newer ATT&CK release`
        : `${id} is not an ATT&CK ID in ${corpus.versionLabel}`;
      const suggestions = corpus.find(id, { limit: 3 }).map((r) => `${r.object.id} ${r.object.name}`);
      process.stderr.write(`ttp-lens: ${message}${suggestions.length ? `; did you mean: ${suggestions.join(', ')}?` : ''}\n`);
      return 1;
    }
    const facts = factsOf(corpus, object);
    process.stdout.write(values.json ? `${JSON.stringify({ attack: corpus.versionLabel, ...facts }, null, 2)}\n` : `${factsToText(localizeFacts(facts, openOverlay(values, corpus)).facts, corpus.versionLabel)}\n`);
    return 0;
  },
};

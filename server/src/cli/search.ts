// `ttp-lens search <text>`: ranked search by ID prefix, name, alias or acronym.
import type { ObjectKind } from '../corpus/model';
import { type CliCommand, CORPUS_HELP, CORPUS_OPTIONS, openCorpus, openOverlay, positiveInteger, UsageError } from './command';
import { localName } from '../features/localized';

export const searchCommand: CliCommand = {
  name: 'search',
  args: '<text>',
  summary: 'Find ATT&CK objects by ID prefix, name, alias or acronym ("powers", "ipc")',
  options: { ...CORPUS_OPTIONS, json: { type: 'boolean', default: false }, kind: { type: 'string', multiple: true }, limit: { type: 'string' } },
  help: `Options:
  --kind KIND          Only this kind (technique, tactic, dataSource, dataComponent, mitigation,
                       detectionStrategy, analytic, group, software, campaign, asset); repeatable
  --limit N            At most N results (default 20)
  --json               The results as JSON
${CORPUS_HELP}

Examples:
  ttp-lens search powers --kind technique
  ttp-lens search "inter-process" --limit 5 --json`,
  async run(args, values) {
    if (!args.length) throw new UsageError('search needs the text to look for');
    const limit = positiveInteger(values, 'limit', 20);
    const corpus = await openCorpus(values);
    const overlay = openOverlay(values, corpus);
    const kinds = values.kind as ObjectKind[] | undefined;
    const found = corpus.find(args.join(' '), { limit, kinds });
    // Localised names match first ("межпроцессное" → T1559), as in the editor.
    const local = (overlay?.search(args.join(' '), limit) ?? []).map((id) => corpus.get(id)).filter((o) => !!o && !o.revoked && !o.deprecated && (!kinds || kinds.includes(o.kind)));
    const results = [...local.map((object) => ({ object: object!, score: 1, matchedOn: 'overlay' as const })), ...found.filter((r) => !local.includes(r.object))].slice(0, limit);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(results.map((r) => ({ id: r.object.id, name: r.object.name, kind: r.object.kind, score: Number(r.score.toFixed(3)), matchedOn: r.matchedOn })), null, 2)}\n`);
    } else {
      for (const r of results) process.stdout.write(`${r.object.id.padEnd(10)} ${localName(r.object, overlay)}  (${r.object.kind}${r.matchedOn === 'id' || r.matchedOn === 'name' ? '' : `, ${r.matchedOn}`})\n`);
    }
    return results.length ? 0 : 1;
  },
};

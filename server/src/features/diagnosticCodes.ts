// What each diagnostic code means, in one place: for SARIF rules (code scanning shows it as the
// rule's help), the CLI's help, and the README table these texts mirror (README.md "Diagnostics",
// one anchor per code).
import type { DiagnosticCode } from '../settings';

export interface CodeDescription {
  /** A few words: the rule's name in code scanning. */
  title: string;
  /** When it is reported. */
  when: string;
  /** What the quick-fix does, when there is one. */
  fix?: string;
}

export const CODE_DESCRIPTIONS: Record<DiagnosticCode, CodeDescription> = {
  'ttp.parse': { title: 'Rule file does not parse', when: 'The file is not valid YAML/TOML, or not the shape its format needs; reported where the parser stopped. A warning for a file that is not valid YAML 1.2 but that lenient readers such as PyYAML read (TTP Lens reads it the same way); information on the first line for a file over 256 KB read by the fast scanner without a syntax check, or a document over 2 MB that is not read.' },
  'ttp.unknown-id': { title: 'Unknown ATT&CK ID', when: 'No object with this ID exists in the loaded ATT&CK release, and the ID is not plausibly from a newer one: a typo, or no ATT&CK reference at all.', fix: 'Replace with one of the closest IDs.' },
  'ttp.newer-id': { title: 'ID from a newer ATT&CK release', when: 'The ID is not in the loaded release but a later one plausibly has it: a number a little above the loaded release\'s highest (T1685 against v18.1; up to 50 above for techniques), or a sub-technique a little above its parent\'s highest. Load the newer release to check it.' },
  'ttp.unknown-tactic': { title: 'Unknown tactic', when: 'A tactic tag or name that is neither a tactic of the loaded release nor one a later release introduced (e.g. defense_evesion, powers).', fix: 'Replace with the closest tactic, or with an object by that name (attack.powers → attack.t1059.001).' },
  'ttp.newer-tactic': { title: 'Tactic from a newer ATT&CK release', when: 'A tactic a release later than the loaded one introduced (v19\'s stealth and defense-impairment against v18.1).' },
  'ttp.revoked': { title: 'Revoked ATT&CK object', when: 'The object was revoked in the loaded release; the message names its live successor (revoked-by chains are followed).', fix: 'Replace with the successor (safe: applied by --fix and Fix All).' },
  'ttp.deprecated': { title: 'Deprecated ATT&CK object', when: 'The object is deprecated in the loaded release and ATT&CK names no replacement.' },
  'ttp.malformed': { title: 'Malformed ATT&CK reference', when: 'The right object written in a form the format does not use (attack.T1059, attack.t1059-001, attack.t1059.1, attack.defense_evasion, a technique URL).', fix: 'Write the canonical form (safe: applied by --fix and Fix All).' },
  'ttp.wrong-tactic': { title: 'Technique under a tactic it does not belong to', when: 'A technique filed under a tactic it does not belong to (MaxPatrol tactic keys, Elastic threat blocks), or a Sigma/Sentinel tactic none of the rule\'s techniques belongs to.' },
  'ttp.missing-tactic': { title: 'Technique without its tactic', when: 'None of the technique\'s tactics is tagged in the rule (Sigma, Sentinel).', fix: 'Add a tactic tag (Sigma); applied by --fix and Fix All when the technique has exactly one tactic.' },
  'ttp.name-mismatch': { title: 'Wrong technique or tactic name', when: 'An ID written next to a name that is not its name in the loaded release (Elastic `name = …`).', fix: 'Write the current name (safe: applied by --fix and Fix All).' },
  'ttp.duplicate': { title: 'Duplicate reference', when: 'The same reference twice in one list.', fix: 'Remove the repeat (safe: applied by --fix and Fix All).' },
  'ttp.target-too-new': { title: 'Newer than the SIEM\'s ATT&CK release', when: 'A technique or tactic introduced after the ATT&CK release the rule\'s SIEM supports (ttpLens.targets): the SIEM will reject or mis-file it.' },
  'ttp.unobservable': { title: 'Log source cannot observe the technique', when: 'No data component the rule\'s log source provides is listed by ATT&CK for the technique it claims (data/logsource-map.json, extendable with ttpLens.logSourceMap).' },
  'ttp.capped': { title: 'Too many findings in one file', when: 'A file with more than 1,000 findings (a hostile or generated file): the 1,000 most severe are listed, and this one counts the rest by code. Fix All and --fix still fix them all.' },
};

/** The README anchor of a code ("ttp.revoked" → "ttp-revoked"). */
export function codeAnchor(code: string): string {
  return code.replace(/[^a-z0-9-]/gi, '-');
}

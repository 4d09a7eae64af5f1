// The server's view of `ttpLens.*` settings. Defaults here match package.json's contributes.configuration.
import { RULE_FORMATS, type RuleFormat } from './formats/model';

export type SeveritySetting = 'error' | 'warning' | 'information' | 'hint' | 'off';

/** Stable diagnostic codes (documented in README.md) and their default severities. */
export const DIAGNOSTIC_DEFAULTS = {
  'ttp.parse': 'error',
  'ttp.unknown-id': 'error',
  'ttp.newer-id': 'information',
  'ttp.unknown-tactic': 'error',
  'ttp.newer-tactic': 'information',
  'ttp.revoked': 'warning',
  'ttp.deprecated': 'warning',
  'ttp.malformed': 'warning',
  'ttp.wrong-tactic': 'warning',
  'ttp.missing-tactic': 'warning',
  'ttp.name-mismatch': 'warning',
  'ttp.duplicate': 'warning',
  'ttp.unobservable': 'information',
  'ttp.target-too-new': 'error',
  'ttp.capped': 'information',
} as const satisfies Record<string, SeveritySetting>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_DEFAULTS;

/** Which files' diagnostics the Problems panel gets: every indexed rule file, or open ones only. */
export type DiagnosticsScope = 'workspace' | 'openFiles';

export interface Settings {
  attack: {
    /** A bundle path or a list of them (enterprise + mobile + ICS). */
    stixPath: string | string[] | null;
    /** Domains loaded when no path is configured: the embedded (or chosen downloaded) release of each. */
    domains: string[];
    /** The ATT&CK collection index that "Download ATT&CK Release…" reads (MITRE's, or a mirror). */
    releaseIndexUrl: string;
    /** Corpus overlays: localised ATT&CK names and descriptions (STIX language-content or a map by ID). */
    overlayPaths: string[];
  };
  /** Globs (relative to a workspace folder) not to index, in addition to `files.exclude`. */
  exclude: string[];
  /** Extra globs per format, for rule files detection by content would not recognise. */
  formats: Partial<Record<RuleFormat, string[]>>;
  diagnostics: {
    /** Severity per diagnostic code; 'off' silences a code. */
    severity: Partial<Record<DiagnosticCode, SeveritySetting>>;
    scope: DiagnosticsScope;
  };
  coverage: {
    /** Only the exact technique counts as observable, not its parent or sub-techniques. */
    strictSubtechniques: boolean;
  };
  /** User entries for the log-source → data-component table (same shape as data/logsource-map.json). */
  logSourceMap: unknown;
  /** The ATT&CK release each rule format's SIEM supports ("16.1"): newer techniques and tactics are
   *  `ttp.target-too-new`. */
  targets: Partial<Record<RuleFormat, string>>;
}

/** MITRE's collection index of every ATT&CK release (what the ATT&CK Navigator reads too). */
export const DEFAULT_RELEASE_INDEX_URL = 'https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/index.json';

export const DEFAULT_SETTINGS: Settings = {
  attack: { stixPath: null, domains: ['enterprise'], releaseIndexUrl: DEFAULT_RELEASE_INDEX_URL, overlayPaths: [] },
  exclude: ['**/node_modules/**', '**/.git/**'],
  formats: {},
  diagnostics: { severity: {}, scope: 'workspace' },
  coverage: { strictSubtechniques: false },
  logSourceMap: undefined,
  targets: {},
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Merges a partial settings object (from initializationOptions or workspace/configuration) over the defaults. */
export function withDefaults(partial: unknown): Settings {
  const value = (isObject(partial) ? partial : {}) as Partial<Settings>;
  return {
    attack: {
      stixPath: value.attack?.stixPath ?? DEFAULT_SETTINGS.attack.stixPath,
      domains: Array.isArray(value.attack?.domains) && value.attack.domains.length ? value.attack.domains.filter((d): d is string => typeof d === 'string') : DEFAULT_SETTINGS.attack.domains,
      releaseIndexUrl: typeof value.attack?.releaseIndexUrl === 'string' && value.attack.releaseIndexUrl.trim() ? value.attack.releaseIndexUrl.trim() : DEFAULT_RELEASE_INDEX_URL,
      overlayPaths: Array.isArray(value.attack?.overlayPaths) ? value.attack.overlayPaths.filter((p): p is string => typeof p === 'string' && !!p.trim()) : typeof value.attack?.overlayPaths === 'string' ? [value.attack.overlayPaths] : [],
    },
    exclude: Array.isArray(value.exclude) ? value.exclude.filter((e): e is string => typeof e === 'string') : DEFAULT_SETTINGS.exclude,
    formats: isObject(value.formats) ? value.formats : {},
    diagnostics: {
      severity: isObject(value.diagnostics?.severity) ? value.diagnostics.severity : {},
      scope: value.diagnostics?.scope === 'openFiles' ? 'openFiles' : 'workspace',
    },
    coverage: { strictSubtechniques: value.coverage?.strictSubtechniques === true },
    logSourceMap: isObject(value.logSourceMap) ? value.logSourceMap : undefined,
    targets: targetsOf(value.targets),
  };
}

/** Only string versions for known formats: `{ "sentinel": "16.1" }`. */
function targetsOf(value: unknown): Settings['targets'] {
  if (!isObject(value)) return {};
  const targets: Settings['targets'] = {};
  for (const [format, version] of Object.entries(value)) {
    if (RULE_FORMATS.includes(format as RuleFormat) && typeof version === 'string' && version.trim()) targets[format as RuleFormat] = version.trim();
  }
  return targets;
}

export function severityOf(settings: Settings, code: DiagnosticCode): SeveritySetting {
  return settings.diagnostics.severity[code] ?? DIAGNOSTIC_DEFAULTS[code];
}

// The server's view of `ttpLens.*` settings. Defaults here match package.json's contributes.configuration.
import type { RuleFormat } from './formats/model';

export interface Settings {
  attack: {
    /** A bundle path or a list of them (enterprise + mobile + ICS). */
    stixPath: string | string[] | null;
  };
  /** Globs (relative to a workspace folder) not to index, in addition to `files.exclude`. */
  exclude: string[];
  /** Extra globs per format, for rule files detection by content would not recognise. */
  formats: Partial<Record<RuleFormat, string[]>>;
}

export const DEFAULT_SETTINGS: Settings = {
  attack: { stixPath: null },
  exclude: ['**/node_modules/**', '**/.git/**'],
  formats: {},
};

/** Merges a partial settings object (from initializationOptions or workspace/configuration) over the defaults. */
export function withDefaults(partial: unknown): Settings {
  const value = (typeof partial === 'object' && partial !== null ? partial : {}) as Partial<Settings>;
  return {
    attack: { stixPath: value.attack?.stixPath ?? DEFAULT_SETTINGS.attack.stixPath },
    exclude: Array.isArray(value.exclude) ? value.exclude.filter((e): e is string => typeof e === 'string') : DEFAULT_SETTINGS.exclude,
    formats: typeof value.formats === 'object' && value.formats !== null ? value.formats : {},
  };
}

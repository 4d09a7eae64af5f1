// VS Code snippet syntax → plain text: placeholders take their default (or first choice), mirrors
// repeat it, and the variables the skeletons use ($UUID, $CURRENT_YEAR…) are resolved.
import { randomUUID } from 'node:crypto';

export interface SnippetVariables {
  uuid?: string;
  now?: Date;
}

export function snippetToText(snippet: string, variables: SnippetVariables = {}): string {
  const now = variables.now ?? new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  const values: Record<string, string> = {
    UUID: variables.uuid ?? randomUUID(),
    CURRENT_YEAR: String(now.getFullYear()),
    CURRENT_MONTH: pad(now.getMonth() + 1),
    CURRENT_DATE: pad(now.getDate()),
  };
  const defaults = new Map<string, string>();
  // First pass: remember each tab stop's default, so mirrors ($1, ${1}) can repeat it.
  for (const match of snippet.matchAll(/\$\{(\d+):((?:\\.|[^}\\])*)\}/g)) if (!defaults.has(match[1])) defaults.set(match[1], unescape(match[2]));
  for (const match of snippet.matchAll(/\$\{(\d+)\|([^|]*)\|\}/g)) if (!defaults.has(match[1])) defaults.set(match[1], match[2].split(',')[0]);
  let out = '';
  for (let i = 0; i < snippet.length; i++) {
    const c = snippet[i];
    if (c === '\\' && i + 1 < snippet.length && '$}\\'.includes(snippet[i + 1])) {
      out += snippet[++i];
      continue;
    }
    if (c !== '$') {
      out += c;
      continue;
    }
    const rest = snippet.slice(i);
    const placeholder = /^\$\{(\d+):((?:\\.|[^}\\])*)\}/.exec(rest) ?? /^\$\{(\d+)\|([^|]*)\|\}/.exec(rest);
    const tabStop = /^\$\{?(\d+)\}?/.exec(rest);
    const variable = /^\$\{?([A-Z_]+)\}?/.exec(rest);
    if (placeholder) {
      out += defaults.get(placeholder[1]) ?? '';
      i += placeholder[0].length - 1;
    } else if (tabStop) {
      out += defaults.get(tabStop[1]) ?? '';
      i += tabStop[0].length - 1;
    } else if (variable && variable[1] in values) {
      out += values[variable[1]];
      i += variable[0].length - 1;
    } else {
      out += c;
    }
  }
  return out;
}

function unescape(text: string): string {
  return text.replace(/\\([$}\\])/g, '$1');
}

/** Escapes text for use inside a snippet (literal `$`, `}` and `\`). */
export function snippetEscape(text: string): string {
  return text.replace(/[$}\\]/g, (c) => `\\${c}`);
}

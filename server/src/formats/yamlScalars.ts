// Scalar values as YAML (and PyYAML) read them, for the lenient reader: plain scalars by the core
// schema, multi-line quoted scalars folded, double-quoted escapes.

/** Plain scalars the YAML 1.2 core schema reads as null, booleans or numbers. */
export const NULL_PLAIN = /^(?:~|null|Null|NULL)$/;
export const BOOL_PLAIN = /^(?:true|True|TRUE|false|False|FALSE)$/;
export const INT_PLAIN = /^[-+]?[0-9]+$/;
export const FLOAT_PLAIN = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** The lines of a multi-line quoted scalar folded as YAML (and PyYAML) fold them: a line break is a
 *  space, blank lines are newlines, and in double quotes an escaped line break joins the lines. */
export function foldQuoted(raw: string, double: boolean): string {
  const lines = raw.split(/\r?\n/);
  // Parts collected and joined once: asking a string being built with += about its end flattens it
  // each time, which made a scalar of 10,000 lines take seconds.
  const out: string[] = [];
  let endsWithBreak = false;
  let pendingBreak = false;
  lines.forEach((line, i) => {
    let part = i === 0 ? line : line.trimStart();
    const last = i === lines.length - 1;
    let joined = false;
    if (!last) {
      let trailing = 0;
      while (trailing < part.length && part.charCodeAt(part.length - 1 - trailing) === 92) trailing++;
      if (double && trailing % 2 === 1) {
        part = part.slice(0, -1);
        joined = true;
      } else {
        part = part.trimEnd();
      }
    }
    if (i > 0 && part === '' && !last) {
      out.push('\n');
      endsWithBreak = true;
      pendingBreak = false;
      return;
    }
    if (pendingBreak && !endsWithBreak) out.push(' ');
    const text = double ? unescapeDouble(part) : part.replace(/''/g, "'");
    out.push(text);
    if (text) endsWithBreak = text.endsWith('\n');
    pendingBreak = !joined;
  });
  return out.join('');
}

export function unescapeDouble(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/gs, (_, e: string) => {
    switch (e[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case '0': return '\0';
      case ' ': return ' ';
      case '\n': return '';
      case 'x':
      case 'u':
      case 'U': {
        const code = parseInt(e.slice(1), 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : '';
      }
      default: return e;
    }
  });
}

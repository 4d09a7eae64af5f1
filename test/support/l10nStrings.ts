// Every message the code writes in English for translation: the literal arguments of the server's
// t('…'), tn(n, '…', '…') and later('…'), and of the client's vscode.l10n.t('…') (and l('…'), the panel's Translate), read with the
// TypeScript parser (so quotes, escapes and template literals are read as the compiler reads them).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export interface MessageUse {
  file: string;
  line: number;
  /** t, tn, later or l10n.t. */
  call: string;
  /** The English text, or undefined when the argument is not a literal (a bug: nothing to look up). */
  text: string | undefined;
  /** tn: which of its two forms. */
  form?: 'one' | 'other';
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (/\.ts$/.test(entry)) yield full;
  }
}

const literal = (node: ts.Expression | undefined): string | undefined => (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined);

/** The calls of the server's helpers (`server/src`) or of `vscode.l10n.t` (`client/src`) under `dir`. */
export function messageUses(dir: string, kind: 'server' | 'client'): MessageUse[] {
  const uses: MessageUse[] = [];
  for (const file of sourceFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(source);
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        const at = { file: path.relative(process.cwd(), file), line };
        if (kind === 'server' && (callee === 't' || callee === 'later')) uses.push({ ...at, call: callee, text: literal(node.arguments[0]) });
        if (kind === 'server' && callee === 'tn') {
          uses.push({ ...at, call: 'tn', text: literal(node.arguments[1]), form: 'one' });
          uses.push({ ...at, call: 'tn', text: literal(node.arguments[2]), form: 'other' });
        }
        if (kind === 'client' && (callee === 'vscode.l10n.t' || callee === 'l')) uses.push({ ...at, call: callee, text: literal(node.arguments[0]) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return uses;
}

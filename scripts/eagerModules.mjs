// Makes V8 compile a minified bundle's module wrappers when it compiles the script, not later.
//
// V8 compiles functions lazily: compiling a script it only pre-parses each function (to find its end
// and its free variables), and parses it again, fully, when the function is first called. esbuild
// wraps each bundled CommonJS module, and each lazily initialised ES module, in a function — called
// when the module is first required, which for dist/client.js is during loading, for nearly all of
// them. So at a start without a code cache each module's text was parsed twice, the second time
// while running the bundle. A function expression in parentheses is V8's hint that it is called at
// once (its "PIFE" heuristic): it is compiled with the script, its text parsed once. V8 does not
// take the hint for arrow functions, which esbuild writes these wrappers as when minifying, so each
// becomes `(function (…) {…})` — only where that means the same: a body that uses neither `this`
// nor `arguments` of its own (esbuild has already rewritten a module's top-level `this`).
//
// The wrappers are found by shape, not by name (minified names change from build to build): a
// call, as a top-level variable's value, of a top-level helper `(…) => () => …` (esbuild's
// __commonJS and __esm) with one arrow function with a block body.
import { readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';

/** Rewrites `file` in place; returns how many wrappers it parenthesised. */
export function eagerModules(file) {
  const code = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const topLevel = source.statements.filter(ts.isVariableStatement).flatMap((statement) => statement.declarationList.declarations);
  const helpers = new Set(topLevel.filter((d) => ts.isIdentifier(d.name) && d.initializer && ts.isArrowFunction(d.initializer) && ts.isArrowFunction(d.initializer.body)).map((d) => d.name.text));
  const edits = [];
  for (const { initializer: call } of topLevel) {
    if (!call || !ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || !helpers.has(call.expression.text) || call.arguments.length !== 1) continue;
    const wrapper = call.arguments[0];
    if (!ts.isArrowFunction(wrapper) || !ts.isBlock(wrapper.body) || wrapper.modifiers?.length || usesOwnThisOrArguments(wrapper.body)) continue;
    const parameters = code.slice(wrapper.parameters.pos, wrapper.parameters.end);
    edits.push({ start: wrapper.getStart(source), end: wrapper.body.getStart(source), text: `(function(${parameters})` }, { start: wrapper.end, end: wrapper.end, text: ')' });
  }
  let result = code;
  for (const edit of edits.sort((a, b) => b.start - a.start || b.end - a.end)) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  writeFileSync(file, result);
  return edits.length / 2;
}

/** Whether `this` or `arguments` in `body` would mean something else in a function than in an arrow
 *  function: outside the functions (not arrow functions) and classes nested in it. */
function usesOwnThisOrArguments(body) {
  let found = false;
  const visit = (node) => {
    if (found) return;
    if (node.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(node) && node.text === 'arguments')) {
      found = true;
      return;
    }
    if (ts.isFunctionLike(node) && !ts.isArrowFunction(node)) return;
    if (ts.isClassLike(node)) {
      // A class's members have their own `this`; its heritage and computed names do not.
      node.heritageClauses?.forEach(visit);
      for (const member of node.members) if (member.name && ts.isComputedPropertyName(member.name)) visit(member.name);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

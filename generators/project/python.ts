/**
 * The Python parser (tree-sitter's Python grammar, as wasm) and the few syntax helpers every
 * reader of Python files shares: string literals, syntax errors, top-level names, and calls
 * with literal arguments (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.settings")`
 * inside manage.py's `main()`). Evaluating settings is python-eval.ts's job.
 */
import { createRequire } from 'node:module';
import { Language, type Node, Parser } from 'web-tree-sitter';

let parserPromise: Promise<Parser> | undefined;

/** The shared tree-sitter parser for Python (loaded once). */
export function pythonParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const language = await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
    const p = new Parser();
    p.setLanguage(language);
    return p;
  })();
  return parserPromise;
}

/** The first syntax error under a node (an ERROR or MISSING node), for the line of a parse finding. */
export function firstError(node: Node): Node | undefined {
  // Iterative: a file nested thousands of levels deep must not overflow the stack.
  let current: Node | undefined = node;
  while (current) {
    if (current.isError || current.isMissing) return current;
    if (!current.hasError) return undefined;
    const next: Node | undefined = current.children.find((c): c is Node => c !== null && (c.hasError || c.isError || c.isMissing));
    if (!next) return current;
    current = next;
  }
  return undefined;
}

/** CPython's tokenizer refuses more nested brackets than this ("too many nested parentheses"). */
export const PYTHON_MAX_BRACKETS = 200;
/** Deeper syntax trees than this are refused: the readers evaluate expressions recursively. */
export const MAX_SYNTAX_DEPTH = 1000;

/**
 * Why Python (or this reader) cannot take a parsed file: a syntax error, brackets nested deeper
 * than Python allows, or a tree too deep to evaluate. Walks the tree without recursion.
 */
export function syntaxProblem(root: Node): { line: number; message: string } | undefined {
  const bad = firstError(root);
  if (bad) return { line: bad.startPosition.row + 1, message: 'invalid Python syntax' };
  const cursor = root.walk();
  let depth = 0;
  let brackets = 0;
  try {
    for (;;) {
      const type = cursor.nodeType;
      if (type === '(' || type === '[' || type === '{') brackets++;
      else if (type === ')' || type === ']' || type === '}') brackets--;
      if (brackets > PYTHON_MAX_BRACKETS) {
        return {
          line: cursor.startPosition.row + 1,
          message: `brackets nested more than ${PYTHON_MAX_BRACKETS} deep, which Python refuses (too many nested parentheses)`,
        };
      }
      if (depth > MAX_SYNTAX_DEPTH) {
        return { line: cursor.startPosition.row + 1, message: `expressions nested more than ${MAX_SYNTAX_DEPTH} levels deep` };
      }
      if (cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return undefined;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** Named children without comments. */
export function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** The value of a string literal (implicit concatenation included); undefined for f-strings with fields. */
export function stringValue(node: Node): string | undefined {
  if (node.type === 'concatenated_string') {
    const parts = named(node).map(stringValue);
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  if (node.type !== 'string') return undefined;
  if (named(node).some((c) => c.type === 'interpolation')) return undefined;
  const start = node.child(0)?.text ?? '';
  const raw = /r/i.test(start.replace(/["']/g, ''));
  return named(node)
    .filter((c) => c.type === 'string_content' || c.type === 'escape_sequence')
    .map((c) => (c.type === 'escape_sequence' && !raw ? unescape(c.text) : c.text))
    .join('');
}

/** The character an escape sequence stands for (the common ones; others stay as written). */
export function unescape(seq: string): string {
  const simple: Record<string, string> = { '\\n': '\n', '\\t': '\t', '\\\\': '\\', "\\'": "'", '\\"': '"', '\\r': '\r' };
  return simple[seq] ?? seq;
}

/** A call anywhere in a file whose arguments are string literals (others are undefined). */
export interface LiteralCall {
  callee: string;
  args: Array<string | undefined>;
  line: number;
}

/**
 * Every call in a file, wherever it is (inside functions too), with its literal arguments.
 * manage.py and wsgi.py set DJANGO_SETTINGS_MODULE inside `main()` or at the top: both count.
 * Throws a `{ line }` object on a syntax error.
 */
export async function literalCalls(text: string): Promise<LiteralCall[]> {
  const tree = (await pythonParser()).parse(text);
  if (!tree) throw Object.assign(new Error('the Python parser gave up'), { line: 1 });
  const bad = syntaxProblem(tree.rootNode);
  if (bad) {
    tree.delete();
    throw Object.assign(new Error(bad.message), { line: bad.line });
  }
  const out: LiteralCall[] = [];
  const stack: Node[] = [tree.rootNode];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'call') {
      const args = node.childForFieldName('arguments');
      out.push({
        callee: node.childForFieldName('function')?.text ?? '',
        args: args
          ? named(args)
              .filter((a) => a.type !== 'keyword_argument')
              .map(stringValue)
          : [],
        line: node.startPosition.row + 1,
      });
    }
    for (const child of node.namedChildren) if (child) stack.push(child);
  }
  tree.delete();
  return out.sort((a, b) => a.line - b.line);
}

/** What `os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)` sets in a file, and where. */
export async function settingsModuleDefault(text: string): Promise<{ module: string; line: number } | undefined> {
  const call = (await literalCalls(text)).find(
    (c) => /(^|\.)environ\.setdefault$/.test(c.callee) && c.args[0] === 'DJANGO_SETTINGS_MODULE' && c.args[1] !== undefined,
  );
  return call ? { module: call.args[1]!, line: call.line } : undefined;
}

/** Top-level names a module assigns or defines (for `module:attribute` checks); '*' when unsure. */
export async function topLevelNames(text: string): Promise<Set<string> | undefined> {
  const parser = await pythonParser();
  const tree = parser.parse(text);
  if (!tree) return undefined;
  const names = new Set<string>();
  for (const stmt of named(tree.rootNode)) {
    if (stmt.type === 'expression_statement') {
      const a = named(stmt)[0];
      if (a?.type === 'assignment') {
        const l = a.childForFieldName('left');
        if (l?.type === 'identifier') names.add(l.text);
      }
    } else if (stmt.type === 'function_definition' || stmt.type === 'class_definition') {
      const n = stmt.childForFieldName('name')?.text;
      if (n) names.add(n);
    } else if (stmt.type === 'decorated_definition') {
      const n = stmt.childForFieldName('definition')?.childForFieldName('name')?.text;
      if (n) names.add(n);
    } else if (stmt.type === 'import_from_statement' || stmt.type === 'import_statement') {
      const moduleName = stmt.childForFieldName('module_name');
      for (const n of named(stmt)) {
        if (n.type === 'aliased_import') names.add(n.childForFieldName('alias')?.text ?? '');
        else if (n.type === 'dotted_name' && !(moduleName && n.id === moduleName.id)) names.add(n.text.split('.')[0] ?? '');
        else if (n.type === 'wildcard_import') names.add('*');
      }
    } else if (stmt.type === 'try_statement' || stmt.type === 'if_statement') {
      names.add('*');
    }
  }
  tree.delete();
  return names;
}

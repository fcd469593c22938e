/**
 * Reads Python source with a real parser (tree-sitter's Python grammar, as wasm) and evaluates
 * the small subset settings modules use: literals, lists, dicts, names assigned earlier, and
 * environment reads with their defaults. Anything else is kept as "unknown" with its text.
 */
import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { SourceParseError } from '../common/errors.ts';

export type PyValue =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  | { t: 'list'; items: PyValue[] }
  | { t: 'dict'; entries: Array<[PyValue, PyValue]> }
  /** os.environ.get / os.getenv / os.environ[...] / env(...) */
  | { t: 'env'; name: string; default?: PyValue; required: boolean }
  | { t: 'unknown'; text: string };

export interface Assignment {
  value: PyValue;
  line: number;
}

export interface StarImport {
  /** Leading dots of a relative import (0 = absolute). */
  level: number;
  module: string;
  line: number;
  /** Inside try/if: the import may not happen. */
  conditional: boolean;
}

export interface PyModule {
  file: string;
  assignments: Map<string, Assignment>;
  starImports: StarImport[];
  /** Environment variables read without a default (`os.environ["X"]`): import fails without them. */
  requiredEnv: Array<{ name: string; line: number }>;
  /** Every module imported, plain or from-import, absolute names only. */
  imports: string[];
  /** String arguments of calls by dotted callee, e.g. `os.environ.setdefault`. */
  calls: Array<{ callee: string; args: PyValue[]; line: number }>;
}

let parserPromise: Promise<Parser> | undefined;

/** The shared tree-sitter parser for Python (loaded once); the doctor's settings evaluator uses it too. */
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
  if (node.isError || node.isMissing) return node;
  if (!node.hasError) return undefined;
  for (const child of node.children) {
    if (!child) continue;
    const found = firstError(child);
    if (found) return found;
  }
  return node;
}

export async function parsePython(file: string, text: string): Promise<PyModule> {
  const tree = (await pythonParser()).parse(text);
  if (!tree) throw new SourceParseError(file, 1, 'the Python parser gave up');
  const root = tree.rootNode;
  const bad = firstError(root);
  if (bad) {
    tree.delete();
    throw new SourceParseError(file, bad.startPosition.row + 1, 'invalid Python syntax');
  }
  const mod: PyModule = { file, assignments: new Map(), starImports: [], requiredEnv: [], imports: [], calls: [] };
  walkStatements(root, mod, false);
  collectEverywhere(root, mod);
  tree.delete();
  return mod;
}

function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

function walkStatements(block: Node, mod: PyModule, conditional: boolean): void {
  for (const stmt of named(block)) {
    switch (stmt.type) {
      case 'expression_statement': {
        const inner = stmt.namedChild(0);
        if (inner?.type === 'assignment') assign(inner, mod);
        else if (inner?.type === 'augmented_assignment') augment(inner, mod);
        break;
      }
      case 'import_from_statement':
        fromImport(stmt, mod, conditional);
        break;
      case 'try_statement':
      case 'if_statement':
      case 'with_statement':
        for (const child of named(stmt)) {
          if (child.type === 'block') walkStatements(child, mod, true);
          else if (['except_clause', 'else_clause', 'finally_clause', 'elif_clause'].includes(child.type)) {
            for (const b of named(child)) if (b.type === 'block') walkStatements(b, mod, true);
          }
        }
        break;
      default:
        break;
    }
  }
}

function assign(node: Node, mod: PyModule): void {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (!left || !right) return;
  const value = evaluate(right, mod);
  if (left.type === 'identifier') {
    mod.assignments.set(left.text, { value, line: node.startPosition.row + 1 });
  } else if (left.type === 'pattern_list') {
    for (const name of named(left)) {
      if (name.type === 'identifier')
        mod.assignments.set(name.text, { value: { t: 'unknown', text: right.text }, line: node.startPosition.row + 1 });
    }
  }
}

function augment(node: Node, mod: PyModule): void {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  const op = node.childForFieldName('operator')?.text ?? node.children.find((c) => c?.type === '+=')?.text;
  if (left?.type !== 'identifier' || !right) return;
  const before = mod.assignments.get(left.text);
  const added = evaluate(right, mod);
  let value: PyValue = { t: 'unknown', text: node.text };
  if (op === '+=' && before?.value.t === 'list' && added.t === 'list') {
    value = { t: 'list', items: [...before.value.items, ...added.items] };
  }
  mod.assignments.set(left.text, { value, line: node.startPosition.row + 1 });
}

function fromImport(stmt: Node, mod: PyModule, conditional: boolean): void {
  const moduleNode = stmt.childForFieldName('module_name');
  if (!moduleNode) return;
  let level = 0;
  let moduleName = moduleNode.text;
  if (moduleNode.type === 'relative_import') {
    const prefix = named(moduleNode).find((c) => c.type === 'import_prefix');
    level = prefix ? prefix.text.length : 0;
    moduleName = named(moduleNode).find((c) => c.type === 'dotted_name')?.text ?? '';
  } else {
    mod.imports.push(moduleName);
  }
  if (named(stmt).some((c) => c.type === 'wildcard_import')) {
    mod.starImports.push({ level, module: moduleName, line: stmt.startPosition.row + 1, conditional });
  }
}

/** Walk the whole tree for environment reads and calls, wherever they are. */
function collectEverywhere(root: Node, mod: PyModule): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'import_statement') {
      for (const n of named(node))
        if (n.type === 'dotted_name') mod.imports.push(n.text);
        else if (n.type === 'aliased_import') mod.imports.push(n.childForFieldName('name')?.text ?? '');
    }
    if (node.type === 'subscript') {
      const target = node.childForFieldName('value')?.text;
      const key = node.childForFieldName('subscript');
      if ((target === 'os.environ' || target === 'environ') && key?.type === 'string') {
        const name = stringValue(key);
        if (name !== undefined) mod.requiredEnv.push({ name, line: node.startPosition.row + 1 });
      }
    }
    if (node.type === 'call') {
      const callee = node.childForFieldName('function')?.text ?? '';
      const args = node.childForFieldName('arguments');
      const values = args
        ? named(args)
            .filter((a) => a.type !== 'keyword_argument')
            .map((a) => evaluate(a, mod))
        : [];
      mod.calls.push({ callee, args: values, line: node.startPosition.row + 1 });
    }
    for (const child of node.namedChildren) if (child) stack.push(child);
  }
}

const ENV_GETTERS = new Set(['os.environ.get', 'os.getenv', 'environ.get', 'getenv']);

function stringValue(node: Node): string | undefined {
  if (node.type === 'concatenated_string') {
    const parts = named(node).map(stringValue);
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  if (node.type !== 'string') return undefined;
  if (named(node).some((c) => c.type === 'interpolation')) return undefined;
  return named(node)
    .filter((c) => c.type === 'string_content' || c.type === 'escape_sequence')
    .map((c) => (c.type === 'escape_sequence' ? unescape(c.text) : c.text))
    .join('');
}

function unescape(seq: string): string {
  const simple: Record<string, string> = { '\\n': '\n', '\\t': '\t', '\\\\': '\\', "\\'": "'", '\\"': '"' };
  return simple[seq] ?? seq;
}

export function evaluate(node: Node, mod: PyModule): PyValue {
  switch (node.type) {
    case 'string':
    case 'concatenated_string': {
      const v = stringValue(node);
      return v === undefined ? { t: 'unknown', text: node.text } : { t: 'str', v };
    }
    case 'integer':
    case 'float': {
      const v = Number(node.text.replaceAll('_', ''));
      return Number.isFinite(v) ? { t: 'num', v } : { t: 'unknown', text: node.text };
    }
    case 'true':
      return { t: 'bool', v: true };
    case 'false':
      return { t: 'bool', v: false };
    case 'none':
      return { t: 'none' };
    case 'parenthesized_expression': {
      const inner = named(node)[0];
      return inner ? evaluate(inner, mod) : { t: 'unknown', text: node.text };
    }
    case 'list':
    case 'tuple':
    case 'set':
      return { t: 'list', items: named(node).map((c) => evaluate(c, mod)) };
    case 'dictionary':
      return {
        t: 'dict',
        entries: named(node)
          .filter((c) => c.type === 'pair')
          .map((p): [PyValue, PyValue] => {
            const k = p.childForFieldName('key');
            const v = p.childForFieldName('value');
            return [k ? evaluate(k, mod) : { t: 'none' }, v ? evaluate(v, mod) : { t: 'none' }];
          }),
      };
    case 'identifier': {
      const known = mod.assignments.get(node.text);
      return known ? known.value : { t: 'unknown', text: node.text };
    }
    case 'subscript': {
      const target = node.childForFieldName('value')?.text;
      const key = node.childForFieldName('subscript');
      if ((target === 'os.environ' || target === 'environ') && key) {
        const name = stringValue(key);
        if (name !== undefined) return { t: 'env', name, required: true };
      }
      return { t: 'unknown', text: node.text };
    }
    case 'call': {
      const callee = node.childForFieldName('function')?.text ?? '';
      const args = node.childForFieldName('arguments');
      const positional = args ? named(args).filter((a) => a.type !== 'keyword_argument') : [];
      const keyword = args ? named(args).filter((a) => a.type === 'keyword_argument') : [];
      const first = positional[0];
      const name = first ? stringValue(first) : undefined;
      if (name !== undefined && (ENV_GETTERS.has(callee) || callee === 'env' || /^env\.\w+$/.test(callee))) {
        const defaultNode =
          positional[1] ?? keyword.find((k) => k.childForFieldName('name')?.text === 'default')?.childForFieldName('value');
        const isEnvironLib = callee === 'env' || callee.startsWith('env.');
        return {
          t: 'env',
          name,
          ...(defaultNode ? { default: evaluate(defaultNode, mod) } : {}),
          required: isEnvironLib && !defaultNode,
        };
      }
      return { t: 'unknown', text: node.text };
    }
    default:
      return { t: 'unknown', text: node.text };
  }
}

/** Look up `value[key]` in an evaluated dict. */
export function dictGet(value: PyValue | undefined, key: string): PyValue | undefined {
  if (value?.t !== 'dict') return undefined;
  for (const [k, v] of value.entries) if (k.t === 'str' && k.v === key) return v;
  return undefined;
}

/** The string a value has, or its default when it is read from the environment. */
export function stringOf(value: PyValue | undefined): string | undefined {
  if (value?.t === 'str') return value.v;
  if (value?.t === 'env' && value.default?.t === 'str') return value.default.v;
  return undefined;
}

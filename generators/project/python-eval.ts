/**
 * Evaluates a Django settings module the way Python would, for the small language settings
 * use: literals, names, `+`, `/` on paths, comparisons, `and`/`or`/`not`, conditional
 * expressions, comprehensions, `os.environ`/`os.getenv` reads, django-environ and decouple
 * readers, dj-database-url, pathlib/os.path, list and dict methods, star imports between
 * settings modules, and calls to small helper functions defined in the module.
 *
 * Two modes: with `env` given, environment reads take those values (what the container sees);
 * without it they stay symbolic (`{k: 'env'}`), so rules can see how a value is read.
 * Anything outside that subset becomes `unknown`; the evaluator never throws on input.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { firstError, named, pythonParser, stringValue } from './python.ts';

export type Val =
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'path'; v: string }
  /** `open`: there may be items we could not evaluate. */
  | { k: 'list'; items: Val[]; open?: boolean }
  | { k: 'dict'; entries: Array<[string, Val]>; open?: boolean }
  /** A symbolic environment read; `cast` says what was done to it. */
  | {
      k: 'env';
      name: string;
      via: string;
      default?: Val;
      hasDefault: boolean;
      cast?: 'str' | 'bool' | 'truthy' | 'split' | 'int' | 'list' | 'url' | 'other';
    }
  | { k: 'func'; node: Node; file: string }
  | { k: 'module'; name: string }
  | { k: 'unknown'; text: string };

export interface Binding {
  value: Val;
  file: string;
  line: number;
}

export interface EnvRead {
  name: string;
  file: string;
  line: number;
  hasDefault: boolean;
  via: string;
}

export interface EvalResult {
  names: Map<string, Binding>;
  /** Files evaluated, the entry module first. */
  files: string[];
  /** Absolute module names imported (`import x`, `from x import y`). */
  imports: Array<{ module: string; file: string; line: number }>;
  envReads: EnvRead[];
  errors: Array<{ file: string; line: number; message: string }>;
  /** Star imports of project modules that do not exist. */
  missing: Array<{ module: string; file: string; line: number }>;
}

export interface EvalOptions {
  read(file: string): string | undefined;
  /** Project file of a dotted module, if the project has it. */
  moduleFile(module: string): string | undefined;
  /** Where a project file is inside the image (for `__file__`). */
  imagePath(file: string): string;
  env?: ReadonlyMap<string, string | undefined>;
  /** Parsed trees shared between evaluations of one run. */
  trees?: Map<string, Tree | { error: { line: number; message: string } }>;
}

const U = (text: string): Val => ({ k: 'unknown', text: text.slice(0, 80) });
const S = (v: string): Val => ({ k: 'str', v });
const B = (v: boolean): Val => ({ k: 'bool', v });
const NONE: Val = { k: 'none' };

export function truthy(v: Val | undefined): boolean | undefined {
  if (!v) return undefined;
  switch (v.k) {
    case 'str':
      return v.v !== '';
    case 'num':
      return v.v !== 0;
    case 'bool':
      return v.v;
    case 'none':
      return false;
    case 'path':
    case 'func':
    case 'module':
      return true;
    case 'list':
      return v.items.length > 0 ? true : v.open ? undefined : false;
    case 'dict':
      return v.entries.length > 0 ? true : v.open ? undefined : false;
    default:
      return undefined;
  }
}

export function strOf(v: Val | undefined): string | undefined {
  if (v?.k === 'str' || v?.k === 'path') return v.v;
  return undefined;
}

export function dictGet(v: Val | undefined, key: string): Val | undefined {
  if (v?.k !== 'dict') return undefined;
  for (let i = v.entries.length - 1; i >= 0; i--) if (v.entries[i]![0] === key) return v.entries[i]![1];
  return undefined;
}

function equal(a: Val, b: Val): boolean | undefined {
  const known = (x: Val): boolean => ['str', 'num', 'bool', 'none', 'path'].includes(x.k);
  if (!known(a) || !known(b)) return undefined;
  const va = a.k === 'none' ? null : (a as { v: unknown }).v;
  const vb = b.k === 'none' ? null : (b as { v: unknown }).v;
  if (a.k === 'bool' && b.k === 'num') return Number(a.v) === b.v;
  if (a.k === 'num' && b.k === 'bool') return a.v === Number(b.v);
  return a.k === b.k && va === vb;
}

/** Pure-path arithmetic for image paths. */
function joinPath(a: string, b: string): string {
  if (b.startsWith('/')) return normalise(b);
  return normalise(`${a}/${b}`);
}

function normalise(p: string): string {
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

function dirnameOf(p: string): string {
  const n = normalise(p);
  const i = n.lastIndexOf('/');
  return i <= 0 ? '/' : n.slice(0, i);
}

const ENV_GET = new Set(['os.environ.get', 'os.getenv', 'environ.get', 'getenv', 'os.environ.setdefault']);

class Evaluator {
  result: EvalResult = { names: new Map(), files: [], imports: [], envReads: [], errors: [], missing: [] };
  private modules = new Map<string, Map<string, Binding>>();
  /** django-environ schemes: `environ.Env(DEBUG=(bool, False))` gives DEBUG a cast and a default. */
  private scheme = new Map<string, { cast?: string; default?: Val }>();
  private depth = 0;

  constructor(
    private opts: EvalOptions,
    private parser: { parse(text: string): Tree | null },
  ) {}

  private tree(file: string): Tree | undefined {
    const trees = this.opts.trees ?? new Map();
    this.opts.trees = trees;
    let t = trees.get(file);
    if (!t) {
      const text = this.opts.read(file);
      if (text === undefined) return undefined;
      const parsed = this.parser.parse(text);
      if (!parsed) t = { error: { line: 1, message: 'the Python parser gave up' } };
      else {
        const bad = firstError(parsed.rootNode);
        t = bad ? { error: { line: bad.startPosition.row + 1, message: 'invalid Python syntax' } } : parsed;
        if (bad) parsed.delete();
      }
      trees.set(file, t);
    }
    if ('error' in t) {
      if (!this.result.errors.some((e) => e.file === file)) this.result.errors.push({ file, ...t.error });
      return undefined;
    }
    return t;
  }

  /** Evaluate a module (once per run) and return its namespace. */
  module(name: string, file: string): Map<string, Binding> {
    const done = this.modules.get(file);
    if (done) return done;
    const ns = new Map<string, Binding>();
    this.modules.set(file, ns);
    const tree = this.tree(file);
    if (!this.result.files.includes(file)) this.result.files.push(file);
    if (!tree) return ns;
    const ctx: Ctx = { ns, file, module: name, isPackage: file.endsWith('__init__.py'), uncertain: false };
    this.block(tree.rootNode, ctx);
    return ns;
  }

  private block(block: Node, ctx: Ctx): Val | undefined {
    for (const stmt of named(block)) {
      const ret = this.statement(stmt, ctx);
      if (ret !== undefined) return ret;
    }
    return undefined;
  }

  private set(ctx: Ctx, name: string, value: Val, node: Node): void {
    ctx.ns.set(name, {
      value: ctx.uncertain ? uncertainOf(ctx.ns.get(name)?.value, value) : value,
      file: ctx.file,
      line: node.startPosition.row + 1,
    });
  }

  /** Returns a value when the statement is a `return` (inside helper functions). */
  private statement(stmt: Node, ctx: Ctx): Val | undefined {
    switch (stmt.type) {
      case 'expression_statement': {
        const inner = named(stmt)[0];
        if (!inner) return undefined;
        if (inner.type === 'assignment') this.assign(inner, ctx);
        else if (inner.type === 'augmented_assignment') this.augment(inner, ctx);
        else if (inner.type === 'call') this.callStatement(inner, ctx);
        else this.expr(inner, ctx);
        return undefined;
      }
      case 'return_statement': {
        const value = named(stmt)[0];
        return value ? this.expr(value, ctx) : NONE;
      }
      case 'import_statement':
        for (const n of named(stmt)) {
          const dotted = n.type === 'aliased_import' ? n.childForFieldName('name') : n;
          const alias = n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : undefined;
          if (!dotted) continue;
          this.result.imports.push({ module: dotted.text, file: ctx.file, line: stmt.startPosition.row + 1 });
          this.set(ctx, alias ?? dotted.text.split('.')[0]!, { k: 'module', name: alias ? dotted.text : dotted.text.split('.')[0]! }, stmt);
        }
        return undefined;
      case 'import_from_statement':
        this.fromImport(stmt, ctx);
        return undefined;
      case 'if_statement': {
        const cond = stmt.childForFieldName('condition');
        const c = cond ? truthy(this.expr(cond, ctx)) : undefined;
        const branches: Array<{ cond?: Node; body: Node }> = [];
        const consequence = stmt.childForFieldName('consequence');
        if (consequence) branches.push({ ...(cond ? { cond } : {}), body: consequence });
        for (const alt of named(stmt)) {
          if (alt.type === 'elif_clause') {
            const ec = alt.childForFieldName('condition');
            const body = alt.childForFieldName('consequence');
            if (body) branches.push({ ...(ec ? { cond: ec } : {}), body });
          } else if (alt.type === 'else_clause') {
            const body = alt.childForFieldName('body');
            if (body) branches.push({ body });
          }
        }
        if (c === true) return this.block(branches[0]!.body, ctx);
        if (c === false) {
          // Re-evaluate the rest as an if/elif chain: simplest is to treat later branches as uncertain
          // unless there is just an else.
          const rest = branches.slice(1);
          if (rest.length === 1 && !rest[0]!.cond) return this.block(rest[0]!.body, ctx);
          for (const b of rest) this.uncertainBlock(b.body, ctx);
          return undefined;
        }
        for (const b of branches) {
          const ret = this.uncertainBlock(b.body, ctx);
          if (ret !== undefined) return U('conditional return');
        }
        return undefined;
      }
      case 'try_statement': {
        const body = stmt.childForFieldName('body');
        let ret: Val | undefined;
        if (body) ret = this.block(body, ctx);
        for (const clause of named(stmt)) {
          if (['except_clause', 'else_clause', 'finally_clause'].includes(clause.type)) {
            for (const b of named(clause)) if (b.type === 'block') this.uncertainBlock(b, ctx);
          }
        }
        return ret;
      }
      case 'with_statement': {
        const body = stmt.childForFieldName('body');
        return body ? this.block(body, ctx) : undefined;
      }
      case 'for_statement':
      case 'while_statement': {
        const body = stmt.childForFieldName('body');
        if (body) this.uncertainBlock(body, ctx);
        return undefined;
      }
      case 'function_definition': {
        const name = stmt.childForFieldName('name')?.text;
        if (name) this.set(ctx, name, { k: 'func', node: stmt, file: ctx.file }, stmt);
        return undefined;
      }
      case 'decorated_definition':
      case 'class_definition': {
        const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
        const name = def?.childForFieldName('name')?.text;
        if (name) this.set(ctx, name, U(name), stmt);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private uncertainBlock(body: Node, ctx: Ctx): Val | undefined {
    const was = ctx.uncertain;
    ctx.uncertain = true;
    const ret = this.block(body, ctx);
    ctx.uncertain = was;
    return ret;
  }

  private fromImport(stmt: Node, ctx: Ctx): void {
    const moduleNode = stmt.childForFieldName('module_name');
    if (!moduleNode) return;
    let level = 0;
    let name = moduleNode.text;
    if (moduleNode.type === 'relative_import') {
      level = named(moduleNode).find((c) => c.type === 'import_prefix')?.text.length ?? 0;
      name = named(moduleNode).find((c) => c.type === 'dotted_name')?.text ?? '';
    } else this.result.imports.push({ module: name, file: ctx.file, line: stmt.startPosition.row + 1 });
    let target = name;
    if (level > 0) {
      const parts = ctx.module.split('.');
      const pkg = ctx.isPackage ? parts : parts.slice(0, -1);
      target = [...pkg.slice(0, pkg.length - (level - 1)), ...(name ? [name] : [])].join('.');
    }
    const file = this.opts.moduleFile(target);
    const star = named(stmt).some((c) => c.type === 'wildcard_import');
    if (!file) {
      if (star && (level > 0 || this.opts.moduleFile(target.split('.')[0]!) !== undefined) && !ctx.uncertain) {
        this.result.missing.push({ module: target, file: ctx.file, line: stmt.startPosition.row + 1 });
      }
      // Names imported from outside the project are unknown values.
      for (const n of named(stmt)) {
        if (n.id === moduleNode.id) continue;
        if (n.type === 'dotted_name') this.set(ctx, n.text, U(`${target}.${n.text}`), stmt);
        else if (n.type === 'aliased_import') {
          const alias = n.childForFieldName('alias')?.text;
          if (alias) this.set(ctx, alias, U(`${target}.${n.childForFieldName('name')?.text}`), stmt);
        }
      }
      return;
    }
    if (this.depth > 20) return;
    this.depth++;
    const ns = this.module(target, file);
    this.depth--;
    if (star) {
      for (const [k, v] of ns)
        if (!k.startsWith('_')) ctx.ns.set(k, ctx.uncertain ? { ...v, value: uncertainOf(ctx.ns.get(k)?.value, v.value) } : v);
      return;
    }
    for (const n of named(stmt)) {
      if (n.id === moduleNode.id) continue;
      const orig = n.type === 'aliased_import' ? n.childForFieldName('name')?.text : n.type === 'dotted_name' ? n.text : undefined;
      const alias = n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : orig;
      if (!orig || !alias) continue;
      const b = ns.get(orig);
      this.set(ctx, alias, b ? b.value : U(orig), stmt);
    }
  }

  private assign(node: Node, ctx: Ctx): void {
    const left = node.childForFieldName('left');
    let right = node.childForFieldName('right');
    const targets: Node[] = left ? [left] : [];
    while (right?.type === 'assignment') {
      const l = right.childForFieldName('left');
      if (l) targets.push(l);
      right = right.childForFieldName('right');
    }
    if (!right) return;
    const value = this.expr(right, ctx);
    for (const t of targets) this.assignTo(t, value, ctx, node);
  }

  private assignTo(target: Node, value: Val, ctx: Ctx, node: Node): void {
    if (target.type === 'identifier') this.set(ctx, target.text, value, node);
    else if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'list_pattern') {
      const parts = named(target);
      parts.forEach((p, i) =>
        this.assignTo(p, value.k === 'list' && value.items.length === parts.length && !value.open ? value.items[i]! : U(p.text), ctx, node),
      );
    } else if (target.type === 'subscript') {
      // X["a"]["b"] = v: rebuild the dicts along the path.
      const keys: Array<string | undefined> = [];
      let base: Node | null = target;
      while (base?.type === 'subscript') {
        const key = base.childForFieldName('subscript');
        keys.unshift(key ? strOf(this.expr(key, ctx)) : undefined);
        base = base.childForFieldName('value');
      }
      if (base?.type !== 'identifier') return;
      const current = ctx.ns.get(base.text)?.value;
      if (!current) return;
      const update = (d: Val, path: Array<string | undefined>): Val => {
        if (d.k !== 'dict') return d;
        const [k, ...rest] = path;
        if (k === undefined) return { ...d, open: true };
        const inner = rest.length === 0 ? value : update(dictGet(d, k) ?? { k: 'dict', entries: [] }, rest);
        return {
          k: 'dict',
          entries: [...d.entries.filter(([x]) => x !== k), [k, ctx.uncertain ? uncertainOf(dictGet(d, k), inner) : inner]],
          ...(d.open ? { open: true } : {}),
        };
      };
      const prev = ctx.ns.get(base.text)!;
      ctx.ns.set(base.text, { value: update(current, keys), file: prev.file, line: prev.line });
    }
  }

  private augment(node: Node, ctx: Ctx): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const op = node.childForFieldName('operator')?.text ?? '';
    if (left?.type !== 'identifier' || !right) return;
    const before = ctx.ns.get(left.text)?.value ?? U(left.text);
    const added = this.expr(right, ctx);
    this.set(ctx, left.text, op === '+=' ? this.binary('+', before, added, node) : U(node.text), node);
  }

  /** `X.append(v)`, `X.insert(i, v)`, `X.extend(l)`, `X.remove(v)`, `X.update(d)` change a name in place. */
  private callStatement(call: Node, ctx: Ctx): void {
    const fn = call.childForFieldName('function');
    if (fn?.type === 'attribute') {
      const obj = fn.childForFieldName('object');
      const method = fn.childForFieldName('attribute')?.text ?? '';
      if (obj?.type === 'identifier' && ['append', 'insert', 'extend', 'remove', 'update', 'setdefault'].includes(method)) {
        const binding = ctx.ns.get(obj.text);
        const args = this.args(call, ctx);
        if (binding) {
          let next: Val = U(call.text);
          const v = binding.value;
          if (v.k === 'list') {
            if (method === 'append' && args.pos[0]) next = { ...v, items: [...v.items, args.pos[0]] };
            else if (method === 'insert' && args.pos[1]) {
              const at = args.pos[0]?.k === 'num' ? args.pos[0].v : v.items.length;
              const items = [...v.items];
              items.splice(at, 0, args.pos[1]);
              next = { ...v, items };
            } else if (method === 'extend' && args.pos[0]?.k === 'list')
              next = { k: 'list', items: [...v.items, ...args.pos[0].items], ...(v.open || args.pos[0].open ? { open: true } : {}) };
            else if (method === 'remove' && args.pos[0]) next = { ...v, items: v.items.filter((x) => equal(x, args.pos[0]!) !== true) };
            else next = { ...v, open: true };
          } else if (v.k === 'dict' && method === 'update' && args.pos[0]?.k === 'dict') {
            const keys = new Set(args.pos[0].entries.map(([k]) => k));
            next = {
              k: 'dict',
              entries: [...v.entries.filter(([k]) => !keys.has(k)), ...args.pos[0].entries],
              ...(v.open || args.pos[0].open ? { open: true } : {}),
            };
          } else if (v.k === 'dict' && method === 'setdefault' && args.pos[0]?.k === 'str' && args.pos[1]) {
            next = dictGet(v, args.pos[0].v) ? v : { ...v, entries: [...v.entries, [args.pos[0].v, args.pos[1]]] };
          } else next = U(call.text);
          ctx.ns.set(obj.text, { value: ctx.uncertain ? uncertainOf(v, next) : next, file: binding.file, line: binding.line });
          return;
        }
      }
    }
    this.expr(call, ctx);
  }

  private args(call: Node, ctx: Ctx): { pos: Val[]; kw: Map<string, Val>; open: boolean } {
    const out = { pos: [] as Val[], kw: new Map<string, Val>(), open: false };
    const args = call.childForFieldName('arguments');
    if (!args) return out;
    for (const a of named(args)) {
      if (a.type === 'keyword_argument') {
        const name = a.childForFieldName('name')?.text;
        const value = a.childForFieldName('value');
        if (name && value) out.kw.set(name, this.expr(value, ctx));
      } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
        const inner = named(a)[0];
        const v = inner ? this.expr(inner, ctx) : U(a.text);
        if (a.type === 'list_splat' && v.k === 'list' && !v.open) out.pos.push(...v.items);
        else out.open = true;
      } else out.pos.push(this.expr(a, ctx));
    }
    return out;
  }

  private envRead(
    name: string,
    via: string,
    def: Val | undefined,
    hasDefault: boolean,
    node: Node,
    ctx: Ctx,
    cast?: 'bool' | 'int' | 'list' | 'url' | 'str',
  ): Val {
    this.result.envReads.push({ name, file: ctx.file, line: node.startPosition.row + 1, hasDefault, via });
    const env = this.opts.env;
    if (!env) return { k: 'env', name, via, ...(def ? { default: def } : {}), hasDefault, ...(cast ? { cast } : {}) };
    if (!env.has(name)) return def ?? (hasDefault ? NONE : via.endsWith('[]') ? U(`missing ${name}`) : NONE);
    const raw = env.get(name);
    if (raw === undefined) return U(`$${name}`);
    switch (cast) {
      case 'bool':
        return B(['true', 'on', 'ok', 'y', 'yes', '1'].includes(raw.trim().toLowerCase()));
      case 'int':
        return Number.isFinite(Number(raw)) ? { k: 'num', v: Number(raw) } : U(raw);
      case 'list':
        return {
          k: 'list',
          items: raw
            .split(',')
            .filter((x) => x !== '')
            .map((x) => S(x)),
        };
      default:
        return S(raw);
    }
  }

  expr(node: Node, ctx: Ctx): Val {
    switch (node.type) {
      case 'string':
      case 'concatenated_string': {
        const v = stringValue(node);
        return v === undefined ? U(node.text) : S(v);
      }
      case 'integer':
      case 'float': {
        const v = Number(node.text.replaceAll('_', ''));
        return Number.isFinite(v) ? { k: 'num', v } : U(node.text);
      }
      case 'true':
        return B(true);
      case 'false':
        return B(false);
      case 'none':
        return NONE;
      case 'parenthesized_expression': {
        const inner = named(node)[0];
        return inner ? this.expr(inner, ctx) : U(node.text);
      }
      case 'list':
      case 'tuple':
      case 'set': {
        const items: Val[] = [];
        let open = false;
        for (const c of named(node)) {
          if (c.type === 'list_splat') {
            const inner = named(c)[0];
            const v = inner ? this.expr(inner, ctx) : U(c.text);
            if (v.k === 'list') {
              items.push(...v.items);
              open ||= Boolean(v.open);
            } else open = true;
          } else items.push(this.expr(c, ctx));
        }
        return { k: 'list', items, ...(open ? { open: true } : {}) };
      }
      case 'dictionary': {
        const entries: Array<[string, Val]> = [];
        let open = false;
        for (const c of named(node)) {
          if (c.type === 'pair') {
            const k = c.childForFieldName('key');
            const v = c.childForFieldName('value');
            const key = k ? strOf(this.expr(k, ctx)) : undefined;
            if (key === undefined || !v) open = true;
            else entries.push([key, this.expr(v, ctx)]);
          } else if (c.type === 'dictionary_splat') {
            const inner = named(c)[0];
            const v = inner ? this.expr(inner, ctx) : U(c.text);
            if (v.k === 'dict') {
              entries.push(...v.entries);
              open ||= Boolean(v.open);
            } else open = true;
          }
        }
        return { k: 'dict', entries, ...(open ? { open: true } : {}) };
      }
      case 'identifier': {
        if (node.text === '__file__') return S(this.opts.imagePath(ctx.file));
        const b = ctx.ns.get(node.text) ?? ctx.outer?.get(node.text);
        if (b) return b.value;
        if (node.text === 'os') return { k: 'module', name: 'os' };
        return U(node.text);
      }
      case 'attribute':
        return this.attribute(node, ctx);
      case 'subscript': {
        const target = node.childForFieldName('value');
        const key = node.childForFieldName('subscript');
        if (!target || !key) return U(node.text);
        if (target.text === 'os.environ' || target.text === 'environ') {
          const name = strOf(this.expr(key, ctx));
          if (name !== undefined) return this.envRead(name, `${target.text}[]`, undefined, false, node, ctx);
        }
        const base = this.expr(target, ctx);
        const k = this.expr(key, ctx);
        if (base.k === 'dict' && k.k === 'str') return dictGet(base, k.v) ?? U(node.text);
        if (base.k === 'list' && k.k === 'num' && !base.open) return base.items.at(k.v) ?? U(node.text);
        return U(node.text);
      }
      case 'binary_operator': {
        const l = node.childForFieldName('left');
        const r = node.childForFieldName('right');
        const op = node.childForFieldName('operator')?.text ?? '';
        if (!l || !r) return U(node.text);
        return this.binary(op, this.expr(l, ctx), this.expr(r, ctx), node);
      }
      case 'boolean_operator': {
        const l = node.childForFieldName('left');
        const r = node.childForFieldName('right');
        const op = node.childForFieldName('operator')?.text;
        if (!l || !r) return U(node.text);
        const lv = this.expr(l, ctx);
        const t = truthy(lv);
        if (t === undefined) {
          const rv = this.expr(r, ctx);
          // `env or "default"` keeps the env read visible.
          if (lv.k === 'env' && op === 'or') return { ...lv, default: rv, hasDefault: true };
          return U(node.text);
        }
        if (op === 'and') return t ? this.expr(r, ctx) : lv;
        return t ? lv : this.expr(r, ctx);
      }
      case 'not_operator': {
        const arg = node.childForFieldName('argument');
        const t = arg ? truthy(this.expr(arg, ctx)) : undefined;
        return t === undefined ? U(node.text) : B(!t);
      }
      case 'comparison_operator':
        return this.comparison(node, ctx);
      case 'conditional_expression': {
        const parts = named(node);
        if (parts.length < 3) return U(node.text);
        const t = truthy(this.expr(parts[1]!, ctx));
        if (t === undefined) return U(node.text);
        return this.expr(t ? parts[0]! : parts[2]!, ctx);
      }
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension':
        return this.comprehension(node, ctx);
      case 'call':
        return this.call(node, ctx);
      default:
        return U(node.text);
    }
  }

  private binary(op: string, a: Val, b: Val, node: Node): Val {
    if (op === '+') {
      if (a.k === 'str' && b.k === 'str') return S(a.v + b.v);
      if (a.k === 'num' && b.k === 'num') return { k: 'num', v: a.v + b.v };
      if (a.k === 'list' && b.k === 'list')
        return { k: 'list', items: [...a.items, ...b.items], ...(a.open || b.open ? { open: true } : {}) };
      if (a.k === 'list' && b.k === 'unknown') return { ...a, open: true };
      if (a.k === 'unknown' && b.k === 'list') return { ...b, open: true };
    }
    if (op === '/' && a.k === 'path' && (b.k === 'str' || b.k === 'path')) return { k: 'path', v: joinPath(a.v, b.v) };
    if (op === '-' && a.k === 'num' && b.k === 'num') return { k: 'num', v: a.v - b.v };
    if (op === '*' && a.k === 'num' && b.k === 'num') return { k: 'num', v: a.v * b.v };
    if (op === '%' && a.k === 'str' && b.k === 'str') return S(a.v.replace(/%s/, b.v));
    if (op === '|' && a.k === 'dict' && b.k === 'dict') return { k: 'dict', entries: [...a.entries, ...b.entries] };
    return U(node.text);
  }

  private comparison(node: Node, ctx: Ctx): Val {
    const operands: Val[] = [];
    const ops: string[] = [];
    for (let i = 0; i < node.childCount; i++) {
      const c = node.child(i)!;
      if (node.fieldNameForChild(i) === 'operators') ops.push(c.text.replace(/\s+/g, ' '));
      else if (c.isNamed && c.type !== 'comment') operands.push(this.expr(c, ctx));
    }
    if (ops.length !== 1 || operands.length !== 2) return U(node.text);
    const [a, b] = operands as [Val, Val];
    const op = ops[0]!;
    const contains = (hay: Val, needle: Val): boolean | undefined => {
      if (hay.k === 'list' || hay.k === 'dict') {
        const items = hay.k === 'list' ? hay.items : hay.entries.map(([k]) => S(k));
        if (items.some((x) => equal(x, needle) === true)) return true;
        if (hay.open || items.some((x) => equal(x, needle) === undefined)) return undefined;
        return false;
      }
      if (hay.k === 'str' && needle.k === 'str') return hay.v.includes(needle.v);
      return undefined;
    };
    let r: boolean | undefined;
    switch (op) {
      case '==':
        r = equal(a, b);
        break;
      case '!=':
        r = equal(a, b);
        r = r === undefined ? undefined : !r;
        break;
      case 'is':
        r =
          a.k === 'none' || b.k === 'none'
            ? ['str', 'num', 'bool', 'list', 'dict', 'path', 'none'].includes(a.k) &&
              ['str', 'num', 'bool', 'list', 'dict', 'path', 'none'].includes(b.k)
              ? a.k === b.k
              : undefined
            : equal(a, b);
        break;
      case 'is not': {
        const same =
          a.k === 'none' || b.k === 'none'
            ? ['str', 'num', 'bool', 'list', 'dict', 'path', 'none'].includes(a.k) &&
              ['str', 'num', 'bool', 'list', 'dict', 'path', 'none'].includes(b.k)
              ? a.k === b.k
              : undefined
            : equal(a, b);
        r = same === undefined ? undefined : !same;
        break;
      }
      case 'in':
        r = contains(b, a);
        break;
      case 'not in': {
        const c = contains(b, a);
        r = c === undefined ? undefined : !c;
        break;
      }
      case '<':
      case '>':
      case '<=':
      case '>=':
        if (a.k === 'num' && b.k === 'num') r = op === '<' ? a.v < b.v : op === '>' ? a.v > b.v : op === '<=' ? a.v <= b.v : a.v >= b.v;
        break;
      default:
        break;
    }
    if (r === undefined && (a.k === 'env' || b.k === 'env')) {
      const e = (a.k === 'env' ? a : b) as Extract<Val, { k: 'env' }>;
      return { ...e, cast: 'bool' };
    }
    return r === undefined ? U(node.text) : B(r);
  }

  private comprehension(node: Node, ctx: Ctx): Val {
    const body = node.childForFieldName('body');
    const clauses = named(node).filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause');
    const forClause = clauses[0];
    if (!body || forClause?.type !== 'for_in_clause' || clauses.slice(1).some((c) => c.type === 'for_in_clause'))
      return { k: 'list', items: [], open: true };
    const left = forClause.childForFieldName('left');
    const right = forClause.childForFieldName('right');
    if (left?.type !== 'identifier' || !right) return { k: 'list', items: [], open: true };
    const iterable = this.expr(right, ctx);
    if (iterable.k === 'env' && this.opts.env === undefined) return { ...iterable, cast: 'list' };
    const items = iterable.k === 'list' ? iterable.items : iterable.k === 'dict' ? iterable.entries.map(([k]) => S(k)) : undefined;
    if (!items) return { k: 'list', items: [], open: true };
    const out: Val[] = [];
    let open = iterable.k === 'list' ? Boolean(iterable.open) : Boolean((iterable as { open?: boolean }).open);
    const local: Ctx = {
      ns: new Map(),
      file: ctx.file,
      module: ctx.module,
      isPackage: ctx.isPackage,
      uncertain: false,
      outer: new Map([...(ctx.outer ?? []), ...ctx.ns]),
    };
    for (const item of items) {
      local.ns.set(left.text, { value: item, file: ctx.file, line: 0 });
      let keep: boolean | undefined = true;
      for (const c of clauses.slice(1)) {
        const cond = named(c)[0];
        const t = cond ? truthy(this.expr(cond, local)) : undefined;
        if (t === undefined) keep = undefined;
        else if (!t) keep = false;
        if (keep === false) break;
      }
      if (keep === undefined) open = true;
      else if (keep) out.push(this.expr(body, local));
    }
    return { k: 'list', items: out, ...(open ? { open: true } : {}) };
  }

  private attribute(node: Node, ctx: Ctx): Val {
    const obj = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute')?.text ?? '';
    if (!obj) return U(node.text);
    if (node.text === 'os.environ') return { k: 'module', name: 'os.environ' };
    const base = this.expr(obj, ctx);
    if (base.k === 'path' && attr === 'parent') return { k: 'path', v: dirnameOf(base.v) };
    if (base.k === 'path' && attr === 'name') return S(base.v.split('/').pop() ?? '');
    if (base.k === 'module') return { k: 'module', name: `${base.name}.${attr}` };
    return U(node.text);
  }

  private call(node: Node, ctx: Ctx): Val {
    const fn = node.childForFieldName('function');
    if (!fn) return U(node.text);
    const callee = fn.text;
    const args = this.args(node, ctx);
    const first = args.pos[0];
    const firstName = strOf(first);
    // Environment readers.
    if (ENV_GET.has(callee) && firstName !== undefined) {
      const def = args.pos[1] ?? args.kw.get('default');
      return this.envRead(firstName, callee, def, def !== undefined, node, ctx);
    }
    if (/(^|\.)Env$/.test(callee)) {
      for (const [name, v] of args.kw) {
        if (v.k === 'list' && v.items.length >= 1) {
          const castText = v.items[0]!.k === 'unknown' ? (v.items[0] as { text: string }).text : undefined;
          this.scheme.set(name, { ...(castText ? { cast: castText } : {}), ...(v.items[1] ? { default: v.items[1] } : {}) });
        } else if (v.k === 'unknown') this.scheme.set(name, { cast: v.text });
      }
      return U(callee);
    }
    if (
      /^(env|environ\.Env\(\))(\.(str|bool|int|list|url|db|db_url|float|json|path))?$/.test(callee) &&
      firstName !== undefined &&
      !callee.startsWith('os.')
    ) {
      const method = callee.split('.').pop()!;
      const schemed = this.scheme.get(firstName);
      const def = args.kw.get('default') ?? (callee === 'env' ? schemed?.default : args.pos[1]);
      const castArg = args.kw.get('cast');
      const cast =
        method === 'bool' || (castArg?.k === 'unknown' && castArg.text === 'bool') || (callee === 'env' && schemed?.cast === 'bool')
          ? 'bool'
          : callee === 'env' && schemed?.cast === 'list'
            ? 'list'
            : callee === 'env' && schemed?.cast === 'int'
              ? 'int'
              : method === 'list'
                ? 'list'
                : method === 'int'
                  ? 'int'
                  : method === 'db' || method === 'db_url' || method === 'url'
                    ? 'url'
                    : callee === 'env' && def && def.k === 'bool'
                      ? 'bool'
                      : 'str';
      const v = this.envRead(firstName, callee, def, def !== undefined, node, ctx, cast);
      if (cast === 'url' && this.opts.env) return databaseUrl(v);
      return v;
    }
    if ((callee === 'env.db' || callee === 'env.db_url') && firstName === undefined) {
      const v = this.envRead('DATABASE_URL', callee, args.kw.get('default'), args.kw.has('default'), node, ctx, 'url');
      return this.opts.env ? databaseUrl(v) : v;
    }
    if (callee === 'config' && firstName !== undefined) {
      // python-decouple
      const def = args.kw.get('default') ?? args.pos[1];
      const castArg = args.kw.get('cast');
      const cast =
        castArg?.k === 'unknown' && castArg.text === 'bool'
          ? 'bool'
          : castArg?.k === 'unknown' && castArg.text === 'int'
            ? 'int'
            : castArg?.k === 'unknown' && /Csv/.test(castArg.text)
              ? 'list'
              : 'str';
      return this.envRead(firstName, 'config', def, def !== undefined, node, ctx, cast);
    }
    if (/^dj_database_url\.(config|parse)$/.test(callee)) {
      if (callee.endsWith('parse')) return first ? databaseUrl(first) : U(node.text);
      const envName = strOf(args.kw.get('env')) ?? 'DATABASE_URL';
      const def = args.kw.get('default');
      const v = this.envRead(envName, callee, def, def !== undefined, node, ctx, 'url');
      return this.opts.env ? databaseUrl(v) : ({ ...v, cast: 'url' } as Val);
    }
    if (callee === 'globals().get' && firstName !== undefined) return ctx.ns.get(firstName)?.value ?? args.pos[1] ?? NONE;
    // Builtins and pathlib/os.path.
    switch (callee) {
      case 'bool':
        if (first?.k === 'env') return { ...first, cast: 'truthy' };
        return first ? (truthy(first) === undefined ? U(node.text) : B(truthy(first)!)) : B(false);
      case 'int':
        if (first?.k === 'env') return { ...first, cast: 'int' };
        if (first?.k === 'str' && /^\s*-?\d+\s*$/.test(first.v)) return { k: 'num', v: Number(first.v) };
        return first?.k === 'num' ? first : U(node.text);
      case 'str':
        if (first?.k === 'path') return S(first.v);
        return first?.k === 'str' ? first : first?.k === 'num' ? S(String(first.v)) : U(node.text);
      case 'list':
      case 'tuple':
        if (first?.k === 'list') return first;
        if (first?.k === 'dict') return { k: 'list', items: first.entries.map(([k]) => S(k)), ...(first.open ? { open: true } : {}) };
        return first === undefined ? { k: 'list', items: [] } : { k: 'list', items: [], open: true };
      case 'dict':
        return args.pos.length === 0 ? { k: 'dict', entries: [...args.kw] } : U(node.text);
      case 'dict.fromkeys':
        return first?.k === 'list'
          ? {
              k: 'dict',
              entries: first.items.flatMap((i): Array<[string, Val]> => (i.k === 'str' ? [[i.v, NONE]] : [])),
              ...(first.open || first.items.some((i) => i.k !== 'str') ? { open: true } : {}),
            }
          : U(node.text);
      case 'Path':
      case 'pathlib.Path':
      case 'PurePath':
        if (first?.k === 'str' || first?.k === 'path') return { k: 'path', v: normalise(first.v) };
        return U(node.text);
      case 'os.path.join': {
        const parts = args.pos.map(strOf);
        if (parts.some((p) => p === undefined) || parts.length === 0) return U(node.text);
        return S(parts.slice(1).reduce<string>((a, b) => joinPath(a, b!), normalise(parts[0]!)));
      }
      case 'os.path.dirname': {
        const p = strOf(first);
        return p === undefined ? U(node.text) : S(dirnameOf(p));
      }
      case 'os.path.abspath':
      case 'os.path.realpath':
      case 'os.path.normpath': {
        const p = strOf(first);
        return p === undefined ? U(node.text) : S(normalise(p));
      }
      default:
        break;
    }
    // Methods on known values.
    if (fn.type === 'attribute') {
      const obj = fn.childForFieldName('object');
      const method = fn.childForFieldName('attribute')?.text ?? '';
      const base = obj ? this.expr(obj, ctx) : U('');
      if (base.k === 'env') {
        if (method === 'split') return { ...base, cast: 'split' };
        if (['strip', 'lower', 'upper'].includes(method)) return base;
        return { ...base, cast: 'other' };
      }
      if (base.k === 'path' && ['resolve', 'absolute', 'expanduser'].includes(method)) return base;
      if (base.k === 'path' && method === 'joinpath') {
        const parts = args.pos.map(strOf);
        return parts.every((p) => p !== undefined)
          ? { k: 'path', v: parts.reduce<string>((a, b) => joinPath(a, b!), base.v) }
          : U(node.text);
      }
      if (base.k === 'str') {
        switch (method) {
          case 'strip':
            return S(base.v.trim());
          case 'lower':
            return S(base.v.toLowerCase());
          case 'upper':
            return S(base.v.toUpperCase());
          case 'split': {
            const sep = strOf(first);
            const parts =
              sep === undefined
                ? base.v
                    .trim()
                    .split(/\s+/)
                    .filter((x) => x)
                : base.v.split(sep);
            return { k: 'list', items: parts.map(S) };
          }
          case 'startswith':
            return strOf(first) === undefined ? U(node.text) : B(base.v.startsWith(strOf(first)!));
          case 'endswith':
            return strOf(first) === undefined ? U(node.text) : B(base.v.endsWith(strOf(first)!));
          case 'replace':
            return strOf(first) !== undefined && strOf(args.pos[1]) !== undefined
              ? S(base.v.split(strOf(first)!).join(strOf(args.pos[1])!))
              : U(node.text);
          case 'format':
            return U(node.text);
          default:
            return U(node.text);
        }
      }
      if (base.k === 'list' && method === 'index' && first && !base.open) {
        const i = base.items.findIndex((x) => equal(x, first) === true);
        return i === -1 ? U(node.text) : { k: 'num', v: i };
      }
      if (base.k === 'list' && method === 'copy') return base;
      if (base.k === 'dict' && method === 'get' && firstName !== undefined)
        return dictGet(base, firstName) ?? (base.open ? U(node.text) : (args.pos[1] ?? NONE));
      if (base.k === 'dict' && method === 'copy') return base;
      if (base.k === 'dict' && method === 'keys')
        return { k: 'list', items: base.entries.map(([k]) => S(k)), ...(base.open ? { open: true } : {}) };
    }
    // A helper defined in the settings: run it.
    if (fn.type === 'identifier') {
      const f = ctx.ns.get(fn.text)?.value ?? ctx.outer?.get(fn.text)?.value;
      if (f?.k === 'func' && this.depth < 8) return this.invoke(f, args, node, ctx);
    }
    return U(node.text);
  }

  private invoke(f: Extract<Val, { k: 'func' }>, args: { pos: Val[]; kw: Map<string, Val>; open: boolean }, node: Node, ctx: Ctx): Val {
    const params = f.node.childForFieldName('parameters');
    const body = f.node.childForFieldName('body');
    if (!params || !body || args.open) return U(node.text);
    const local: Ctx = {
      ns: new Map(),
      file: f.file,
      module: ctx.module,
      isPackage: ctx.isPackage,
      uncertain: false,
      outer: new Map([...(ctx.outer ?? []), ...ctx.ns]),
    };
    let i = 0;
    for (const p of named(params)) {
      let name: string | undefined;
      let def: Val | undefined;
      if (p.type === 'identifier') name = p.text;
      else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
        name = p.childForFieldName('name')?.text;
        const v = p.childForFieldName('value');
        def = v ? this.expr(v, ctx) : undefined;
      } else if (p.type === 'typed_parameter') name = named(p)[0]?.text;
      else continue;
      if (!name) continue;
      const value = args.kw.get(name) ?? args.pos[i] ?? def;
      i++;
      local.ns.set(name, { value: value ?? U(name), file: f.file, line: 0 });
    }
    this.depth++;
    // Environment reads inside a helper are reported at the call site.
    const readsBefore = this.result.envReads.length;
    const ret = this.block(body, local);
    for (const r of this.result.envReads.slice(readsBefore)) {
      r.file = ctx.file;
      r.line = node.startPosition.row + 1;
    }
    this.depth--;
    return ret ?? NONE;
  }
}

interface Ctx {
  ns: Map<string, Binding>;
  file: string;
  module: string;
  isPackage: boolean;
  /** Inside a branch that may not run: assignments make values unknown. */
  uncertain: boolean;
  /** Enclosing names, for helper functions and comprehensions. */
  outer?: Map<string, Binding>;
}

/** A value assigned in a branch that may not run. */
function uncertainOf(before: Val | undefined, after: Val): Val {
  if (before?.k === 'list' && after.k === 'list') {
    const items = [...before.items];
    for (const i of after.items) if (!items.some((x) => equal(x, i) === true)) items.push(i);
    return { k: 'list', items, open: true };
  }
  return U('set in a branch');
}

/** A database URL split into the parts Django's DATABASES uses. */
export function databaseUrl(v: Val): Val {
  const url = strOf(v);
  if (url === undefined) return v.k === 'none' ? NONE : U('database url');
  const m = /^([a-z0-9+]+):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?(\[[^\]]+\]|[^:/?]*)(?::(\d+))?(?:\/([^?]*))?/i.exec(url);
  if (!m) return U(url);
  const scheme = m[1]!.toLowerCase();
  const engine =
    scheme.startsWith('postgres') || scheme === 'pgsql' || scheme === 'postgis'
      ? 'django.db.backends.postgresql'
      : scheme.startsWith('mysql') || scheme === 'mariadb'
        ? 'django.db.backends.mysql'
        : scheme.startsWith('sqlite')
          ? 'django.db.backends.sqlite3'
          : `(${scheme})`;
  const entries: Array<[string, Val]> = [
    ['ENGINE', S(engine)],
    ['HOST', S(decodeURIComponentSafe(m[4] ?? ''))],
    ['NAME', S(scheme.startsWith('sqlite') ? `/${m[6] ?? ''}`.replace(/^\/\//, '/') : decodeURIComponentSafe(m[6] ?? ''))],
    ['USER', S(decodeURIComponentSafe(m[2] ?? ''))],
    ['PASSWORD', S(decodeURIComponentSafe(m[3] ?? ''))],
  ];
  if (m[5]) entries.push(['PORT', S(m[5])]);
  return { k: 'dict', entries };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Evaluate a module and everything it star-imports; `names` is its namespace at the end. */
export async function evaluateModule(module: string, file: string, opts: EvalOptions): Promise<EvalResult> {
  const parser = await pythonParser();
  const ev = new Evaluator(opts, parser);
  ev.result.names = ev.module(module, file);
  return ev.result;
}

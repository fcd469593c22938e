/**
 * Evaluates a Django settings module the way Python would, for the small language settings
 * use: literals, names, `+`, `/` on paths, comparisons, `and`/`or`/`not`, conditional
 * expressions, comprehensions, `os.environ`/`os.getenv` reads, django-environ, environs and
 * python-decouple readers, dj-database-url, pathlib/os.path, list and dict methods, star
 * imports between settings modules, and calls to small helper functions defined in the module.
 *
 * Two modes: with `env` given, environment reads take those values (what the container sees);
 * without it they stay symbolic (`{k: 'env'}`), so rules can see how a value is read.
 * Anything outside that subset becomes `unknown`; the evaluator never throws on input.
 *
 * Every environment access is recorded (`env`) with what absence does at import:
 *   required  the read raises (KeyError, ImproperlyConfigured, …) or its None is used in a way
 *             that raises (`os.environ.get("X").split()`), on a path import always takes;
 *   optional  it has a default, or a test on the variable, a try, or a branch on another value
 *             decides whether it runs (`because` says which);
 *   written   the settings set it (`os.environ["X"] = …`, `os.environ.setdefault(…)`).
 * Each read also says what shape its value must have (URL, int, bool, JSON, list) from its cast
 * or its use. A name assigned in branches the evaluator cannot decide keeps each branch's value
 * with the conditions that choose it (`Binding.alternatives`), besides the merged value.
 */
import { posix } from 'node:path';
import type { Node, Tree } from 'web-tree-sitter';
import { named, pythonParser, stringValue, syntaxProblem } from './python.ts';
import { DATABASE_TABLE, databaseFromUrlScheme } from '../facts/databases.ts';

/** What a variable's value must look like for the settings to import. */
export type EnvShape =
  'str' | 'int' | 'float' | 'bool' | 'list' | 'dict' | 'json' | 'path' | 'url' | 'db-url' | 'cache-url' | 'email-url' | 'search-url';

/** A test the evaluator could not decide, on the path to some code. */
export interface Condition {
  /** The test's source text, e.g. `os.getenv("DB") == "postgres"`. */
  text: string;
  file: string;
  line: number;
  /** Environment variables the test reads. */
  vars: string[];
  /** true: the code runs when the test holds; false: when it fails (an elif/else after it). */
  holds: boolean;
}

export type EnvLibrary = 'os' | 'django-environ' | 'environs' | 'decouple' | 'dj-database-url';

export interface EnvAccess {
  name: string;
  file: string;
  line: number;
  /** How it is read: `os.environ[]`, `os.environ.get`, `os.getenv`, `in os.environ`, `env`, `env.db`, `config`, … */
  via: string;
  lib: EnvLibrary;
  kind: 'required' | 'optional' | 'written';
  /** Why an access is optional (`none`: absent it reads as None, and nothing raises). */
  because?: 'default' | 'none' | 'test' | 'guarded' | 'try' | 'branch' | 'written-before';
  hasDefault: boolean;
  default?: Val;
  /** Absent, this access raises at import (the read itself, or a use of the None it gives). */
  crashes: boolean;
  /** The exception absence raises. */
  error?: string;
  shape: EnvShape;
  /** Undecided tests on the path to the read (or to the use that crashes), outermost first. */
  when: Condition[];
  /** Exceptions a surrounding `try` catches ('*' for a bare except). */
  caught: string[];
  /** Inside a loop, or an except/else/finally clause: it may not run at all. */
  mayNotRun: boolean;
  /** The settings wrote the variable before reading it. */
  writtenBefore: boolean;
  /** With an environment given: is the variable set in it (or written by the settings)? */
  present?: boolean;
  /** What a write sets. */
  value?: Val;
}

export type Val =
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  /** `access`: the None an absent variable read gives (`os.environ.get("X")`), with an environment given. */
  | { k: 'none'; access?: EnvAccess }
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
      /** Absent, the value is None (os.environ.get without a default). */
      nullable?: boolean;
      access?: EnvAccess;
    }
  | { k: 'func'; node: Node; file: string }
  | { k: 'module'; name: string }
  /** An environment-reader object: `environ.Env()`, `environs.Env()`, decouple's `AutoConfig()`. */
  | { k: 'reader'; lib: EnvLibrary }
  | { k: 'unknown'; text: string };

/** One branch's value of a name assigned where the evaluator could not decide the branch. */
export interface Alternative {
  when: Condition[];
  /** undefined: the name is not set on that path. */
  value: Val | undefined;
  file: string;
  line: number;
}

export interface Binding {
  value: Val;
  file: string;
  line: number;
  /** Set in undecided branches: each branch's value and the tests that choose it. */
  alternatives?: Alternative[];
}

/** Older name of a read access, kept for the doctor's rules. */
export type EnvRead = EnvAccess;

export interface EvalResult {
  names: Map<string, Binding>;
  /** Files evaluated, the entry module first. */
  files: string[];
  /** Absolute module names imported (`import x`, `from x import y`). */
  imports: Array<{ module: string; file: string; line: number }>;
  /** Every environment access, reads and writes, in evaluation order. */
  env: EnvAccess[];
  /** The reads among them. */
  envReads: EnvAccess[];
  /** `raise` statements reached; `certain` when import always takes that path (with the environment given). */
  raises: Array<{ file: string; line: number; certain: boolean; vars: string[] }>;
  errors: Array<{ file: string; line: number; message: string }>;
  /** Star imports of project modules that do not exist; `guarded` inside a try or a branch. */
  missing: Array<{ module: string; file: string; line: number; guarded?: boolean }>;
}

export interface EvalOptions {
  read(file: string): string | undefined;
  /** Project file of a dotted module, if the project has it. */
  moduleFile(module: string): string | undefined;
  /** Where a project file is inside the image (for `__file__`). */
  imagePath(file: string): string;
  /** The environment: a value, or undefined for "set, value unknown". Without it reads stay symbolic. */
  env?: ReadonlyMap<string, string | undefined>;
  /** Parsed trees shared between evaluations of one run. */
  trees?: Map<string, Tree | { error: { line: number; message: string } }>;
  /** Names in a project folder, for split-settings `include("components/*.py")`. */
  list?(dir: string): string[];
}

const U = (text: string): Val => ({ k: 'unknown', text: text.slice(0, 80) });
const S = (v: string): Val => ({ k: 'str', v });
const B = (v: boolean): Val => ({ k: 'bool', v });
const NONE: Val = { k: 'none' };
/** What a `raise` statement gives its block: the path stops there. */
const RAISED: Val = { k: 'unknown', text: 'raise' };

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
    case 'reader':
      return true;
    case 'list':
      return v.items.length > 0 ? true : v.open ? undefined : false;
    case 'dict':
      return v.entries.length > 0 ? true : v.open ? undefined : false;
    default:
      // A module's attribute may be any object (`settings.DEBUG`): unknown.
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

/**
 * Every value a name can have: each alternative of undecided branches (with its conditions),
 * or the one value. `when` is empty for a value that does not depend on a branch.
 */
export function valuesOf(b: Binding | undefined): Array<{ when: Condition[]; value: Val }> {
  if (!b) return [];
  if (!b.alternatives) return [{ when: [], value: b.value }];
  return b.alternatives.flatMap((a) => (a.value ? [{ when: a.when, value: a.value }] : []));
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

/** os-level readers: a default or None when absent. */
const OS_GET = new Set(['os.environ.get', 'os.getenv', 'environ.get', 'getenv']);

type Cast = Extract<Val, { k: 'env' }>['cast'];

/** Reader methods of django-environ and environs: the shape, where the default is, the variable read without a name. */
interface ReaderMethod {
  shape: EnvShape;
  /** Positional index of the default (-1: keyword only). */
  defaultAt: number;
  /** Variable read when the call names none (`env.db()` reads DATABASE_URL). */
  variable?: string;
}

const DJANGO_ENVIRON: Record<string, ReaderMethod> = {
  '': { shape: 'str', defaultAt: -1 },
  str: { shape: 'str', defaultAt: 1 },
  bytes: { shape: 'str', defaultAt: 1 },
  bool: { shape: 'bool', defaultAt: 1 },
  int: { shape: 'int', defaultAt: 1 },
  float: { shape: 'float', defaultAt: 1 },
  json: { shape: 'json', defaultAt: 1 },
  list: { shape: 'list', defaultAt: 2 },
  tuple: { shape: 'list', defaultAt: 2 },
  dict: { shape: 'dict', defaultAt: 2 },
  url: { shape: 'url', defaultAt: 1 },
  path: { shape: 'path', defaultAt: 1 },
  db: { shape: 'db-url', defaultAt: 1, variable: 'DATABASE_URL' },
  db_url: { shape: 'db-url', defaultAt: 1, variable: 'DATABASE_URL' },
  cache: { shape: 'cache-url', defaultAt: 1, variable: 'CACHE_URL' },
  cache_url: { shape: 'cache-url', defaultAt: 1, variable: 'CACHE_URL' },
  email: { shape: 'email-url', defaultAt: 1, variable: 'EMAIL_URL' },
  email_url: { shape: 'email-url', defaultAt: 1, variable: 'EMAIL_URL' },
  search_url: { shape: 'search-url', defaultAt: 1, variable: 'SEARCH_URL' },
};

const ENVIRONS: Record<string, ReaderMethod> = {
  '': { shape: 'str', defaultAt: 1 },
  str: { shape: 'str', defaultAt: 1 },
  bool: { shape: 'bool', defaultAt: 1 },
  int: { shape: 'int', defaultAt: 1 },
  float: { shape: 'float', defaultAt: 1 },
  decimal: { shape: 'float', defaultAt: 1 },
  list: { shape: 'list', defaultAt: 1 },
  dict: { shape: 'dict', defaultAt: 1 },
  json: { shape: 'json', defaultAt: 1 },
  url: { shape: 'url', defaultAt: 1 },
  path: { shape: 'path', defaultAt: 1 },
  log_level: { shape: 'str', defaultAt: 1 },
  timedelta: { shape: 'str', defaultAt: 1 },
  datetime: { shape: 'str', defaultAt: 1 },
  date: { shape: 'str', defaultAt: 1 },
  uuid: { shape: 'str', defaultAt: 1 },
  dj_db_url: { shape: 'db-url', defaultAt: 1 },
  dj_cache_url: { shape: 'cache-url', defaultAt: 1 },
  dj_email_url: { shape: 'email-url', defaultAt: 1 },
};

/** The exception absence raises, per library. */
const LIBRARY_ERROR: Record<EnvLibrary, string> = {
  os: 'KeyError',
  'django-environ': 'ImproperlyConfigured',
  environs: 'EnvError',
  decouple: 'UndefinedValueError',
  'dj-database-url': 'TypeError',
};

/** Names an `except` clause catches an error by, besides Exception/BaseException. */
const CAUGHT_AS: Record<string, string[]> = {
  KeyError: ['KeyError', 'LookupError'],
  ImproperlyConfigured: ['ImproperlyConfigured'],
  EnvError: ['EnvError', 'EnvValidationError', 'ValidationError'],
  UndefinedValueError: ['UndefinedValueError'],
  AttributeError: ['AttributeError'],
  TypeError: ['TypeError'],
};

function catches(caught: readonly string[], error: string): boolean {
  return caught.some((c) => c === '*' || c === 'Exception' || c === 'BaseException' || (CAUGHT_AS[error] ?? [error]).includes(c));
}

/** The shape a cast argument gives (`cast=bool`, `cast=Csv()`, `cast=json.loads`). */
function castShape(text: string | undefined): EnvShape | undefined {
  if (!text) return undefined;
  const t = text.replace(/\s+/g, '');
  if (t === 'bool') return 'bool';
  if (t === 'int') return 'int';
  if (t === 'float' || /Decimal$/.test(t)) return 'float';
  if (t === 'list' || t === 'tuple' || /Csv\(/.test(t)) return 'list';
  if (t === 'dict') return 'dict';
  if (/json\.loads$/.test(t)) return 'json';
  if (/(db_url|dj_database_url\.parse)$/.test(t)) return 'db-url';
  if (t === 'str') return 'str';
  return undefined;
}

function castOf(shape: EnvShape): Cast {
  switch (shape) {
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'list':
      return 'list';
    case 'url':
    case 'db-url':
    case 'cache-url':
    case 'email-url':
    case 'search-url':
      return 'url';
    default:
      return 'str';
  }
}

/** A JSON value as a Val. */
function fromJson(x: unknown): Val {
  if (x === null) return NONE;
  if (typeof x === 'string') return S(x);
  if (typeof x === 'number') return { k: 'num', v: x };
  if (typeof x === 'boolean') return B(x);
  if (Array.isArray(x)) return { k: 'list', items: x.map(fromJson) };
  if (typeof x === 'object') return { k: 'dict', entries: Object.entries(x as Record<string, unknown>).map(([k, v]) => [k, fromJson(v)]) };
  return U(String(x));
}

/** Where the code being evaluated sits: what decides whether it runs. */
interface Reach {
  /** Undecided tests on the path. */
  when: Condition[];
  /** Exceptions surrounding `try` statements catch. */
  caught: string[];
  /** In a loop body or an except/else/finally clause. */
  mayNotRun: boolean;
  /** Variables of tests that were decided on the path (with an environment given): why a `raise` is reached. */
  decided: string[];
}

interface Ctx {
  ns: Map<string, Binding>;
  file: string;
  module: string;
  isPackage: boolean;
  /** Inside code that may not run (a loop, an except clause): assignments merge with the value before. */
  uncertain: boolean;
  /** Inside one branch of an undecided `if`: assignments are plain; the branches are merged after. */
  branchLocal?: boolean;
  /** Enclosing names, for helper functions and comprehensions. */
  outer?: Map<string, Binding>;
  reach: Reach;
  /** The module whose globals these are, when it is not `file` (split-settings include()). */
  globalsFile?: string;
}

const TOP: Reach = { when: [], caught: [], mayNotRun: false, decided: [] };

/** A call's arguments: positional, keyword (with their source text), and whether a splat hid some. */
interface Args {
  pos: Val[];
  kw: Map<string, Val>;
  kwText: Map<string, string>;
  open: boolean;
}

class Evaluator {
  result: EvalResult = { names: new Map(), files: [], imports: [], env: [], envReads: [], raises: [], errors: [], missing: [] };
  private modules = new Map<string, Map<string, Binding>>();
  /** django-environ schemes: `environ.Env(DEBUG=(bool, False))` gives DEBUG a cast and a default. */
  private scheme = new Map<string, { cast?: string; default?: Val }>();
  private depth = 0;
  /** Variables the settings set on a path import always takes, with the value when known. */
  private written = new Map<string, Val | undefined>();
  /** Where each undecided test was evaluated, to decide it again with a variable absent. */
  private tests = new WeakMap<Condition, { node: Node; ctx: Ctx }>();
  /** While deciding a test with these variables absent: reads are not recorded. */
  private absent: ReadonlySet<string> | undefined;
  /** Variables whose absence takes a path to `raise`: import fails without them. */
  private raisedWithout = new Map<string, { file: string; line: number }>();

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
        const bad = syntaxProblem(parsed.rootNode);
        t = bad ? { error: bad } : parsed;
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
  module(name: string, file: string, reach: Reach = TOP): Map<string, Binding> {
    const done = this.modules.get(file);
    if (done) return done;
    const ns = new Map<string, Binding>();
    this.modules.set(file, ns);
    if (!this.result.files.includes(file)) this.result.files.push(file);
    // Python runs each parent package's __init__.py first: its reads and writes happen too.
    const parts = name.split('.');
    for (let i = 1; i < parts.length && this.depth <= 20; i++) {
      const parent = parts.slice(0, i).join('.');
      const parentFile = this.opts.moduleFile(parent);
      if (!parentFile?.endsWith('__init__.py') || this.modules.has(parentFile)) continue;
      this.depth++;
      this.module(parent, parentFile, reach);
      this.depth--;
    }
    const tree = this.tree(file);
    if (!tree) return ns;
    const ctx: Ctx = { ns, file, module: name, isPackage: file.endsWith('__init__.py'), uncertain: false, reach };
    // Every statement is evaluated, even after a `raise` import would stop at: the rules judge
    // the rest too, and the raise is in `raises`.
    for (const stmt of named(tree.rootNode)) this.statement(stmt, ctx);
    return ns;
  }

  private block(block: Node, ctx: Ctx): Val | undefined {
    for (const stmt of named(block)) {
      const ret = this.statement(stmt, ctx);
      if (ret !== undefined) return ret;
    }
    return undefined;
  }

  private lookup(name: string, ctx: Ctx): Binding | undefined {
    return ctx.ns.get(name) ?? ctx.outer?.get(name);
  }

  /** Assignments inside code that may not run merge with the value before. */
  private merges(ctx: Ctx): boolean {
    return ctx.uncertain && !ctx.branchLocal;
  }

  private set(ctx: Ctx, name: string, value: Val, node: Node): void {
    ctx.ns.set(name, {
      value: this.merges(ctx) ? uncertainOf(ctx.ns.get(name)?.value, value) : value,
      file: ctx.file,
      line: node.startPosition.row + 1,
    });
  }

  /** Change a binding in place (`X["a"] = v`, `X.append(v)`), alternatives included. */
  private update(ctx: Ctx, name: string, change: (v: Val) => Val): void {
    const b = ctx.ns.get(name);
    if (!b) return;
    const next = change(b.value);
    ctx.ns.set(name, {
      value: this.merges(ctx) ? uncertainOf(b.value, next) : next,
      file: b.file,
      line: b.line,
      ...(b.alternatives ? { alternatives: b.alternatives.map((a) => ({ ...a, value: a.value && change(a.value) })) } : {}),
    });
  }

  /** Returns a value when the statement is a `return` (inside helper functions) or a `raise`. */
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
      case 'raise_statement':
        this.raised(stmt, ctx);
        return RAISED;
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
      case 'if_statement':
        return this.ifStatement(stmt, ctx);
      case 'try_statement': {
        const body = stmt.childForFieldName('body');
        const clauses = named(stmt).filter((c) =>
          ['except_clause', 'except_group_clause', 'else_clause', 'finally_clause'].includes(c.type),
        );
        const caught = clauses.filter((c) => c.type === 'except_clause' || c.type === 'except_group_clause').flatMap(exceptionNames);
        let ret: Val | undefined;
        if (body) {
          const inner: Ctx = caught.length > 0 ? { ...ctx, reach: { ...ctx.reach, caught: [...ctx.reach.caught, ...caught] } } : ctx;
          ret = this.block(body, inner);
          // A raise the try catches does not stop the module.
          if (ret === RAISED && caught.length > 0) ret = undefined;
        }
        for (const clause of clauses) for (const b of named(clause)) if (b.type === 'block') this.uncertainBlock(b, ctx);
        return ret;
      }
      case 'with_statement': {
        const body = stmt.childForFieldName('body');
        return body ? this.block(body, ctx) : undefined;
      }
      case 'for_statement': {
        const right = stmt.childForFieldName('right');
        if (right) this.use(this.expr(right, ctx), ctx, 'list', 'TypeError');
        const body = stmt.childForFieldName('body');
        if (body) this.uncertainBlock(body, ctx);
        return undefined;
      }
      case 'while_statement': {
        const cond = stmt.childForFieldName('condition');
        if (cond) this.expr(cond, ctx);
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

  /** Code that may not run at all: a loop body, an except/else/finally clause. */
  private uncertainBlock(body: Node, ctx: Ctx): Val | undefined {
    const ret = this.block(body, { ...ctx, uncertain: true, branchLocal: false, reach: { ...ctx.reach, mayNotRun: true } });
    return ret === RAISED ? undefined : ret;
  }

  /**
   * `if`/`elif`/`else`: decided tests pick their branch; undecided ones run every branch on a
   * copy of the names, then merge: each name keeps its value per branch (`alternatives`).
   */
  private ifStatement(stmt: Node, ctx: Ctx): Val | undefined {
    const arms: Array<{ cond?: Node; body: Node }> = [];
    const cond = stmt.childForFieldName('condition');
    const consequence = stmt.childForFieldName('consequence');
    if (consequence) arms.push({ ...(cond ? { cond } : {}), body: consequence });
    for (const alt of named(stmt)) {
      if (alt.type === 'elif_clause') {
        const ec = alt.childForFieldName('condition');
        const body = alt.childForFieldName('consequence');
        if (body) arms.push({ ...(ec ? { cond: ec } : {}), body });
      } else if (alt.type === 'else_clause') {
        const body = alt.childForFieldName('body');
        if (body) arms.push({ body });
      }
    }
    // The paths through the statement, each with the undecided tests that choose it.
    const paths: Array<{ when: Condition[]; decided: string[]; body?: Node }> = [];
    let failed: Condition[] = [];
    let decided: string[] = [];
    let closed = false;
    for (const arm of arms) {
      if (!arm.cond) {
        paths.push({ when: failed, decided, body: arm.body });
        closed = true;
        break;
      }
      const armCtx: Ctx = { ...ctx, reach: { ...ctx.reach, when: [...ctx.reach.when, ...failed] } };
      const test = this.test(arm.cond, armCtx);
      const t = truthy(test.value);
      if (t === true) {
        paths.push({ when: failed, decided: [...decided, ...test.vars], body: arm.body });
        closed = true;
        break;
      }
      if (t === false) {
        decided = [...decided, ...test.vars];
        continue;
      }
      const holds = this.condition(arm.cond, armCtx, test.vars, true);
      const fails = this.condition(arm.cond, armCtx, test.vars, false);
      paths.push({ when: [...failed, holds], decided, body: arm.body });
      failed = [...failed, fails];
    }
    if (!closed) paths.push({ when: failed, decided });

    if (paths.length === 1) {
      const only = paths[0]!;
      if (!only.body) return undefined;
      const ret = this.block(only.body, { ...ctx, reach: { ...ctx.reach, decided: [...ctx.reach.decided, ...only.decided] } });
      return ret;
    }
    const before = ctx.ns;
    const results = paths.map((p) => {
      const ns = new Map(before);
      const pathCtx: Ctx = {
        ...ctx,
        ns,
        uncertain: true,
        branchLocal: true,
        reach: { ...ctx.reach, when: [...ctx.reach.when, ...p.when], decided: [...ctx.reach.decided, ...p.decided] },
      };
      const ret = p.body ? this.block(p.body, pathCtx) : undefined;
      return { ns, when: [...ctx.reach.when, ...p.when], ret };
    });
    const live = results.filter((r) => r.ret !== RAISED);
    if (live.length === 0) return RAISED;
    const changed = new Set<string>();
    for (const r of live) for (const [k, b] of r.ns) if (before.get(k) !== b) changed.add(k);
    for (const name of changed) {
      const prev = before.get(name);
      const values = live.map((r) => r.ns.get(name)?.value);
      let merged: Val | undefined;
      if (values.every((v) => v !== undefined && sameValue(v, values[0]!))) merged = values[0];
      else
        for (const v of values)
          merged = merged === undefined ? (v ?? U('set in a branch')) : v === undefined ? U('set in a branch') : uncertainOf(merged, v);
      let last: Binding | undefined;
      const alternatives: Alternative[] = [];
      for (const r of live) {
        const b = r.ns.get(name);
        alternatives.push({ when: r.when, value: b?.value, file: b?.file ?? ctx.file, line: b?.line ?? 0 });
        if (b && b !== prev) last = b;
      }
      const binding: Binding = { value: merged ?? U('set in a branch'), file: last!.file, line: last!.line, alternatives };
      if (this.merges(ctx)) binding.value = uncertainOf(prev?.value, binding.value);
      before.set(name, binding);
    }
    return live.some((r) => r.ret !== undefined) ? U('conditional return') : undefined;
  }

  /** Evaluate a test, and which environment variables it reads. */
  private test(node: Node, ctx: Ctx): { value: Val; vars: string[] } {
    const start = this.result.env.length;
    const value = this.expr(node, ctx);
    const vars = new Set(
      this.result.env
        .slice(start)
        .filter((a) => a.kind !== 'written')
        .map((a) => a.name),
    );
    if (value.k === 'env') vars.add(value.name);
    // Names bound to environment reads earlier (`if DB_ENGINE == "postgres"`, `if not SECRET_KEY`).
    const stack: Node[] = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.type === 'identifier') {
        const v = this.lookup(n.text, ctx)?.value;
        if (v?.k === 'env') vars.add(v.name);
        else if (v?.k === 'none' && v.access) vars.add(v.access.name);
      }
      for (const c of n.namedChildren) if (c) stack.push(c);
    }
    return { value, vars: [...vars] };
  }

  private condition(node: Node, ctx: Ctx, vars: string[], holds: boolean): Condition {
    const c: Condition = {
      text: node.text.replace(/\s+/g, ' ').slice(0, 120),
      file: ctx.file,
      line: node.startPosition.row + 1,
      vars,
      holds,
    };
    this.tests.set(c, { node, ctx });
    return c;
  }

  /** Decide a test again with some variables absent; undefined when it still depends on something else. */
  private decideAbsent(c: Condition, names: ReadonlySet<string>): boolean | undefined {
    const at = this.tests.get(c);
    if (!at || this.absent) return undefined;
    this.absent = names;
    try {
      return truthy(this.expr(at.node, at.ctx));
    } finally {
      this.absent = undefined;
    }
  }

  private raised(stmt: Node, ctx: Ctx): void {
    if (this.absent) return;
    const { when, caught, mayNotRun, decided } = ctx.reach;
    const line = stmt.startPosition.row + 1;
    this.result.raises.push({
      file: ctx.file,
      line,
      certain: when.length === 0 && caught.length === 0 && !mayNotRun,
      vars: [...new Set(decided)],
    });
    // Without an environment: a raise whose path is decided by one variable's absence alone
    // (`if not SECRET_KEY: raise ImproperlyConfigured(...)`) makes that variable required.
    if (this.opts.env || when.length === 0 || caught.length > 0 || mayNotRun) return;
    const names = new Set(when.flatMap((c) => c.vars));
    if (names.size !== 1) return;
    const [name] = names as Set<string> & [string];
    if (when.every((c) => this.decideAbsent(c, names) === c.holds) && !this.raisedWithout.has(name))
      this.raisedWithout.set(name, { file: ctx.file, line });
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
        this.result.missing.push({
          module: target,
          file: ctx.file,
          line: stmt.startPosition.row + 1,
          ...(ctx.reach.caught.length > 0 || ctx.reach.when.length > 0 ? { guarded: true } : {}),
        });
      }
      // Names imported from outside the project: what they are is known only by name.
      for (const n of named(stmt)) {
        if (n.id === moduleNode.id) continue;
        if (n.type === 'dotted_name') this.set(ctx, n.text, { k: 'module', name: `${target}.${n.text}` }, stmt);
        else if (n.type === 'aliased_import') {
          const alias = n.childForFieldName('alias')?.text;
          if (alias) this.set(ctx, alias, { k: 'module', name: `${target}.${n.childForFieldName('name')?.text}` }, stmt);
        }
      }
      return;
    }
    if (this.depth > 20) return;
    this.depth++;
    const ns = this.module(target, file, ctx.reach);
    this.depth--;
    if (star) {
      for (const [k, v] of ns)
        if (!k.startsWith('_')) ctx.ns.set(k, this.merges(ctx) ? { ...v, value: uncertainOf(ctx.ns.get(k)?.value, v.value) } : v);
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
      const baseNode = target.childForFieldName('value');
      const keyNode = target.childForFieldName('subscript');
      // os.environ["X"] = value: the settings set the variable.
      if (baseNode && keyNode && this.isEnviron(baseNode, ctx)) {
        const name = strOf(this.expr(keyNode, ctx));
        if (name !== undefined) this.envWrite(name, value, 'os.environ[]=', node, ctx);
        return;
      }
      // X["a"]["b"] = v: rebuild the dicts along the path.
      const keys: Array<string | undefined> = [];
      let base: Node | null = target;
      while (base?.type === 'subscript') {
        const key = base.childForFieldName('subscript');
        keys.unshift(key ? strOf(this.expr(key, ctx)) : undefined);
        base = base.childForFieldName('value');
      }
      if (base?.type !== 'identifier' || !ctx.ns.get(base.text)) return;
      const put = (d: Val, path: Array<string | undefined>): Val => {
        if (d.k !== 'dict') return d;
        const [k, ...rest] = path;
        if (k === undefined) return { ...d, open: true };
        const inner = rest.length === 0 ? value : put(dictGet(d, k) ?? { k: 'dict', entries: [] }, rest);
        return {
          k: 'dict',
          entries: [...d.entries.filter(([x]) => x !== k), [k, this.merges(ctx) ? uncertainOf(dictGet(d, k), inner) : inner]],
          ...(d.open ? { open: true } : {}),
        };
      };
      const b = ctx.ns.get(base.text)!;
      ctx.ns.set(base.text, {
        value: put(b.value, keys),
        file: b.file,
        line: b.line,
        ...(b.alternatives ? { alternatives: b.alternatives.map((a) => ({ ...a, value: a.value && put(a.value, keys) })) } : {}),
      });
    }
  }

  /** Is this expression `os.environ` (however it was imported)? */
  private isEnviron(node: Node, ctx: Ctx): boolean {
    if (node.text === 'os.environ') return true;
    const v = node.type === 'identifier' ? this.lookup(node.text, ctx)?.value : undefined;
    if (v) return v.k === 'module' && v.name === 'os.environ';
    return node.text === 'environ';
  }

  private augment(node: Node, ctx: Ctx): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const op = node.childForFieldName('operator')?.text ?? '';
    if (left?.type !== 'identifier' || !right) return;
    const before = this.lookup(left.text, ctx)?.value ?? U(left.text);
    const added = this.expr(right, ctx);
    if (op === '+=' && ctx.ns.get(left.text)?.alternatives) this.update(ctx, left.text, (v) => this.binary('+', v, added, node, ctx));
    else this.set(ctx, left.text, op === '+=' ? this.binary('+', before, added, node, ctx) : U(node.text), node);
  }

  /** `X.append(v)`, `X.insert(i, v)`, `X.extend(l)`, `X.remove(v)`, `X.update(d)` change a name in place. */
  private callStatement(call: Node, ctx: Ctx): void {
    const fn = call.childForFieldName('function');
    if (fn?.type === 'attribute') {
      const obj = fn.childForFieldName('object');
      const method = fn.childForFieldName('attribute')?.text ?? '';
      if (
        obj?.type === 'identifier' &&
        ['append', 'insert', 'extend', 'remove', 'update', 'setdefault'].includes(method) &&
        ctx.ns.get(obj.text)
      ) {
        const args = this.args(call, ctx);
        this.update(ctx, obj.text, (v) => {
          if (v.k === 'list') {
            if (method === 'append' && args.pos[0]) return { ...v, items: [...v.items, args.pos[0]] };
            if (method === 'insert' && args.pos[1]) {
              const at = args.pos[0]?.k === 'num' ? args.pos[0].v : v.items.length;
              const items = [...v.items];
              items.splice(at, 0, args.pos[1]);
              return { ...v, items };
            }
            if (method === 'extend' && args.pos[0]?.k === 'list')
              return { k: 'list', items: [...v.items, ...args.pos[0].items], ...(v.open || args.pos[0].open ? { open: true } : {}) };
            if (method === 'remove' && args.pos[0]) return { ...v, items: v.items.filter((x) => equal(x, args.pos[0]!) !== true) };
            return { ...v, open: true };
          }
          if (v.k === 'dict' && method === 'update' && args.pos[0]?.k === 'dict') {
            const keys = new Set(args.pos[0].entries.map(([k]) => k));
            return {
              k: 'dict',
              entries: [...v.entries.filter(([k]) => !keys.has(k)), ...args.pos[0].entries],
              ...(v.open || args.pos[0].open ? { open: true } : {}),
            };
          }
          if (v.k === 'dict' && method === 'setdefault' && args.pos[0]?.k === 'str' && args.pos[1])
            return dictGet(v, args.pos[0].v) ? v : { ...v, entries: [...v.entries, [args.pos[0].v, args.pos[1]]] };
          return U(call.text);
        });
        return;
      }
    }
    this.expr(call, ctx);
  }

  private args(call: Node, ctx: Ctx): Args {
    const out: Args = { pos: [], kw: new Map(), kwText: new Map(), open: false };
    const args = call.childForFieldName('arguments');
    if (!args) return out;
    for (const a of named(args)) {
      if (a.type === 'keyword_argument') {
        const name = a.childForFieldName('name')?.text;
        const value = a.childForFieldName('value');
        if (name && value) {
          out.kw.set(name, this.expr(value, ctx));
          out.kwText.set(name, value.text);
        }
      } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
        const inner = named(a)[0];
        const v = inner ? this.expr(inner, ctx) : U(a.text);
        if (a.type === 'list_splat' && v.k === 'list' && !v.open) out.pos.push(...v.items);
        else out.open = true;
      } else out.pos.push(this.expr(a, ctx));
    }
    return out;
  }

  /** Positional argument texts (for casts such as `cast=bool` given by position). */
  private argTexts(call: Node): string[] {
    const args = call.childForFieldName('arguments');
    return args
      ? named(args)
          .filter((a) => a.type !== 'keyword_argument')
          .map((a) => a.text)
      : [];
  }

  /**
   * Record a read and give its value: symbolic without an environment, else the variable's
   * value (cast as the reader casts), the default, or None.
   */
  private envRead(o: {
    name: string;
    via: string;
    lib: EnvLibrary;
    def?: Val;
    hasDefault: boolean;
    /** Absent, the read itself raises. */
    crashes: boolean;
    shape: EnvShape;
    node: Node;
    ctx: Ctx;
    /** The reader parses the value as a database URL (env.db, dj_database_url.config). */
    parse?: 'db-url';
  }): Val {
    const { name, ctx } = o;
    const nullable = !o.crashes && (!o.def || o.def.k === 'none');
    const env = this.opts.env;
    const written = this.written.has(name);
    const access: EnvAccess = {
      name,
      file: ctx.file,
      line: o.node.startPosition.row + 1,
      via: o.via,
      lib: o.lib,
      kind: 'optional',
      hasDefault: o.hasDefault,
      ...(o.def ? { default: o.def } : {}),
      crashes: o.crashes,
      ...(o.crashes ? { error: LIBRARY_ERROR[o.lib] } : {}),
      shape: o.shape,
      when: [...ctx.reach.when],
      caught: [...ctx.reach.caught],
      mayNotRun: ctx.reach.mayNotRun,
      writtenBefore: written,
    };
    const absentValue = (): Val => {
      const v = o.def ?? (o.crashes ? U(`missing ${name}`) : { k: 'none', access });
      return o.parse && v.k !== 'none' ? databaseUrl(v) : o.parse ? { k: 'dict', entries: [] } : v;
    };
    const symbolic: Val = {
      k: 'env',
      name,
      via: o.via,
      ...(o.def ? { default: o.def } : {}),
      hasDefault: o.hasDefault,
      cast: castOf(o.shape),
      ...(nullable ? { nullable } : {}),
      access,
    };
    if (this.absent) return this.absent.has(name) && !written ? absentValue() : symbolic;
    this.result.env.push(access);
    if (!env) return symbolic;
    const present = written || env.has(name);
    access.present = present;
    if (!present) return absentValue();
    const known = written ? this.written.get(name) : undefined;
    const raw = written ? strOf(known) : env.get(name);
    if (raw === undefined) return known ?? U(`$${name}`);
    let value: Val;
    switch (o.shape) {
      case 'bool':
        value = B(['true', 'on', 'ok', 'y', 'yes', '1', 't'].includes(raw.trim().toLowerCase()));
        break;
      case 'int':
      case 'float':
        value = raw.trim() !== '' && Number.isFinite(Number(raw)) ? { k: 'num', v: Number(raw) } : U(raw);
        break;
      case 'list':
        value = {
          k: 'list',
          items: raw
            .split(',')
            .filter((x) => x !== '')
            .map((x) => S(x)),
        };
        break;
      case 'json':
        try {
          value = fromJson(JSON.parse(raw));
        } catch {
          value = U(raw);
        }
        break;
      default:
        value = S(raw);
    }
    return o.parse ? databaseUrl(value) : value;
  }

  /** The settings set a variable (`os.environ["X"] = v`, `os.environ.setdefault("X", v)`). */
  private envWrite(name: string, value: Val | undefined, via: string, node: Node, ctx: Ctx, onlyIfAbsent = false): void {
    if (this.absent) return;
    this.result.env.push({
      name,
      file: ctx.file,
      line: node.startPosition.row + 1,
      via,
      lib: 'os',
      kind: 'written',
      hasDefault: false,
      crashes: false,
      shape: 'str',
      when: [...ctx.reach.when],
      caught: [...ctx.reach.caught],
      mayNotRun: ctx.reach.mayNotRun,
      writtenBefore: this.written.has(name),
      ...(value ? { value } : {}),
    });
    const always = ctx.reach.when.length === 0 && !ctx.reach.mayNotRun && !this.merges(ctx);
    if (!always) return;
    if (onlyIfAbsent && (this.written.has(name) || this.opts.env?.has(name))) {
      if (!this.written.has(name)) this.written.set(name, this.opts.env?.get(name) === undefined ? undefined : S(this.opts.env.get(name)!));
      return;
    }
    this.written.set(name, value);
  }

  /**
   * A value used where None raises (`.split()`, `int()`, iteration): an absent variable read
   * without a default crashes here. Also learns the shape the value must have.
   */
  private use(v: Val | undefined, ctx: Ctx, shape?: EnvShape, error = 'AttributeError'): void {
    if (this.absent || !v || (v.k !== 'env' && v.k !== 'none')) return;
    const a = v.access;
    if (!a || a.kind === 'written') return;
    if (shape && a.shape === 'str') a.shape = shape;
    const isNone = v.k === 'none' || (v.k === 'env' && v.nullable === true);
    if (!isNone || a.crashes) return;
    a.crashes = true;
    a.error = error;
    // Whether the crash happens depends on where the use is, too.
    for (const c of ctx.reach.when) if (!a.when.includes(c)) a.when.push(c);
    a.caught = [...ctx.reach.caught];
    a.mayNotRun ||= ctx.reach.mayNotRun;
  }

  /** Decide each access's kind, once the module is evaluated. */
  finish(): void {
    for (const a of this.result.env) {
      if (a.kind === 'written') continue;
      const raise = this.raisedWithout.get(a.name);
      if (raise && !a.crashes && !a.writtenBefore) {
        a.crashes = true;
        a.error = `raise (${raise.file} line ${raise.line})`;
      }
      let because: EnvAccess['because'];
      // 'none': absent, it reads as None (or {} for dj_database_url.config) and nothing raises.
      if (!a.crashes) because = a.via === 'in os.environ' ? 'test' : a.hasDefault ? 'default' : 'none';
      else if (a.writtenBefore) because = 'written-before';
      else if (a.when.some((c) => c.vars.includes(a.name))) because = 'guarded';
      else if (a.error && catches(a.caught, a.error)) because = 'try';
      else if (a.when.length > 0 || a.mayNotRun) because = 'branch';
      a.kind = because ? 'optional' : 'required';
      if (because) a.because = because;
      else delete a.because;
    }
    this.result.envReads = this.result.env.filter((a) => a.kind !== 'written');
  }

  expr(node: Node, ctx: Ctx): Val {
    switch (node.type) {
      case 'string':
      case 'concatenated_string': {
        const v = stringValue(node);
        if (v !== undefined) return S(v);
        // An f-string: its fields evaluated (`f"config.settings.{os.getenv('ENV', 'dev')}"`).
        const parts = (node.type === 'string' ? [node] : named(node)).map((n) => this.fString(n, ctx));
        return parts.every((p) => p !== undefined) ? S(parts.join('')) : U(node.text);
      }
      case 'named_expression': {
        // `if dsn := os.getenv("SENTRY_DSN"):` binds the value and tests it.
        const name = node.childForFieldName('name');
        const value = node.childForFieldName('value');
        if (!value) return U(node.text);
        const v = this.expr(value, ctx);
        if (name?.type === 'identifier') this.set(ctx, name.text, v, node);
        return v;
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
            this.use(v, ctx, 'list', 'TypeError');
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
            this.use(v, ctx, 'json', 'TypeError');
            if (v.k === 'dict') {
              entries.push(...v.entries);
              open ||= Boolean(v.open);
            } else open = true;
          }
        }
        return { k: 'dict', entries, ...(open ? { open: true } : {}) };
      }
      case 'identifier': {
        if (node.text === '__file__') return S(this.opts.imagePath(ctx.globalsFile ?? ctx.file));
        const b = this.lookup(node.text, ctx);
        if (b) {
          const v = b.value;
          // Deciding a test with this variable absent: its raw value is its default, or None.
          if (this.absent && v.k === 'env' && this.absent.has(v.name) && (v.cast === undefined || v.cast === 'str'))
            return v.default ?? (v.nullable ? NONE : U(`missing ${v.name}`));
          return v;
        }
        if (node.text === 'os') return { k: 'module', name: 'os' };
        return U(node.text);
      }
      case 'attribute':
        return this.attribute(node, ctx);
      case 'subscript': {
        const target = node.childForFieldName('value');
        const key = node.childForFieldName('subscript');
        if (!target || !key) return U(node.text);
        if (this.isEnviron(target, ctx)) {
          const name = strOf(this.expr(key, ctx));
          if (name !== undefined)
            return this.envRead({ name, via: `${target.text}[]`, lib: 'os', hasDefault: false, crashes: true, shape: 'str', node, ctx });
        }
        const base = this.expr(target, ctx);
        const k = this.expr(key, ctx);
        this.use(base, ctx, k.k === 'num' ? 'list' : 'json', 'TypeError');
        if (base.k === 'dict' && k.k === 'str') return dictGet(base, k.v) ?? U(node.text);
        if (base.k === 'list' && k.k === 'num' && !base.open) return base.items.at(k.v) ?? U(node.text);
        return U(node.text);
      }
      case 'binary_operator': {
        const l = node.childForFieldName('left');
        const r = node.childForFieldName('right');
        const op = node.childForFieldName('operator')?.text ?? '';
        if (!l || !r) return U(node.text);
        return this.binary(op, this.expr(l, ctx), this.expr(r, ctx), node, ctx);
      }
      case 'boolean_operator': {
        const l = node.childForFieldName('left');
        const r = node.childForFieldName('right');
        const op = node.childForFieldName('operator')?.text;
        if (!l || !r) return U(node.text);
        const left = this.test(l, ctx);
        const lv = left.value;
        const t = truthy(lv);
        if (t === undefined) {
          // The right side runs only when the left one decides so (`x is None or x.strip() == ""`).
          const guard = this.condition(l, ctx, left.vars, op === 'and');
          const rv = this.expr(r, { ...ctx, reach: { ...ctx.reach, when: [...ctx.reach.when, guard] } });
          // `env or "default"` keeps the env read visible.
          if (lv.k === 'env' && op === 'or') return { ...lv, default: rv, hasDefault: true, nullable: rv.k === 'none' };
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
        const test = this.test(parts[1]!, ctx);
        const t = truthy(test.value);
        if (t !== undefined) return this.expr(t ? parts[0]! : parts[2]!, ctx);
        // Both sides may run: their reads depend on the test.
        for (const [i, holds] of [
          [0, true],
          [2, false],
        ] as const) {
          const c = this.condition(parts[1]!, ctx, test.vars, holds);
          this.expr(parts[i]!, { ...ctx, reach: { ...ctx.reach, when: [...ctx.reach.when, c] } });
        }
        return U(node.text);
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

  /** The text of one string literal whose `{...}` fields all evaluate to strings or numbers. */
  private fString(node: Node, ctx: Ctx): string | undefined {
    if (node.type !== 'string') return undefined;
    const raw = /r/i.test((node.child(0)?.text ?? '').replace(/["']/g, ''));
    let out = '';
    for (const c of named(node)) {
      if (c.type === 'string_content') out += c.text;
      else if (c.type === 'escape_sequence') out += raw ? c.text : unescape(c.text);
      else if (c.type === 'interpolation') {
        const inner = named(c).find((x) => x.type !== 'format_specifier' && x.type !== 'type_conversion');
        if (!inner || named(c).some((x) => x.type === 'format_specifier')) return undefined;
        const v = this.expr(inner, ctx);
        if (v.k === 'str' || v.k === 'path') out += v.v;
        else if (v.k === 'num') out += String(v.v);
        else return undefined;
      }
    }
    return out;
  }

  private binary(op: string, a: Val, b: Val, node: Node, ctx: Ctx): Val {
    if (op === '+' || op === '-' || op === '*' || op === '/') {
      // None + "x" raises TypeError; "%" formatting of None does not.
      if (!(op === '/' && a.k === 'path')) this.use(a, ctx, undefined, 'TypeError');
      this.use(b, ctx, op === '/' && a.k === 'path' ? 'path' : undefined, 'TypeError');
    }
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
    const operandNodes: Node[] = [];
    const ops: string[] = [];
    for (let i = 0; i < node.childCount; i++) {
      const c = node.child(i)!;
      if (node.fieldNameForChild(i) === 'operators') ops.push(c.text.replace(/\s+/g, ' '));
      else if (c.isNamed && c.type !== 'comment') {
        operands.push(this.expr(c, ctx));
        operandNodes.push(c);
      }
    }
    if (ops.length !== 1 || operands.length !== 2) return U(node.text);
    const [a, b] = operands as [Val, Val];
    const op = ops[0]!;
    // "X" in os.environ: a test of the variable, not a read of its value.
    if ((op === 'in' || op === 'not in') && a.k === 'str' && this.isEnviron(operandNodes[1]!, ctx)) {
      const name = a.v;
      const present = this.absent?.has(name)
        ? false
        : this.written.has(name)
          ? true
          : this.opts.env && !this.absent
            ? this.opts.env.has(name)
            : undefined;
      if (!this.absent) {
        const read = this.envRead({ name, via: 'in os.environ', lib: 'os', hasDefault: false, crashes: false, shape: 'str', node, ctx });
        if (present === undefined) return { ...(read as Extract<Val, { k: 'env' }>), cast: 'bool', hasDefault: true };
      }
      return present === undefined ? U(node.text) : B(op === 'in' ? present : !present);
    }
    if (op === 'in' || op === 'not in') this.use(b, ctx, 'list', 'TypeError');
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
    const known = ['str', 'num', 'bool', 'list', 'dict', 'path', 'none'];
    const same = (): boolean | undefined =>
      a.k === 'none' || b.k === 'none' ? (known.includes(a.k) && known.includes(b.k) ? a.k === b.k : undefined) : equal(a, b);
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
        r = same();
        break;
      case 'is not': {
        const s = same();
        r = s === undefined ? undefined : !s;
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
    this.use(iterable, ctx, 'list', 'TypeError');
    if (iterable.k === 'env' && this.opts.env === undefined) return { ...iterable, cast: 'list' };
    const items = iterable.k === 'list' ? iterable.items : iterable.k === 'dict' ? iterable.entries.map(([k]) => S(k)) : undefined;
    if (!items) return { k: 'list', items: [], open: true };
    const out: Val[] = [];
    let open = iterable.k === 'list' ? Boolean(iterable.open) : Boolean((iterable as { open?: boolean }).open);
    const local: Ctx = {
      ...ctx,
      ns: new Map(),
      uncertain: false,
      branchLocal: false,
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
    this.use(base, ctx);
    return U(node.text);
  }

  /** A read through django-environ or environs: `env("X")`, `env.bool("X", default=False)`, `env.db()`. */
  private readerCall(lib: 'django-environ' | 'environs', method: string, node: Node, args: Args, ctx: Ctx): Val {
    const table = lib === 'django-environ' ? DJANGO_ENVIRON : ENVIRONS;
    const m = table[method];
    if (!m) return U(node.text);
    const name = strOf(args.pos[0]) ?? (args.pos.length === 0 ? (strOf(args.kw.get('var')) ?? m.variable) : undefined);
    if (name === undefined) return U(node.text);
    // A scheme gives every method its default; its cast matters to the plain call only.
    const schemed = lib === 'django-environ' ? this.scheme.get(name) : undefined;
    const positional = args.pos[0] === undefined ? m.defaultAt - 1 : m.defaultAt;
    const def = args.kw.get('default') ?? (positional >= 0 ? args.pos[positional] : undefined) ?? schemed?.default;
    const castText = args.kwText.get('cast') ?? (method === '' && lib === 'django-environ' ? this.argTexts(node)[1] : undefined);
    const shape =
      (method === '' ? (castShape(castText) ?? castShape(schemed?.cast)) : undefined) ??
      (method === '' && def?.k === 'bool' ? 'bool' : m.shape);
    return this.envRead({
      name,
      via: method ? `env.${method}` : 'env',
      lib,
      ...(def ? { def } : {}),
      hasDefault: def !== undefined,
      crashes: def === undefined,
      shape,
      node,
      ctx,
      ...(shape === 'db-url' ? { parse: 'db-url' as const } : {}),
    });
  }

  private call(node: Node, ctx: Ctx): Val {
    const fn = node.childForFieldName('function');
    if (!fn) return U(node.text);
    // What is called: a module function by its full name, a reader object, or a helper.
    let callee = fn.text;
    let base: Val | undefined;
    let method = '';
    let fnValue: Val | undefined;
    if (fn.type === 'attribute') {
      const obj = fn.childForFieldName('object');
      method = fn.childForFieldName('attribute')?.text ?? '';
      base = obj ? (fn.text === 'os.environ' ? { k: 'module', name: 'os.environ' } : this.expr(obj, ctx)) : U('');
      if (base.k === 'module') callee = `${base.name}.${method}`;
    } else if (fn.type === 'identifier') {
      fnValue = this.lookup(fn.text, ctx)?.value;
      if (fnValue?.k === 'module') callee = fnValue.name;
    }
    const args = this.args(node, ctx);
    const first = args.pos[0];
    const firstName = strOf(first);

    // django-environ / environs reader objects; a bare `env` that is not bound is django-environ's.
    if (base?.k === 'reader' && (base.lib === 'django-environ' || base.lib === 'environs'))
      return this.readerCall(base.lib, method, node, args, ctx);
    if (fnValue?.k === 'reader' && (fnValue.lib === 'django-environ' || fnValue.lib === 'environs'))
      return this.readerCall(fnValue.lib, '', node, args, ctx);
    if (fnValue?.k === 'reader' && fnValue.lib === 'decouple') callee = 'decouple.config';
    if (fn.text === 'env' && (!fnValue || fnValue.k === 'unknown')) return this.readerCall('django-environ', '', node, args, ctx);
    if (/^env\.\w+$/.test(fn.text) && (!base || base.k === 'unknown') && DJANGO_ENVIRON[method])
      return this.readerCall('django-environ', method, node, args, ctx);

    // Reader objects.
    if (/^environ\.(Env|FileAwareEnv)$/.test(callee) || (/(^|\.)Env$/.test(callee) && !callee.startsWith('environs'))) {
      for (const [name, v] of args.kw) {
        const text = args.kwText.get(name) ?? '';
        if (v.k === 'list' && v.items.length >= 1) {
          const castText = text
            .replace(/^\(\s*/, '')
            .split(',')[0]
            ?.trim();
          this.scheme.set(name, { ...(castText ? { cast: castText } : {}), ...(v.items[1] ? { default: v.items[1] } : {}) });
        } else this.scheme.set(name, { cast: text });
      }
      return { k: 'reader', lib: 'django-environ' };
    }
    if (/^environs\.(Env|FileAwareEnv)$/.test(callee)) return { k: 'reader', lib: 'environs' };
    if (/^decouple\.(AutoConfig|Config)$/.test(callee)) return { k: 'reader', lib: 'decouple' };

    // os-level readers and writers.
    if ((OS_GET.has(callee) || OS_GET.has(fn.text)) && firstName !== undefined) {
      const def = args.pos[1] ?? args.kw.get('default');
      return this.envRead({
        name: firstName,
        via: OS_GET.has(callee) ? callee : fn.text,
        lib: 'os',
        ...(def ? { def } : {}),
        hasDefault: def !== undefined,
        crashes: false,
        shape: 'str',
        node,
        ctx,
      });
    }
    if (callee === 'os.environ.setdefault' && firstName !== undefined) {
      const def = args.pos[1];
      const before = this.opts.env?.get(firstName);
      const had = this.written.has(firstName) || this.opts.env?.has(firstName);
      this.envWrite(firstName, def, 'os.environ.setdefault', node, ctx, true);
      if (this.opts.env)
        return had ? (this.written.get(firstName) ?? (before === undefined ? U(`$${firstName}`) : S(before))) : (def ?? NONE);
      return { k: 'env', name: firstName, via: 'os.environ.setdefault', ...(def ? { default: def } : {}), hasDefault: true };
    }
    if (callee === 'os.environ.pop' && firstName !== undefined) {
      const def = args.pos[1];
      return this.envRead({
        name: firstName,
        via: callee,
        lib: 'os',
        ...(def ? { def } : {}),
        hasDefault: def !== undefined,
        crashes: def === undefined,
        shape: 'str',
        node,
        ctx,
      });
    }
    if (callee === 'os.environ.update') {
      const d = args.pos[0];
      if (d?.k === 'dict') for (const [k, v] of d.entries) this.envWrite(k, v, callee, node, ctx);
      for (const [k, v] of args.kw) this.envWrite(k, v, callee, node, ctx);
      return NONE;
    }
    if (callee === 'os.putenv' && firstName !== undefined) {
      this.envWrite(firstName, args.pos[1], callee, node, ctx);
      return NONE;
    }

    // python-decouple: config("X", default=..., cast=...).
    if ((callee === 'decouple.config' || (fn.text === 'config' && (!fnValue || fnValue.k === 'unknown'))) && firstName !== undefined) {
      const def = args.kw.get('default') ?? args.pos[1];
      const shape = castShape(args.kwText.get('cast') ?? this.argTexts(node)[2]) ?? 'str';
      return this.envRead({
        name: firstName,
        via: 'config',
        lib: 'decouple',
        ...(def ? { def } : {}),
        hasDefault: def !== undefined,
        crashes: def === undefined,
        shape,
        node,
        ctx,
      });
    }

    // dj-database-url.
    if (/^dj_database_url\.(config|parse)$/.test(callee)) {
      if (callee.endsWith('parse')) {
        this.use(first, ctx, 'db-url', 'TypeError');
        if (first?.k === 'env') return { ...first, cast: 'url' };
        return first ? databaseUrl(first) : U(node.text);
      }
      const def = args.kw.get('default');
      return this.envRead({
        name: strOf(args.kw.get('env')) ?? 'DATABASE_URL',
        via: 'dj_database_url.config',
        lib: 'dj-database-url',
        ...(def ? { def } : {}),
        hasDefault: def !== undefined,
        crashes: false,
        shape: 'db-url',
        node,
        ctx,
        parse: 'db-url',
      });
    }
    // django-getenv: env(name, default) never raises; absent it gives the default or None.
    if (callee === 'getenv.env' && firstName !== undefined) {
      const def = args.pos[1] ?? args.kw.get('default');
      return this.envRead({
        name: firstName,
        via: 'getenv.env',
        lib: 'os',
        ...(def ? { def } : {}),
        hasDefault: def !== undefined,
        crashes: false,
        shape: 'str',
        node,
        ctx,
      });
    }
    // django-split-settings: include() runs other files in these same globals.
    if (callee === 'split_settings.tools.include' || callee === 'split_settings.include') return this.include(node, ctx);
    if (callee === 'json.loads') {
      this.use(first, ctx, 'json', 'TypeError');
      const s = strOf(first);
      if (s !== undefined) {
        try {
          return fromJson(JSON.parse(s));
        } catch {
          return U(node.text);
        }
      }
      return first?.k === 'env' ? { ...first, cast: 'other' } : U(node.text);
    }
    if (callee === 'globals().get' && firstName !== undefined) return ctx.ns.get(firstName)?.value ?? args.pos[1] ?? NONE;
    // Builtins and pathlib/os.path.
    switch (callee) {
      case 'bool':
        if (first?.k === 'env') return { ...first, cast: 'truthy' };
        return first ? (truthy(first) === undefined ? U(node.text) : B(truthy(first)!)) : B(false);
      case 'int':
      case 'float':
        this.use(first, ctx, callee as EnvShape, 'TypeError');
        if (first?.k === 'env') return { ...first, cast: 'int' };
        if (first?.k === 'str' && /^\s*-?\d+(\.\d*)?\s*$/.test(first.v)) return { k: 'num', v: Number(first.v) };
        return first?.k === 'num' ? first : U(node.text);
      case 'str':
        if (first?.k === 'path') return S(first.v);
        return first?.k === 'str' ? first : first?.k === 'num' ? S(String(first.v)) : U(node.text);
      case 'list':
      case 'tuple':
        this.use(first, ctx, 'list', 'TypeError');
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
      case 'pathlib.PurePath':
        this.use(first, ctx, 'path', 'TypeError');
        if (first?.k === 'str' || first?.k === 'path') return { k: 'path', v: normalise(first.v) };
        return U(node.text);
      case 'os.path.join': {
        for (const a of args.pos) this.use(a, ctx, 'path', 'TypeError');
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
      case 'urllib.parse.urlparse':
      case 'urllib.parse.urlsplit':
      case 'urlparse':
      case 'urlsplit':
        this.use(first, ctx, 'url');
        return U(node.text);
      default:
        break;
    }
    // Methods on known values.
    if (fn.type === 'attribute' && base) {
      if (base.k === 'env' || base.k === 'none') {
        // Any method on None raises AttributeError: `os.environ.get("X").split(",")`.
        this.use(base, ctx, method === 'split' ? 'list' : undefined);
        if (base.k === 'none') return U(node.text);
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
    if (fn.type === 'identifier' && fnValue?.k === 'func' && this.depth < 8) return this.invoke(fnValue, args, node, ctx);
    return U(node.text);
  }

  /** split-settings include(): each file (globs expanded, `optional(...)` ones may be absent) runs in these globals. */
  private include(node: Node, ctx: Ctx): Val {
    const args = node.childForFieldName('arguments');
    if (!args || this.depth > 20) return NONE;
    for (const a of named(args)) {
      if (a.type === 'keyword_argument') continue;
      let pathNode: Node | undefined = a;
      let optional = false;
      if (a.type === 'call') {
        const fn = a.childForFieldName('function');
        const f = fn ? (fn.type === 'identifier' ? this.lookup(fn.text, ctx)?.value : this.expr(fn, ctx)) : undefined;
        optional = f?.k === 'module' ? /(^|\.)optional$/.test(f.name) : fn?.text === 'optional';
        pathNode = optional ? named(a.childForFieldName('arguments') ?? a)[0] : a;
      }
      const pattern = pathNode ? strOf(this.expr(pathNode, ctx)) : undefined;
      if (pattern === undefined) continue;
      const dir = posix.dirname(ctx.file);
      const target = posix.normalize(posix.join(dir, pattern));
      const files = /[*?[]/.test(target) ? this.glob(target) : this.opts.read(target) === undefined ? [] : [target];
      if (files.length === 0 && !optional && !/[*?[]/.test(target))
        this.result.missing.push({ module: target, file: ctx.file, line: node.startPosition.row + 1 });
      for (const file of files) {
        const tree = this.tree(file);
        if (!this.result.files.includes(file)) this.result.files.push(file);
        if (!tree) continue;
        this.depth++;
        const inner: Ctx = { ...ctx, file, globalsFile: ctx.globalsFile ?? ctx.file };
        for (const stmt of named(tree.rootNode)) this.statement(stmt, inner);
        this.depth--;
      }
    }
    return NONE;
  }

  /** Files matching a glob in its last part (`components/*.py`), sorted as split-settings does. */
  private glob(pattern: string): string[] {
    const dir = posix.dirname(pattern);
    const re = new RegExp(
      `^${posix
        .basename(pattern)
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
    return (this.opts.list?.(dir) ?? [])
      .filter((n) => re.test(n))
      .sort()
      .map((n) => posix.join(dir, n))
      .filter((f) => this.opts.read(f) !== undefined);
  }

  private invoke(f: Extract<Val, { k: 'func' }>, args: Args, node: Node, ctx: Ctx): Val {
    const params = f.node.childForFieldName('parameters');
    const body = f.node.childForFieldName('body');
    if (!params || !body || args.open) return U(node.text);
    // The helper runs where it is called: its reads depend on the caller's tests.
    const local: Ctx = {
      ns: new Map(),
      file: f.file,
      module: ctx.module,
      isPackage: ctx.isPackage,
      uncertain: false,
      outer: new Map([...(ctx.outer ?? []), ...ctx.ns]),
      reach: ctx.reach,
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
    // Reads inside a helper are reported at the call site (the name is an argument there);
    // writes where they are.
    const before = this.result.env.length;
    const ret = this.block(body, local);
    for (const r of this.result.env.slice(before)) {
      if (r.kind === 'written') continue;
      r.file = ctx.file;
      r.line = node.startPosition.row + 1;
    }
    this.depth--;
    if (ret === RAISED) return U(node.text);
    return ret ?? NONE;
  }
}

/** The exception names an `except` clause catches ('*' for a bare except). */
function exceptionNames(clause: Node): string[] {
  const value = clause.childForFieldName('value');
  if (!value) return named(clause).some((c) => c.type !== 'block') ? [] : ['*'];
  const what = value.type === 'as_pattern' ? (named(value)[0] ?? value) : value;
  const items = what.type === 'tuple' || what.type === 'parenthesized_expression' ? named(what) : [what];
  return items.map((n) => n.text.split('.').pop()!.trim());
}

/** Two values are the same (environment reads compared by what they read, not where). */
function sameValue(a: Val, b: Val): boolean {
  const plain = (v: Val): string => JSON.stringify(v, (k, x: unknown) => (k === 'access' || k === 'node' ? undefined : x));
  return a === b || plain(a) === plain(b);
}

/** A value assigned in a branch that may not run. */
function uncertainOf(before: Val | undefined, after: Val): Val {
  if (before?.k === 'list' && after.k === 'list') {
    const items = [...before.items];
    for (const i of after.items) if (!items.some((x) => equal(x, i) === true)) items.push(i);
    return { k: 'list', items, open: true };
  }
  if (before === after) return after;
  return U('set in a branch');
}

/** A database URL split into the parts Django's DATABASES uses. */
export function databaseUrl(v: Val): Val {
  const url = strOf(v);
  if (url === undefined) return v.k === 'none' ? NONE : U('database url');
  const memory = /^([a-z]+):\/\/\/?:memory:$/i.exec(url);
  const memoryRow = memory ? DATABASE_TABLE[databaseFromUrlScheme(memory[1]!) ?? 'none'] : undefined;
  if (memoryRow?.kind === 'file')
    return {
      k: 'dict',
      entries: [
        ['ENGINE', S(memoryRow.engine)],
        ['NAME', S(':memory:')],
      ],
    };
  const m = /^([a-z0-9+]+):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?(\[[^\]]+\]|[^:/?]*)(?::(\d+))?(?:\/([^?]*))?/i.exec(url);
  if (!m) return U(url);
  const scheme = m[1]!.toLowerCase();
  const database = databaseFromUrlScheme(scheme);
  const row = database ? DATABASE_TABLE[database] : undefined;
  const engine = row && row.kind !== 'none' ? row.engine : `(${scheme})`;
  const entries: Array<[string, Val]> = [
    ['ENGINE', S(engine)],
    ['HOST', S(decodeURIComponentSafe(m[4] ?? ''))],
    ['NAME', S(row?.kind === 'file' ? `/${m[6] ?? ''}`.replace(/^\/\//, '/') : decodeURIComponentSafe(m[6] ?? ''))],
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

/** One variable the settings touch, summed over its accesses. */
export interface EnvVariable {
  name: string;
  /** required when any read is; written when the settings only set it; optional otherwise. */
  kind: 'required' | 'optional' | 'written';
  /** The most specific shape any read asks for. */
  shape: EnvShape;
  reads: EnvAccess[];
  writes: EnvAccess[];
}

/** Variables by name, in the order the settings first touch them. */
export function envVariables(result: EvalResult): EnvVariable[] {
  const out = new Map<string, EnvVariable>();
  for (const a of result.env) {
    let v = out.get(a.name);
    if (!v) {
      v = { name: a.name, kind: a.kind, shape: 'str', reads: [], writes: [] };
      out.set(a.name, v);
    }
    if (a.kind === 'written') v.writes.push(a);
    else {
      v.reads.push(a);
      if (a.shape !== 'str' && v.shape === 'str') v.shape = a.shape;
    }
    v.kind = v.reads.some((r) => r.kind === 'required') ? 'required' : v.reads.length > 0 ? 'optional' : 'written';
  }
  return [...out.values()];
}

/** The result for a settings module that could not be found. */
export function emptyResult(): EvalResult {
  return { names: new Map(), files: [], imports: [], env: [], envReads: [], raises: [], errors: [], missing: [] };
}

/** Evaluate a module and everything it star-imports; `names` is its namespace at the end. */
export async function evaluateModule(module: string, file: string, opts: EvalOptions): Promise<EvalResult> {
  return evaluateWith(await pythonParser(), module, file, opts);
}

/** The same with a parser already loaded: evaluation itself is synchronous. */
export function evaluateWith(parser: { parse(text: string): Tree | null }, module: string, file: string, opts: EvalOptions): EvalResult {
  const ev = new Evaluator(opts, parser);
  ev.result.names = ev.module(module, file);
  ev.finish();
  return ev.result;
}

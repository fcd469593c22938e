/**
 * The environment the project's own settings need, from the reader's classification of every
 * access: what compose requires (`${X:?}`, only for what import cannot do without), what it
 * passes through when set (optional reads, never forced to an empty value), what the build's
 * collectstatic gets as throwaway values (only what import needs, shaped for its use), and
 * which variables are secrets (the only ones `.env` gets fresh random values for).
 */
import { type Database, throwawayDatabaseUrl } from '../facts/databases.ts';
import type { EnvNeed, ProjectSettings } from '../project/loader.ts';
import type { EnvShape } from '../project/python-eval.ts';

/** Variables the image or the system sets: never passed from `.env`. */
export const SET_BY_IMAGE = new Set([
  'DJANGO_SETTINGS_MODULE',
  'PATH',
  'HOME',
  'HOSTNAME',
  'PWD',
  'USER',
  'PYTHONPATH',
  'PYTHONUNBUFFERED',
  'PYTHONDONTWRITEBYTECODE',
  'VIRTUAL_ENV',
]);

/** A name that holds a secret: `.env` gets a fresh random value for it, and only for it. */
export function isSecretName(name: string): boolean {
  return /SECRET|KEY|TOKEN|PASSWORD|PASSWD/.test(name);
}

/** A database URL variable whose shape the reader could not see (`os.environ["DATABASE_URL"]` stored as is). */
function shapeOf(need: Pick<EnvNeed, 'name' | 'shape'>): EnvShape {
  return need.shape === 'str' && /(^|_)DATABASE_URL$/.test(need.name) ? 'db-url' : need.shape;
}

/** `[]` or `{}` for a JSON value, after its default when it has one. */
function emptyJson(need: EnvNeed): string {
  const def = need.access.default;
  return def?.k === 'list' ? '[]' : '{}';
}

/**
 * A value import accepts, shaped for its use: a URL of the chosen engine where a database URL is
 * parsed (parsing connects to nothing), a number where a number is cast, JSON where JSON is read.
 */
export function throwawayValue(need: EnvNeed, database: Database): string {
  if (isSecretName(need.name) && shapeOf(need) === 'str') return 'collectstatic-only-not-a-secret';
  switch (shapeOf(need)) {
    case 'db-url':
      return throwawayDatabaseUrl(database);
    case 'cache-url':
      return 'locmemcache://';
    case 'email-url':
      return 'consolemail://';
    case 'search-url':
      return 'simple://';
    case 'url':
      return 'http://localhost/';
    case 'int':
    case 'float':
      return '1';
    case 'bool':
      return 'false';
    case 'json':
      return emptyJson(need);
    case 'dict':
      return 'build=1';
    case 'list':
      return 'localhost';
    case 'path':
      return '/tmp';
    default:
      return 'collectstatic-only';
  }
}

/** The value `.env` and `.env.example` show for a required variable that is not a secret. */
export function placeholderValue(need: EnvNeed): string {
  switch (shapeOf(need)) {
    case 'cache-url':
      return 'locmemcache://';
    case 'email-url':
      return 'consolemail://';
    case 'search-url':
      return 'simple://';
    case 'url':
      return 'http://localhost/';
    case 'int':
    case 'float':
      return '1';
    case 'bool':
      return 'false';
    case 'json':
      return emptyJson(need);
    case 'dict':
      return 'key=value';
    case 'list':
      return 'localhost';
    case 'path':
      return '/tmp';
    default:
      return 'change-me';
  }
}

export interface ProjectEnv {
  /** Required at import in the container (with the environment compose gives). */
  required: Array<EnvNeed & { secret: boolean; databaseUrl: boolean }>;
  /** Read, but import does without: passed through when set in `.env`, never forced. */
  optional: Array<{ name: string; where: string; default?: string; because: string }>;
  /** Throwaway values for the build's collectstatic, besides the secret key. */
  build: Array<[string, string]>;
}

/** "settings.py line 12" */
function whereOf(a: { file: string; line: number }): string {
  return `${a.file} line ${a.line}`;
}

/** What a .env line and a compose environment key can name. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const BECAUSE: Record<string, string> = {
  default: 'with a default',
  none: 'and does without it',
  test: 'only to test whether it is set',
  guarded: 'only where it is set',
  try: 'inside a try',
  branch: 'only in a branch that depends on another value',
  'written-before': 'after setting it itself',
};

/**
 * What the project's settings need from the environment. `runtime` is what compose gives the
 * container before these (the container's own variables; undefined values: set, unknown),
 * `build` what the collectstatic RUN has.
 */
export function projectEnv(
  settings: ProjectSettings,
  runtime: ReadonlyMap<string, string | undefined>,
  build: ReadonlyMap<string, string | undefined>,
  database: Database,
): ProjectEnv {
  const required = settings.importNeeds(runtime).map((n) => ({
    ...n,
    shape: shapeOf(n),
    secret: isSecretName(n.name),
    databaseUrl: shapeOf(n) === 'db-url',
  }));
  const requiredNames = new Set(required.map((n) => n.name));
  const optional: ProjectEnv['optional'] = [];
  for (const v of settings.env) {
    if (v.kind === 'written' || SET_BY_IMAGE.has(v.name) || runtime.has(v.name) || requiredNames.has(v.name)) continue;
    // Read only after the settings set it themselves: a value from .env would be overwritten.
    if (v.reads.every((r) => r.because === 'written-before')) continue;
    // A name no .env line can hold (a stray space, a dash) is never set from outside: nothing to pass.
    if (!ENV_NAME.test(v.name)) continue;
    const read = v.reads[0]!;
    const def = v.reads.map((r) => r.default).find((d) => d?.k === 'str' || d?.k === 'num' || d?.k === 'bool');
    const text = def ? (def.k === 'str' ? def.v : String((def as { v: unknown }).v)) : undefined;
    optional.push({
      name: v.name,
      where: whereOf(read),
      // The default is shown on one commented .env line: one spanning lines would break the file.
      ...(text !== undefined && !/[\r\n]/.test(text) ? { default: text } : {}),
      because: BECAUSE[read.because ?? 'default'] ?? '',
    });
  }
  const buildNeeds = settings.importNeeds(build, (n) => throwawayValue(n, database));
  return { required, optional, build: buildNeeds.map((n): [string, string] => [n.name, throwawayValue(n, database)]) };
}

export { whereOf };

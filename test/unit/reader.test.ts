/**
 * The project reader's environment semantics: every access classified as required, optional or
 * written, with the shape its value must have; branches on environment values kept as
 * alternatives with their conditions.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect, type DetectedProject } from '../../generators/project/detect.ts';
import { copyScenarioInput, scenariosDir } from '../support/scenarios.ts';
import { ProjectFiles } from '../../generators/project/files.ts';
import { settingsModuleOf } from '../../generators/project/loader.ts';
import {
  type EnvAccess,
  type EvalResult,
  envVariables,
  evaluateModule,
  strOf,
  valuesOf,
  dictGet,
} from '../../generators/project/python-eval.ts';

async function read(text: string, env?: Map<string, string | undefined>): Promise<EvalResult> {
  return evaluateModule('settings', 'settings.py', {
    read: (f) => (f === 'settings.py' ? text : undefined),
    moduleFile: () => undefined,
    imagePath: (f) => `/app/${f}`,
    ...(env ? { env } : {}),
  });
}

/** name → "kind/because shape" of its first read (or its write). */
function kinds(r: EvalResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of r.env) out[a.name] ??= `${a.kind}${a.because ? `/${a.because}` : ''} ${a.shape}`;
  return out;
}

function access(r: EvalResult, name: string, via?: string): EnvAccess {
  const a = r.env.find((x) => x.name === name && (!via || x.via === via));
  expect(a, name).toBeDefined();
  return a!;
}

describe('environment accesses: required, optional, written', () => {
  it('os.environ[...] is required; .get and getenv are optional; a test on the variable guards the read', async () => {
    const r = await read(
      [
        'import os',
        'SECRET_KEY = os.environ["SECRET_KEY"]',
        'DEBUG = os.environ.get("DEBUG", "0") == "1"',
        'NAME = os.getenv("SITE_NAME")',
        'if "SENTRY_DSN" in os.environ:',
        '    SENTRY_DSN = os.environ["SENTRY_DSN"]',
        'if os.environ.get("REDIS_URL"):',
        '    CACHE = os.environ["REDIS_URL"]',
      ].join('\n'),
    );
    expect(kinds(r)).toEqual({
      SECRET_KEY: 'required str',
      DEBUG: 'optional/default str',
      SITE_NAME: 'optional/none str',
      SENTRY_DSN: 'optional/test str',
      REDIS_URL: 'optional/none str',
    });
    expect(r.env.filter((a) => a.name === 'SENTRY_DSN').map((a) => a.because)).toEqual(['test', 'guarded']);
    expect(r.env.filter((a) => a.name === 'REDIS_URL').map((a) => a.because)).toEqual(['none', 'guarded']);
  });

  it('a read inside try is optional when the except catches what absence raises', async () => {
    const r = await read(
      [
        'import os',
        'try:',
        '    A = os.environ["CAUGHT"]',
        'except KeyError:',
        '    A = None',
        'try:',
        '    B = os.environ["BARE"]',
        'except:',
        '    B = None',
        'try:',
        '    from .local import *',
        '    C = os.environ["NOT_CAUGHT"]',
        'except ImportError:',
        '    pass',
      ].join('\n'),
    );
    expect(kinds(r)).toEqual({ CAUGHT: 'optional/try str', BARE: 'optional/try str', NOT_CAUGHT: 'required str' });
  });

  it('a read in a branch on another variable is optional, with the condition that selects it', async () => {
    const r = await read(
      [
        'import os',
        'if os.getenv("STORAGE") == "s3":',
        '    AWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]',
        '    AWS_STORAGE_BUCKET_NAME = os.environ["AWS_STORAGE_BUCKET_NAME"]',
      ].join('\n'),
    );
    const key = access(r, 'AWS_ACCESS_KEY_ID');
    expect(key).toMatchObject({ kind: 'optional', because: 'branch', crashes: true });
    expect(key.when).toMatchObject([{ text: 'os.getenv("STORAGE") == "s3"', vars: ['STORAGE'], holds: true, line: 2 }]);
    // With the environment the container has, the branch is decided.
    const s3 = await read(
      ['import os', 'if os.getenv("STORAGE") == "s3":', '    AWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]'].join('\n'),
      new Map([['STORAGE', 's3']]),
    );
    expect(access(s3, 'AWS_ACCESS_KEY_ID')).toMatchObject({ kind: 'required', present: false });
    const local = await read(
      ['import os', 'if os.getenv("STORAGE") == "s3":', '    AWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]'].join('\n'),
      new Map(),
    );
    expect(local.env.map((a) => a.name)).toEqual(['STORAGE']);
  });

  it('writes are writes, and a read after a write needs nothing from outside', async () => {
    const r = await read(
      [
        'import os',
        'os.environ["OMP_THREAD_LIMIT"] = "1"',
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")',
        'os.environ.update({"TOKENIZERS_PARALLELISM": "false"})',
        'LIMIT = int(os.environ["OMP_THREAD_LIMIT"])',
      ].join('\n'),
    );
    expect(r.env.map((a) => [a.name, a.kind, a.because ?? ''])).toEqual([
      ['OMP_THREAD_LIMIT', 'written', ''],
      ['DJANGO_SETTINGS_MODULE', 'written', ''],
      ['TOKENIZERS_PARALLELISM', 'written', ''],
      ['OMP_THREAD_LIMIT', 'optional', 'written-before'],
    ]);
    expect(access(r, 'OMP_THREAD_LIMIT', 'os.environ[]=').value).toEqual({ k: 'str', v: '1' });
    const concrete = await read(
      'import os\nos.environ["OMP_THREAD_LIMIT"] = "1"\nLIMIT = int(os.environ["OMP_THREAD_LIMIT"])\n',
      new Map(),
    );
    expect(concrete.names.get('LIMIT')?.value).toEqual({ k: 'num', v: 1 });
    expect(envVariables(r).find((v) => v.name === 'DJANGO_SETTINGS_MODULE')?.kind).toBe('written');
  });

  it('None used where it raises makes a .get read required: .split, int(), iteration', async () => {
    const r = await read(
      [
        'import os',
        'ADMINS = os.environ.get("ADMINS").split(" ")',
        'PORT = int(os.getenv("PORT"))',
        'HOSTS = [h for h in os.environ.get("HOSTS")]',
        'SAFE = os.environ.get("SAFE", "").split(",")',
        'ALSO_SAFE = (os.environ.get("ALSO_SAFE") or "a").split(",")',
        'VALUE = os.environ.get("GUARDED")',
        'if VALUE:',
        '    PARTS = VALUE.split(",")',
      ].join('\n'),
    );
    expect(kinds(r)).toEqual({
      ADMINS: 'required list',
      PORT: 'required int',
      HOSTS: 'required list',
      SAFE: 'optional/default list',
      ALSO_SAFE: 'optional/none list',
      GUARDED: 'optional/guarded list',
    });
    expect(access(r, 'ADMINS')).toMatchObject({ error: 'AttributeError', line: 2 });
    expect(access(r, 'PORT').error).toBe('TypeError');
  });

  it('a raise on the path absence takes makes the variable required', async () => {
    const r = await read(
      [
        'import os',
        'from django.core.exceptions import ImproperlyConfigured',
        'SECRET_KEY = os.environ.get("SECRET_KEY", "")',
        'if not SECRET_KEY:',
        '    raise ImproperlyConfigured("Set SECRET_KEY")',
        'MODE = os.environ.get("MODE")',
        'if MODE == "strict":',
        '    raise ImproperlyConfigured("strict mode is gone")',
      ].join('\n'),
    );
    expect(access(r, 'SECRET_KEY')).toMatchObject({ kind: 'required', error: 'raise (settings.py line 5)' });
    expect(access(r, 'MODE')).toMatchObject({ kind: 'optional', because: 'none' });
    const concrete = await read(
      'import os\nSECRET_KEY = os.environ.get("SECRET_KEY")\nif not SECRET_KEY:\n    raise ValueError\n',
      new Map(),
    );
    expect(concrete.raises).toEqual([{ file: 'settings.py', line: 4, certain: true, vars: ['SECRET_KEY'] }]);
  });

  it('django-environ: env() and env.<cast>() with and without defaults, schemes, env.db()', async () => {
    const r = await read(
      [
        'import environ',
        'env = environ.Env(DEBUG=(bool, False), WORKERS=(int, 2))',
        'SECRET_KEY = env("SECRET_KEY")',
        'DEBUG = env("DEBUG")',
        'WORKERS = env("WORKERS")',
        'ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")',
        'CSRF = env.list("CSRF_TRUSTED_ORIGINS", default=[])',
        'TIMEOUT = env.int("TIMEOUT", 30)',
        'SSL = env.bool("SSL")',
        'FEATURES = env.json("FEATURES", default={})',
        'DATABASES = {"default": env.db()}',
        'CACHES = {"default": env.cache("REDIS_URL", default="locmemcache://")}',
        'EMAIL = env.email_url("EMAIL_URL")',
        'SITE = env.str("SITE", default="example")',
      ].join('\n'),
    );
    expect(kinds(r)).toEqual({
      SECRET_KEY: 'required str',
      DEBUG: 'optional/default bool',
      WORKERS: 'optional/default int',
      ALLOWED_HOSTS: 'required list',
      CSRF_TRUSTED_ORIGINS: 'optional/default list',
      TIMEOUT: 'optional/default int',
      SSL: 'required bool',
      FEATURES: 'optional/default json',
      DATABASE_URL: 'required db-url',
      REDIS_URL: 'optional/default cache-url',
      EMAIL_URL: 'required email-url',
      SITE: 'optional/default str',
    });
    expect(access(r, 'SECRET_KEY')).toMatchObject({ lib: 'django-environ', error: 'ImproperlyConfigured', via: 'env' });
    const concrete = await read(
      'import environ\nenv = environ.Env()\nDATABASES = {"default": env.db("DATABASE_URL")}\n',
      new Map([['DATABASE_URL', 'postgres://app:pw@db:5432/app']]),
    );
    expect(strOf(dictGet(dictGet(concrete.names.get('DATABASES')?.value, 'default'), 'ENGINE'))).toBe('django.db.backends.postgresql');
  });

  it('the reader object may have any name, and environs reads the same way', async () => {
    const r = await read(
      [
        'from environ import Env',
        'from environs import Env as Environs',
        'ENV = Env()',
        'other = Environs()',
        'other.read_env()',
        'A = ENV.str("A")',
        'B = other.int("B", 3)',
        'C = other("C")',
        'D = other.dj_db_url("DATABASE_URL")',
      ].join('\n'),
    );
    expect(kinds(r)).toEqual({ A: 'required str', B: 'optional/default int', C: 'required str', DATABASE_URL: 'required db-url' });
    expect(access(r, 'C')).toMatchObject({ lib: 'environs', error: 'EnvError' });
  });

  it('python-decouple: config() with default and cast', async () => {
    const r = await read(
      [
        'from decouple import config, Csv',
        'import dj_database_url',
        'SECRET_KEY = config("SECRET_KEY")',
        'DEBUG = config("DEBUG", default=False, cast=bool)',
        'ALLOWED_HOSTS = config("ALLOWED_HOSTS", cast=Csv())',
        'PORT = config("EMAIL_PORT", 25, cast=int)',
        'DATABASES = {"default": config("DATABASE_URL", cast=dj_database_url.parse)}',
      ].join('\n'),
    );
    expect(kinds(r)).toEqual({
      SECRET_KEY: 'required str',
      DEBUG: 'optional/default bool',
      ALLOWED_HOSTS: 'required list',
      EMAIL_PORT: 'optional/default int',
      DATABASE_URL: 'required db-url',
    });
    expect(access(r, 'SECRET_KEY')).toMatchObject({ lib: 'decouple', error: 'UndefinedValueError' });
  });

  it('dj-database-url: config() reads DATABASE_URL and never raises; parse() of a read gives it a URL shape', async () => {
    const r = await read(
      [
        'import os',
        'import dj_database_url as dburl',
        'DATABASES = {"default": dburl.config(conn_max_age=600)}',
        'REPLICA = dburl.parse(os.environ["REPLICA_URL"])',
        'OTHER = dburl.config(env="OTHER_DB", default="sqlite:////tmp/x.sqlite3")',
      ].join('\n'),
    );
    expect(kinds(r)).toEqual({ DATABASE_URL: 'optional/none db-url', REPLICA_URL: 'required db-url', OTHER_DB: 'optional/default db-url' });
    const concrete = await read(
      'import dj_database_url\nDATABASES = {"default": dj_database_url.config()}\n',
      new Map([['DATABASE_URL', 'mysql://u:p@db/app']]),
    );
    expect(strOf(dictGet(dictGet(concrete.names.get('DATABASES')?.value, 'default'), 'ENGINE'))).toBe('django.db.backends.mysql');
  });

  it('helpers run at the call site; a short-circuit guards the right side', async () => {
    const r = await read(
      [
        'import os',
        'def env_bool(name, default=False):',
        '    value = os.environ.get(name)',
        '    if value is None or value.strip() == "":',
        '        return default',
        '    return value.strip().lower() in {"1", "true", "yes", "on"}',
        '',
        'DEBUG = env_bool("DJANGO_DEBUG")',
      ].join('\n'),
    );
    expect(access(r, 'DJANGO_DEBUG')).toMatchObject({ kind: 'optional', because: 'guarded', line: 8 });
  });
});

describe('branches on environment values are alternatives', () => {
  const settings = [
    'import os',
    'DB = os.getenv("DB", "sqlite")',
    'if DB == "postgres":',
    '    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ["DB_NAME"]}}',
    'elif DB in ("mysql", "mariadb"):',
    '    DATABASES = {"default": {"ENGINE": "django.db.backends.mysql", "NAME": os.environ["DB_NAME"]}}',
    'else:',
    '    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}',
    'DATABASES["default"]["CONN_MAX_AGE"] = 60',
  ].join('\n');

  it('each branch keeps its value and the conditions that select it', async () => {
    const r = await read(settings);
    const engines = valuesOf(r.names.get('DATABASES')).map((v) => ({
      engine: strOf(dictGet(dictGet(v.value, 'default'), 'ENGINE')),
      when: v.when.map((c) => `${c.holds ? '' : 'not '}${c.text} [${c.vars.join(',')}]`),
      age: dictGet(dictGet(v.value, 'default'), 'CONN_MAX_AGE'),
    }));
    expect(engines).toEqual([
      { engine: 'django.db.backends.postgresql', when: ['DB == "postgres" [DB]'], age: { k: 'num', v: 60 } },
      {
        engine: 'django.db.backends.mysql',
        when: ['not DB == "postgres" [DB]', 'DB in ("mysql", "mariadb") [DB]'],
        age: { k: 'num', v: 60 },
      },
      {
        engine: 'django.db.backends.sqlite3',
        when: ['not DB == "postgres" [DB]', 'not DB in ("mysql", "mariadb") [DB]'],
        age: { k: 'num', v: 60 },
      },
    ]);
    // DB_NAME is needed only where a server database is chosen.
    expect(access(r, 'DB_NAME')).toMatchObject({ kind: 'optional', because: 'branch' });
  });

  it('with an environment the branch is decided', async () => {
    const r = await read(settings, new Map([['DB', 'mariadb']]));
    expect(strOf(dictGet(dictGet(r.names.get('DATABASES')?.value, 'default'), 'ENGINE'))).toBe('django.db.backends.mysql');
    expect(r.names.get('DATABASES')?.alternatives).toBeUndefined();
    expect(access(r, 'DB_NAME')).toMatchObject({ kind: 'required', present: false });
  });

  it('a value the same in every branch is that value', async () => {
    const r = await read('import os\nif os.getenv("X"):\n    A = 1\nelse:\n    A = 1\n');
    expect(r.names.get('A')?.value).toEqual({ k: 'num', v: 1 });
  });
});

describe('engine choice: the engine whose driver the project has', () => {
  /** startproject-postgres with other settings lines for DATABASES and another requirements.txt. */
  async function project(databases: string, requirements: string, extra: Record<string, string> = {}): Promise<DetectedProject> {
    const dir = join(mkdtempSync(join(tmpdir(), 'dd-engine-')), 'site');
    copyScenarioInput(join(scenariosDir, 'startproject-postgres'), dir);
    const settings = readFileSync(join(dir, 'mysite/settings.py'), 'utf8');
    const start = settings.indexOf('DATABASES = {');
    const end = settings.indexOf('\n}\n', start) + 3;
    writeFileSync(join(dir, 'mysite/settings.py'), `import os\n${settings.slice(0, start)}${databases}\n${settings.slice(end)}`);
    writeFileSync(join(dir, 'requirements.txt'), requirements);
    for (const [file, text] of Object.entries(extra)) writeFileSync(join(dir, file), text);
    return (await detect(dir)) as DetectedProject;
  }
  const branches = [
    'if os.getenv("DB") == "postgres":',
    '    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "app"}}',
    'elif os.getenv("DB") in ("mysql", "mariadb"):',
    '    DATABASES = {"default": {"ENGINE": "django.db.backends.mysql", "NAME": "app"}}',
    'else:',
    '    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}',
  ].join('\n');

  it('settings that choose the engine from a variable, with only psycopg: PostgreSQL', async () => {
    const d = await project(branches, 'Django==5.2.17\npsycopg[binary]==3.3.6\n');
    expect(d.database).toMatchObject({ value: 'postgres', ambiguous: false, file: 'requirements.txt', line: 2 });
    expect(d.database?.candidates.map((c) => c.database)).toEqual(['postgres', 'mysql', 'sqlite']);
    expect(d.database?.candidates[0]?.how).toBe('when os.getenv("DB") == "postgres"');
    expect(d.database?.note).toMatch(/^the settings use SQLite when nothing is set/);
  });

  it('the same with only mysqlclient: MySQL', async () => {
    expect((await project(branches, 'Django==5.2.17\nmysqlclient==2.2.7\n')).database?.value).toBe('mysql');
  });

  it('a URL-configured project with mysqlclient is MySQL, not PostgreSQL', async () => {
    const d = await project(
      'import dj_database_url\nDATABASES = {"default": dj_database_url.config(conn_max_age=600)}',
      'Django==5.2.17\ndj-database-url==2.3.0\nmysqlclient==2.2.7\n',
    );
    expect(d.database).toMatchObject({ value: 'mysql', open: true, ambiguous: false });
  });

  it('drivers for two engines: what the settings use when nothing is set, and a note that says so', async () => {
    const d = await project(branches, 'Django==5.2.17\npsycopg==3.3.6\nmysqlclient==2.2.7\n');
    expect(d.database).toMatchObject({ value: 'postgres', ambiguous: true });
    expect(d.database?.note).toBe(
      'the settings can use PostgreSQL, MySQL or SQLite, and the requirements have drivers for PostgreSQL (psycopg) and MySQL (mysqlclient): took PostgreSQL (the first with a driver); --database chooses another',
    );
  });

  it('no driver at all: what the settings use when DB is unset (SQLite), with a note', async () => {
    const d = await project(branches, 'Django==5.2.17\n');
    expect(d.database).toMatchObject({ value: 'sqlite', ambiguous: true });
    expect(d.database?.note).toMatch(
      /^the settings can use PostgreSQL, MySQL or SQLite, and the requirements have no database driver: took SQLite \(what they use when nothing is set\)/,
    );
  });

  it('ENGINE read with a default and one driver installed: that engine, with a note naming the default', async () => {
    const d = await project(
      'DATABASES = {"default": {"ENGINE": os.environ.get("SQL_ENGINE", "django.db.backends.sqlite3"), "NAME": os.environ.get("SQL_DATABASE", "db.sqlite3")}}',
      'Django==5.2.17\npsycopg2-binary==2.9.10\n',
    );
    expect(d.database).toMatchObject({ value: 'postgres', open: true, ambiguous: false, file: 'requirements.txt', line: 2 });
    expect(d.database?.note).toBe(
      'the settings use SQLite when nothing is set, and the requirements have psycopg2-binary (requirements.txt line 2): took PostgreSQL; --database chooses another',
    );
  });

  it('DATABASE_URL read only when it is set (SQLite otherwise), with psycopg: PostgreSQL, and DATABASE_URL stays optional', async () => {
    const d = await project(
      [
        'import dj_database_url',
        'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}',
        'if "DATABASE_URL" in os.environ:',
        '    DATABASES["default"] = dj_database_url.config(conn_max_age=500)',
      ].join('\n'),
      'Django==5.2.17\ndj-database-url==2.3.0\npsycopg[binary]==3.3.6\n',
    );
    expect(d.database).toMatchObject({ value: 'postgres', ambiguous: false });
    expect(d.database?.note).toMatch(
      /^the settings use SQLite when nothing is set, and the requirements have psycopg \(requirements.txt line 3\): took PostgreSQL;/,
    );
    expect(d.settings.env.find((v) => v.name === 'DATABASE_URL')?.kind).toBe('optional');
  });

  it('one ENGINE in the settings is the engine, whatever else is installed', async () => {
    const d = await project(
      'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}',
      'Django==5.2.17\npsycopg==3.3.6\n',
    );
    expect(d.database).toMatchObject({ value: 'sqlite', ambiguous: false, file: 'mysite/settings.py' });
    expect(d.database?.note).toBeUndefined();
  });
});

describe('shapes seen in real settings', () => {
  it('a walrus test binds and guards: `if dsn := os.getenv("SENTRY_DSN"):`', async () => {
    const r = await read('import os\nif dsn := os.getenv("SENTRY_DSN"):\n    SENTRY = {"dsn": dsn, "env": os.environ["SENTRY_ENV"]}\n');
    expect(kinds(r)).toEqual({ SENTRY_DSN: 'optional/none str', SENTRY_ENV: 'optional/branch str' });
  });

  it('django-getenv env(name, default) never raises', async () => {
    const r = await read('from getenv import env\nA = env("A", "x")\nB = env("B")\n');
    expect(kinds(r)).toEqual({ A: 'optional/default str', B: 'optional/none str' });
  });

  it('an f-string is evaluated from its fields', async () => {
    const r = await read("import os\nMODULE = f\"config.settings.{os.getenv('DJANGO_ENV', 'development')}\"\n", new Map());
    expect(r.names.get('MODULE')?.value).toEqual({ k: 'str', v: 'config.settings.development' });
  });

  it('manage.py setting DJANGO_SETTINGS_MODULE with an f-string: its default, or the environment given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dd-fstring-'));
    writeFileSync(
      join(dir, 'manage.py'),
      'import os\nimport sys\n\ndef main():\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{os.getenv(\'DJANGO_ENV\', \'development\')}")\n\nif __name__ == "__main__":\n    main()\n',
    );
    const files = new ProjectFiles(dir);
    expect(await settingsModuleOf(files, 'manage.py')).toEqual({ module: 'config.settings.development', line: 5 });
    expect(await settingsModuleOf(files, 'manage.py', new Map([['DJANGO_ENV', 'production']]))).toEqual({
      module: 'config.settings.production',
      line: 5,
    });
  });

  it('django-split-settings include(): components run in the same globals, globs and optional() included', async () => {
    const files: Record<string, string> = {
      'config/settings.py': 'from split_settings.tools import include, optional\ninclude("components/*.py", optional("local.py"))\n',
      'config/components/base.py': 'import os\nALLOWED_HOSTS = ["*"]\nSECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\n',
      'config/components/database.py':
        'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ.get("DB", "app")}}\n',
    };
    const r = await evaluateModule('config.settings', 'config/settings.py', {
      read: (f) => files[f],
      list: (d) =>
        Object.keys(files)
          .filter((f) => f.startsWith(`${d}/`) && !f.slice(d.length + 1).includes('/'))
          .map((f) => f.slice(d.length + 1)),
      moduleFile: () => undefined,
      imagePath: (f) => `/app/${f}`,
    });
    expect(r.names.get('ALLOWED_HOSTS')?.value).toEqual({ k: 'list', items: [{ k: 'str', v: '*' }] });
    expect(strOf(dictGet(dictGet(r.names.get('DATABASES')?.value, 'default'), 'ENGINE'))).toBe('django.db.backends.postgresql');
    expect(kinds(r)).toEqual({ DJANGO_SECRET_KEY: 'required str', DB: 'optional/default str' });
    expect(r.files).toEqual(['config/settings.py', 'config/components/base.py', 'config/components/database.py']);
    expect(r.missing).toEqual([]);
  });

  it('importing a module of a settings package runs the package __init__.py first: its reads count', async () => {
    const files: Record<string, string> = {
      'config/__init__.py': '',
      'config/settings/__init__.py':
        'import os\nfrom .base import *\nREGION = os.environ["REGION"]\nif os.getenv("DJANGO_ENV", "development") == "production":\n    from .production import *\n',
      'config/settings/base.py': 'DEBUG = False\n',
      'config/settings/production.py': 'from .base import *\nDEBUG = False\n',
    };
    const moduleFile = (m: string): string | undefined =>
      [`${m.replaceAll('.', '/')}.py`, `${m.replaceAll('.', '/')}/__init__.py`].find((f) => f in files);
    const r = await evaluateModule('config.settings.production', 'config/settings/production.py', {
      read: (f) => files[f],
      moduleFile,
      imagePath: (f) => `/app/${f}`,
    });
    expect(kinds(r)).toEqual({ REGION: 'required str', DJANGO_ENV: 'optional/default str' });
    expect(r.files).toEqual([
      'config/settings/production.py',
      'config/__init__.py',
      'config/settings/__init__.py',
      'config/settings/base.py',
    ]);
    // The package's own names do not leak into the module's.
    expect(r.names.has('REGION')).toBe(false);
    expect(r.names.get('DEBUG')?.value).toEqual({ k: 'bool', v: false });
  });

  it('a production module that only overlays a few names is not taken as the settings', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dd-overlay-')), 'site');
    copyScenarioInput(join(scenariosDir, 'settings-package-mysql'), dir);
    writeFileSync(
      join(dir, 'config/settings/production.py'),
      'from decouple import config\nSECRET_KEY = config("SECRET_KEY")\nDEBUG = False\n',
    );
    const d = (await detect(dir)) as DetectedProject;
    expect(d.baseSettingsModule).toBe('config.settings.local');
  });
});

/**
 * Project shapes met in real repositories, one fixture of our own each (test/scenarios/<name>):
 * what the reader detects, that `docker compose config` accepts what the generator writes with
 * the .env it writes, which variables compose requires, passes through or the build gets, and
 * that the doctor finds the result clean. The e2e suite builds and serves those whose packages
 * the local index has (engine-from-variable, env-get-split, env-environs-dburl,
 * settings-package-init, settings-split-config, settings-fstring-src).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { detect, type DetectedProject } from '../../generators/project/detect.ts';
import { doctorProblems, invariantProblems } from '../support/invariants.ts';
import { all, envOf, readDockerfile } from '../support/generated.ts';
import { prepareScenario, readAnswers, runGenerator } from '../support/scenarios.ts';

interface Shape {
  scenario: string;
  /** What the reader must say about the project. */
  detected(d: DetectedProject): void;
  /** Project variables compose requires (`${X:?...}`) from .env. */
  required: string[];
  /** Project variables compose passes only when set (`X:` with no value). */
  passed: string[];
  /** What the collectstatic RUN sets, besides DJANGO_SECRET_KEY. */
  build: Record<string, string>;
  database: string;
  /** Where this shape cannot be built on this machine's package index (for the e2e suite). */
  notBuiltHere?: string;
}

/** name → "kind/because" of each variable the settings touch (reads first, then writes). */
function env(d: DetectedProject): Record<string, string> {
  return Object.fromEntries(
    d.settings.env.map((v) => [v.name, `${v.kind}${v.kind === 'optional' ? `/${v.reads[0]!.because}` : ''} ${v.shape}`]),
  );
}

const OURS = /^(DJANGO_|DB_|WEB_CONCURRENCY$)/;

const SHAPES: Shape[] = [
  {
    scenario: 'env-guarded-reads',
    detected: (d) =>
      expect(env(d)).toEqual({
        SITE_SECRET_KEY: 'optional/default str',
        SENTRY_DSN: 'optional/test str',
        SENTRY_ENVIRONMENT: 'optional/branch str',
        REDIS_URL: 'optional/none str',
        CDN_PURGE_TOKEN: 'optional/none str',
        CDN_ZONE: 'optional/branch str',
      }),
    required: [],
    passed: ['SITE_SECRET_KEY', 'SENTRY_DSN', 'SENTRY_ENVIRONMENT', 'REDIS_URL', 'CDN_PURGE_TOKEN', 'CDN_ZONE'],
    build: {},
    database: 'sqlite',
  },
  {
    // A default spanning lines would break the commented .env line that shows it; a name with a space cannot be set.
    scenario: 'env-multiline-default',
    detected: (d) =>
      expect(env(d)).toEqual({
        SITE_SECRET_KEY: 'optional/default str',
        FOOTER_NOTICE: 'optional/default str',
        'SITE_TAGLINE ': 'optional/default str',
      }),
    required: [],
    passed: ['SITE_SECRET_KEY', 'FOOTER_NOTICE'],
    build: {},
    database: 'sqlite',
  },
  {
    scenario: 'env-try-read',
    detected: (d) => expect(env(d)).toEqual({ EMAIL_PORT: 'optional/try int', ADMIN_EMAIL: 'optional/try str' }),
    required: [],
    passed: ['EMAIL_PORT', 'ADMIN_EMAIL'],
    build: {},
    database: 'sqlite',
  },
  {
    scenario: 'env-branch-storage',
    detected: (d) => {
      expect(env(d)).toEqual({
        STORAGE: 'optional/default str',
        AWS_ACCESS_KEY_ID: 'optional/branch str',
        AWS_SECRET_ACCESS_KEY: 'optional/branch str',
        AWS_STORAGE_BUCKET_NAME: 'optional/branch str',
        GS_BUCKET_NAME: 'optional/branch str',
      });
      const key = d.settings.env.find((v) => v.name === 'AWS_ACCESS_KEY_ID')!.reads[0]!;
      expect(key.when.map((c) => `${c.holds ? '' : 'not '}${c.text} [${c.vars.join(',')}]`)).toEqual(['STORAGE == "s3" [STORAGE]']);
    },
    required: [],
    passed: ['STORAGE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_STORAGE_BUCKET_NAME', 'GS_BUCKET_NAME'],
    build: {},
    database: 'sqlite',
  },
  {
    scenario: 'env-writes',
    detected: (d) =>
      expect(env(d)).toEqual({
        OMP_THREAD_LIMIT: 'optional/written-before int',
        TOKENIZERS_PARALLELISM: 'written str',
        MPLCONFIGDIR: 'written str',
      }),
    required: [],
    passed: [],
    build: {},
    database: 'sqlite',
  },
  {
    scenario: 'env-django-environ',
    detected: (d) =>
      expect(env(d)).toEqual({
        SECRET_KEY: 'required str',
        DEBUG: 'optional/default bool',
        ALLOWED_HOSTS: 'optional/default list',
        CACHE_TTL: 'optional/default int',
        FEATURE_FLAGS: 'required json',
        SITE_NAME: 'optional/default str',
        EMAIL_URL: 'optional/default email-url',
        DATABASE_URL: 'required db-url',
      }),
    required: ['SECRET_KEY', 'FEATURE_FLAGS'],
    passed: ['DEBUG', 'ALLOWED_HOSTS', 'CACHE_TTL', 'SITE_NAME', 'EMAIL_URL'],
    build: {
      SECRET_KEY: 'collectstatic-only-not-a-secret',
      FEATURE_FLAGS: '{}',
      DATABASE_URL: 'postgres://build:build@localhost:5432/build',
    },
    database: 'postgres',
    notBuiltHere: 'the local package index has no django-environ (env-environs-dburl builds the same shape with environs)',
  },
  {
    scenario: 'env-decouple',
    detected: (d) =>
      expect(env(d)).toEqual({
        SECRET_KEY: 'required str',
        DEBUG: 'optional/default bool',
        ALLOWED_HOSTS: 'optional/default list',
        EMAIL_PORT: 'required int',
      }),
    required: ['SECRET_KEY', 'EMAIL_PORT'],
    passed: ['DEBUG', 'ALLOWED_HOSTS'],
    build: { SECRET_KEY: 'collectstatic-only-not-a-secret', EMAIL_PORT: '1' },
    database: 'sqlite',
    notBuiltHere: 'the local package index has no python-decouple',
  },
  {
    scenario: 'env-get-split',
    detected: (d) =>
      expect(env(d)).toEqual({
        SECRET_KEY: 'optional/default str',
        DEBUG: 'optional/default str',
        SITE_HOSTS: 'required list',
        INTERNAL_IPS: 'optional/default list',
      }),
    required: ['SITE_HOSTS'],
    passed: ['SECRET_KEY', 'DEBUG', 'INTERNAL_IPS'],
    build: { SITE_HOSTS: 'localhost' },
    database: 'sqlite',
  },
  {
    scenario: 'engine-from-variable',
    detected: (d) => {
      expect(d.database).toMatchObject({ value: 'postgres', ambiguous: false, file: 'requirements.txt', line: 2 });
      expect(d.database?.candidates.map((c) => [c.database, c.how])).toEqual([
        ['postgres', 'when DB == "postgres"'],
        ['mysql', 'when not DB == "postgres" and DB in ("mysql", "mariadb")'],
        ['sqlite', 'when not DB == "postgres" and not DB in ("mysql", "mariadb")'],
      ]);
      expect(env(d).DB_NAME).toBe('optional/branch str');
    },
    required: [],
    passed: ['SECRET_KEY', 'DB'],
    build: {},
    database: 'postgres',
  },
  {
    scenario: 'engine-url-mysqlclient',
    detected: (d) => {
      expect(d.database).toMatchObject({ value: 'mysql', open: true, ambiguous: false, file: 'requirements.txt', line: 3 });
      expect(env(d).DATABASE_URL).toBe('optional/none db-url');
    },
    required: [],
    passed: ['SECRET_KEY', 'DATABASE_URL'],
    build: {},
    database: 'mysql',
    notBuiltHere: 'the local package index has no mysqlclient',
  },
  {
    scenario: 'settings-package-init',
    detected: (d) => expect(d).toMatchObject({ settingsModule: 'mysite.settings', baseSettingsFile: 'mysite/settings/__init__.py' }),
    required: [],
    passed: ['SECRET_KEY'],
    build: {},
    database: 'sqlite',
  },
  {
    // src/ layout; manage.py and wsgi.py name the module with an f-string on DJANGO_ENV (default
    // "development"); the package __init__.py star-imports base and branches on DJANGO_ENV. The
    // f-string's default finds the package; the container builds on its production module.
    scenario: 'settings-fstring-src',
    detected: (d) => {
      expect(d).toMatchObject({
        sourceDir: 'src',
        managePy: 'src/manage.py',
        settingsModule: 'config.settings.development',
        baseSettingsModule: 'config.settings.production',
        baseSettingsFile: 'src/config/settings/production.py',
      });
      expect(env(d)).toEqual({
        DJANGO_ENV: 'optional/default str',
        SECRET_KEY: 'required str',
        ALLOWED_HOSTS: 'optional/default list',
        SECURE_COOKIES: 'optional/default str',
      });
    },
    required: ['SECRET_KEY'],
    // DJANGO_ENV is passed too; the check leaves out DJANGO_* names, most of them ours.
    passed: ['ALLOWED_HOSTS', 'SECURE_COOKIES'],
    build: { SECRET_KEY: 'collectstatic-only-not-a-secret' },
    database: 'sqlite',
  },
  {
    scenario: 'settings-split-config',
    detected: (d) => {
      expect(d).toMatchObject({
        settingsModule: 'config.django.base',
        baseSettingsModule: 'config.django.production',
        wsgiModule: 'config.wsgi',
      });
      // Importing a module runs its packages' __init__.py first.
      expect(d.settings.symbolic.files).toEqual([
        'config/django/production.py',
        'config/__init__.py',
        'config/django/__init__.py',
        'config/django/base.py',
        'config/settings/email.py',
        'config/settings/__init__.py',
        'config/settings/files.py',
      ]);
      expect(env(d)).toMatchObject({
        SECRET_KEY: 'required str',
        MAILTRAP_HOST: 'optional/branch str',
        AWS_S3_REGION_NAME: 'optional/branch str',
      });
    },
    required: ['SECRET_KEY'],
    passed: [
      'EMAIL_STRATEGY',
      'MAILTRAP_HOST',
      'MAILTRAP_USER',
      'MAILTRAP_PASSWORD',
      'FILE_STORAGE',
      'AWS_STORAGE_BUCKET_NAME',
      'AWS_S3_REGION_NAME',
    ],
    build: { SECRET_KEY: 'collectstatic-only-not-a-secret' },
    database: 'sqlite',
  },
  {
    // INSTALLED_APPS names taggit, modelcluster and rest_framework; only the CMS that depends on
    // them is in the requirements. Not missing: nothing is added, and the doctor agrees.
    scenario: 'apps-from-cms',
    detected: (d) => expect(d.requirements?.requirements.map((r) => r.name)).toEqual(['django', 'wagtail', 'psycopg']),
    required: [],
    passed: [],
    build: {},
    database: 'postgres',
    notBuiltHere: 'the local package index has no wagtail',
  },
  {
    scenario: 'env-environs-dburl',
    detected: (d) =>
      expect(env(d)).toEqual({
        SECRET_KEY: 'required str',
        DEBUG: 'optional/default bool',
        ALLOWED_HOSTS: 'optional/default list',
        FEATURE_FLAGS: 'required json',
        CONN_MAX_AGE: 'optional/default int',
        DATABASE_URL: 'required db-url',
      }),
    required: ['SECRET_KEY', 'FEATURE_FLAGS'],
    passed: ['DEBUG', 'ALLOWED_HOSTS', 'CONN_MAX_AGE'],
    build: {
      SECRET_KEY: 'collectstatic-only-not-a-secret',
      FEATURE_FLAGS: '{}',
      DATABASE_URL: 'postgres://build:build@localhost:5432/build',
    },
    database: 'postgres',
  },
];

const composeAvailable = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8', timeout: 20_000 }).status === 0;

describe('project shapes from real repositories', () => {
  const dirs = new Map<string, string>();
  beforeAll(async () => {
    for (const s of SHAPES) {
      const dir = prepareScenario(s.scenario);
      await runGenerator(dir, readAnswers(s.scenario));
      dirs.set(s.scenario, dir);
    }
  }, 120_000);

  for (const s of SHAPES) {
    describe(`${s.scenario}${s.notBuiltHere ? ` (files only; not built by the e2e suite: ${s.notBuiltHere})` : ''}`, () => {
      const dir = (): string => dirs.get(s.scenario)!;

      it('the reader detects it', async () => {
        const d = await detect(prepareScenario(s.scenario));
        expect(d.kind).toBe('existing');
        s.detected(d as DetectedProject);
        expect((d as DetectedProject).database?.value ?? 'sqlite').toBe(s.database);
      });

      it('compose requires only what import needs, passes optional variables through, and the build gets shaped throwaway values', () => {
        const compose = parseYaml(readFileSync(join(dir(), 'compose.yaml'), 'utf8')) as {
          services: { web: { environment: Record<string, string | null> } };
        };
        const web = Object.entries(compose.services.web.environment).filter(([name]) => !OURS.test(name));
        expect(web.filter(([, v]) => v !== null && /^\$\{\w+:\?/.test(v)).map(([n]) => n)).toEqual(s.required);
        expect(web.filter(([, v]) => v === null).map(([n]) => n)).toEqual(s.passed);
        const run = all(readDockerfile(dir()).at(-1)!, 'RUN').find((r) => r.includes('collectstatic'))!;
        const assignments = Object.fromEntries(
          run
            .slice(0, run.indexOf(' python '))
            .split(' ')
            .map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1).replace(/^'(.*)'$/, '$1')]),
        );
        expect(assignments).toEqual({ DJANGO_SECRET_KEY: 'collectstatic-only-not-a-secret', ...s.build });
        // The container's settings module is the one the Dockerfile names, next to the project's settings.
        expect(envOf(readDockerfile(dir()).at(-1)!).get('DJANGO_SETTINGS_MODULE')).toMatch(/(_container|\.container)$/);
      });

      it.skipIf(!composeAvailable)('docker compose config accepts the output with the generated .env', () => {
        const r = spawnSync('docker', ['compose', 'config', '-q'], { cwd: dir(), encoding: 'utf8', timeout: 60_000 });
        expect(r.stderr.trim()).toBe('');
        expect(r.status).toBe(0);
      });

      it('the invariants hold and the doctor finds it clean', async () => {
        expect(await invariantProblems(dir())).toEqual([]);
        expect(await doctorProblems(dir())).toEqual([]);
      });
    });
  }
  it.skipIf(composeAvailable)('docker compose config (skipped: no docker compose on this machine)', () => undefined);
});

describe('django-compressor in offline mode (compressor-offline; files only: the local package index has no django-compressor)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = prepareScenario('compressor-offline');
    await runGenerator(dir, readAnswers('compressor-offline'));
  }, 60_000);

  it('the build writes the offline manifest after collecting the static files, with the same throwaway values', () => {
    const run = all(readDockerfile(dir).at(-1)!, 'RUN').find((r) => r.includes('collectstatic'))!;
    const steps = run
      .replace(/\\\n/g, ' ')
      .split(/\s+&&\s+/)
      .map((step) => step.trim());
    const collect = steps.findIndex((s) => s.endsWith('python manage.py collectstatic --noinput'));
    expect(collect).toBeGreaterThanOrEqual(0);
    expect(steps[collect + 1]).toBe(steps[collect]!.replace('collectstatic --noinput', 'compress --force'));
  });

  it('without offline mode the build does not compress', async () => {
    const plain = prepareScenario('compressor-offline');
    const settings = join(plain, 'mysite', 'settings.py');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('COMPRESS_OFFLINE = True', 'COMPRESS_OFFLINE = False'));
    await runGenerator(plain, readAnswers('compressor-offline'));
    const run = all(readDockerfile(plain).at(-1)!, 'RUN').find((r) => r.includes('collectstatic'))!;
    expect(run).not.toContain('compress --force');
  });

  it('the invariants hold and the doctor finds it clean', async () => {
    expect(await invariantProblems(dir)).toEqual([]);
    expect(await doctorProblems(dir)).toEqual([]);
  });
});

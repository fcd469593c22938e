/** The model's pieces on their own: parsing, detection, the compatibility gate, requirement merging. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultAnswers, finaliseAnswers } from '../../generators/generate/answers.ts';
import { pythonsForLines } from '../../generators/generate/compat.ts';
import { ALL_DJANGO_LINES, djangoLinesForSpec, satisfies } from '../../generators/facts/versions.ts';
import { detect, type DetectedProject } from '../../generators/project/detect.ts';
import { buildPlan } from '../../generators/generate/plan.ts';
import { dictGet, type EvalResult, evaluateModule } from '../../generators/project/python-eval.ts';
import { readRequirementsFile } from '../../generators/project/requirements.ts';
import { copyScenarioInput, scenariosDir } from '../support/scenarios.ts';

function copyScenario(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dd-model-')), name);
  copyScenarioInput(join(scenariosDir, name), dir);
  return dir;
}

/** Evaluate one settings text with the project reader (no other module in the project). */
async function evaluateText(text: string): Promise<EvalResult> {
  return evaluateModule('settings', 'settings.py', {
    read: (f) => (f === 'settings.py' ? text : undefined),
    moduleFile: () => undefined,
    imagePath: (f) => `/app/${f}`,
  });
}

describe('project reader on a settings text', () => {
  it('evaluates literals, names, env reads with defaults, and augmented lists', async () => {
    const r = await evaluateText(
      [
        'import os',
        'NAME = "db"',
        'DATABASES = {"default": {"ENGINE": "django.db.backends.mysql", "NAME": NAME, "PORT": 3306}}',
        'DEBUG = os.environ.get("DEBUG", "0") == "1"',
        'KEY = os.environ["SECRET"]',
        'HOSTS = os.getenv("HOSTS", "a,b")',
        'APPS = ["a"]',
        'APPS += ["b"]',
      ].join('\n'),
    );
    const db = dictGet(r.names.get('DATABASES')?.value, 'default');
    expect(dictGet(db, 'ENGINE')).toEqual({ k: 'str', v: 'django.db.backends.mysql' });
    expect(dictGet(db, 'NAME')).toEqual({ k: 'str', v: 'db' });
    expect(dictGet(db, 'PORT')).toEqual({ k: 'num', v: 3306 });
    expect(r.names.get('HOSTS')?.value).toMatchObject({ k: 'env', name: 'HOSTS', default: { k: 'str', v: 'a,b' }, hasDefault: true });
    expect(r.names.get('KEY')?.value).toMatchObject({ k: 'env', name: 'SECRET', hasDefault: false });
    expect(r.names.get('APPS')?.value).toEqual({
      k: 'list',
      items: [
        { k: 'str', v: 'a' },
        { k: 'str', v: 'b' },
      ],
    });
    expect(r.envReads.filter((e) => !e.hasDefault && e.via.endsWith('[]')).map((e) => e.name)).toEqual(['SECRET']);
    expect(r.names.get('KEY')?.line).toBe(5);
  });

  it('reports the line of a syntax error', async () => {
    expect((await evaluateText('A = 1\nB = [\n')).errors).toMatchObject([{ file: 'settings.py', line: 2 }]);
  });
});

describe('detect', () => {
  it('startproject layout: settings, WSGI, database and Django pin', async () => {
    const d = (await detect(copyScenario('startproject-postgres'))) as DetectedProject;
    expect(d).toMatchObject({
      kind: 'existing',
      sourceDir: '.',
      settingsModule: 'mysite.settings',
      baseSettingsModule: 'mysite.settings',
      wsgiModule: 'mysite.wsgi',
      wsgiAttribute: 'application',
      asgiModule: 'mysite.asgi',
      djangoSpec: '==5.2.17',
      database: { value: 'postgres', file: 'mysite/settings.py' },
    });
  });

  it('settings package: follows production.py and its star import of base.py, and -r includes', async () => {
    const d = (await detect(copyScenario('settings-package-mysql'))) as DetectedProject;
    expect(d.settingsModule).toBe('config.settings.local');
    expect(d.baseSettingsModule).toBe('config.settings.production');
    expect(d.wsgiModule).toBe('config.wsgi');
    expect(d.database?.value).toBe('mysql');
    expect(d.requirements?.files).toEqual(['requirements.txt', 'requirements/production.txt', 'requirements/base.txt']);
    expect(d.djangoSpec).toBe('>=5.2,<6.0');
  });

  it('src layout with pyproject.toml: source dir, requires-python, env vars the settings need', async () => {
    const d = (await detect(copyScenario('src-pyproject-postgres'))) as DetectedProject;
    expect(d.sourceDir).toBe('src');
    expect(d.managePy).toBe('src/manage.py');
    expect(d.requiresPython).toBe('>=3.12');
    expect(d.requirements?.format).toBe('pyproject');
    expect(d.requiredEnv).toEqual(['SHOP_SECRET_KEY']);
  });

  it('an empty folder is a new project', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dd-empty-'));
    writeFileSync(join(dir, 'README.md'), '# hi\n');
    expect((await detect(dir)).kind).toBe('new');
  });
});

describe('compatibility gate', () => {
  it('maps requirement specs to Django lines and Pythons', () => {
    expect(djangoLinesForSpec('==4.2.*').map((l) => l.line)).toEqual(['4.2']);
    expect(djangoLinesForSpec('>=4.2,<5.0').map((l) => l.line)).toEqual(['4.2']);
    expect(djangoLinesForSpec('~=5.2.0').map((l) => l.line)).toEqual(['5.2']);
    expect(djangoLinesForSpec('>=6.0').map((l) => l.line)).toEqual(['6.0', '6.1']);
    expect(pythonsForLines(djangoLinesForSpec('==4.2.17'))).toEqual(['3.11', '3.12']);
    expect(pythonsForLines(djangoLinesForSpec('>=6.0'))).toEqual(['3.12', '3.13', '3.14']);
  });

  it('finds the same lines as trying every patch release of each line', () => {
    const specs = [
      '>5.2',
      '>5.2.3,<5.2.5',
      '!=5.2.*',
      '>=4.1,<5.0',
      '<=6.0',
      '<6',
      '==5.*',
      '~=5.1',
      '~=5.1.4',
      '>=5.2.99',
      '!=5.2.0,==5.2.*',
    ];
    specs.push('==3.2.25', '>4.2.30', '<4.0', '>=5.0.1,!=5.1.*,<6.1', '===5.2.17', '>=6.1rc1', '@ git+https://x/django', '>=4.2, <5.0');
    for (const spec of specs) {
      const bruteForce = ALL_DJANGO_LINES.filter((l) =>
        Array.from({ length: 120 }, (_, p) => `${l.line}.${p}`).some((v) => satisfies(v, spec)),
      );
      expect(
        djangoLinesForSpec(spec, ALL_DJANGO_LINES).map((l) => l.line),
        spec,
      ).toEqual(bruteForce.map((l) => l.line));
    }
  });

  it('defaults to Python 3.13 unless the pin needs an older one, then the newest it supports', async () => {
    const dir = copyScenario('startproject-postgres');
    writeFileSync(join(dir, 'requirements.txt'), 'Django==4.2.20\n');
    const d = await detect(dir);
    expect(defaultAnswers(d).python).toBe('3.12');
    writeFileSync(join(dir, 'requirements.txt'), 'Django==5.2.17\n');
    expect(defaultAnswers(await detect(dir)).python).toBe('3.13');
  });

  it('picks the postgres volume path from the major', async () => {
    const d = await detect(copyScenario('startproject-postgres'));
    const p17 = buildPlan(d, finaliseAnswers(d, { database: 'postgres' }));
    const p18 = buildPlan(d, finaliseAnswers(d, { database: 'postgres', dbVersion: '18' }));
    expect(p17.database.service?.dataDir).toBe('/var/lib/postgresql/data');
    expect(p18.database.service?.dataDir).toBe('/var/lib/postgresql');
    expect(p18.database.service?.image).toBe('postgres:18-trixie');
  });
});

describe('requirements', () => {
  it('never adds a second driver: an existing psycopg2-binary stays the only postgres driver', async () => {
    const dir = copyScenario('startproject-postgres');
    writeFileSync(join(dir, 'requirements.txt'), 'Django==5.2.17\npsycopg2-binary==2.9.10\n');
    const d = await detect(dir);
    const plan = buildPlan(d, finaliseAnswers(d, {}));
    expect(plan.requirements.additions).toEqual(['gunicorn==26.2.0', 'whitenoise==6.8.2']);
    expect(plan.database.driver?.name).toBe('psycopg2-binary');
    expect(plan.packages.runtime).toEqual([]);
  });

  it('adds pure psycopg with libpq5 when the project has no postgres driver', async () => {
    const dir = copyScenario('startproject-postgres');
    writeFileSync(join(dir, 'requirements.txt'), 'Django==5.2.17\n');
    const d = await detect(dir);
    const plan = buildPlan(d, finaliseAnswers(d, {}));
    expect(plan.requirements.additions).toContain('psycopg==3.3.6');
    expect(plan.packages).toMatchObject({ builder: [], runtime: ['libpq5'] });
  });

  it('mysqlclient gets build packages in the builder and the client library at run time', async () => {
    const d = await detect(copyScenario('settings-package-mysql'));
    const plan = buildPlan(d, finaliseAnswers(d, { database: 'mysql' }));
    expect(plan.packages.builder).toEqual(['build-essential', 'default-libmysqlclient-dev', 'pkg-config']);
    expect(plan.packages.runtime).toEqual(['libmariadb3']);
    expect(plan.requirements.additions).not.toContain('mysqlclient==2.2.7');
  });

  it('follows -r includes and refuses a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dd-req-'));
    writeFileSync(join(dir, 'requirements.txt'), '-r missing.txt\n');
    expect(() => readRequirementsFile(dir, 'requirements.txt')).toThrow(/includes missing\.txt, which does not exist/);
  });
});

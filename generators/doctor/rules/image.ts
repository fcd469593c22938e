/**
 * Catalogue sections A and B: base image, Python runtime, Python and system dependencies.
 */
import { allInstalls, allRemovals, lineage, type Stage } from '../parse/dockerfile-model.ts';
import {
  ALL_DJANGO_LINES,
  compareVersions,
  debianRelease,
  djangoLinesForSpec,
  PYTHON_EOL,
  runsOn,
  wheelMinimum,
} from '../../facts/versions.ts';
import { DATABASE_TABLE, databaseFromEngine } from '../../facts/databases.ts';
import { type Ctx, type RuleFn } from '../context/rule.ts';
import { COMPILERS, hasAny, imageFacts, packagesOf } from '../context/image.ts';
import { djangoSpec, findReq, hasDist, installs, installsUnknown, pinnedVersion, requirementsView } from '../context/requirements.ts';
import { engineOf, setting, strings } from '../context/settings.ts';

function realStages(ctx: Ctx): Stage[] {
  const df = ctx.p.dockerfile;
  return df ? df.stages.filter((s) => s.parent === undefined && s.imageName !== 'scratch') : [];
}

/** Stages that run pip for the final image. */
function pipStages(ctx: Ctx): Stage[] {
  const df = ctx.p.dockerfile;
  if (!df || !ctx.p.installed) return [];
  return ctx.p.installed.pipStages.map((i) => df.stages[i]!).filter(Boolean);
}

const baseImageEolDistro: RuleFn = (ctx) => {
  const df = ctx.p.dockerfile;
  if (!df) return;
  for (const s of realStages(ctx)) {
    const f = imageFacts(df, s);
    const status = f.codename ? debianRelease(f.codename)?.status : undefined;
    if (status === 'retired' && !f.codenameAssumed) {
      // The 404 comes from apt: an image that never runs apt-get still builds, it is just unpatched.
      const apt = df.stages
        .filter((x) => lineage(df, x)[0] === s)
        .flatMap((x) => x.runs)
        .find((r) => r.commands.some((c) => ['apt-get', 'apt'].includes((c.words[0]?.text ?? '').split('/').pop()!)));
      ctx.report(
        'base-image-eol-distro',
        { file: df.path, line: s.line },
        apt
          ? `${s.image} is based on Debian ${f.codename}, which is retired: apt-get update (line ${apt.line}) fails with 404 Not Found`
          : `${s.image} is based on Debian ${f.codename}, which is retired: it gets no security updates, and any apt-get added later fails with 404 Not Found`,
        'Use a maintained release, e.g. python:3.13-slim-trixie (choose a Python your Django supports).',
        apt ? 'error' : 'warning',
      );
    } else if (status === 'lts' && !f.codenameAssumed) {
      ctx.report(
        'base-image-eol-distro',
        { file: df.path, line: s.line },
        `${s.image} is based on Debian ${f.codename}, which only gets long-term support and will retire next`,
        'Move to trixie (or bookworm).',
        'warning',
      );
    }
  }
  for (const s of df.stages)
    for (const line of s.archiveMirrorLines) {
      ctx.report(
        'base-image-eol-distro',
        { file: df.path, line },
        'apt sources are pointed at archive.debian.org: a retired release is patched to build, and gets no security updates',
        'Move the base image to a maintained Debian release instead.',
        'warning',
      );
    }
};

const baseImageFloatingTag: RuleFn = (ctx) => {
  const df = ctx.p.dockerfile;
  if (!df) return;
  for (const s of realStages(ctx)) {
    const f = imageFacts(df, s);
    if (s.image.includes('$') || s.digest) continue;
    const where = { file: df.path, line: s.line };
    if (!s.tag || s.tag === 'latest') {
      ctx.report(
        'base-image-floating-tag',
        where,
        `${s.image} has no version tag: each build may get another ${f.isPython ? 'Python and ' : ''}Debian release`,
        f.isPython ? 'Write the full tag, e.g. python:3.13-slim-trixie.' : 'Pin a version tag.',
      );
    } else if (f.isPython && (f.pythonAssumed || (f.codenameAssumed && f.os !== 'alpine'))) {
      const missing = [f.pythonAssumed ? 'Python minor version' : '', f.codenameAssumed && f.os !== 'alpine' ? 'Debian codename' : '']
        .filter(Boolean)
        .join(' and ');
      ctx.report(
        'base-image-floating-tag',
        where,
        `${s.image} names no ${missing}: the image behind it moves (the slim images moved from bookworm to trixie in 2025)`,
        `Write the full tag, e.g. python:${f.pythonAssumed ? '3.13' : f.python}-slim-trixie.`,
      );
    }
  }
  for (const s of df.stages) {
    const f = imageFacts(df, s);
    const absent: readonly string[] = f.codename ? (debianRelease(f.codename)?.missingPackages ?? []) : [];
    for (const p of s.installs) {
      if (absent.includes(p.name)) {
        ctx.report(
          'base-image-floating-tag',
          { file: df.path, line: p.line },
          `apt package ${p.name} does not exist in Debian ${f.codename}${f.codenameAssumed ? ` (what ${f.root.image} resolves to today)` : ''}: "has no installation candidate"`,
          'Use the package name of that release (e.g. libgl1 instead of libgl1-mesa-glx), and pin the codename in the tag.',
          'error',
        );
      }
    }
  }
};

const pythonDjangoMismatch: RuleFn = (ctx) => {
  const df = ctx.p.dockerfile;
  if (!df) return;
  const { spec, where } = djangoSpec(ctx.p);
  if (!spec || !where) return;
  const lines = djangoLinesForSpec(spec, ALL_DJANGO_LINES);
  const checked = new Set<Stage>();
  for (const s of [df.final, ...pipStages(ctx)]) {
    const f = imageFacts(df, s);
    if (!f.isPython || !f.python || checked.has(f.root)) continue;
    checked.add(f.root);
    if (lines.length === 0) continue;
    if (lines.some((l) => runsOn(l, f.python!))) continue;
    const works = lines.map((l) => `${l.line}: ${l.python[0]}–${l.python[1]}`).join('; ');
    // pip refuses a Django that requires a newer Python; a Python newer than Django supports installs and may break later.
    const tooOld = lines.every((l) => compareVersions(f.python!, l.python[0]) < 0);
    ctx.report(
      'python-django-mismatch',
      { file: df.path, line: f.root.line },
      tooOld
        ? `Python ${f.python}${f.pythonAssumed ? ` (what ${f.root.image} means today)` : ''} is older than Django ${spec} (${where.file} line ${where.line}) requires: pip finds no matching version; supported Pythons per line: ${works}`
        : `Python ${f.python}${f.pythonAssumed ? ` (what ${f.root.image} means today)` : ''} is newer than Django ${spec} (${where.file} line ${where.line}) supports: it installs, and may break at run time; supported Pythons per line: ${works}`,
      'Choose a Python the pinned Django supports, or change the Django pin.',
      tooOld ? 'error' : 'warning',
    );
  }
};

const pythonEol: RuleFn = (ctx) => {
  const df = ctx.p.dockerfile;
  if (!df) return;
  const month = ctx.p.today.slice(0, 7);
  for (const s of realStages(ctx)) {
    const f = imageFacts(df, s);
    if (!f.isPython || !f.python || f.pythonAssumed) continue;
    const eol = PYTHON_EOL[f.python];
    if (eol && eol < month) {
      ctx.report(
        'python-eol',
        { file: df.path, line: s.line },
        `Python ${f.python} reached its end of life in ${eol}: no more security fixes`,
        'Move to a supported Python (3.12 or later for new images) that your Django line supports.',
      );
    }
  }
};

const C_EXTENSIONS = [
  'psycopg2',
  'psycopg2-binary',
  'mysqlclient',
  'pillow',
  'cryptography',
  'lxml',
  'numpy',
  'pandas',
  'cffi',
  'uwsgi',
  'gevent',
  'psycopg-c',
];

const alpineMuslWheels: RuleFn = (ctx) => {
  const df = ctx.p.dockerfile;
  const view = requirementsView(ctx.p);
  if (!df || !view) return;
  const exts = C_EXTENSIONS.filter((n) => hasDist(view, n));
  if (exts.length === 0) return;
  for (const s of pipStages(ctx)) {
    const f = imageFacts(df, s);
    if (f.os !== 'alpine') continue;
    const pkgs = packagesOf(df, s);
    const pipLine = s.pipInstalls[0]?.line ?? s.line;
    if (!hasAny(pkgs, ['build-base', 'gcc']) || !hasAny(pkgs, ['musl-dev', 'build-base'])) {
      // Many of these publish musllinux wheels now: the compile (and its failure) depends on the versions pip picks.
      ctx.report(
        'alpine-musl-wheels',
        { file: df.path, line: pipLine },
        `pip on Alpine (${f.root.image}) compiles ${exts.join(', ')} from source wherever a version has no musllinux wheel, and this stage has no compiler (build-base/gcc + musl-dev)`,
        'Use a Debian slim base, or apk add build-base and the -dev packages before pip install.',
        'warning',
      );
    } else {
      ctx.report(
        'alpine-musl-wheels',
        { file: df.path, line: f.root.line },
        `Alpine (musl) image with C-extension packages ${exts.join(', ')}: builds compile from source and are slow`,
        'Prefer python:<X.Y>-slim-<codename>.',
      );
    }
  }
};

const archMismatch: RuleFn = (ctx) => {
  const df = ctx.p.dockerfile;
  if (!df) return;
  const composePlatform = ctx.p.app?.platform;
  for (const s of df.stages) {
    if (!s.platform || /\$|BUILDPLATFORM|TARGETPLATFORM/.test(s.platform)) continue;
    if (composePlatform && composePlatform.value !== s.platform && s.index === df.final.index) {
      // Whether it runs depends on the host (emulation), which no file says.
      ctx.report(
        'arch-mismatch',
        { file: composePlatform.file, line: composePlatform.line },
        `compose asks for platform ${composePlatform.value}, but the Dockerfile's final stage is FROM --platform=${s.platform} (line ${s.line}): without emulation on the host it fails with "exec format error"`,
        'Use one platform in both, or drop --platform from FROM.',
        'warning',
      );
    } else {
      ctx.report(
        'arch-mismatch',
        { file: df.path, line: s.line },
        `FROM --platform=${s.platform} is hard-coded: on other machines the image runs emulated or fails with "exec format error"`,
        'Drop --platform, or use $BUILDPLATFORM/$TARGETPLATFORM.',
        'warning',
      );
    }
  }
};

/** Debian 12+ and Ubuntu 23.04+ mark their Python as externally managed; untagged means the newest. */
function externallyManaged(image: string, tag: string): boolean {
  const t = tag.toLowerCase();
  if (image === 'debian') {
    if (/^(\d+)/.test(t)) return Number(/^(\d+)/.exec(t)![1]) >= 12;
    return !['buster', 'bullseye', 'stretch', 'jessie', 'oldoldstable'].some((c) => t.includes(c));
  }
  if (/^(\d+)\.(\d+)/.test(t)) {
    const [, major, minor] = /^(\d+)\.(\d+)/.exec(t)!;
    return Number(major) * 100 + Number(minor) >= 2304;
  }
  return !['bionic', 'focal', 'jammy', 'xenial'].some((c) => t.includes(c));
}

const systemPythonPep668: RuleFn = (ctx) => {
  const df = ctx.p.dockerfile;
  if (!df) return;
  for (const s of df.stages) {
    const f = imageFacts(df, s);
    if (f.isPython || (f.imageName !== 'debian' && f.imageName !== 'ubuntu')) continue;
    const pkgs = packagesOf(df, s);
    if (!pkgs.has('python3-pip')) continue;
    // The externally-managed marker arrived with Debian 12 and Ubuntu 23.04.
    if (!externallyManaged(f.imageName, f.tag)) continue;
    const unmarked = lineage(df, s).some((x) =>
      x.runs.some((r) => r.commands.some((c) => c.words[0]?.text === 'rm' && c.words.some((w) => w.text.includes('EXTERNALLY-MANAGED')))),
    );
    if (unmarked) continue;
    for (const pip of lineage(df, s).flatMap((x) => x.pipInstalls)) {
      if (pip.inVenv || pip.breaksSystemPackages) continue;
      ctx.report(
        'system-python-pep668',
        { file: df.path, line: pip.line },
        `pip install into ${f.root.image}'s own Python fails with "externally-managed-environment"`,
        'Use an official python:<X.Y>-slim-<codename> image, or create a venv (python3 -m venv /opt/venv) and put its bin first on PATH.',
      );
    }
  }
};

// ---------------------------------------------------------------- B

const APP_DISTS: Record<string, string> = {
  rest_framework: 'djangorestframework',
  corsheaders: 'django-cors-headers',
  debug_toolbar: 'django-debug-toolbar',
  django_extensions: 'django-extensions',
  storages: 'django-storages',
  crispy_forms: 'django-crispy-forms',
  allauth: 'django-allauth',
  django_celery_beat: 'django-celery-beat',
  django_celery_results: 'django-celery-results',
  channels: 'channels',
  whitenoise: 'whitenoise',
  django_filters: 'django-filter',
  drf_spectacular: 'drf-spectacular',
  graphene_django: 'graphene-django',
  import_export: 'django-import-export',
  taggit: 'django-taggit',
  phonenumber_field: 'django-phonenumber-field',
  compressor: 'django-compressor',
  guardian: 'django-guardian',
  mptt: 'django-mptt',
  simple_history: 'django-simple-history',
  widget_tweaks: 'django-widget-tweaks',
  django_htmx: 'django-htmx',
  anymail: 'django-anymail',
  health_check: 'django-health-check',
  oauth2_provider: 'django-oauth-toolkit',
  rest_framework_simplejwt: 'djangorestframework-simplejwt',
  djoser: 'djoser',
  wagtail: 'wagtail',
  ckeditor: 'django-ckeditor',
  django_otp: 'django-otp',
  polymorphic: 'django-polymorphic',
};

const IMPORT_DISTS: Record<string, string> = {
  dj_database_url: 'dj-database-url',
  environ: 'django-environ',
  decouple: 'python-decouple',
  dotenv: 'python-dotenv',
  sentry_sdk: 'sentry-sdk',
  whitenoise: 'whitenoise',
  storages: 'django-storages',
  celery: 'celery',
  redis: 'redis',
  boto3: 'boto3',
  psycopg: 'psycopg',
  psycopg2: 'psycopg2',
  corsheaders: 'django-cors-headers',
  rest_framework: 'djangorestframework',
  django: 'django',
};

const SERVER_DISTS: Record<string, string> = {
  gunicorn: 'gunicorn',
  uvicorn: 'uvicorn',
  daphne: 'daphne',
  hypercorn: 'hypercorn',
  waitress: 'waitress',
  uwsgi: 'uwsgi',
};

const missingPythonDep: RuleFn = (ctx) => {
  const view = requirementsView(ctx.p);
  if (!view) return;
  const into = view.entry ?? 'requirements.txt';
  const need = (dist: string | string[], where: { file: string; line: number }, why: string, guarded = false): void => {
    const names = Array.isArray(dist) ? dist : [dist];
    const answers = names.map((n) => installs(view, n));
    if (answers.includes('yes')) return;
    const certain = answers.every((a) => a === 'no') && !guarded;
    const missing = `${why} needs ${names[0]}, which ${view.traced ? 'the image never installs' : `${into} does not list`}`;
    ctx.report(
      'missing-python-dep',
      where,
      certain
        ? missing
        : `${missing}${guarded ? ' (the import sits in a block that may not run)' : ''}; ${guarded && answers.every((a) => a === 'no') ? 'it fails only if that block runs' : installsUnknown(view)}`,
      `Add ${names[0]} to ${into}.`,
      certain ? 'error' : 'warning',
    );
  };
  const server = ctx.p.command.server;
  const df = ctx.p.dockerfile;
  // A base image of the organisation's own may come with the server installed.
  const knownBase = !df || imageFacts(df, df.final).isPython;
  if (server && SERVER_DISTS[server.kind] && knownBase) need(SERVER_DISTS[server.kind]!, server.where, `the command ${server.kind}`);
  const s = ctx.p.settings;
  if (!s?.file) return;
  const engine = engineOf(ctx.p);
  const dbs = setting(ctx.p, 'DATABASES');
  if (engine && dbs) {
    const database = databaseFromEngine(engine);
    const row = database === 'unsupported' ? undefined : DATABASE_TABLE[database];
    if (row?.kind === 'server') need([...row.driverDistributions], dbs, `DATABASES ENGINE ${engine}`);
  }
  const mw = setting(ctx.p, 'MIDDLEWARE');
  for (const m of strings(mw?.value)?.items ?? []) {
    const top = m.split('.')[0]!;
    if (APP_DISTS[top] && mw) need(APP_DISTS[top]!, mw, `MIDDLEWARE entry ${m}`);
  }
  const apps = setting(ctx.p, 'INSTALLED_APPS');
  for (const a of strings(apps?.value)?.items ?? []) {
    const top = a.split('.')[0]!;
    if (APP_DISTS[top] && apps) need(APP_DISTS[top]!, apps, `INSTALLED_APPS entry ${a}`);
  }
  const seen = new Set<string>();
  for (const imp of s.symbolic.imports) {
    const top = imp.module.split('.')[0]!;
    if (!IMPORT_DISTS[top] || seen.has(top) || top === 'django') continue;
    seen.add(top);
    need(IMPORT_DISTS[top]!, imp, `import ${imp.module}`, indented(ctx, imp));
  }
  if (installs(view, 'django') !== 'yes' && installs(view, 'wagtail') !== 'yes')
    need('django', { file: s.file, line: 1 }, 'the settings module');
};

/** A line inside a block (if/try/def): it may not run when the module is imported. */
function indented(ctx: Ctx, at: { file: string; line: number }): boolean {
  const line = ctx.p.files.text(at.file)?.split('\n')[at.line - 1] ?? '';
  return /^\s+\S/.test(line);
}

function pipPython(ctx: Ctx): string | undefined {
  const df = ctx.p.dockerfile;
  if (!df) return undefined;
  const s = pipStages(ctx)[0] ?? df.final;
  const f = imageFacts(df, s);
  return f.isPython && !f.pythonAssumed ? f.python : undefined;
}

const noWheelForPython: RuleFn = (ctx) => {
  const view = requirementsView(ctx.p);
  const python = pipPython(ctx);
  if (!view || !python) return;
  for (const r of view.requirements) {
    if (r.name === 'pillow') continue; // pillow-build-deps-missing
    const pin = pinnedVersion(r);
    const min = pin ? wheelMinimum(r.name, python) : undefined;
    if (pin && min && compareVersions(pin, min) < 0) {
      // Without a compiler the source build fails; with one it may still work (slowly, given the headers).
      const stage = pipLineFor(ctx, r.file)?.stage;
      const compiler = stage && ctx.p.dockerfile ? hasAny(packagesOf(ctx.p.dockerfile, stage), COMPILERS) : true;
      ctx.report(
        'no-wheel-for-python',
        { file: r.file, line: r.line },
        `${r.name}==${pin} has no wheel for Python ${python} (first with one: ${min}); pip compiles it from source${compiler ? ', which needs its build headers in that stage' : ', and the stage that runs pip has no compiler'}`,
        `Pin ${r.name}>=${min}.`,
        compiler ? 'warning' : 'error',
      );
    }
  }
};

function pipLineFor(ctx: Ctx, file: string): { stage: Stage; line: number } | undefined {
  const df = ctx.p.dockerfile;
  const install = ctx.p.installed?.installs.find((i) => i.files.includes(file)) ?? ctx.p.installed?.installs[0];
  if (!df || !install) return undefined;
  return { stage: df.stages[install.stage]!, line: install.line };
}

const pgBuildDeps: RuleFn = (ctx) => {
  const view = requirementsView(ctx.p);
  const df = ctx.p.dockerfile;
  if (!view || !df || !view.traced) return;
  for (const r of view.requirements) {
    const source = r.name === 'psycopg2' || (r.name === 'psycopg' && r.extras.includes('c')) || r.name === 'psycopg-c';
    if (!source) continue;
    const pip = pipLineFor(ctx, r.file);
    if (!pip) continue;
    const pkgs = packagesOf(df, pip.stage);
    const missing = [
      hasAny(pkgs, ['libpq-dev', 'postgresql-dev']) ? '' : 'libpq-dev',
      hasAny(pkgs, COMPILERS) ? '' : 'a compiler (build-essential)',
    ].filter(Boolean);
    if (missing.length) {
      ctx.report(
        'pg-build-deps-missing',
        { file: df.path, line: pip.line },
        `${r.key} (${r.file} line ${r.line}) compiles against libpq, but this stage has no ${missing.join(' and ')}: "pg_config executable not found"`,
        'Use psycopg[binary] (or psycopg2-binary), or apt-get install build-essential libpq-dev in this stage.',
      );
    }
  }
};

const mysqlBuildDeps: RuleFn = (ctx) => {
  const view = requirementsView(ctx.p);
  const df = ctx.p.dockerfile;
  if (!view || !df || !view.traced) return;
  const r = findReq(view, 'mysqlclient');
  if (!r) return;
  const pip = pipLineFor(ctx, r.file);
  if (!pip) return;
  const pkgs = packagesOf(df, pip.stage);
  const missing = [
    hasAny(pkgs, ['pkg-config', 'pkgconf']) ? '' : 'pkg-config',
    hasAny(pkgs, [
      'default-libmysqlclient-dev',
      'libmysqlclient-dev',
      'libmariadb-dev',
      'libmariadb-dev-compat',
      'mariadb-dev',
      'mariadb-connector-c-dev',
      'mysql-dev',
    ])
      ? ''
      : 'default-libmysqlclient-dev',
    hasAny(pkgs, COMPILERS) ? '' : 'a compiler (build-essential)',
  ].filter(Boolean);
  if (missing.length) {
    ctx.report(
      'mysqlclient-build-deps-missing',
      { file: df.path, line: pip.line },
      `mysqlclient (${r.file} line ${r.line}) always compiles, but this stage has no ${missing.join(' and ')}`,
      'apt-get install pkg-config default-libmysqlclient-dev build-essential in the stage that runs pip.',
    );
  }
};

const pillowBuildDeps: RuleFn = (ctx) => {
  const view = requirementsView(ctx.p);
  const df = ctx.p.dockerfile;
  if (!view || !df) return;
  const r = findReq(view, 'pillow');
  if (!r) return;
  const pip = pipLineFor(ctx, r.file);
  const stage = pip?.stage ?? df.final;
  const f = imageFacts(df, stage);
  const pkgs = packagesOf(df, stage);
  const hasLibs = hasAny(pkgs, ['libjpeg-dev', 'libjpeg62-turbo-dev', 'jpeg-dev']) && hasAny(pkgs, ['zlib1g-dev', 'zlib-dev']);
  if (hasLibs) return;
  const pin = pinnedVersion(r);
  const python = f.isPython && !f.pythonAssumed ? f.python : undefined;
  const min = pin && python ? wheelMinimum('pillow', python) : undefined;
  if (pin && min && compareVersions(pin, min) < 0) {
    ctx.report(
      'pillow-build-deps-missing',
      { file: r.file, line: r.line },
      `Pillow ${pin} has no wheel for Python ${python} (first with one: ${min}), and the pip stage has no libjpeg/zlib headers: the build fails`,
      `Pin Pillow>=${min}.`,
    );
  } else if (f.os === 'alpine') {
    // Pillow publishes musllinux wheels for current releases; an old pin or a new Python compiles.
    ctx.report(
      'pillow-build-deps-missing',
      { file: df.path, line: pip?.line ?? stage.line },
      'Pillow on Alpine compiles without jpeg-dev and zlib-dev wherever pip finds no musllinux wheel for the pinned version',
      'apk add jpeg-dev zlib-dev (and build-base) before pip install.',
      'warning',
    );
  }
};

const runtimeLibMissing: RuleFn = (ctx) => {
  const view = requirementsView(ctx.p);
  const df = ctx.p.dockerfile;
  if (!view || !df || !view.traced) return;
  const final = df.final;
  const pkgs = packagesOf(df, final);
  const needs: Array<{ lib: string[]; label: string; why: string }> = [];
  const binaryPg = view.requirements.some(
    (r) => (r.name === 'psycopg' && r.extras.includes('binary')) || r.name === 'psycopg-binary' || r.name === 'psycopg2-binary',
  );
  for (const r of view.requirements) {
    if ((r.name === 'psycopg' && !binaryPg) || r.name === 'psycopg2' || r.name === 'psycopg-c')
      needs.push({
        lib: ['libpq5', 'libpq', 'postgresql-libs', 'postgresql-client'],
        label: 'libpq5',
        why: `${r.key} (${r.file} line ${r.line}) loads libpq at run time`,
      });
    if (r.name === 'mysqlclient')
      needs.push({
        lib: ['libmariadb3', 'libmysqlclient21', 'libmysqlclient-dev', 'mariadb-connector-c', 'mariadb-libs', 'libmariadb-dev'],
        label: 'libmariadb3',
        why: `mysqlclient (${r.file} line ${r.line}) loads the MySQL client library at run time`,
      });
  }
  const f = imageFacts(df, final);
  // Only a known base image can be said to lack a library; the driver matters only if the engine uses it.
  const knownBase = f.isPython || ['debian', 'ubuntu', 'alpine'].includes(f.imageName);
  const engine = engineOf(ctx.p) ?? '';
  const database = databaseFromEngine(engine);
  const row = database === 'unsupported' ? undefined : DATABASE_TABLE[database];
  // The library matters for certain only when it belongs to a driver of the engine the settings use.
  const used = (n: (typeof needs)[number]): boolean =>
    row?.kind === 'server' && row.drivers.some((d) => d.runtimePackages.includes(n.label));
  const explicit = new Set(allInstalls(df, final).map((x) => x.name));
  for (const n of needs) {
    if (!hasAny(pkgs, n.lib)) {
      if (!knownBase) continue;
      const certain = used(n) && !final.openInstalls;
      ctx.report(
        'runtime-lib-missing',
        { file: df.path, line: final.line },
        `${n.why}, but the final stage (${f.root.image}) does not install ${n.label}${certain ? '' : final.openInstalls ? ' (or not visibly: an install names a build variable the doctor cannot resolve)' : ' (it fails when the database engine that loads it is used)'}`,
        `apt-get install --no-install-recommends ${n.label} in the final stage.`,
        certain ? 'error' : 'warning',
      );
      continue;
    }
    for (const rm of allRemovals(df, final)) {
      // Removing the library itself takes it; removing its -dev package takes it only when apt
      // also removes what nothing needs any more, and it was not installed by name.
      const itself = n.lib.includes(rm.name);
      const withDev =
        rm.name.endsWith('-dev') &&
        n.lib.some((l) => rm.name.startsWith(l.replace(/\d+$/, ''))) &&
        rm.autoRemove &&
        !n.lib.some((l) => explicit.has(l));
      if (!itself && !withDev) continue;
      ctx.report(
        'runtime-lib-missing',
        { file: df.path, line: rm.line },
        `${rm.name} is removed${itself ? '' : ' with --auto-remove'}, taking ${n.label} with it: ${n.why}`,
        `Keep ${n.label} installed (remove only the -dev packages, and install ${n.label} explicitly).`,
        used(n) ? 'error' : 'warning',
      );
    }
  }
};

const distutilsRemoved: RuleFn = (ctx) => {
  const df = ctx.p.dockerfile;
  if (!df) return;
  for (const s of df.stages) {
    const f = imageFacts(df, s);
    for (const p of s.installs) {
      if (p.name !== 'python3-distutils') continue;
      const newPython = f.python && compareVersions(f.python, '3.12') >= 0;
      if (f.codename === 'trixie') {
        ctx.report(
          'distutils-removed',
          { file: df.path, line: p.line },
          `python3-distutils does not exist in Debian trixie${f.codenameAssumed ? ` (what ${f.root.image} resolves to today)` : ''}: apt-get install fails with "has no installation candidate"`,
          'Remove python3-distutils; pip install setuptools if a package still imports distutils.',
        );
      } else if (newPython) {
        // On bookworm the package installs, for Debian's own Python: the image's Python still has no distutils.
        ctx.report(
          'distutils-removed',
          { file: df.path, line: p.line },
          `python3-distutils installs distutils for Debian's Python, not for the image's Python ${f.python}, which has none since 3.12`,
          'Remove python3-distutils; pip install setuptools if a package still imports distutils.',
          'warning',
        );
      }
    }
  }
};

const aptHygiene: RuleFn = (ctx) => {
  const df = ctx.p.dockerfile;
  if (!df) return;
  for (const s of df.stages) {
    for (const run of s.runs) {
      const cmds = run.commands.map((c) => c.words.map((w) => w.text));
      const apt = cmds.filter((w) => ['apt-get', 'apt'].includes((w[0] ?? '').split('/').pop()!));
      if (apt.length === 0) continue;
      const installs = apt.filter((w) => w.includes('install'));
      const updates = apt.filter((w) => w.includes('update'));
      for (const w of installs) {
        const yes = w.some(
          (a) => a === '-y' || a === '--yes' || a === '--assume-yes' || a === '-qq' || a === '-q=2' || /^-[a-z]*y[a-z]*$/.test(a),
        );
        if (!yes)
          ctx.report(
            'apt-hygiene',
            { file: df.path, line: run.line },
            `${w.slice(0, 3).join(' ')} … without -y waits for an answer and aborts the build ("Do you want to continue? [Y/n] Abort.") whenever apt installs more than the packages named`,
            'Add -y: apt-get install -y --no-install-recommends …',
            'warning',
          );
        if (!w.includes('--no-install-recommends'))
          ctx.report(
            'apt-hygiene',
            { file: df.path, line: run.line },
            'apt-get install without --no-install-recommends pulls in extra packages',
            'Add --no-install-recommends.',
            'info',
          );
      }
      if (updates.length > 0 && installs.length === 0) {
        ctx.report(
          'apt-hygiene',
          { file: df.path, line: run.line },
          'apt-get update in a RUN of its own: a cached layer keeps an old package index, and later installs 404',
          'Run update and install in the same RUN.',
          'warning',
        );
      }
      const cleaned =
        run.commands.some((c) => c.words[0]?.text === 'rm' && c.words.some((w) => w.text.startsWith('/var/lib/apt/lists'))) ||
        run.mounts.some((m) => m.includes('/var/lib/apt'));
      if (installs.length > 0 && !cleaned)
        ctx.report(
          'apt-hygiene',
          { file: df.path, line: run.line },
          'the apt package lists stay in the layer',
          'End the RUN with && rm -rf /var/lib/apt/lists/*.',
          'info',
        );
    }
  }
};

export const IMAGE_RULES: Record<string, RuleFn> = {
  'base-image-eol-distro': baseImageEolDistro,
  'base-image-floating-tag': baseImageFloatingTag,
  'python-django-mismatch': pythonDjangoMismatch,
  'python-eol': pythonEol,
  'alpine-musl-wheels': alpineMuslWheels,
  'arch-mismatch': archMismatch,
  'system-python-pep668': systemPythonPep668,
  'missing-python-dep': missingPythonDep,
  'no-wheel-for-python': noWheelForPython,
  'pg-build-deps-missing': pgBuildDeps,
  'mysqlclient-build-deps-missing': mysqlBuildDeps,
  'pillow-build-deps-missing': pillowBuildDeps,
  'runtime-lib-missing': runtimeLibMissing,
  'distutils-removed': distutilsRemoved,
  'apt-hygiene': aptHygiene,
};

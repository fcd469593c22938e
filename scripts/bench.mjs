#!/usr/bin/env node
// npm run bench: measures, in one run on this machine, the ratios issue 4 asks for, on one
// generated scenario (default startproject-postgres: a startproject layout with a notes app
// whose / lists rows from PostgreSQL). Prints a table; never asserts (numbers, not tests).
//   node scripts/bench.mjs [--scenario <name>] [--runs 7] [--wrk-seconds 10]
// Needs a Docker engine with compose, and Debian's `wrk` (installed with apt-get when missing
// and running as root). Every command is bounded in time; everything it starts is removed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyScenarioInput } from '../test/support/scenario-input.mjs';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'startproject-postgres' },
    runs: { type: 'string', default: '7' },
    'wrk-seconds': { type: 'string', default: '10' },
    // ratios = the measures above; side-by-side = four image layouts built from one project
    only: { type: 'string' },
    'side-scenario': { type: 'string', default: 'empty-sqlite' },
  },
});
const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = join(repo, 'generators', 'cli.js');
const MIN = 60_000;
const work = mkdtempSync(join(tmpdir(), 'dd-bench-'));
const project = `bench-${process.pid}-${randomBytes(3).toString('hex')}`;
const naiveTag = `${project}-naive:latest`;
let dir = '';

// ---------------------------------------------------------------- helpers

function run(cmd, argv, { cwd, env, timeoutMs = 2 * MIN } = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => (stderr += String(e)));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut, s: Number(process.hrtime.bigint() - t0) / 1e9 });
    });
  });
}

async function must(what, promise) {
  const r = await promise;
  if (r.code !== 0) {
    const tail = (s) => s.trim().split('\n').slice(-20).join('\n');
    throw new Error(`${what}: exit ${r.code}${r.timedOut ? ' (time bound)' : ''}\n${tail(r.stdout)}\n${tail(r.stderr)}`);
  }
  return r;
}

const composeEnv = { ...process.env, WEB_PORT: '127.0.0.1:0', COMPOSE_PROGRESS: 'plain', BUILDKIT_PROGRESS: 'plain' };
const compose = (argv, opts = {}) =>
  run('docker', ['compose', '-p', project, '--project-directory', dir, ...(opts.files ?? []).flatMap((f) => ['-f', f]), ...argv], {
    cwd: dir,
    env: composeEnv,
    timeoutMs: opts.timeoutMs ?? 5 * MIN,
  });
const docker = (argv, timeoutMs = 2 * MIN) => run('docker', argv, { timeoutMs });

function get(url, timeoutMs = 5_000) {
  return new Promise((resolve) => {
    const u = new URL(url);
    if (u.hostname !== '127.0.0.1') throw new Error('loopback only');
    const req = request({ host: '127.0.0.1', port: Number(u.port), path: u.pathname, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function publishedUrl(port) {
  const r = await compose(['port', 'web', String(port)], { timeoutMs: MIN });
  const m = /^127\.0\.0\.1:(\d+)$/m.exec(r.stdout.trim());
  return m ? `http://127.0.0.1:${m[1]}` : undefined;
}

/** Seconds from t0 to the first 200 on GET /, polling every 100 ms, bounded. */
async function secondsToFirst200(t0, port, boundS = 180) {
  let url;
  while ((Date.now() - t0) / 1000 < boundS) {
    url ??= await publishedUrl(port);
    if (url && (await get(`${url}/`, 2_000)) === 200) return (Date.now() - t0) / 1000;
    await sleep(100);
  }
  throw new Error(`no 200 on / within ${boundS} s`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const sec = (s) => `${s.toFixed(s < 10 ? 2 : 1)} s`;
const ratio = (x) => x.toFixed(x < 0.1 ? 3 : 2);

async function imageSize(ref) {
  const r = await must(`inspect ${ref}`, docker(['image', 'inspect', '-f', '{{.Size}}', ref]));
  return Number(r.stdout.trim());
}

/**
 * Bytes of the files (not directories) under paths inside an image, counted like the engine
 * counts layer sizes; one throwaway container, no entrypoint.
 */
async function filesInImage(image, paths) {
  const script =
    'for p in "$@"; do printf "%s\\t%s\\n" "$p" "$(find "$p" ! -type d -printf "%s\\n" | awk "{s+=\\$1} END {print s+0}")"; done';
  const r = await must(`sizes in ${image}`, docker(['run', '--rm', '--entrypoint', 'sh', image, '-c', script, 'sh', ...paths]));
  return Object.fromEntries(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'))
      .map(([p, n]) => [p, Number(n)]),
  );
}

/**
 * Bytes of the project's requirements once installed, nothing else: pip of the base image
 * installs them into an empty --target folder in a throwaway container (compiled .pyc included,
 * as in a normal install).
 */
async function requirementsInstalled(base, projectDir) {
  const script =
    'pip install --quiet --no-cache-dir --disable-pip-version-check --target /tmp/t -r requirements.txt >&2 && find /tmp/t ! -type d -printf "%s\\n" | awk "{s+=\\$1} END {print s+0}"';
  const r = await must(
    'pip install --target',
    docker(['run', '--rm', '-v', `${projectDir}:/src:ro`, '-w', '/src', '--entrypoint', 'sh', base, '-c', script], 10 * MIN),
  );
  return Number(r.stdout.trim());
}

async function ensureWrk() {
  if ((await run('sh', ['-c', 'command -v wrk'])).code === 0) return true;
  if (process.getuid?.() !== 0 || (await run('sh', ['-c', 'command -v apt-get'])).code !== 0) return false;
  console.error('bench: installing wrk (Debian package)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = await run('apt-get', ['install', '-y', '-qq', 'wrk'], { env, timeoutMs: 5 * MIN });
  if (r.code !== 0) {
    await run('apt-get', ['update', '-qq'], { env, timeoutMs: 5 * MIN });
    r = await run('apt-get', ['install', '-y', '-qq', 'wrk'], { env, timeoutMs: 5 * MIN });
  }
  return r.code === 0;
}

/** wrk on loopback, bounded: requests/s and how many answers were not 2xx/3xx. */
async function wrk(url, seconds) {
  const r = await must(
    `wrk ${url}`,
    run('wrk', ['-t1', '-c8', `-d${seconds}s`, '--timeout', '5s', `${url}/`], { timeoutMs: (seconds + 30) * 1000 }),
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const bad = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
  const errors = /Socket errors:.*/.exec(r.stdout)?.[0] ?? '';
  return { rps, bad, errors };
}

async function cleanup() {
  if (dir) await compose(['down', '-v', '--remove-orphans', '--rmi', 'local', '-t', '5'], { timeoutMs: 3 * MIN });
  await docker(['image', 'rm', '-f', naiveTag, ...sideTags]);
  // Built images carry the project label, also the cold build's that the warm rebuild untagged.
  const left = [
    ...(await docker(['image', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`])).stdout.split('\n'),
    ...(await docker(['image', 'ls', '-q', '--filter', `reference=${project}-*`])).stdout.split('\n'),
  ].filter(Boolean);
  if (left.length) await docker(['image', 'rm', '-f', ...new Set(left)]);
  rmSync(work, { recursive: true, force: true });
}

// ---------------------------------------------------------------- the measurements

const rows = [];
const row = (what, value, goal = '') => {
  rows.push([what, value, goal]);
  console.error(`bench: ${what}: ${value}`);
};

async function cliVersusNoop(runs) {
  // A no-op generator started exactly like our bin starts the app generator: createEnv with a
  // terminal adapter, register one generator, run it. Imports resolve to this repo's packages.
  const noop = join(work, 'generator-noop');
  mkdirSync(join(noop, 'generators', 'app'), { recursive: true });
  writeFileSync(join(noop, 'package.json'), JSON.stringify({ name: 'generator-noop', version: '0.0.0', type: 'module' }));
  writeFileSync(
    join(noop, 'generators', 'app', 'index.js'),
    `import Generator from ${JSON.stringify(import.meta.resolve('yeoman-generator'))};\nexport default class extends Generator { nothing() {} }\n`,
  );
  const bin = join(noop, 'cli.js');
  writeFileSync(
    bin,
    [
      `import { QueuedAdapter, TerminalAdapter } from ${JSON.stringify(import.meta.resolve('@yeoman/adapter'))};`,
      `import { createEnv } from ${JSON.stringify(import.meta.resolve('yeoman-environment'))};`,
      `const env = createEnv({ cwd: process.argv[2], adapter: new QueuedAdapter({ adapter: new TerminalAdapter() }) });`,
      `env.register(${JSON.stringify(join(noop, 'generators', 'app', 'index.js'))}, { namespace: 'noop:app', packagePath: ${JSON.stringify(noop)} });`,
      `await env.run(['noop:app'], { skipInstall: true });`,
    ].join('\n'),
  );
  const ours = [];
  const theirs = [];
  for (let i = 0; i < runs + 1; i++) {
    const a = join(work, `cli-${i}`);
    const b = join(work, `noop-${i}`);
    mkdirSync(b);
    const r1 = await must('django-docker --yes', run(process.execPath, [cli, a, '--yes'], { timeoutMs: MIN }));
    const r2 = await must('no-op generator', run(process.execPath, [bin, b], { cwd: b, timeoutMs: MIN }));
    if (i === 0) continue; // warm-up: the first run fills the OS file cache
    ours.push(r1.s);
    theirs.push(r2.s);
  }
  if (!existsSync(join(work, 'cli-1', 'Dockerfile'))) throw new Error('django-docker wrote no Dockerfile');
  const [o, t] = [median(ours), median(theirs)];
  row(
    `\`django-docker --yes\` (empty folder) / no-op Yeoman generator, wall time, median of ${runs}`,
    `${sec(o)} / ${sec(t)} = ${ratio(o / t)}`,
    '≤ 1.2',
  );
}

async function doctorSpeed(target, runs) {
  // Start-up: loading the doctor's modules and the Python parser's wasm. Then the first check
  // (cold code paths) and the warm median.
  let t0 = performance.now();
  const { checkProject } = await import('../generators/doctor/doctor.js');
  const { pythonParser } = await import('../generators/project/python.js');
  await pythonParser();
  const startupMs = performance.now() - t0;
  t0 = performance.now();
  const first = await checkProject(target);
  const firstMs = performance.now() - t0;
  if (first.findings.some((f) => f.severity === 'error')) throw new Error('doctor found errors in a generated project');
  const warm = [];
  for (let i = 0; i < runs * 3; i++) {
    t0 = performance.now();
    await checkProject(target);
    warm.push(performance.now() - t0);
  }
  const w = median(warm);
  row(
    `\`doctor\` on the generated project, in-process, after a start-up of ${startupMs.toFixed(0)} ms (modules + parser): first check / warm median of ${runs * 3}; each / the 100 ms goal`,
    `${firstMs.toFixed(0)} ms / ${w.toFixed(0)} ms = ${ratio(firstMs / 100)} / ${ratio(w / 100)} of the goal`,
    '≤ 100 ms',
  );
}

// ---------------------------------------------------------------- side by side

const sideRows = [];
const sideTags = [];

/**
 * The same project built four ways, each Dockerfile written here from the layout its source
 * documents: ours; the seed article's one-stage image; the layout of `docker init`'s Python
 * template (one stage, a non-root user without a home, pip with a cache mount and the
 * requirements bind-mounted, gunicorn); and the layout of cookiecutter-django's production
 * Dockerfile (a build stage that makes wheels with build-essential, a run stage that installs
 * them, a `django` system user owning the code, an entrypoint and a start script that runs
 * collectstatic, then gunicorn). All run with the same environment and the project's container
 * settings module; each is measured with one cold build, one warm rebuild after a change to a
 * .py file, start → first 200 on /, and requests/s on /.
 */
async function sideBySide(wrkSeconds) {
  const scenario = args['side-scenario'];
  const project0 = join(work, 'side', scenario);
  mkdirSync(project0, { recursive: true });
  copyScenarioInput(join(repo, 'test', 'scenarios', scenario), project0);
  await must('django-docker (side by side)', run(process.execPath, [cli, project0, '--yes'], { timeoutMs: MIN }));
  const ours = readFileSync(join(project0, 'Dockerfile'), 'utf8');
  const base = /^FROM\s+(\S+)/m.exec(ours)[1];
  const settingsModule = /DJANGO_SETTINGS_MODULE=(\S+)/.exec(ours)[1];
  const pkg = settingsModule.split('.')[0];
  const ignore = ['.git', '.venv', '__pycache__', '*.py[cod]', '.env', '.env.*', '*.sqlite3', '.django-docker', ''].join('\n');
  const layouts = [
    { name: 'generated (this project)', files: {} },
    {
      name: 'seed article (one stage, runserver)',
      remove: ['.dockerignore'],
      files: {
        Dockerfile: [
          `FROM ${base}`,
          'WORKDIR /app',
          'COPY requirements.txt requirements.txt',
          'RUN pip install -r requirements.txt',
          'COPY . .',
          'CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]',
          '',
        ].join('\n'),
      },
    },
    {
      name: "docker init's Python layout",
      files: {
        '.dockerignore': ignore,
        Dockerfile: [
          `FROM ${base}`,
          'ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1',
          'WORKDIR /app',
          'ARG UID=10001',
          // The template's `adduser --disabled-password --gecos "" --home /nonexistent --no-create-home`;
          // the offline stand-in bases lack Debian's adduser script, so useradd makes the same user.
          'RUN useradd --home-dir /nonexistent --no-create-home --shell /sbin/nologin --uid "${UID}" appuser',
          'RUN --mount=type=cache,target=/root/.cache/pip --mount=type=bind,source=requirements.txt,target=requirements.txt python -m pip install -r requirements.txt',
          'USER appuser',
          'COPY . .',
          'EXPOSE 8000',
          `CMD ["gunicorn", "${pkg}.wsgi", "--bind=0.0.0.0:8000"]`,
          '',
        ].join('\n'),
      },
    },
    {
      name: "cookiecutter-django's production layout",
      files: {
        '.dockerignore': ignore,
        'bench-entrypoint': [
          '#!/bin/sh',
          'set -o errexit',
          'set -o nounset',
          '# (cookiecutter waits for PostgreSQL here; this project uses SQLite)',
          'exec "$@"',
          '',
        ].join('\n'),
        'bench-start': [
          '#!/bin/sh',
          'set -o errexit',
          'python /app/manage.py collectstatic --noinput',
          `exec gunicorn ${pkg}.wsgi --bind 0.0.0.0:8000 --chdir=/app`,
          '',
        ].join('\n'),
        Dockerfile: [
          `FROM ${base} AS build`,
          'RUN apt-get update && apt-get install --no-install-recommends -y build-essential',
          'COPY requirements.txt .',
          'RUN pip wheel --wheel-dir /usr/src/app/wheels -r requirements.txt',
          `FROM ${base} AS run`,
          'ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1',
          'WORKDIR /app',
          // `addgroup --system django && adduser --system --ingroup django django`, made with useradd (as above).
          'RUN groupadd --system django && useradd --system --gid django --create-home django',
          'RUN apt-get update && apt-get install --no-install-recommends -y gettext && rm -rf /var/lib/apt/lists/*',
          'COPY --from=build /usr/src/app/wheels /wheels/',
          'RUN pip install --no-cache-dir --no-index --find-links=/wheels/ /wheels/* && rm -rf /wheels/',
          'COPY --chown=django:django bench-entrypoint /entrypoint',
          "RUN sed -i 's/\\r$//g' /entrypoint && chmod +x /entrypoint",
          'COPY --chown=django:django bench-start /start',
          "RUN sed -i 's/\\r$//g' /start && chmod +x /start",
          'COPY --chown=django:django . /app',
          // Its start script collects static files at run time: the settings' STATIC_ROOT must be the user's.
          'RUN mkdir -p /srv/static && chown -R django:django /app /srv/static',
          'USER django',
          'ENTRYPOINT ["/entrypoint"]',
          'CMD ["/start"]',
          '',
        ].join('\n'),
      },
    },
  ];
  const env = [
    '-e',
    `DJANGO_SETTINGS_MODULE=${settingsModule}`,
    '-e',
    'DJANGO_SECRET_KEY=bench-only-not-a-secret-0123456789',
    '-e',
    'DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1',
    '-e',
    'WEB_CONCURRENCY=2',
  ];
  const haveWrk = await ensureWrk();
  for (const [i, layout] of layouts.entries()) {
    const d = join(work, 'side', `layout-${i}`, scenario);
    cpSync(project0, d, { recursive: true, filter: (src) => !/[/\\]\.env$/.test(src) });
    for (const f of layout.remove ?? []) rmSync(join(d, f), { force: true });
    for (const [f, text] of Object.entries(layout.files)) writeFileSync(join(d, f), text);
    const tag = `${project}-side-${i}:latest`;
    sideTags.push(tag);
    const build = (cache = true) =>
      run('docker', ['build', '-q', ...(cache ? [] : ['--no-cache']), '-t', tag, d], { timeoutMs: 20 * MIN, env: composeEnv });
    const cold = await build(false);
    if (cold.code !== 0) {
      sideRows.push([layout.name, `build failed: ${cold.stderr.trim().split('\n').at(-1)}`, '', '', '', '']);
      continue;
    }
    appendFileSync(join(d, pkg, 'views.py'), `\n# bench: touched at ${new Date().toISOString()}\n`);
    const warm = await must(`${layout.name}: warm rebuild`, build());
    const size = await imageSize(tag);
    const name = `${project}-side-${i}`;
    const t0 = Date.now();
    // The same environment for every layout, and a fresh volume where the settings keep SQLite.
    await must(
      `${layout.name}: run`,
      docker(['run', '-d', '--name', name, '-p', '127.0.0.1::8000', '-v', `${name}-data:/srv/data`, ...env, tag]),
    );
    let url;
    let first = NaN;
    while (Date.now() - t0 < 120_000) {
      if (!url) {
        const p = /:(\d+)$/m.exec((await docker(['port', name, '8000'])).stdout.trim());
        if (p) url = `http://127.0.0.1:${p[1]}`;
      }
      if (url && (await get(`${url}/`, 2_000)) === 200) {
        first = (Date.now() - t0) / 1000;
        break;
      }
      if ((await docker(['inspect', '-f', '{{.State.Running}}', name])).stdout.trim() === 'false') break;
      await sleep(100);
    }
    let rps = 'not measured';
    if (!Number.isNaN(first) && haveWrk) {
      const w = await wrk(url, wrkSeconds);
      rps = `${w.rps.toFixed(0)}${w.bad ? ` (${w.bad} non-2xx)` : ''}`;
    }
    const startCell = Number.isNaN(first)
      ? `no 200: ${(await docker(['logs', '--tail', '1', name])).stderr.trim().split('\n').at(-1)}`
      : sec(first);
    await docker(['rm', '-f', '-v', name]);
    await docker(['volume', 'rm', '-f', `${name}-data`]);
    sideRows.push([layout.name, mb(size), sec(cold.s), sec(warm.s), startCell, rps]);
    console.error(`bench: side by side: ${sideRows.at(-1).join(' | ')}`);
  }
}

async function main() {
  if ((await docker(['info', '--format', '{{.ServerVersion}}'], 20_000)).code !== 0) throw new Error('no Docker engine answers');
  if (!existsSync(cli)) throw new Error('generators/cli.js is missing: run `npm run build` (npm run bench does)');
  const runs = Number(args.runs);
  const wrkSeconds = Number(args['wrk-seconds']);
  if (args.only !== 'ratios') await sideBySide(wrkSeconds);
  if (args.only === 'side-by-side') return;

  // ---- generate
  dir = join(work, args.scenario);
  mkdirSync(dir);
  copyScenarioInput(join(repo, 'test', 'scenarios', args.scenario), dir);
  const answers = JSON.parse(readFileSync(join(repo, 'test', 'scenarios', args.scenario, 'answers.json'), 'utf8'));
  const flags = Object.entries(answers).flatMap(([k, v]) => (v === true ? [`--${k}`] : v === false ? [] : [`--${k}`, String(v)]));
  await must('django-docker', run(process.execPath, [cli, dir, ...flags], { timeoutMs: MIN }));
  const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
  const base = /^FROM\s+(\S+)/m.exec(dockerfile)[1];
  const port = Number(/^EXPOSE\s+(\d+)/m.exec(dockerfile)[1]);

  // ---- cold build, then a warm rebuild after changing one .py file
  const cold = await must('cold build', compose(['build', '--no-cache'], { timeoutMs: 20 * MIN }));
  const py = ['notes/views.py', 'manage.py'].map((p) => join(dir, p)).find(existsSync);
  appendFileSync(py, `\n# bench: touched at ${new Date().toISOString()}\n`);
  const warm = await must('warm rebuild', compose(['build'], { timeoutMs: 10 * MIN }));
  row(
    `warm rebuild after changing one .py (${py.slice(dir.length + 1)}) / cold build (--no-cache)`,
    `${sec(warm.s)} / ${sec(cold.s)} = ${ratio(warm.s / cold.s)}`,
    '≤ 0.05',
  );

  // ---- sizes
  const image = `${project}-web`;
  const total = await imageSize(image);
  const baseSize = await imageSize(base);
  const inspect = JSON.parse((await must('inspect', docker(['image', 'inspect', image]))).stdout)[0];
  const workdir = inspect.Config.WorkingDir;
  const venv = /(?:^|:)(\/[^:]+)\/bin(?::|$)/.exec(inspect.Config.Env.find((e) => e.startsWith('PATH=')).slice(5))?.[1];
  const staticRoot = (
    await must(
      'STATIC_ROOT',
      docker([
        'run',
        '--rm',
        '--entrypoint',
        'python',
        '-e',
        'DJANGO_SECRET_KEY=bench-only-not-a-secret',
        image,
        'manage.py',
        'shell',
        '-c',
        'from django.conf import settings; print("STATIC_ROOT", settings.STATIC_ROOT)',
      ]),
    )
  ).stdout.match(/^STATIC_ROOT (\S+)$/m)[1];
  const files = await filesInImage(image, [venv, workdir, staticRoot]);
  const packages = await requirementsInstalled(base, dir);
  // Runtime system packages: the final stage's apt-get layers, as docker history sizes them.
  const history = (
    await must('history', docker(['history', '--no-trunc', '--human=false', '--format', '{{.Size}}\t{{.CreatedBy}}', image]))
  ).stdout;
  const baseLayers = (await must('history base', docker(['history', '-q', '--no-trunc', base]))).stdout.trim().split('\n').length;
  const own = history.trim().split('\n').slice(0, -baseLayers);
  const apt = own.filter((l) => /apt-get install/.test(l)).reduce((n, l) => n + Number(l.split('\t')[0]), 0);
  const ideal = baseSize + apt + packages + files[workdir] + files[staticRoot];
  row(
    'final image / (base + runtime apt packages + requirements installed + code + collected static)',
    `${mb(total)} / (${mb(baseSize)} + ${mb(apt)} + ${mb(packages)} + ${mb(files[workdir])} + ${mb(files[staticRoot])}) = ${ratio(total / ideal)}`,
    '≤ 1.05',
  );
  row(`  of which the virtualenv ${venv}`, `${mb(files[venv])} (requirements alone: ${mb(packages)})`, '');

  // The seed article's way: one stage, pip install without a venv or cache care, COPY . . with
  // no .dockerignore, runserver. Same base image (the article's buster tag no longer builds)
  // and the same requirements.txt; .env is left out so no secret lands in a throwaway image.
  const naiveDir = join(work, 'naive');
  cpSync(dir, naiveDir, { recursive: true, filter: (src) => !/[/\\](\.dockerignore|\.env|Dockerfile)$/.test(src) });
  writeFileSync(
    join(naiveDir, 'Dockerfile'),
    [
      `FROM ${base}`,
      'WORKDIR /app',
      'COPY requirements.txt requirements.txt',
      'RUN pip install -r requirements.txt',
      'COPY . .',
      'CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]',
      '',
    ].join('\n'),
  );
  await must('naive build', run('docker', ['build', '-q', '-t', naiveTag, naiveDir], { timeoutMs: 20 * MIN, env: composeEnv }));
  const naive = await imageSize(naiveTag);
  row('generated image / naive one-stage image (seed article, same base)', `${mb(total)} / ${mb(naive)} = ${ratio(total / naive)}`, '');

  // ---- start → first 200
  let t0 = Date.now();
  await must('up (fresh volumes)', compose(['up', '-d', '--no-build']));
  const fresh = await secondsToFirst200(t0, port);
  await must('wait healthy', compose(['up', '-d', '--no-build', '--wait', '--wait-timeout', '120'], { timeoutMs: 3 * MIN }));
  await must('stop web', compose(['stop', 'web']));
  t0 = Date.now();
  await must('start web', compose(['start', 'web']));
  const restart = await secondsToFirst200(t0, port);
  row('start → first 200 on /: `up -d` on fresh volumes (DB init, migrate, server)', sec(fresh), '');
  row('start → first 200 on /: `start web` (DB running, migrations applied)', sec(restart), '');

  // ---- requests/s: generated image (gunicorn) vs the same image under runserver
  if (await ensureWrk()) {
    // a few rows so / does a real query
    let url = await publishedUrl(port);
    for (let i = 0; i < 5; i++) await get(`${url}/notes/add/bench-${i}/`);
    await must('healthy', compose(['up', '-d', '--no-build', '--wait', '--wait-timeout', '120'], { timeoutMs: 3 * MIN }));
    url = await publishedUrl(port);
    const gun = await wrk(url, wrkSeconds);
    const workers = (await compose(['exec', '-T', 'web', 'printenv', 'WEB_CONCURRENCY'], { timeoutMs: MIN })).stdout.trim() || '?';
    const override = join(work, 'runserver.yaml');
    writeFileSync(override, `services:\n  web:\n    command: ["python", "manage.py", "runserver", "0.0.0.0:${port}", "--noreload"]\n`);
    const files = [join(dir, 'compose.yaml'), override];
    await must('up runserver', compose(['up', '-d', '--no-build', '--wait', '--wait-timeout', '120'], { files, timeoutMs: 3 * MIN }));
    url = await publishedUrl(port);
    const dev = await wrk(url, wrkSeconds);
    const note = (r) => (r.bad || r.errors ? ` [${r.bad} non-2xx; ${r.errors || 'no socket errors'}]` : '');
    row(
      `requests/s on / (a DB query): generated image (gunicorn, ${workers} workers) / runserver --noreload, wrk -t1 -c8 -d${wrkSeconds}s`,
      `${gun.rps.toFixed(0)}${note(gun)} / ${dev.rps.toFixed(0)}${note(dev)} = ${ratio(gun.rps / dev.rps)}`,
      '≥ 4',
    );
  } else {
    row('requests/s generated image / runserver', 'not measured: wrk is not installed (apt-get install wrk)', '≥ 4');
  }
  await compose(['down', '-v', '-t', '5'], { timeoutMs: 3 * MIN });

  // ---- generator start-up
  await cliVersusNoop(runs);

  // ---- doctor
  await doctorSpeed(dir, runs);
}

const started = Date.now();
let failed = false;
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => cleanup().finally(() => process.exit(130)));
try {
  await main();
} catch (err) {
  failed = true;
  console.error(`bench: ${err.message}`);
} finally {
  await cleanup();
}
const version = (await docker(['version', '--format', '{{.Server.Version}}'])).stdout.trim();
const os =
  /^PRETTY_NAME="?([^"\n]+)/m.exec(existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '')?.[1] ?? process.platform;
console.log(`\n## django-docker benchmark, ${new Date().toISOString().slice(0, 10)}`);
console.log(
  `Machine: ${cpus().length} cores, ${os}, Docker ${version}, Node ${process.version}; scenario ${args.scenario}; took ${Math.round((Date.now() - started) / 1000)} s\n`,
);
console.log('| measure | measured | goal |');
console.log('|---|---|---|');
for (const [what, value, goal] of rows) console.log(`| ${what} | ${value} | ${goal} |`);
if (sideRows.length) {
  console.log(`\n### Side by side: one project (${args['side-scenario']}), four Dockerfile layouts\n`);
  console.log('| layout | image size | cold build | warm rebuild after a .py change | start → first 200 on / | requests/s on / |');
  console.log('|---|---|---|---|---|---|');
  for (const r of sideRows) console.log(`| ${r.join(' | ')} |`);
}
process.exitCode = failed ? 1 : 0;

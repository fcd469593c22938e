/**
 * `django-docker doctor --build`: confirms on the real engine what the files can only suggest.
 * It builds the app image, starts it with the compose environment (and the services it depends
 * on, the database among them), imports the settings, runs `manage.py check --deploy`, waits for
 * the healthcheck and requests `/` on loopback. What fails is reported under the catalogue's
 * rule id, recognised by its symptom (the exception text, the exit code, the HTTP status).
 *
 * It changes nothing of the project: a compose override in a temporary folder publishes the app
 * on 127.0.0.1 only (and nothing else), drops bind mounts that could write into the folder, and
 * stands in for env files still to be made from their examples. Everything runs under a compose
 * project name of its own, and everything it started is removed at the end (containers,
 * volumes, networks, the images it built), also when it is interrupted.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Loaded } from './load.ts';
import type { Finding } from './types.ts';

const SECOND = 1000;

export interface EngineOptions {
  /** Time bounds (ms). */
  buildMs?: number;
  startMs?: number;
  /** Progress lines (to stderr). */
  progress?: (line: string) => void;
}

export interface EngineResult {
  findings: Finding[];
  /** One line on what ran, for the summary. */
  summary: string;
}

/** The engine cannot be used: the CLI says so in one line and exits 2. */
export class EngineUnavailable extends Error {}

interface Ran {
  code: number | null;
  out: string;
  timedOut: boolean;
}

function run(args: string[], opts: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn('docker', args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (err) => (out += String(err)));
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out, timedOut });
    });
  });
}

/** GET on loopback with a deadline; the status, or the network error. */
function get(port: number, path: string, timeoutMs: number): Promise<{ status?: number; location?: string; error?: string }> {
  return new Promise((done) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs, agent: false, headers: { Host: `localhost:${port}` } },
      (res) => {
        res.resume();
        res.on('end', () => done({ status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}) }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => done({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end();
  });
}

// ---------------------------------------------------------------- symptoms → catalogue ids

interface Symptom {
  rule: string;
  pattern: RegExp;
  /** What it means, after the quoted symptom. */
  why: string;
}

/** Symptoms from the failure-mode catalogue, most specific first. */
const SYMPTOMS: Symptom[] = [
  {
    rule: 'pg-build-deps-missing',
    pattern: /pg_config executable not found|pg_config is required/,
    why: 'psycopg compiles from source without libpq-dev',
  },
  {
    rule: 'mysqlclient-build-deps-missing',
    pattern: /mysql_config not found|Can not find valid pkg-config name|pkg-config: not found/,
    why: 'mysqlclient compiles without its build packages',
  },
  {
    rule: 'pillow-build-deps-missing',
    pattern: /headers or library files could not be found for (jpeg|zlib)/,
    why: 'Pillow compiles without its image libraries',
  },
  { rule: 'system-python-pep668', pattern: /externally-managed-environment/, why: "pip installs into the distribution's Python" },
  {
    rule: 'distutils-removed',
    pattern: /No module named 'distutils'|python3-distutils' has no installation candidate/,
    why: 'distutils is gone since Python 3.12',
  },
  {
    rule: 'base-image-floating-tag',
    pattern: /has no installation candidate|Unable to locate package/,
    why: 'an apt package does not exist in this Debian release',
  },
  { rule: 'base-image-eol-distro', pattern: /404\s+Not Found|does not have a Release file/, why: 'the Debian release is retired' },
  { rule: 'apt-hygiene', pattern: /Do you want to continue\? \[Y\/n\] Abort/, why: 'apt-get install waits for an answer' },
  { rule: 'python-django-mismatch', pattern: /Requires-Python|requires a different Python/, why: 'no Django release fits this Python' },
  {
    rule: 'build-context-missing-file',
    pattern: /failed to compute cache key|failed to calculate checksum|not found: not found|COPY failed/,
    why: 'a COPY source is not in the build context',
  },
  {
    rule: 'no-wheel-for-python',
    pattern:
      /Failed building wheel|error: command '.*gcc.*' failed|Microsoft Visual C\+\+|gcc: not found|error: subprocess-exited-with-error/,
    why: 'a package compiles from source and fails',
  },
  {
    rule: 'migrate-at-build',
    pattern: /could not translate host name|Name or service not known|Temporary failure in name resolution/,
    why: 'the database is not reachable',
  },
  {
    rule: 'runtime-lib-missing',
    pattern: /lib(pq|mysqlclient|mariadb)\S*\.so\S*: cannot open shared object file|Error loading shared library/,
    why: 'a shared library the driver loads is not in the image',
  },
  {
    rule: 'missing-python-dep',
    pattern: /Error loading (psycopg2?|MySQLdb) module|No module named '([^']+)'|executable file not found in \$PATH|: not found$/m,
    why: 'a package is not installed',
  },
  {
    rule: 'wsgi-module-path',
    pattern: /Failed to find attribute|Worker failed to boot|Could not import module/,
    why: 'the server cannot import the application',
  },
  {
    rule: 'workdir-copy-mismatch',
    pattern: /can't open file '[^']*'|No such file or directory: '[^']*manage\.py'/,
    why: 'the command runs where the code is not',
  },
  { rule: 'entrypoint-crlf', pattern: /\r: (not found|No such file)|illegal option -|\$'\\r'/, why: 'the script has Windows line endings' },
  {
    rule: 'entrypoint-not-executable',
    pattern: /exec: "[^"]+": permission denied|permission denied: unknown/,
    why: 'the entrypoint is not executable',
  },
  { rule: 'arch-mismatch', pattern: /exec format error/, why: 'the image is for another CPU' },
  { rule: 'postgres-password-missing', pattern: /superuser password is not specified/, why: 'the database has no password' },
  {
    rule: 'db-credentials-drift',
    pattern: /password authentication failed|Access denied for user|database "[^"]+" does not exist|Unknown database/,
    why: 'Django and the database disagree on credentials',
  },
  {
    rule: 'db-host-localhost',
    pattern: /connection to server at "(localhost|127\.0\.0\.1)"|Can't connect to local (MySQL|MariaDB) server through socket/,
    why: 'the database host is the container itself',
  },
  {
    rule: 'db-not-ready',
    pattern: /Connection refused[\s\S]{0,200}(5432|3306)|the database system is starting up/,
    why: 'the database does not accept connections yet',
  },
  {
    rule: 'nonroot-write-denied',
    pattern: /unable to open database file|attempt to write a readonly database|PermissionError: \[Errno 13\] Permission denied/,
    why: 'the app user cannot write there',
  },
  { rule: 'csrf-origins-no-scheme', pattern: /4_0\.E001/, why: 'a CSRF_TRUSTED_ORIGINS entry has no scheme' },
  {
    rule: 'static-root-unset',
    pattern: /without having set the STATIC_ROOT setting|staticfiles\.E002/,
    why: 'collectstatic has no STATIC_ROOT',
  },
  {
    rule: 'static-manifest-missing',
    pattern: /Missing staticfiles manifest entry/,
    why: 'collectstatic has not run for the manifest storage',
  },
  {
    rule: 'settings-module-wrong',
    pattern: /settings are not configured|DJANGO_SETTINGS_MODULE/,
    why: 'the settings module is not importable',
  },
  { rule: 'allowed-hosts-missing', pattern: /DisallowedHost|Invalid HTTP_HOST header/, why: 'ALLOWED_HOSTS does not admit the host' },
  { rule: 'django-check', pattern: /\(\w+\.E\d+\) .*|SystemCheckError/, why: "Django's system checks stop manage.py commands" },
  {
    rule: 'secret-key-missing',
    pattern: /SECRET_KEY setting must not be empty|Set the (\w+) environment variable|KeyError: '([A-Z][A-Z0-9_]+)'|ImproperlyConfigured/,
    why: 'a variable the settings need is not set',
  },
];

function diagnose(text: string): { rule: string; symptom: string; why: string } | undefined {
  for (const s of SYMPTOMS) {
    const m = s.pattern.exec(text);
    if (!m) continue;
    // The line that holds the symptom, shortened: that is what the user will search for.
    const start = text.lastIndexOf('\n', m.index) + 1;
    const end = text.indexOf('\n', m.index);
    const line = text
      .slice(start, end === -1 ? undefined : end)
      .replace(/^[^|]*\|\s*/, '')
      .replace(/^#\d+\s+[\d.]+\s+/, '')
      .trim();
    return { rule: s.rule, symptom: line.slice(0, 200), why: s.why };
  }
  return undefined;
}

// ---------------------------------------------------------------- the run

export async function engineCheck(project: Loaded, staticFindings: Finding[], options: EngineOptions = {}): Promise<EngineResult> {
  const say = options.progress ?? (() => undefined);
  const cwd = project.files.root;
  const info = await run(['info', '--format', '{{.ServerVersion}}'], { cwd, timeoutMs: 20 * SECOND });
  if (info.code !== 0)
    throw new EngineUnavailable('no Docker engine answers (`docker info` failed): run --build where Docker runs, or leave it out');
  const composeVersion = await run(['compose', 'version'], { cwd, timeoutMs: 20 * SECOND });
  if (composeVersion.code !== 0) throw new EngineUnavailable('docker compose (v2) is not installed: --build needs it');

  const app = project.app;
  const df = project.dockerfile;
  if (!app && !df) throw new EngineUnavailable('--build needs a Dockerfile or a compose service with build: here');

  const name = `ddoctor-${process.pid}-${randomBytes(3).toString('hex')}`;
  const temp = mkdtempSync(join(tmpdir(), 'dd-doctor-build-'));
  const findings: Finding[] = [];
  const notes: string[] = [];
  const port = project.command.server?.bind?.port ?? app?.ports.find((p) => p.container)?.container ?? 8000;
  const service = app?.name ?? 'app';
  const images: string[] = [];

  // Where an engine finding points: the static finding of the same rule if there is one (the line to fix), else here.
  const requirementsFile = project.installed?.files[0] ?? project.projectRequirements?.files[0];
  const place = (rule: string, fallback: { file: string; line: number }): { file: string; line: number } => {
    const same = staticFindings.find((f) => f.rule === rule);
    if (same) return { file: same.file, line: same.line };
    // A missing package is added to the requirements the image installs.
    if (rule === 'missing-python-dep' && requirementsFile) return { file: requirementsFile, line: 1 };
    return fallback;
  };
  const report = (rule: string, where: { file: string; line: number }, message: string, fix: string): void => {
    findings.push({ rule, severity: 'error', file: where.file, line: where.line, message: `on the engine: ${message}`, fix });
  };
  const appAt = app ? { file: app.file, line: app.line } : { file: df!.path, line: df!.final.line };

  // ---- compose files: the project's plus our override, or one of our own around the Dockerfile
  let files: string[];
  let projectDir: string;
  const envFileArgs: string[] = [];
  const override: Record<string, unknown> = { services: {} };
  const services = override.services as Record<string, Record<string, unknown>>;
  if (project.compose && app) {
    projectDir = resolve(cwd, posix.dirname(project.compose.files[0]!));
    files = project.compose.files.map((f) => resolve(cwd, f));
    for (const svc of project.compose.services.values()) {
      const o: Record<string, unknown> = {};
      // Nothing is published but the app, on loopback; no fixed container name clashes.
      o.ports = svc === app ? new Tagged('!override', [`127.0.0.1::${port}`]) : new Tagged('!reset', []);
      if (svc.containerName) o.container_name = new Tagged('!reset', null);
      if (svc.build) {
        const image = `${name}-${svc.name}`;
        o.image = new Tagged('!override', image);
        images.push(image);
      }
      // Bind mounts could write into the project: only volumes (project-scoped, removed at the end) and read-only binds stay.
      const kept = svc.volumes.filter((m) => m.type !== 'bind' || m.readOnly);
      if (kept.length !== svc.volumes.length) {
        o.volumes = new Tagged(
          '!override',
          kept.map((m) => ({
            type: m.type,
            ...(m.source ? { source: m.type === 'bind' ? resolve(projectDir, m.source) : m.source } : {}),
            target: m.target,
            ...(m.readOnly ? { read_only: true } : {}),
          })),
        );
        if (svc === app) notes.push(`without its bind mount${svc.volumes.length - kept.length > 1 ? 's' : ''} (the image's own files)`);
      }
      // An env file still to be made from its example: the example stands in for it.
      if (svc.envFiles.some((e) => !e.exists && e.required)) {
        const list: string[] = [];
        for (const e of svc.envFiles) {
          if (e.exists) list.push(resolve(cwd, e.value));
          else if (e.example) {
            const copy = join(temp, `${list.length}-${posix.basename(e.value)}`);
            copyFileSync(resolve(cwd, e.example), copy);
            list.push(copy);
            if (!notes.some((n) => n.includes(e.example!))) notes.push(`with ${e.value} made from ${e.example}`);
          } else if (e.required) {
            throw new EngineUnavailable(
              `env_file ${e.value} does not exist and has no example to stand in for it: create it, then run --build again`,
            );
          }
        }
        o.env_file = new Tagged('!override', list);
      }
      services[svc.name] = o;
    }
    if (!project.compose.dotenvFile && project.compose.dotenvExample) {
      const copy = join(temp, 'compose.env');
      copyFileSync(resolve(cwd, project.compose.dotenvExample.file), copy);
      envFileArgs.push('--env-file', copy);
      notes.push(`with .env made from ${project.compose.dotenvExample.file}`);
    }
  } else {
    projectDir = temp;
    files = [join(temp, 'compose.yaml')];
    const context = resolve(cwd, df!.context);
    writeFileSync(
      files[0]!,
      stringify({
        services: {
          app: { build: { context, dockerfile: resolve(cwd, df!.path) }, image: `${name}-app`, ports: [`127.0.0.1::${port}`] },
        },
      }),
    );
    images.push(`${name}-app`);
  }
  const overrideFile = join(temp, 'doctor-override.yaml');
  writeFileSync(overrideFile, stringifyTagged(override));
  const compose = (args: string[], timeoutMs: number): Promise<Ran> =>
    run(
      [
        'compose',
        '-p',
        name,
        '--project-directory',
        projectDir,
        ...envFileArgs,
        ...files.flatMap((f) => ['-f', f]),
        '-f',
        overrideFile,
        ...args,
      ],
      { cwd: projectDir, timeoutMs, env: { BUILDKIT_PROGRESS: 'plain', COMPOSE_PROGRESS: 'plain', DOCKER_BUILDKIT: '1' } },
    );

  const cleanup = async (): Promise<void> => {
    await compose(['down', '--volumes', '--remove-orphans', '--rmi', 'local', '--timeout', '5'], 2 * 60 * SECOND);
    if (images.length) await run(['image', 'rm', '--force', ...images], { cwd, timeoutMs: 60 * SECOND });
    rmSync(temp, { recursive: true, force: true });
  };
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const steps: string[] = [];
  try {
    // ---- build
    say(`building ${service} (project ${name})`);
    const t0 = Date.now();
    const built = await compose(['build', service], options.buildMs ?? 15 * 60 * SECOND);
    if (interrupted) return { findings: [], summary: 'on the engine: interrupted' };
    if (built.code !== 0) {
      const d = diagnose(built.out);
      const line = /Dockerfile:(\d+)/.exec(built.out.slice(-4000))?.[1];
      const at = df ? { file: df.path, line: line ? Number(line) : df.final.line } : appAt;
      const what = built.timedOut
        ? `the build ran over its time bound (${Math.round((options.buildMs ?? 900_000) / 60_000)} min)`
        : 'the build failed';
      if (d)
        report(
          d.rule,
          place(d.rule, at),
          `${what}: "${d.symptom}" (${d.why})`,
          'See the build log: docker compose build shows the whole of it.',
        );
      else
        report(
          'engine-failure',
          at,
          `${what}: "${lastLines(built.out)}"`,
          'Build the image yourself (docker compose build) and read the log.',
        );
      return { findings, summary: `on the engine: build failed` };
    }
    steps.push(`built in ${Math.round((Date.now() - t0) / SECOND)} s`);

    // ---- start, with what it depends on, and wait for the healthchecks
    say(`starting ${service}`);
    const up = await compose(
      ['up', '--detach', '--no-build', '--wait', '--wait-timeout', String(Math.round((options.startMs ?? 120 * SECOND) / SECOND)), service],
      (options.startMs ?? 120 * SECOND) + 60 * SECOND,
    );
    if (interrupted) return { findings: [], summary: 'on the engine: interrupted' };
    const ps = await compose(['ps', '--all', '--format', 'json'], 30 * SECOND);
    const states = ps.out
      .split('\n')
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => JSON.parse(l) as { Service: string; State: string; ExitCode: number; Health: string });
    const mine = states.find((s) => s.Service === service);
    const logs = (await compose(['logs', '--no-color', '--tail', '300', service], 30 * SECOND)).out;
    if (up.code !== 0 || !mine || mine.State !== 'running') {
      // A dependency that did not come up (the database) is the first cause.
      for (const s of states.filter((x) => x.Service !== service && (x.State !== 'running' || x.Health === 'unhealthy'))) {
        const depLogs = (await compose(['logs', '--no-color', '--tail', '100', s.Service], 30 * SECOND)).out;
        const d = diagnose(depLogs);
        const svc = project.compose?.services.get(s.Service);
        const at = svc ? { file: svc.file, line: svc.line } : appAt;
        if (d)
          report(
            d.rule,
            place(d.rule, at),
            `${s.Service} did not start: "${d.symptom}" (${d.why})`,
            'Start it with docker compose up and read its log.',
          );
        else
          report(
            'engine-failure',
            at,
            `${s.Service} is ${s.State}${s.Health ? ` (${s.Health})` : ''}: "${lastLines(depLogs)}"`,
            'Start it with docker compose up and read its log.',
          );
      }
      if (findings.length === 0) {
        const d = diagnose(logs) ?? diagnose(up.out);
        const state = mine
          ? mine.State === 'exited'
            ? `exited with code ${mine.ExitCode}`
            : `${mine.State}${mine.Health ? ` (${mine.Health})` : ''}`
          : 'not created';
        if (d)
          report(
            d.rule,
            place(d.rule, appAt),
            `${service} ${mine?.State === 'exited' ? '' : 'is '}${state}: "${d.symptom}" (${d.why})`,
            'Run docker compose up and read the log.',
          );
        else if (mine?.Health === 'unhealthy' || mine?.State === 'running') {
          const health = project.health;
          const hc = await inspectHealth(cwd, mine ? `${name}-${service}-1` : '');
          const hd = diagnose(hc);
          report(
            hd?.rule ?? 'healthcheck-tool-missing',
            place(hd?.rule ?? 'healthcheck-tool-missing', health?.where ?? appAt),
            `${service} never became healthy: "${(hd?.symptom ?? lastLines(hc)) || 'the probe failed'}"`,
            'Run the healthcheck command in the container (docker compose exec) and read its output.',
          );
        } else
          report(
            'engine-failure',
            appAt,
            `${service} ${mine?.State === 'exited' ? '' : 'is '}${state}: "${lastLines(logs || up.out)}"`,
            'Run docker compose up and read the log.',
          );
      }
      return { findings, summary: `on the engine: ${[...steps, 'did not start'].join(', ')}` };
    }
    steps.push('started');

    // ---- the settings, then Django's own deploy checks
    const imported = await compose(
      ['exec', '-T', service, 'python', '-c', 'import django; django.setup(); print("settings imported")'],
      60 * SECOND,
    );
    if (imported.code !== 0) {
      const d = diagnose(imported.out);
      const at = project.settings?.file ? { file: project.settings.file, line: 1 } : appAt;
      report(
        d?.rule ?? 'engine-failure',
        place(d?.rule ?? 'engine-failure', at),
        `importing the settings fails: "${d?.symptom ?? lastLines(imported.out)}"`,
        'Run python -c "import django; django.setup()" in the container and read the traceback.',
      );
    } else steps.push('settings import');
    const manage = project.managePy && project.layout?.exists(posix.join(project.workdir.path, 'manage.py')) ? 'manage.py' : undefined;
    if (manage && imported.code === 0) {
      const check = await compose(['exec', '-T', service, 'python', manage, 'check', '--deploy'], 90 * SECOND);
      for (const m of check.out.matchAll(/^\?: \(([\w.]+)\) (.*)$|^([\w.:]+): \(([\w.]+)\) (.*)$/gm)) {
        const id = m[1] ?? m[4]!;
        const text = (m[2] ?? m[5] ?? '').trim();
        const rule = CHECK_IDS[id];
        if (!/\.E\d+$/.test(id) && !rule) continue;
        const severity: Finding['severity'] = /\.E\d+$/.test(id) ? 'error' : 'warning';
        const at = place(rule ?? 'django-check', project.settings?.file ? { file: project.settings.file, line: 1 } : appAt);
        findings.push({
          rule: rule ?? 'django-check',
          severity,
          file: at.file,
          line: at.line,
          message: `on the engine: manage.py check --deploy: (${id}) ${text.slice(0, 200)}`,
          fix: 'See the check in Django’s system check reference.',
        });
      }
      steps.push('check --deploy');
    }

    if (interrupted) return { findings: [], summary: 'on the engine: interrupted' };
    // ---- a request to / on loopback
    const portOut = await compose(['port', service, String(port)], 30 * SECOND);
    const hostPort = Number(/:(\d+)\s*$/.exec(portOut.out.trim())?.[1]);
    if (hostPort) {
      let answer = await get(hostPort, '/', 10 * SECOND);
      for (let i = 0; i < 10 && answer.error; i++) {
        await new Promise((r) => setTimeout(r, SECOND));
        answer = await get(hostPort, '/', 10 * SECOND);
      }
      const after = (await compose(['logs', '--no-color', '--tail', '200', service], 30 * SECOND)).out;
      if (answer.error) {
        const rule =
          answer.error === 'ECONNRESET' || answer.error === 'ECONNREFUSED'
            ? project.command.server?.bind?.host && /^127\.|localhost/.test(project.command.server.bind.host)
              ? 'bind-loopback'
              : 'port-mismatch'
            : 'engine-failure';
        report(
          rule,
          place(rule, appAt),
          `GET / on port ${port} gets no answer (${answer.error})`,
          'Check the server binds 0.0.0.0 on the published container port.',
        );
      } else if (answer.status === 400) {
        report(
          'allowed-hosts-missing',
          place('allowed-hosts-missing', appAt),
          `GET / with Host: localhost answers 400${/DisallowedHost|Invalid HTTP_HOST/.test(after) ? ' (DisallowedHost)' : ''}`,
          'Add localhost (and the host names clients use) to ALLOWED_HOSTS.',
        );
      } else if ((answer.status ?? 0) >= 500) {
        const d = diagnose(after);
        report(
          d?.rule ?? 'engine-failure',
          place(d?.rule ?? 'engine-failure', appAt),
          `GET / answers ${answer.status}${d ? `: "${d.symptom}" (${d.why})` : `: "${lastLines(after)}"`}`,
          'Request the page with DEBUG on, or read the server log.',
        );
      } else if (answer.status && answer.status >= 300 && answer.status < 400 && answer.location?.startsWith('https:')) {
        findings.push({
          rule: 'ssl-redirect-loop',
          severity: 'warning',
          ...place('ssl-redirect-loop', appAt),
          message: `on the engine: GET / over http answers ${answer.status} to ${answer.location}, which nothing in compose serves`,
          fix: 'Leave SECURE_SSL_REDIRECT off for plain-HTTP setups.',
        });
      } else steps.push(`GET / ${answer.status}`);
    }
    return { findings, summary: `on the engine: ${steps.join(', ')}${notes.length ? `; ${notes.join(', ')}` : ''}` };
  } finally {
    say('removing what it started');
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (interrupted) process.exitCode = 130;
  }
}

/**
 * Django system check ids → catalogue rule ids. Errors are reported (mapped or as django-check);
 * of the warnings only those that are failures here: the HTTPS checklist (SSL redirect, secure
 * cookies, HSTS) is right to leave off over plain HTTP, and DEBUG may be meant.
 */
const CHECK_IDS: Record<string, string> = {
  '4_0.E001': 'csrf-origins-no-scheme',
  'staticfiles.E002': 'static-root-unset',
  'security.W020': 'allowed-hosts-missing',
};

function lastLines(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((l) => l.replace(/^[^|]*\|\s*/, '').trim())
    .filter(Boolean)
    .slice(-2)
    .join(' / ')
    .slice(0, 240);
}

async function inspectHealth(cwd: string, container: string): Promise<string> {
  if (!container) return '';
  const r = await run(['inspect', '--format', '{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}{{end}}', container], {
    cwd,
    timeoutMs: 20 * SECOND,
  });
  return r.out;
}

/** A YAML value with a compose merge tag (`!reset`, `!override`). */
class Tagged {
  constructor(
    readonly tag: '!reset' | '!override',
    readonly value: unknown,
  ) {}
}

function stringifyTagged(value: unknown): string {
  // yaml's custom tags would need a schema; the override is small, so write the tags in by hand.
  const lines: string[] = [];
  const write = (v: unknown, indent: string, key: string): void => {
    if (v instanceof Tagged) {
      const body = v.value === null ? '' : JSON.stringify(v.value);
      lines.push(`${indent}${key}: ${v.tag}${body ? ` ${body}` : ''}`);
    } else if (v && typeof v === 'object' && !Array.isArray(v)) {
      lines.push(`${indent}${key}:`);
      for (const [k, x] of Object.entries(v)) write(x, `${indent}  `, JSON.stringify(k));
    } else lines.push(`${indent}${key}: ${JSON.stringify(v)}`);
  };
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) write(v, '', k);
  return `${lines.join('\n')}\n`;
}

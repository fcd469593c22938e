/**
 * Files a project already has are merged, not shadowed: its compose file takes the generated
 * services (a compose.yaml beside it would silently replace it), its .env.example keeps every
 * line, a .env that git tracks never gets secrets. Runs the real `django-docker` bin, so a
 * refusal is checked as a user sees it: one line, exit 1, the folder untouched.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ENV_MARKER, mergeEnvExample } from '../../generators/generate/render.ts';
import { mergeComposeServices, publishedPorts } from '../../generators/generate/compose-merge.ts';
import { hostPortsClash, parsePortSpec, type PortSpec } from '../../generators/project/ports.ts';
import { checkProject } from '../../generators/doctor/doctor.ts';
import { copyScenarioInput, scenariosDir } from '../support/scenarios.ts';

const cli = fileURLToPath(new URL('../../generators/cli.js', import.meta.url));

function run(dir: string, args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync('node', [cli, dir, ...args], { encoding: 'utf8', input: '', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

function project(scenario: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dd-existing-')), 'site');
  copyScenarioInput(join(scenariosDir, scenario), dir);
  return dir;
}

function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else out.push(`${relative(dir, abs)} ${statSync(abs).mtimeMs} ${readFileSync(abs, 'base64')}`);
    }
  };
  walk(dir);
  return out.sort();
}

function expectRefused(dir: string, args: string[], pattern: RegExp): void {
  const before = snapshot(dir);
  const r = run(dir, args);
  expect(r.status, r.stderr + r.stdout).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(snapshot(dir)).toEqual(before);
}

const services = (dir: string, file: string): string[] =>
  Object.keys((parseYaml(readFileSync(join(dir, file), 'utf8')) as { services: Record<string, unknown> }).services);

const composeConfig = (dir: string): { status: number | null; stderr: string } =>
  spawnSync('docker', ['compose', 'config', '-q'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });

describe('an existing compose file', () => {
  it('compose.yml with redis and a worker gets web and db in it; no compose.yaml beside it', async () => {
    const dir = project('compose-yml-redis-worker');
    const theirs = readFileSync(join(dir, 'compose.yml'), 'utf8');
    const r = run(dir, ['--yes', '--python', '3.11', '--debian', 'bookworm']);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'compose.yaml'))).toBe(false);
    expect(services(dir, 'compose.yml')).toEqual(['redis', 'worker', 'web', 'db']);
    // Their part of the file is byte for byte what it was, comments included.
    expect(readFileSync(join(dir, 'compose.yml'), 'utf8').startsWith(theirs.split('\nvolumes:')[0]!)).toBe(true);
    expect(r.stderr + r.stdout).toMatch(/merged\s+compose\.yml .*added to your services \(redis, worker\)/);
    // Their worker and broker run Celery already: no second worker, no second broker.
    expect(r.stderr + r.stdout).toContain(
      'Note: Celery: compose.yml already runs redis, worker, so no worker or broker is added; worker builds from the generated Dockerfile, whose settings need the variables web gets',
    );
    expect(composeConfig(dir).status, composeConfig(dir).stderr).toBe(0);
    const doctor = await checkProject(dir);
    expect(doctor.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('a re-run replaces only the generated services, in place, and keeps edits to theirs and a service added after ours', () => {
    const dir = project('compose-yml-redis-worker');
    expect(run(dir, ['--yes', '--python', '3.11', '--debian', 'bookworm']).status).toBe(0);
    const path = join(dir, 'compose.yml');
    const edited = readFileSync(path, 'utf8')
      .replace('# the queue survives restarts', '# the queue survives restarts (AOF on)')
      .replace('\nvolumes:\n', '\n  flower:\n    image: mher/flower:2.0\n\nvolumes:\n');
    writeFileSync(path, edited);
    const r = run(dir, ['--port', '8080']);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const after = readFileSync(path, 'utf8');
    expect(after).toContain('(AOF on)');
    expect(services(dir, 'compose.yml')).toEqual(['redis', 'worker', 'web', 'db', 'flower']);
    expect(after).toContain('"${WEB_PORT:-127.0.0.1:8080}:8080"');
    expect(after).not.toContain(':8000"');
    expect(after).not.toContain('<<<<<<<');
    // Switching to SQLite takes the db service and its volume out again, and nothing of theirs.
    expect(run(dir, ['--database', 'sqlite']).status).toBe(0);
    expect(services(dir, 'compose.yml')).toEqual(['redis', 'worker', 'web', 'flower']);
    const volumes = Object.keys((parseYaml(readFileSync(path, 'utf8')) as { volumes: Record<string, unknown> }).volumes);
    expect(volumes).toEqual(['redis-data', 'media', 'sqlite-data']);
  });

  it('docker-compose.yml keeps its own layout (4-space indent) and gets web; compose config accepts it', () => {
    const dir = project('docker-compose-yml');
    expect(run(dir, ['--yes']).status).toBe(0);
    expect(existsSync(join(dir, 'compose.yaml'))).toBe(false);
    const text = readFileSync(join(dir, 'docker-compose.yml'), 'utf8');
    expect(text).toMatch(/^ {4}web:\n {8}build: \.$/m);
    expect(services(dir, 'docker-compose.yml')).toEqual(['mail', 'web']);
    expect(composeConfig(dir).status).toBe(0);
  });

  it('a service of theirs named web or db stops the run with the flag that names ours; the flag makes it work', () => {
    const dir = project('compose-yml-redis-worker');
    writeFileSync(
      join(dir, 'compose.yml'),
      'services:\n  web:\n    build: .\n    command: python manage.py runserver 0.0.0.0:8000\n  db:\n    image: postgres:16\n',
    );
    expectRefused(
      dir,
      ['--yes'],
      // Both names in one line: one more run settles it.
      /^django-docker: compose\.yml already has its own service web \(build \.\): give the generated one another name with --web-service <name>, or rename yours; and compose\.yml already has its own service db \(image postgres:16\): give the generated one another name with --db-service <name>, or rename yours; then run again$/,
    );
    expectRefused(dir, ['--yes', '--web-service', 'django'], /already has its own service db \(image postgres:16\): .*--db-service <name>/);
    const r = run(dir, ['--yes', '--web-service', 'django', '--db-service', 'django-db', '--python', '3.11']);
    expect(r.status, r.stderr).toBe(0);
    // The project has a Celery app and its file no worker: the generated worker and broker come too.
    expect(services(dir, 'compose.yml')).toEqual(['web', 'db', 'django', 'worker', 'django-db', 'redis']);
    const compose = parseYaml(readFileSync(join(dir, 'compose.yml'), 'utf8')) as {
      services: Record<string, { environment?: Record<string, string>; depends_on?: Record<string, unknown> }>;
    };
    expect(compose.services.django!.environment!.DB_HOST).toBe('django-db');
    expect(Object.keys(compose.services.django!.depends_on!)).toEqual(['django-db', 'redis']);
    const saved = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-django-docker'];
    expect([saved.webService, saved.dbService]).toEqual(['django', 'django-db']);
    const readme = readFileSync(join(dir, 'README.Docker.md'), 'utf8');
    expect(readme).toContain('docker compose exec django python manage.py createsuperuser');
    // The development overlay lies over their file and changes the generated service, never their web.
    expect(readme).toContain('docker compose -f compose.yml -f compose.dev.yaml up --build');
    const dev = parseYaml(readFileSync(join(dir, 'compose.dev.yaml'), 'utf8')) as { services: Record<string, unknown> };
    expect(Object.keys(dev.services)).toEqual(['django', 'worker']);
    const merged = spawnSync('docker', ['compose', '-f', 'compose.yml', '-f', 'compose.dev.yaml', 'config', '--format', 'json'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(merged.status, merged.stderr).toBe(0);
    const overlaid = (JSON.parse(merged.stdout) as { services: Record<string, { command: string[] | null }> }).services;
    expect(overlaid.web!.command).toEqual(['python', 'manage.py', 'runserver', '0.0.0.0:8000']);
    expect(overlaid.django!.command!.slice(0, 3)).toEqual(['python', 'manage.py', 'runserver']);
  });

  it('an env_file of theirs that does not exist stops the run in one line naming its example; creating it makes it work', () => {
    const dir = project('compose-yml-sidecar');
    writeFileSync(
      join(dir, 'compose.yml'),
      'services:\n  mail:\n    image: axllent/mailpit:v1.21\n    env_file: .env.mail\n  notes:\n    image: python:3.11-slim-bookworm\n    env_file:\n      - path: .env.notes\n        required: false\n',
    );
    writeFileSync(join(dir, '.env.mail-sample'), 'MP_MAX_MESSAGES=500\n');
    const before = snapshot(dir);
    const r = run(dir, ['--yes', '--python', '3.11']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      'django-docker: compose.yml\'s service mail reads env_file .env.mail, which does not exist, so docker compose refuses the file ("env file … not found"): create it from .env.mail-sample, then run again',
    );
    expect(snapshot(dir)).toEqual(before);
    writeFileSync(join(dir, '.env.mail'), 'MP_MAX_MESSAGES=500\n');
    expect(run(dir, ['--yes', '--python', '3.11']).status).toBe(0);
    expect(composeConfig(dir).status, composeConfig(dir).stderr).toBe(0);
  });

  it("a service of theirs publishing web's host port stops the run in one line; WEB_PORT in .env or --port make it work", async () => {
    const site = (env?: string): string => {
      const dir = project('compose-yml-sidecar');
      writeFileSync(
        join(dir, 'compose.yml'),
        'services:\n  django:\n    build: ./app\n    ports:\n      - "${DJANGO_PORT:-8000}:8000"\n  mail:\n    image: axllent/mailpit:v1.21\n    ports:\n      - 127.0.0.1:8025:8025\n',
      );
      if (env !== undefined) writeFileSync(join(dir, '.env'), env);
      return dir;
    };
    // Web publishes 127.0.0.1:8000; theirs the wildcard 8000, from the variable's default.
    expectRefused(
      site(),
      ['--yes', '--python', '3.11'],
      /^django-docker: compose\.yml's service django publishes host port 8000, which the generated web would publish too \("port is already allocated" at docker compose up\): choose another with --port <n> or WEB_PORT in \.env, or take that mapping out of django, then run again$/,
    );
    for (const [env, args] of [
      ['WEB_PORT=127.0.0.1:8001\n', []],
      [undefined, ['--port', '8001']],
    ] as const) {
      const dir = site(env);
      const r = run(dir, ['--yes', '--python', '3.11', ...args]);
      expect(r.status, r.stderr).toBe(0);
      expect(services(dir, 'compose.yml')).toEqual(['django', 'mail', 'web', 'db']);
      expect(composeConfig(dir).status, composeConfig(dir).stderr).toBe(0);
      const doctor = await checkProject(dir);
      expect(doctor.findings.filter((f) => f.rule === 'host-port-in-use')).toEqual([]);
    }
  });

  it('the port check follows the engine: ranges and the same address clash; udp, another address, a profile or a value in .env do not', () => {
    const ours = 'services:\n  web:\n    build: .\n    ports:\n      - "${WEB_PORT:-127.0.0.1:8000}:8000"\n';
    const merge =
      (ports: string, extra = '', vars: Record<string, string> = {}) =>
      () =>
        mergeComposeServices({
          file: 'compose.yml',
          text: `services:\n  django:\n    build: ./app\n${extra}    ports:\n      - ${ports}\n`,
          ours,
          previous: { services: [], volumes: [] },
          flags: { web: '--web-service' },
          vars: new Map(Object.entries(vars)),
        });
    for (const ports of ['"7990-8010:7990-8010"', '127.0.0.1:8000:8000/tcp', '"0.0.0.0:8000:80"']) {
      expect(merge(ports), ports).toThrow(/^compose\.yml's service django publishes host port 8000, which the generated web/);
    }
    // Each of these coexists with 127.0.0.1:8000/tcp on the engine (checked against it by hand).
    expect(merge('"8000:8000/udp"')).not.toThrow();
    expect(merge('127.0.0.2:8000:8000')).not.toThrow();
    expect(merge('"8000:8000"', '    profiles: [legacy]\n')).not.toThrow();
    expect(merge('"${DJANGO_PORT:-8000}:8000"', '', { DJANGO_PORT: '8100' })).not.toThrow();
    expect(merge('127.0.0.1:8000:8000', '', { WEB_PORT: '127.0.0.2:8000' })).not.toThrow();
  });

  it('the doctor finds the same clashes: the wildcard and loopback on one port, a range over it; not udp', async () => {
    const base = join(fileURLToPath(new URL('../doctor-fixtures/_base/web-postgres', import.meta.url)));
    const clashes = async (ports: string): Promise<string[]> => {
      const dir = join(mkdtempSync(join(tmpdir(), 'dd-ports-')), 'site');
      cpSync(base, dir, { recursive: true });
      const compose = readFileSync(join(dir, 'compose.yaml'), 'utf8').replace(
        '\nvolumes:',
        `  mail:\n    image: axllent/mailpit:v1.21\n    ports:\n      - ${ports}\n\nvolumes:`,
      );
      writeFileSync(join(dir, 'compose.yaml'), compose);
      const r = await checkProject(dir);
      return r.findings.filter((f) => f.rule === 'host-port-in-use').map((f) => f.message);
    };
    expect(await clashes('127.0.0.1:8000:8025')).toEqual([
      'mail publishes host port 8000, which web already publishes (compose.yaml line 5)',
    ]);
    expect(await clashes('"7999-8001:8025-8027"')).toEqual([
      'mail publishes host port 7999-8001, which web already publishes (compose.yaml line 5)',
    ]);
    expect(await clashes('"8000:8025/udp"')).toEqual([]);
    expect(await clashes('127.0.0.1:8025:8025')).toEqual([]);
  });

  it('publishedPorts reads short, long, ranged and interpolated forms as compose does with .env; a bare container port publishes none', () => {
    const doc = parseDocument(
      'ports:\n  - "8000:8000"\n  - 127.0.0.1:5432:5432\n  - "${P:-9000}:80"\n  - "${Q:-9000}:80"\n  - "3000"\n  - target: 80\n    published: "${R:-8080}"\n    host_ip: 127.0.0.1\n  - 53:53/udp\n  - "[::1]:7000-7005:7000-7005"\n',
    );
    expect(publishedPorts(doc.contents, new Map([['Q', '9100']]))).toEqual([
      { protocol: 'tcp', host: '8000', container: 8000 },
      { protocol: 'tcp', hostIp: '127.0.0.1', host: '5432', container: 5432 },
      { protocol: 'tcp', host: '9000', container: 80 },
      { protocol: 'tcp', host: '9100', container: 80 },
      { protocol: 'tcp', container: 3000 },
      { protocol: 'tcp', host: '8080', hostIp: '127.0.0.1' },
      { protocol: 'udp', host: '53', container: 53 },
      { protocol: 'tcp', hostIp: '::1', host: '7000-7005', container: 7000 },
    ]);
  });

  it('hostPortsClash: one protocol, overlapping ports, the same address or a wildcard on either side', () => {
    const p = (text: string): PortSpec => parsePortSpec(text);
    expect(hostPortsClash(p('8000:80'), p('127.0.0.1:8000:8000'))).toBe(true);
    expect(hostPortsClash(p('0.0.0.0:8000:80'), p('[::1]:8000:80'))).toBe(true);
    expect(hostPortsClash(p('7990-8010:80'), p('8000:8000'))).toBe(true);
    expect(hostPortsClash(p('127.0.0.1:8000:80'), p('127.0.0.2:8000:80'))).toBe(false);
    expect(hostPortsClash(p('8000:80/udp'), p('8000:80'))).toBe(false);
    expect(hostPortsClash(p('8001:80'), p('8000:80'))).toBe(false);
    expect(hostPortsClash(p('8000'), p('8000'))).toBe(false);
  });

  it('mergeComposeServices refuses a file that is not YAML with its line', () => {
    expect(() =>
      mergeComposeServices({
        file: 'compose.yml',
        text: 'services:\n  redis:\n    image: [redis\n',
        ours: 'services:\n  web:\n    build: .\n',
        previous: { services: [], volumes: [] },
        flags: { web: '--web-service' },
      }),
    ).toThrow(/^compose\.yml line \d+ is not valid YAML/);
  });
});

describe('an existing .env.example', () => {
  it("keeps all twelve of the user's lines and adds the container's variables below the marker, once", () => {
    const dir = project('env-example-twelve-lines');
    const theirs = readFileSync(join(dir, '.env.example'), 'utf8');
    expect(theirs.trimEnd().split('\n')).toHaveLength(12);
    expect(run(dir, ['--yes']).status).toBe(0);
    const merged = readFileSync(join(dir, '.env.example'), 'utf8');
    expect(merged.startsWith(theirs)).toBe(true);
    const below = merged.slice(merged.indexOf(ENV_MARKER));
    expect(below).toMatch(/^DJANGO_SECRET_KEY=/m);
    // They list DJANGO_ALLOWED_HOSTS already: not repeated.
    expect(merged.match(/^DJANGO_ALLOWED_HOSTS=/gm)).toHaveLength(1);
    // A re-run with another port rewrites only the part below the marker.
    writeFileSync(join(dir, '.env.example'), merged.replace('EMAIL_PORT=1025', 'EMAIL_PORT=2525'));
    expect(run(dir, ['--port', '9000']).status).toBe(0);
    const again = readFileSync(join(dir, '.env.example'), 'utf8');
    expect(again).toContain('EMAIL_PORT=2525');
    expect(again.split(ENV_MARKER)[0]).toBe(theirs.replace('EMAIL_PORT=1025', 'EMAIL_PORT=2525') + '\n');
    expect(again).toContain('http://localhost:9000');
    expect(again.split(ENV_MARKER)).toHaveLength(2);
  });

  it('mergeEnvExample: a file without a marker keeps every byte above ours', () => {
    const theirs = 'A=1\n# note\nB=2';
    const out = mergeEnvExample(theirs, '# head\n\n# why\nA=x\n\n# why c\nC=3\n');
    expect(out).toBe(`A=1\n# note\nB=2\n\n${ENV_MARKER}\n# head\n\n# why c\nC=3\n`);
    expect(mergeEnvExample(out, '# head\n\n# why c\nC=4\n')).toBe(`A=1\n# note\nB=2\n\n${ENV_MARKER}\n# head\n\n# why c\nC=4\n`);
  });
});

describe('a .env that git tracks', () => {
  const git = (dir: string, ...args: string[]): void => {
    const r = spawnSync('git', ['-C', dir, '-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  };

  it('is never written with secrets: one line says to untrack it first, and nothing is written', () => {
    const dir = project('startproject-postgres');
    writeFileSync(join(dir, '.env'), 'DEBUG=1\n');
    git(dir, 'init', '-q');
    git(dir, 'add', '.env', 'manage.py');
    expectRefused(dir, ['--yes', '--force'], /^django-docker: \.env is tracked by git, .*untrack it first \(git rm --cached \.env/);
    // Untracked, the same run goes through.
    git(dir, 'rm', '-q', '--cached', '.env');
    const r = run(dir, ['--yes', '--force']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toMatch(/^DJANGO_SECRET_KEY=[A-Za-z0-9_-]{50}$/m);
  });
});

describe('two projects side by side', () => {
  it('under --yes, refuses in one line that names --project; --project picks one', () => {
    const dir = project('two-projects');
    expectRefused(
      dir,
      ['--yes'],
      /^django-docker: 2 Django projects here \(site_a\/manage\.py, site_b\/manage\.py\): choose one with --project site_a \(or --project site_b\)$/,
    );
    expectRefused(
      dir,
      ['--yes', '--project', 'site_c'],
      /--project site_c: there is no site_c\/manage\.py; folders with a manage\.py: site_a, site_b/,
    );
    const r = run(dir, ['--yes', '--project', 'site_a']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain('COPY site_a/ /app');
    // Saved: a re-run without the flag keeps the choice.
    const again = run(dir, ['--yes']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr + again.stdout).toMatch(/nothing to change/);
  });
});

describe('a settings module named from a variable without a default', () => {
  it('refuses in one line naming the variable and --settings-module; --settings-module builds on that module', async () => {
    const dir = project('settings-fstring-src');
    const managePy = join(dir, 'src/manage.py');
    writeFileSync(managePy, readFileSync(managePy, 'utf8').replace(`os.getenv('DJANGO_ENV', 'development')`, `os.environ['DJANGO_ENV']`));
    expectRefused(
      dir,
      ['--yes'],
      /^django-docker: src\/manage\.py line 8 names DJANGO_SETTINGS_MODULE from DJANGO_ENV, which has no default there: pass --settings-module <module> \(the settings the container builds on, such as config\.settings\.production\), or give it a default$/,
    );
    expectRefused(
      dir,
      ['--yes', '--settings-module', 'config.settings.staging'],
      /^django-docker: --settings-module config\.settings\.staging: no such module under src/,
    );
    expectRefused(
      dir,
      ['--yes', '--settings-module', 'config/settings'],
      /^django-docker: --settings-module config\/settings is not a dotted Python module/,
    );
    const r = run(dir, ['--yes', '--settings-module', 'config.settings.development']);
    expect(r.status, r.stderr).toBe(0);
    // As given, not the production module beside it; the container module sits in that package.
    expect(readFileSync(join(dir, 'src/config/settings/container.py'), 'utf8')).toMatch(/^from config\.settings\.development import \*/m);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toMatch(/DJANGO_SETTINGS_MODULE=config\.settings\.container$/m);
    expect((await checkProject(dir)).findings.filter((f) => f.severity !== 'info')).toEqual([]);
    // Saved: a re-run without the flag keeps the choice.
    const again = run(dir, ['--yes']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr + again.stdout).toMatch(/nothing to change/);
  });
});

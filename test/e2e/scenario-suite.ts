/**
 * One describe block per generated scenario: generate with the CLI into a temp folder, build
 * and start with `docker compose up --wait`, then check what a user gets through
 * 127.0.0.1:<published port>, and what the image and containers look like.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Cookies,
  describeRun,
  docker,
  generateScenario,
  http,
  probe,
  readDotenv,
  removeDir,
  Stack,
  waitFor,
  type HttpResponse,
  type Verdict,
} from './harness.ts';

export interface ScenarioSpec {
  /** folder under test/scenarios */
  scenario: string;
  /** the container port the answers give (default 8000) */
  port: number;
  /** uid / user name the answers ask for; when absent the uid is only required to be numeric and not 0 */
  uid?: number;
  user?: string;
  database: 'sqlite' | 'postgres' | 'mysql' | 'mariadb' | 'none';
  /** the project's own answer on `/`: 200, or 404 for a project without a view there */
  rootStatus: number;
  /** whether the project installs django.contrib.admin (login page, admin CSS); default true */
  admin?: boolean;
  /**
   * How data is written through Django and read back after `down` + `up`: a superuser made with
   * createsuperuser, then an admin login through the published port; a row added with the notes
   * app's /notes/add/<text>/ and listed on /; a superuser read back with `manage.py shell`;
   * or nothing, for a project without a database.
   */
  persistence: 'admin-login' | 'notes' | 'shell-user' | 'none';
  /** flags added to the scenario's answers.json, e.g. another Python where the scenario's is not at hand */
  extraAnswers?: Record<string, string | boolean>;
  /** when set, this machine cannot run the scenario: the tests are skipped with this reason in their titles */
  skip?: string;
  /** Checks of the scenario's own, run on the started stack after the common ones. */
  extraChecks?: Array<{ name: string; run: (stack: Stack, url: string) => Promise<void> }>;
}

const MIN = 60_000;
/** Each check is bounded by its own child-process timeouts; this is the outer limit. */
const check = (name: string, fn: () => unknown): void => {
  it(name, fn as () => Promise<void>, 6 * MIN);
};
const skipCheck = (name: string, fn: () => unknown): void => {
  it.skip(`${name} — the project has no django.contrib.admin`, fn as () => Promise<void>);
};

interface Ctx {
  dir: string;
  root: string;
  stack: Stack;
  verdict: Verdict;
  upStartedAt: number;
  url: string;
}

export function scenarioSuite(spec: ScenarioSpec): void {
  const extra = spec.extraAnswers
    ? ` with ${Object.entries(spec.extraAnswers)
        .map(([k, v]) => `--${k} ${v}`)
        .join(' ')}`
    : '';
  const title = `${spec.scenario}${extra} (${spec.database}, port ${spec.port})${spec.skip ? ` — skipped: ${spec.skip}` : ''}`;
  const d = spec.skip ? describe.skip : describe;
  d(title, () => {
    let ctx: Ctx | undefined;
    let root: string | undefined;
    let stack: Stack | undefined;

    /** The stack came up and answered; later checks need it. */
    const need = (): Ctx => {
      if (!ctx) throw new Error('the scenario was not generated and started (see the first test)');
      if (ctx.verdict.stage !== 'ok') throw new Error(`the stack did not come up: stopped at ${ctx.verdict.stage}: ${ctx.verdict.detail}`);
      return ctx;
    };

    beforeAll(async () => {
      const gen = await generateScenario(spec.scenario, spec.extraAnswers);
      root = gen.root;
      stack = new Stack(gen.dir, spec.scenario, spec.port);
      const upStartedAt = Date.now();
      // A project without a view at / is probed on the admin login page instead.
      const verdict = await probe(stack, { path: spec.rootStatus === 200 ? '/' : '/admin/login/', waitSeconds: 240 });
      ctx = { dir: gen.dir, root: gen.root, stack, verdict, upStartedAt, url: verdict.url ?? '' };
    }, 25 * MIN);

    afterAll(async () => {
      await stack?.destroy();
      removeDir(root);
    }, 5 * MIN);

    check('builds, starts healthy with `up --wait`, and answers through 127.0.0.1:<published port>', () => {
      expect(ctx, 'beforeAll did not finish').toBeDefined();
      const v = ctx!.verdict;
      expect(v.stage, `${v.detail}\n--- logs\n${v.logs.slice(-4000)}`).toBe('ok');
      expect(v.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    });

    const admin = spec.admin ?? true;
    check(`GET / answers ${spec.rootStatus}${admin ? ' and GET /admin/login/ answers 200 with a login form' : ''}`, async () => {
      const { url } = need();
      const home = await http(`${url}/`);
      expect(home.status, home.text.slice(0, 500)).toBe(spec.rootStatus);
      if (!admin) return;
      const login = await http(`${url}/admin/login/`);
      expect(login.status, login.text.slice(0, 500)).toBe(200);
      expect(login.text).toContain('csrfmiddlewaretoken');
    });

    (admin ? check : skipCheck)('serves the admin CSS that collectstatic put in the image (WhiteNoise, DEBUG off)', async () => {
      const { url, stack } = need();
      const css = await http(`${url}/static/admin/css/base.css`);
      expect(css.status).toBe(200);
      expect(String(css.headers['content-type'])).toMatch(/^text\/css/);
      expect(css.body.length).toBeGreaterThan(1000);
      expect(css.text).toMatch(/body\s*\{/);
      // DEBUG really is off in the container, so it is not Django's debug static view answering.
      const debug = await stack.exec([
        'python',
        'manage.py',
        'shell',
        '-c',
        'from django.conf import settings; print("DEBUG", settings.DEBUG)',
      ]);
      expect(debug.stdout, describeRun('shell', debug)).toContain('DEBUG False');
    });

    check(`runs as ${spec.uid ? `uid ${spec.uid}` : 'a numeric uid'}${spec.user ? ` (${spec.user})` : ''}, not root`, async () => {
      const { stack } = need();
      const s = await stack.state();
      expect(s).toBeDefined();
      const m = /^(\d+)(?::(\d+))?$/.exec(s!.user);
      expect(m, `docker inspect .Config.User is "${s!.user}", not a numeric uid[:gid]`).not.toBeNull();
      const uid = Number(m![1]);
      expect(uid).not.toBe(0);
      if (spec.uid !== undefined) expect(uid).toBe(spec.uid);
      // The server itself (PID 1 after the entrypoint's exec) runs with that uid.
      const status = await stack.exec(['cat', '/proc/1/status']);
      const real = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status.stdout);
      expect(real, describeRun('cat /proc/1/status', status)).not.toBeNull();
      expect(Number(real![1])).toBe(uid);
      expect(Number(real![2])).toBe(uid);
      const cmdline = await stack.exec(['cat', '/proc/1/cmdline']);
      expect(cmdline.stdout.replace(/\0/g, ' ')).toMatch(/gunicorn|uvicorn/);
      if (spec.user) {
        const name = await stack.exec(['id', '-un']);
        expect(name.stdout.trim()).toBe(spec.user);
      }
    });

    check('the healthcheck reaches healthy', async () => {
      const { stack } = need();
      const health = await waitFor(async () => ((await stack.state())?.health === 'healthy' ? 'healthy' : undefined), 90_000, 2_000);
      const s = await stack.state();
      expect(health, `health is ${s?.health}`).toBe('healthy');
    });

    check(`the image exposes ${spec.port} and compose publishes that same container port`, async () => {
      const { stack } = need();
      const s = await stack.state();
      expect(s!.exposedPorts).toEqual([`${spec.port}/tcp`]);
      const url = await stack.url(stack.service, spec.port);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    });

    if (spec.database === 'postgres' || spec.database === 'mysql' || spec.database === 'mariadb') {
      check('the database was healthy before the web container started', async () => {
        const { stack, upStartedAt } = need();
        const r = await docker([
          'events',
          '--since',
          String(Math.floor(upStartedAt / 1000) - 1),
          '--until',
          String(Math.ceil(Date.now() / 1000)),
          '--filter',
          `label=com.docker.compose.project=${stack.project}`,
          '--filter',
          'type=container',
          '--format',
          '{{json .}}',
        ]);
        expect(r.code, describeRun('docker events', r)).toBe(0);
        const events = r.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { Action: string; timeNano: number; Actor: { Attributes: Record<string, string> } });
        const first = (service: string, action: string): number | undefined =>
          events.find((e) => e.Actor.Attributes['com.docker.compose.service'] === service && e.Action === action)?.timeNano;
        const dbHealthy = first('db', 'health_status: healthy');
        const webStart = first('web', 'start');
        expect(dbHealthy, `no db health event in ${events.map((e) => e.Action).join(', ')}`).toBeDefined();
        expect(webStart, 'no web start event').toBeDefined();
        expect(dbHealthy!).toBeLessThan(webStart!);
        expect((await stack.state())!.restartCount).toBe(0);
      });

      check('migrations are applied (showmigrations lists none unapplied)', async () => {
        const { stack } = need();
        const r = await stack.exec(['python', 'manage.py', 'showmigrations', '--plan']);
        expect(r.code, describeRun('showmigrations', r)).toBe(0);
        const lines = r.stdout.split('\n').filter((l) => /^\[[ X]\]/.test(l.trim()));
        expect(lines.length).toBeGreaterThan(10);
        expect(lines.filter((l) => l.trim().startsWith('[ ]'))).toEqual([]);
        expect(r.stdout).toMatch(/\[X\]\s+auth\.0001_initial/);
      });
    }

    if (spec.persistence === 'notes') {
      check('a row written through Django is read back through the published port', async () => {
        const { url } = need();
        const text = `e2e-${randomBytes(4).toString('hex')}`;
        const added = await http(`${url}/notes/add/${text}/`);
        expect(added.status, added.text.slice(0, 500)).toBe(200);
        expect(added.text.trim()).toMatch(/^\d+$/);
        const listed = await http(`${url}/`);
        expect(listed.status).toBe(200);
        expect(listed.text.split('\n')).toContain(text);
      });
    }

    if (spec.database === 'sqlite') {
      check('the SQLite file sits on a named volume owned by the app user', async () => {
        const { stack } = need();
        const r = await stack.exec([
          'python',
          'manage.py',
          'shell',
          '-c',
          'import os; from django.conf import settings; n = str(settings.DATABASES["default"]["NAME"]); d = os.path.dirname(n); print("PATH", n); print("OWNER", os.stat(d).st_uid, os.stat(n).st_uid, os.getuid())',
        ]);
        expect(r.code, describeRun('shell', r)).toBe(0);
        const path = /^PATH (\S+)$/m.exec(r.stdout)?.[1];
        const owner = /^OWNER (\d+) (\d+) (\d+)$/m.exec(r.stdout);
        expect(path, r.stdout).toBeDefined();
        expect(owner, r.stdout).not.toBeNull();
        expect(owner![1]).toBe(owner![3]);
        expect(owner![2]).toBe(owner![3]);
        const s = await stack.state();
        const dir = path!.slice(0, path!.lastIndexOf('/'));
        const mount = s!.mounts.find((m) => m.Destination === dir);
        expect(mount, `mounts: ${JSON.stringify(s!.mounts)}`).toBeDefined();
        expect(mount!.Type).toBe('volume');
      });
    }

    check('`python manage.py check --deploy` with the production environment reports no error-level issue', async () => {
      const { stack } = need();
      const r = await stack.exec(['python', 'manage.py', 'check', '--deploy']);
      const out = r.stdout + r.stderr;
      expect(out, describeRun('check --deploy', r)).toMatch(/System check identified/);
      const ids = [...out.matchAll(/\(([a-z0-9_.]+)\.([CEWID])(\d{3})\)/gi)].map((m) => ({
        id: `${m[1]}.${m[2]}${m[3]}`,
        level: m[2]!.toUpperCase(),
      }));
      const errors = ids.filter((i) => i.level === 'E' || i.level === 'C').map((i) => i.id);
      expect(errors, out).toEqual([]);
      expect(out).not.toMatch(/^ERRORS:/m);
      expect(r.code, out).toBe(0);
      const warnings = ids.filter((i) => i.level === 'W').map((i) => i.id);
      console.log(`${spec.scenario}: check --deploy warnings: ${warnings.join(', ') || 'none'}`);
    });

    check('no secret value from the generated .env is in `docker history --no-trunc` or the image config', async () => {
      const { stack, dir } = need();
      const env = readDotenv(join(dir, '.env'));
      const secrets = [...env].filter(([k]) => /SECRET|PASSWORD|TOKEN|_KEY$/.test(k));
      expect(secrets.length).toBeGreaterThan(0);
      const s = await stack.state();
      // The DB administrator password reaches only the DB service, never the web container.
      const db =
        spec.database === 'postgres' || spec.database === 'mysql' || spec.database === 'mariadb' ? await stack.state('db') : undefined;
      for (const [name, value] of secrets) {
        expect(value.length, `${name} in .env is too short to search for`).toBeGreaterThanOrEqual(16);
        // The value searched for is the one a running container really uses (the DB service
        // reads it under its own name, MARIADB_ROOT_PASSWORD).
        if (name === 'DB_ROOT_PASSWORD')
          expect(
            db?.env.some((e) => e.endsWith(`_ROOT_PASSWORD=${value}`)),
            name,
          ).toBe(true);
        else expect(s!.env).toContain(`${name}=${value}`);
      }
      if (env.has('DB_ROOT_PASSWORD')) expect(s!.env.some((e) => e.startsWith('DB_ROOT_PASSWORD='))).toBe(false);
      const history = await docker(['history', '--no-trunc', s!.image]);
      expect(history.code, describeRun('docker history', history)).toBe(0);
      expect(history.stdout.split('\n').length).toBeGreaterThan(5);
      const config = await docker(['image', 'inspect', s!.image]);
      expect(config.code).toBe(0);
      for (const [name, value] of secrets) {
        expect(history.stdout.includes(value), `${name} is in docker history`).toBe(false);
        expect(config.stdout.includes(value), `${name} is in the image config`).toBe(false);
      }
      // .env itself is not in the code folder of the image.
      const dotenv = await stack.exec(['sh', '-c', 'test -e .env && echo PRESENT || echo ABSENT']);
      expect(dotenv.stdout.trim()).toBe('ABSENT');
    });

    for (const extra of spec.extraChecks ?? []) {
      check(extra.name, async () => {
        const { stack, url } = need();
        await extra.run(stack, url);
      });
    }

    check(
      `\`docker compose down\` takes under 5 s${spec.persistence === 'none' ? ', and it serves again after up' : ', and data written through Django survives down + up'}`,
      async () => {
        const { stack, url: oldUrl } = need();
        const username = `e2e-${randomBytes(3).toString('hex')}`;
        const password = randomBytes(12).toString('hex');
        const note = `kept-${randomBytes(4).toString('hex')}`;
        if (spec.persistence === 'admin-login' || spec.persistence === 'shell-user') {
          const r = await stack.exec(
            ['python', 'manage.py', 'createsuperuser', '--noinput', '--username', username, '--email', `${username}@example.invalid`],
            {
              env: { DJANGO_SUPERUSER_PASSWORD: password },
            },
          );
          expect(r.code, describeRun('createsuperuser', r)).toBe(0);
        } else if (spec.persistence === 'notes') {
          const added = await http(`${oldUrl}/notes/add/${note}/`);
          expect(added.status).toBe(200);
        }

        // The one timed check: signals reach the server, so no 10 s stop timeout.
        const down = await stack.down();
        expect(down.code, describeRun('docker compose down', down)).toBe(0);
        expect(down.ms, `docker compose down took ${down.ms} ms`).toBeLessThan(5_000);
        expect(await stack.containerId()).toBeUndefined();

        const up = await stack.up(240);
        expect(up.code, describeRun('docker compose up (again)', up)).toBe(0);
        const url = await stack.url();
        expect(url).toBeDefined();
        ctx!.url = url!;

        if (spec.persistence === 'admin-login') {
          const { post, admin } = await adminLogin(url!, username, password);
          expect(post.status, post.text.slice(0, 800)).toBe(302);
          expect(String(post.headers.location)).toBe('/admin/');
          expect(admin.status).toBe(200);
          expect(admin.text).toContain(username);
        } else if (spec.persistence === 'shell-user') {
          const r = await stack.exec([
            'python',
            'manage.py',
            'shell',
            '-c',
            `from django.contrib.auth import get_user_model; u = get_user_model().objects.get(username="${username}"); print("FOUND", u.check_password("${password}"))`,
          ]);
          expect(r.stdout, describeRun('shell', r)).toContain('FOUND True');
        } else if (spec.persistence === 'notes') {
          const listed = await http(`${url}/`);
          expect(listed.status).toBe(200);
          expect(listed.text.split('\n')).toContain(note);
        } else {
          const home = await http(`${url}/`);
          expect(home.status).toBe(spec.rootStatus);
        }
      },
    );

    check('the web logs hold no Python traceback', async () => {
      const { stack } = need();
      const logs = await stack.logs('web');
      expect(logs).not.toMatch(/Traceback \(most recent call last\)/);
    });
  });
}

/** Logs in through the admin form as a browser would: GET the form, POST it with the CSRF token and cookie. */
async function adminLogin(url: string, username: string, password: string): Promise<{ post: HttpResponse; admin: HttpResponse }> {
  const jar = new Cookies();
  const form = await http(`${url}/admin/login/?next=/admin/`);
  expect(form.status).toBe(200);
  jar.take(form);
  const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(form.text)?.[1];
  expect(token, 'no CSRF token in the login form').toBeDefined();
  expect(jar.get('csrftoken'), 'no csrftoken cookie').toBeDefined();
  const body = new URLSearchParams({ csrfmiddlewaretoken: token!, username, password, next: '/admin/' }).toString();
  const post = await http(`${url}/admin/login/?next=/admin/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': String(Buffer.byteLength(body)),
      Cookie: jar.header(),
      Origin: url,
      Referer: `${url}/admin/login/`,
    },
    body,
  });
  jar.take(post);
  const admin = await http(`${url}/admin/`, { headers: { Cookie: jar.header() } });
  return { post, admin };
}

// compose.dev.yaml: the development server on the bind-mounted code. A view changed on the host
// answers with its new text without a rebuild; the production file and image are untouched.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, docker, generateScenario, http, removeDir, run, Stack, waitFor } from './harness.ts';

const MIN = 60_000;

describe('empty-sqlite with compose.dev.yaml: edit a view, see it served, no rebuild', () => {
  let dev: Stack | undefined;
  let root: string | undefined;
  let dir = '';
  let url: string | undefined;
  let imageBefore = '';

  beforeAll(async () => {
    const gen = await generateScenario('empty-sqlite');
    root = gen.root;
    dir = gen.dir;
    dev = new Stack(dir, 'devloop', 8000, { files: ['compose.yaml', 'compose.dev.yaml'] });
    const built = await dev.build();
    if (built.code !== 0) throw new Error(describeRun('docker compose build', built));
    const up = await dev.up(180);
    if (up.code !== 0) throw new Error(describeRun('docker compose up', up));
    url = await dev.url();
    imageBefore = (await dev.state())?.image ?? '';
  }, 10 * MIN);

  afterAll(async () => {
    await dev?.destroy();
    removeDir(root);
  }, 5 * MIN);

  it(
    'runs the development server with DEBUG on, as the image uid, on the mounted code',
    async () => {
      const s = await dev!.state();
      expect(s?.user).toBe('10001:10001');
      expect(s?.mounts.some((m) => m.Type === 'bind' && m.Destination === '/app')).toBe(true);
      const cmd = await dev!.exec(['cat', '/proc/1/cmdline']);
      expect(cmd.stdout.replace(/\0/g, ' ')).toMatch(/manage\.py runserver 0\.0\.0\.0:8000/);
      const debug = await dev!.exec([
        'python',
        'manage.py',
        'shell',
        '-c',
        'from django.conf import settings; print("DEBUG", settings.DEBUG)',
      ]);
      expect(debug.stdout, describeRun('shell', debug)).toContain('DEBUG True');
      // The image's collected static files are still there: the mount did not hide them.
      const css = await http(`${url}/static/admin/css/base.css`);
      expect(css.status).toBe(200);
    },
    3 * MIN,
  );

  it(
    'a changed view answers with its new text within seconds, from the same image',
    async () => {
      const first = await http(`${url}/`);
      expect(first.status).toBe(200);
      expect(first.text).toContain('Django is running in a container.');
      const views = join(dir, 'empty_sqlite', 'views.py');
      writeFileSync(
        views,
        readFileSync(views, 'utf8').replace('Django is running in a container.', 'Changed on the host, served at once.'),
      );
      const changed = await waitFor(
        async () => {
          const r = await http(`${url}/`).catch(() => undefined);
          return r?.status === 200 && r.text.includes('Changed on the host, served at once.') ? r : undefined;
        },
        30_000,
        500,
      );
      expect(changed, 'the new text never came').toBeDefined();
      const s = await dev!.state();
      expect(s?.image).toBe(imageBefore);
      expect(s?.restartCount).toBe(0);
    },
    3 * MIN,
  );

  it(
    'compose.yaml alone still runs the production server with DEBUG off and no bind mount',
    async () => {
      const r = await run(
        'docker',
        ['compose', '--project-directory', dir, '-f', join(dir, 'compose.yaml'), 'config', '--format', 'json'],
        {
          cwd: dir,
          timeoutMs: MIN,
        },
      );
      expect(r.code, describeRun('config', r)).toBe(0);
      const web = (
        JSON.parse(r.stdout) as {
          services: { web: { command?: unknown; volumes: Array<{ type: string }>; environment: Record<string, string> } };
        }
      ).services.web;
      expect(web.command ?? null).toBeNull();
      expect(web.volumes.every((v) => v.type === 'volume')).toBe(true);
      expect(web.environment.DJANGO_DEBUG).toBe('0');
      // The image does not hold compose.dev.yaml, so editing it does not change the build.
      const ls = await docker(['run', '--rm', '--entrypoint', 'ls', imageBefore, '-a', '/app']);
      expect(ls.stdout).not.toContain('compose.dev.yaml');
    },
    3 * MIN,
  );
});

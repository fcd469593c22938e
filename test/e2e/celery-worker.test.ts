// Celery in the requirements: a worker from the same image, Redis as the broker with a
// healthcheck, everything gated on health. A view queues a task; the worker writes the row
// through the shared database; / lists it. Where pip cannot install Celery with its
// dependencies from the configured index, those checks are skipped and the title says why; the
// generated compose file is still validated and its Redis service started and checked healthy.
//
// No Redis image can be pulled here, so a stand-in is built for the generated tag from the
// Python stand-in and Debian's redis-server (bookworm's 7.0, not 7.4: a server of the same
// protocol, as the offline kit's python images are Debian's Python). It is removed afterwards.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, docker, generateScenario, http, removeDir, Stack, waitFor } from './harness.ts';
import { REDIS_IMAGE } from '../../generators/generate/services.ts';

const MIN = 60_000;
const STAND_IN_LABEL = 'org.generator-django-docker.stand-in=redis';

/** Builds a Redis stand-in under the generated tag when the engine has no such image. True if built here. */
async function redisStandIn(): Promise<boolean> {
  if ((await docker(['image', 'inspect', REDIS_IMAGE])).code === 0) return false;
  if ((await docker(['pull', '-q', REDIS_IMAGE], 2 * MIN)).code === 0) return false;
  const dir = mkdtempSync(join(tmpdir(), 'dd-redis-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'Dockerfile'),
    [
      'FROM python:3.11-slim-bookworm',
      'RUN apt-get update && apt-get install -y --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/*',
      'RUN mkdir -p /data && chown redis:redis /data',
      'WORKDIR /data',
      'USER redis',
      'EXPOSE 6379',
      'CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/data"]',
      '',
    ].join('\n'),
  );
  const built = await docker(['build', '-q', '--label', STAND_IN_LABEL, '-t', REDIS_IMAGE, dir], 10 * MIN);
  removeDir(dir);
  if (built.code !== 0) throw new Error(describeRun('redis stand-in build', built));
  return true;
}

/** Why pip in the scenario's base image cannot install Celery with its dependencies, or undefined. */
async function celeryNotInstallable(): Promise<string | undefined> {
  const r = await docker(
    ['run', '--rm', 'python:3.11-slim-bookworm', 'pip', 'download', '--quiet', '--dest', '/tmp/w', 'celery==5.6.3', 'redis==8.1.0'],
    3 * MIN,
  );
  if (r.code === 0) return undefined;
  const why = /No matching distribution found for (\S+)/.exec(r.stderr + r.stdout)?.[1];
  return `pip finds no ${why ?? 'celery'} (a dependency of celery 5.6.3) in the package index this machine has`;
}

const noCelery = await celeryNotInstallable();
const withCelery = noCelery ? it.skip : it;
const skipped = noCelery ? ` — skipped: ${noCelery}` : '';

describe('celery-worker: worker and Redis from the generated compose.yaml', () => {
  let stack: Stack | undefined;
  let root: string | undefined;
  let builtStandIn = false;
  let url: string | undefined;

  beforeAll(async () => {
    builtStandIn = await redisStandIn();
    const gen = await generateScenario('celery-worker');
    root = gen.root;
    stack = new Stack(gen.dir, 'celery', 8000);
    const config = await stack.compose(['config', '--quiet'], MIN);
    if (config.code !== 0) throw new Error(describeRun('docker compose config', config));
    if (noCelery) {
      const up = await stack.compose(['up', '-d', '--wait', '--wait-timeout', '60', 'redis'], 2 * MIN);
      if (up.code !== 0) throw new Error(describeRun('docker compose up redis', up));
      return;
    }
    const built = await stack.build();
    if (built.code !== 0) throw new Error(describeRun('docker compose build', built));
    const up = await stack.up(240);
    if (up.code !== 0) throw new Error(`${describeRun('docker compose up --wait', up)}\n${await stack.logs()}`);
    url = await stack.url();
  }, 15 * MIN);

  afterAll(async () => {
    await stack?.destroy();
    removeDir(root);
    if (builtStandIn) await docker(['image', 'rm', '-f', REDIS_IMAGE]);
  }, 5 * MIN);

  it(
    'the broker service starts healthy with the generated healthcheck (redis-cli ping answers PONG)',
    async () => {
      expect((await stack!.state('redis'))?.health).toBe('healthy');
      const ping = await stack!.exec(['redis-cli', 'ping'], { service: 'redis' });
      expect(ping.stdout.trim(), describeRun('redis-cli ping', ping)).toBe('PONG');
    },
    2 * MIN,
  );

  withCelery(
    `redis and the worker are healthy (the worker answers a ping through the broker)${skipped}`,
    async () => {
      const worker = await stack!.state('worker');
      expect(worker?.health).toBe('healthy');
      expect(worker?.user).toBe('10001:10001');
      expect(worker?.env).toContain('CELERY_BROKER_URL=redis://redis:6379/0');
      expect(worker?.env).toContain('DJANGO_MIGRATE=0');
    },
    2 * MIN,
  );

  withCelery(
    `a task queued by a view is run by the worker, which writes to the shared database${skipped}`,
    async () => {
      const queued = await http(`${url}/notes/later/from-the-worker/`);
      expect(queued.status, queued.text).toBe(202);
      const listed = await waitFor(
        async () => {
          const r = await http(`${url}/`).catch(() => undefined);
          return r?.text.includes('from-the-worker') ? r : undefined;
        },
        60_000,
        1_000,
      );
      expect(listed, await stack!.logs('worker')).toBeDefined();
      expect(await stack!.logs('worker')).toMatch(/Task notes\.tasks\.add_note\[[\w-]+\] succeeded/);
    },
    3 * MIN,
  );

  withCelery(`only web migrated: the worker log has no migrations${skipped}`, async () => {
    expect(await stack!.logs('worker')).not.toMatch(/Applying /);
    expect(await stack!.logs('web')).toMatch(/Applying notes\.0001_initial/);
  });
});

/**
 * Plan sections for what grows beyond one web container: where migrations run, the development
 * override, and Celery workers with their broker. Derived from the core plan, so the worker, the
 * migrate service and the development server use the very image, user, port and settings the
 * web service uses.
 */
import type { Answers, MigrateMode } from './answers.ts';
import type { DetectedCelery } from '../project/celery.ts';
import type { EnvVar } from './plan.ts';

export interface MigrationsPlan {
  mode: MigrateMode;
  /** What a release runs once: the compose `migrate` service and the Kubernetes Job. */
  command: string[];
}

export interface DevPlan {
  file: string;
  /** The development server: reloads when the mounted code changes. */
  command: string[];
  /** Host folder mounted over the app folder: the folder the image copies its code from. */
  codeSource: string;
}

export interface BrokerService {
  name: string;
  image: string;
  port: number;
  volume: string;
  dataDir: string;
  healthcheck: string[];
  url: string;
}

export interface WorkersPlan {
  /** `celery -A` target: the module that makes the Celery app. */
  appModule: string;
  worker: { command: string[]; healthcheck: string[] };
  /** Present when django-celery-beat is installed: the schedule lives in the database. */
  beat?: { command: string[] };
  broker: BrokerService;
}

/** Redis for the broker: a full tag, so a rebuild next year gets the same server (base-image-floating-tag). */
export const REDIS_IMAGE = 'redis:7.4-bookworm';

export const MIGRATE_COMMAND = ['python', 'manage.py', 'migrate', '--noinput'];

export function migrationsPlan(answers: Answers, hasDatabase: boolean): MigrationsPlan | undefined {
  return hasDatabase ? { mode: answers.migrate, command: MIGRATE_COMMAND } : undefined;
}

export function devPlan(answers: Answers, sourceDir: string, asgiApp: string | undefined): DevPlan | undefined {
  if (!answers.devCompose) return undefined;
  const command =
    answers.server === 'uvicorn' && asgiApp
      ? ['uvicorn', asgiApp, '--host', '0.0.0.0', '--port', String(answers.port), '--reload']
      : ['python', 'manage.py', 'runserver', `0.0.0.0:${answers.port}`];
  return { file: 'compose.dev.yaml', command, codeSource: sourceDir === '.' ? '.' : `./${sourceDir}` };
}

export function workersPlan(celery: DetectedCelery | undefined, registry: string): WorkersPlan | undefined {
  if (!celery) return undefined;
  const broker: BrokerService = {
    name: 'redis',
    image: `${registry}${REDIS_IMAGE}`,
    port: 6379,
    volume: 'redis-data',
    dataDir: '/data',
    // A LOADING error reply still exits 0, so the answer itself is checked (db-not-ready).
    healthcheck: ['CMD-SHELL', 'redis-cli ping | grep -q PONG'],
    url: 'redis://redis:6379/0',
  };
  const app = celery.appModule;
  return {
    appModule: app,
    worker: {
      command: ['celery', '-A', app, 'worker', '--loglevel=INFO'],
      // The worker answers a ping over the broker only once it consumes tasks.
      healthcheck: ['CMD-SHELL', `celery -A ${app} inspect ping --timeout 5 -d "celery@$$HOSTNAME"`],
    },
    ...(celery.beat
      ? {
          beat: {
            command: ['celery', '-A', app, 'beat', '--loglevel=INFO', '--scheduler', 'django_celery_beat.schedulers:DatabaseScheduler'],
          },
        }
      : {}),
    broker,
  };
}

/** The variables the workers add to the web environment. */
export function workersEnv(workers: WorkersPlan | undefined): EnvVar[] {
  if (!workers) return [];
  return [
    {
      name: 'CELERY_BROKER_URL',
      compose: workers.broker.url,
      why: 'Celery reads the broker from the environment before its settings; the host is the compose service (db-host-localhost)',
    },
  ];
}

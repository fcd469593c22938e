/**
 * plan: every value the files need, derived once from what was detected and answered. Each
 * fact has one owner here and every template reads it from here, so the places that must
 * agree (port, paths, user, module paths, DB host and credentials) agree by construction.
 * The plan is plain data: tests inspect it, templates only lay it out.
 */
import { posix } from 'node:path';
import type { Answers } from './answers.ts';
import {
  DATABASE_TABLE,
  DATABASES,
  type Database,
  type Driver,
  DRIVER_ENGINES,
  serviceEnv,
  type SystemPackages,
} from '../facts/databases.ts';
import { DATA_FOLDER_NAMES, type Detected } from '../project/detect.ts';
import { type EvalResult, strOf, truthy } from '../project/python-eval.ts';
import { type Requirement, type RequirementSet, hasDistribution, normaliseName } from '../project/requirements.ts';
import type { RequirementNeed } from './requirements-merge.ts';
import { checkLockCovers } from '../project/managers.ts';
import { hasCredentials, type OrgConfig, withPlaceholderCredentials } from './org-config.ts';
import { PINS } from '../facts/versions.ts';
import { type DevPlan, devPlan, type MigrationsPlan, migrationsPlan, type WorkersPlan, workersEnv, workersPlan } from './services.ts';
import { type KubernetesPlan, kubernetesPlan } from './kubernetes.ts';
import { fileNotes } from './outputs.ts';
import { placeholderValue, projectEnv, whereOf } from './environment.ts';
import { builderNeeds, djangoToAdd } from './dependencies.ts';
import { DEFAULT_COMPOSE_FILE } from '../project/compose-file.ts';

export const GENERATOR_NAME = 'generator-django-docker';

export interface EnvVar {
  name: string;
  /** Value as compose writes it (with ${VAR:-default} interpolation) */
  compose: string;
  /** Value shown in .env.example; undefined when it is not read from .env */
  example?: string;
  secret?: boolean;
  /** Written commented out: the compose default follows the answers, so a re-run can move it. */
  optional?: boolean;
  /** Read by the image build only (a build argument), not by the running app. */
  buildOnly?: boolean;
  /** Compose passes it only when it is set (`NAME:` with no value): never forced to an empty value. */
  passThrough?: boolean;
  /** Each service sets its own value (DJANGO_MIGRATE): not copied to workers, jobs or manifests. */
  perService?: boolean;
  why: string;
}

export interface DbService {
  name: string;
  image: string;
  port: number;
  dataDir: string;
  volume: string;
  env: Array<[string, string]>;
  healthcheck: string[];
  healthcheckWhy: string;
  imageWhy: string;
}

export interface Plan {
  generator: string;
  answers: Answers;
  project: {
    isNew: boolean;
    /** Compose project and image label: folder name, lower case. */
    name: string;
    /** Python package of a new project, or the project's top package. */
    package: string;
    /** Folder copied into the image, relative to the build context ('.' or 'src'). */
    sourceDir: string;
    /** The same folder as a COPY source ('.' or 'src/'). */
    copySource: string;
    /** Settings module the container uses, and the one it imports. */
    settingsModule: string;
    settingsFile: string;
    baseSettingsModule: string;
    /** `pkg.wsgi:application` as servers want it. */
    wsgiApp: string;
    asgiApp?: string;
  };
  image: { base: string; python: string; debian: string };
  paths: {
    appDir: string;
    venv: string;
    home: string;
    staticRoot: string;
    mediaRoot: string;
    dataDir?: string;
    entrypoint: string;
  };
  user: { name: string; uid: number; gid: number };
  /** Paths the app user must own: written at run time or mounted as volumes. */
  writablePaths: string[];
  /**
   * Local uploads and collected static files, relative to the build context: at the root and
   * beside manage.py (Docker matches .dockerignore lines from the context root only). A Python
   * package of that name is code, so it stays.
   */
  localDataFolders: string[];
  port: number;
  server: { kind: Answers['server']; command: string[]; why: string };
  healthcheck: { host: string; url: string; command: string[] };
  database: {
    value: Database;
    label: string;
    kind: 'server' | 'file' | 'none';
    /** The engines --database takes, for the files that say how to switch. */
    choices: readonly Database[];
    engine?: string;
    /** DATABASES OPTIONS. */
    options?: Array<{ name: string; value: string }>;
    driver?: Driver;
    service?: DbService;
    sqlitePath?: string;
  };
  packages: { builder: string[]; runtime: string[]; builderWhy: string; runtimeWhy: string };
  /**
   * The compose file that holds the services, and the name of the service that runs Django.
   * `previous`: the project's own compose file took our services in an earlier run; these were ours.
   */
  compose: { file: string; web: string; previous?: { file: string; services: string[]; volumes: string[] } };
  /** Lines for the run's summary: why a default was what it was. */
  notes: string[];
  requirements: {
    format: RequirementSet['format'];
    /** The lock manager's own installer, pip-installed into the builder's system Python. */
    installer?: string;
    /**
     * The command that installs into the virtualenv. The builder's own pip does it from outside
     * (`--python`), so the venv needs no pip and the image carries none (about 20 MB less);
     * Poetry keeps pip in the venv, as it may build source distributions there.
     */
    pipInstall: string;
    venvWithPip: boolean;
    entry: string;
    /** Copied before `pip install` so the dependency layer is cached apart from the code. */
    copyFiles: string[];
    /** What the container needs and the project does not have yet. */
    additions: string[];
    /** What an earlier run added; replaced by `additions`. */
    previous: string[];
    /** Distributions the container itself needs (server, static files, driver). */
    needs: string[];
    /**
     * The same needs as the lines the generator writes and manages when the project's own lines
     * do not meet them, with the distributions that do (any postgres driver meets the driver need).
     */
    wanted: RequirementNeed[];
    /** Distributions the project lists in files the generator never edits (its -r includes). */
    listedElsewhere: string[];
    /**
     * Local paths the requirements install (`-e .`, `./pkg`): the builder copies the project to
     * the final image's code folder before pip runs, so an editable install points where the code is.
     */
    localPaths: string[];
    localWhy: string;
  };
  env: EnvVar[];
  /** Builder-stage settings from the organisation config: build arguments and a CA certificate. */
  build: { args: Array<[string, string]>; caCert?: { source: string; target: string } };
  /** Image labels (organisation config), sorted by key. */
  labels: Array<[string, string]>;
  /** A folder of override templates, relative to the project. */
  templatesOverride?: string;
  /** Set only inside the collectstatic RUN: settings read them at import time. */
  buildEnv: Array<[string, string]>;
  /** django-compressor in offline mode: the build also runs `manage.py compress`, whose manifest the pages need. */
  compressOffline: boolean;
  volumes: Array<{ name: string; target: string; why: string }>;
  migrateOnStart: boolean;
  /** Where migrations run; absent without a database. */
  migrations?: MigrationsPlan;
  /** compose.dev.yaml: the development server on the mounted code. */
  dev?: DevPlan;
  /** Celery worker (and beat) and their broker, when the project uses Celery. */
  workers?: WorkersPlan;
  /** k8s/: the same setup as Kubernetes manifests. */
  kubernetes?: KubernetesPlan;
  /** README.Docker.md's "What each file does", one item per file (from the output table). */
  fileNotes: string[];
}

function serverCommand(answers: Answers, wsgiApp: string, asgiApp: string | undefined): Plan['server'] {
  const bind = `0.0.0.0:${answers.port}`;
  if (answers.server === 'uvicorn') {
    return {
      kind: 'uvicorn',
      command: ['uvicorn', asgiApp!, '--host', '0.0.0.0', '--port', String(answers.port)],
      why: 'uvicorn serves the ASGI app; it reads WEB_CONCURRENCY for its worker count',
    };
  }
  return {
    kind: 'gunicorn',
    command: ['gunicorn', wsgiApp, '--bind', bind, '--access-logfile', '-', '--worker-tmp-dir', '/dev/shm'],
    why: 'gunicorn reads WEB_CONCURRENCY for its worker count; /dev/shm keeps worker heartbeats off the overlay filesystem',
  };
}

/** The known driver a requirement is, in any family: `psycopg[pool]` is plain psycopg. */
function driverOf(r: Requirement, drivers: readonly Driver[]): Driver | undefined {
  return (
    drivers.find((d) => d.name === r.key) ??
    drivers.find((d) => d.name === r.name && r.extras.length === 0) ??
    (r.name === 'psycopg' ? drivers.find((d) => d.name === 'psycopg') : undefined)
  );
}

/** The drivers we know the packages of, for an engine. */
function driversOf(database: Database): readonly Driver[] {
  const row = DATABASE_TABLE[database];
  return row.kind === 'server' ? row.drivers : [];
}

function chooseDriver(database: Database, reqs: RequirementSet | undefined): { driver?: Driver; add?: string } {
  const drivers = driversOf(database);
  if (drivers.length === 0) return {};
  // Never add a second driver: the project's own wins, and its needs decide the system packages.
  for (const r of reqs?.requirements ?? []) {
    const found = driverOf(r, drivers);
    if (found) return { driver: found };
  }
  const first = drivers[0]!;
  return { driver: first, add: first.requirement };
}

/** Base names of a family's drivers: any of them in the project meets the driver need. */
function driverNames(drivers: readonly Driver[]): string[] {
  return [...new Set(drivers.map((d) => d.name.split('[')[0]!))];
}

const BUILD_SECRET_KEY = 'collectstatic-only-not-a-secret';

/**
 * django-compressor with COMPRESS_OFFLINE on: every `{% compress %}` block is looked up in the
 * manifest `manage.py compress` writes, and a page whose block is missing is a 500 once DEBUG is off.
 * An offline setting read from the environment counts when its default is on.
 */
export function compressesOffline(settings: EvalResult): boolean {
  const apps = settings.names.get('INSTALLED_APPS')?.value;
  if (apps?.k !== 'list' || !apps.items.some((item) => strOf(item) === 'compressor')) return false;
  const offline = settings.names.get('COMPRESS_OFFLINE')?.value;
  return truthy(offline?.k === 'env' ? offline.default : offline) === true;
}

/** What a compose value gives when .env does not set the variable: its default; undefined when it is required (set, unknown). */
function composeValue(value: string): string | undefined {
  if (!value.includes('${')) return value;
  const m = /^\$\{\w+:-([^}]*)\}$/.exec(value);
  return m ? m[1] : undefined;
}

/** The database URL of this setup, in compose syntax: the same DB_* values the DB service reads. */
function databaseUrl(database: Plan['database'], env: readonly EnvVar[]): string {
  const value = (name: string): string => env.find((e) => e.name === name)?.compose ?? '';
  if (database.service) {
    const row = DATABASE_TABLE[database.value];
    const scheme = row.urlSchemes[0]!.replace(/\*$/, '');
    return `${scheme}://${value('DB_USER')}:${value('DB_PASSWORD')}@${database.service.name}:${database.service.port}/${value('DB_NAME')}`;
  }
  if (database.sqlitePath) return `sqlite:///${database.sqlitePath}`;
  return 'sqlite://:memory:';
}

export function buildPlan(detected: Detected, answers: Answers, org: OrgConfig = {}): Plan {
  const registry = org.registry ?? '';
  const isNew = detected.kind === 'new';
  const pkg = isNew ? answers.projectName : detected.settingsModule.split('.')[0]!;
  const sourceDir = isNew ? '.' : detected.sourceDir;
  const baseSettingsModule = isNew ? `${pkg}.settings` : detected.baseSettingsModule;
  const baseFile = isNew ? `${pkg}/settings.py` : detected.baseSettingsFile;
  // Next to the settings it imports: settings.py → settings_container.py; a settings package
  // (settings/production.py, or the settings in settings/__init__.py) → container.py in it.
  const packageInit = !isNew && baseFile.endsWith('/__init__.py');
  const inPackage = packageInit || (!isNew && /\/settings\/[^/]+\.py$/.test(baseFile));
  const settingsModule = inPackage
    ? `${packageInit ? baseSettingsModule : baseSettingsModule.split('.').slice(0, -1).join('.')}.container`
    : `${baseSettingsModule
        .split('.')
        .slice(0, -1)
        .concat(`${baseSettingsModule.split('.').at(-1)}_container`)
        .join('.')}`;
  const settingsFile = posix.join(posix.dirname(baseFile), inPackage ? 'container.py' : `${posix.basename(baseFile, '.py')}_container.py`);
  const wsgiModule = isNew ? `${pkg}.wsgi` : detected.wsgiModule;
  const wsgiApp = `${wsgiModule}:${isNew ? 'application' : detected.wsgiAttribute}`;
  const asgiApp = isNew ? `${pkg}.asgi:application` : detected.asgiModule ? `${detected.asgiModule}:${detected.asgiAttribute}` : undefined;

  const appDir = '/app';
  const paths: Plan['paths'] = {
    appDir,
    venv: '/opt/venv',
    home: `/home/${answers.user}`,
    staticRoot: '/srv/static',
    mediaRoot: '/srv/media',
    entrypoint: '/usr/local/bin/docker-entrypoint.sh',
  };
  const table = DATABASE_TABLE[answers.database];
  if (table.kind === 'file') paths.dataDir = '/srv/data';

  const reqs = detected.kind === 'existing' ? detected.requirements : undefined;
  const { driver, add: driverAdd } = chooseDriver(answers.database, reqs);
  const drivers = driversOf(answers.database);
  // Nothing installs Django (startproject writes no requirements file): the version that made the project.
  const django = djangoToAdd(detected);
  const wanted: RequirementNeed[] = [
    ...(django ? [{ line: django.requirement, metBy: ['django', ...django.metBy] }] : []),
    { line: answers.server === 'uvicorn' ? PINS.uvicorn : PINS.gunicorn, metBy: [answers.server] },
    { line: PINS.whitenoise, metBy: ['whitenoise'] },
    ...(drivers.length ? [{ line: drivers[0]!.requirement, metBy: driverNames(drivers) }] : []),
  ];
  const needs = [answers.server === 'uvicorn' ? PINS.uvicorn : PINS.gunicorn, PINS.whitenoise, ...(driverAdd ? [driverAdd] : [])];
  const additions = isNew
    ? [PINS.django[answers.django], ...needs]
    : [
        ...(django ? [django.requirement] : []),
        ...needs.filter((line) => !reqs || !hasDistribution(reqs, normaliseName(line.split(/[=<>~![]/)[0]!))),
      ];
  const notes = django ? [django.why] : [];
  const special = builderNeeds(reqs);
  // Drivers the project lists for another database keep their system packages: pip builds them and
  // Python may load them, whatever the settings use.
  const otherDrivers = (reqs?.requirements ?? [])
    .map((r) => driverOf(r, DRIVER_ENGINES.flatMap(driversOf)))
    .filter((d): d is Driver => d !== undefined && d !== driver);
  const systemDrivers: SystemPackages[] = [
    ...new Set([...(driver ? [driver] : []), ...otherDrivers]),
    ...(table.kind === 'server' && table.systemPackages ? [table.systemPackages] : []),
  ];

  const database: Plan['database'] = { value: answers.database, label: table.label, kind: table.kind, choices: DATABASES };
  const env: EnvVar[] = [
    {
      name: 'DJANGO_SECRET_KEY',
      compose: '${DJANGO_SECRET_KEY:?set DJANGO_SECRET_KEY in .env (see .env.example)}',
      example: 'change-me-to-50-random-characters',
      secret: true,
      why: 'required: compose stops with this message when it is missing (secret-key-missing)',
    },
    { name: 'DJANGO_DEBUG', compose: '${DJANGO_DEBUG:-0}', example: '0', why: 'off unless set to 1/true/yes/on (debug-env-truthy)' },
    {
      name: 'DJANGO_ALLOWED_HOSTS',
      compose: '${DJANGO_ALLOWED_HOSTS:-localhost,127.0.0.1}',
      example: 'localhost,127.0.0.1',
      why: 'comma-separated host names, no scheme or port (allowed-hosts-missing)',
    },
    {
      name: 'DJANGO_CSRF_TRUSTED_ORIGINS',
      compose: `\${DJANGO_CSRF_TRUSTED_ORIGINS:-http://localhost:${answers.port},http://127.0.0.1:${answers.port}}`,
      example: `http://localhost:${answers.port},http://127.0.0.1:${answers.port}`,
      optional: true,
      why: 'comma-separated origins with scheme, and port when not 80/443 (csrf-origins-no-scheme)',
    },
  ];
  if (table.kind === 'server') {
    const service: DbService = {
      name: answers.dbService ?? 'db',
      image: `${registry}${table.image}:${table.tag(answers.dbVersion)}`,
      port: table.port,
      dataDir: table.dataDir(answers.dbVersion),
      // Named after the engine: after a switch, the new server starts on a volume of its own
      // instead of finding the old engine's files in its data folder.
      volume: `${answers.database}-data`,
      env: [],
      healthcheck: table.healthcheck,
      healthcheckWhy: table.healthcheckWhy,
      imageWhy: table.imageWhy,
    };
    database.engine = table.engine;
    database.options = Object.entries(table.options).map(([name, value]) => ({ name, value }));
    database.service = service;
    if (driver) database.driver = driver;
    env.push(
      { name: 'DB_HOST', compose: service.name, why: 'the DB service name on the compose network (db-host-localhost)' },
      { name: 'DB_PORT', compose: String(table.port), why: 'the DB port inside the compose network; not published on the host' },
      {
        name: 'DB_NAME',
        compose: '${DB_NAME:-app}',
        example: 'app',
        why: 'shared with the DB service, so both read one value (db-credentials-drift)',
      },
      { name: 'DB_USER', compose: '${DB_USER:-app}', example: 'app', why: 'shared with the DB service' },
      {
        name: 'DB_PASSWORD',
        compose: '${DB_PASSWORD:?set DB_PASSWORD in .env (see .env.example)}',
        example: 'change-me',
        secret: true,
        why: 'shared with the DB service; only read when its volume is first created',
      },
    );
    // The DB service reads the very values the web service gets (db-credentials-drift); its
    // administrator password is its own, required from .env.
    service.env = serviceEnv(table).map(([key, name]): [string, string] => [
      key,
      env.find((e) => e.name === name)?.compose ?? `\${${name}:?set ${name} in .env (see .env.example)}`,
    ]);
  } else if (table.kind === 'file') {
    database.engine = table.engine;
    database.sqlitePath = `${paths.dataDir}/db.sqlite3`;
  }
  env.push({
    name: 'WEB_CONCURRENCY',
    compose: '${WEB_CONCURRENCY:-2}',
    example: '2',
    why: 'worker processes; each holds a copy of the app in memory (gunicorn-worker-timeout)',
  });
  // What the container settings and the entrypoint read besides: set in .env, they reach the app.
  env.push(
    {
      name: 'DJANGO_LOG_LEVEL',
      compose: '${DJANGO_LOG_LEVEL:-INFO}',
      example: 'INFO',
      optional: true,
      why: 'level of the root logger, whose output docker compose logs shows',
    },
    {
      name: 'DJANGO_SECURE_SSL_REDIRECT',
      compose: '${DJANGO_SECURE_SSL_REDIRECT:-0}',
      example: '0',
      optional: true,
      why: 'redirect to HTTPS: only behind a TLS proxy that sets X-Forwarded-Proto (ssl-redirect-loop)',
    },
    {
      name: 'DJANGO_SECURE_COOKIES',
      compose: '${DJANGO_SECURE_COOKIES:-0}',
      example: '0',
      optional: true,
      why: 'Secure session and CSRF cookies: only when the site is served over HTTPS (secure-cookies-over-http)',
    },
    {
      name: 'DJANGO_HSTS_SECONDS',
      compose: '${DJANGO_HSTS_SECONDS:-0}',
      example: '0',
      optional: true,
      why: 'Strict-Transport-Security max-age; start small, browsers remember it',
    },
  );
  // With release migrations compose gives web DJANGO_MIGRATE=0 itself: the migrate service runs them.
  if (table.kind !== 'none' && answers.migrate !== 'release')
    env.push({
      name: 'DJANGO_MIGRATE',
      compose: '${DJANGO_MIGRATE:-1}',
      example: '1',
      optional: true,
      perService: true,
      why: 'the entrypoint applies migrations at start unless this is 0 (when a release job migrates instead)',
    });

  // A compose file of the project's own that already runs Celery keeps its worker and broker:
  // generated ones beside them would be a second worker on another broker.
  const theirCelery = detected.kind === 'existing' && detected.celery ? (detected.projectCompose?.celery ?? []) : [];
  const workers = theirCelery.length ? undefined : workersPlan(detected.kind === 'existing' ? detected.celery : undefined, registry);
  if (detected.kind === 'existing' && detected.projectCompose && theirCelery.length) {
    const own = detected.projectCompose;
    const here = theirCelery.filter((n) => own.buildHere.includes(n));
    notes.push(
      `Celery: ${own.file} already runs ${theirCelery.join(', ')}, so no worker or broker is added${here.length ? `; ${here.join(', ')} build${here.length === 1 ? 's' : ''} from the generated Dockerfile, whose settings need the variables web gets` : ''}`,
    );
  }
  // The project's own settings: what import needs in the container, from the reader.
  const ownEnv =
    detected.kind === 'existing'
      ? projectEnv(
          detected.settings,
          new Map<string, string | undefined>([
            ['DJANGO_SETTINGS_MODULE', settingsModule],
            ...[...env, ...workersEnv(workers)].map((e): [string, string | undefined] => [e.name, composeValue(e.compose)]),
          ]),
          new Map([
            ['DJANGO_SETTINGS_MODULE', settingsModule],
            ['DJANGO_SECRET_KEY', BUILD_SECRET_KEY],
          ]),
          answers.database,
        )
      : { required: [], optional: [], build: [] };
  const projectVars: EnvVar[] = [];
  for (const need of ownEnv.required) {
    const where = whereOf(need.access);
    if (need.databaseUrl) {
      projectVars.push({
        name: need.name,
        compose: databaseUrl(database, env),
        why: `the project's settings parse it as a database URL (${where}): built from the DB_* values, so it names the database this setup runs`,
      });
    } else {
      projectVars.push({
        name: need.name,
        compose: `\${${need.name}:?set ${need.name} in .env: the project's settings need it (${where})}`,
        example: need.secret ? 'change-me' : placeholderValue(need),
        secret: need.secret,
        why: `the project's settings cannot import without it (${where})${need.secret ? '' : '; replace this placeholder with the real value'} (secret-key-missing)`,
      });
    }
  }
  for (const o of ownEnv.optional) {
    projectVars.push({
      name: o.name,
      compose: '',
      passThrough: true,
      example: o.default ?? '',
      optional: true,
      why: `read by the project's settings (${o.where}) ${o.because}: passed to the app only when set here`,
    });
  }
  // Before WEB_CONCURRENCY, as the first variables the user may have to fill in.
  env.splice(
    env.findIndex((e) => e.name === 'WEB_CONCURRENCY'),
    0,
    ...projectVars.filter((v) => !v.passThrough),
  );
  env.push(...projectVars.filter((v) => v.passThrough));

  const dbSecrets = table.kind === 'server' && table.account.root ? ['DB_ROOT_PASSWORD'] : [];
  const volumes: Plan['volumes'] = [{ name: 'media', target: paths.mediaRoot, why: 'uploaded files outlive the container' }];
  if (paths.dataDir)
    volumes.unshift({ name: 'sqlite-data', target: paths.dataDir, why: 'the SQLite file and its journal live here, outside the image' });

  const writablePaths = [paths.staticRoot, paths.mediaRoot, ...(paths.dataDir ? [paths.dataDir] : [])];
  const dataNamedPackages = detected.kind === 'existing' ? (detected.dataNamedPackages ?? []) : [];
  const localDataFolders = [...new Set(['.', sourceDir])]
    .flatMap((dir) => DATA_FOLDER_NAMES.map((name) => posix.join(dir, name)))
    .filter((folder) => !dataNamedPackages.includes(folder));

  // Version-control tools for git+ URLs are build-only: pip clones in the builder.
  const builder = [...new Set([...systemDrivers.flatMap((d) => d.builderPackages), ...special.vcsPackages])].sort();
  const runtime = [...new Set(systemDrivers.flatMap((d) => d.runtimePackages))].sort();
  const why = (pick: (d: SystemPackages) => string): string => [...new Set(systemDrivers.map(pick).filter(Boolean))].join('; ');

  const buildEnv: Array<[string, string]> = [['DJANGO_SECRET_KEY', BUILD_SECRET_KEY], ...ownEnv.build];

  const format = reqs?.format ?? 'requirements';
  const entry = reqs?.entry ?? 'requirements.txt';
  const healthUrl = `http://localhost:${answers.port}/`;
  const plan: Plan = {
    generator: GENERATOR_NAME,
    answers,
    project: {
      isNew,
      name:
        detected.folderName
          .toLowerCase()
          .replace(/[^a-z0-9_-]+/g, '-')
          .replace(/^[-_]+/, '') || 'django',
      package: pkg,
      sourceDir,
      copySource: sourceDir === '.' ? '.' : `${sourceDir}/`,
      settingsModule,
      settingsFile,
      baseSettingsModule,
      wsgiApp,
      ...(asgiApp ? { asgiApp } : {}),
    },
    image: { base: `${registry}python:${answers.python}-slim-${answers.debian}`, python: answers.python, debian: answers.debian },
    paths,
    user: { name: answers.user, uid: answers.uid, gid: answers.uid },
    writablePaths,
    localDataFolders,
    port: answers.port,
    server: serverCommand(answers, wsgiApp, asgiApp),
    healthcheck: {
      host: 'localhost',
      url: healthUrl,
      command: [
        'python',
        '-c',
        // Any answer below 500 except 400 means Django is up and accepts this Host; 400 is DisallowedHost.
        `import sys, urllib.request, urllib.error\ntry:\n    code = urllib.request.urlopen("${healthUrl}", timeout=4).status\nexcept urllib.error.HTTPError as e:\n    code = e.code\nsys.exit(0 if code < 500 and code != 400 else 1)`,
      ],
    },
    database,
    packages: {
      builder,
      runtime,
      builderWhy: [why((d) => d.builderWhy), special.vcsWhy].filter(Boolean).join('; '),
      runtimeWhy: why((d) => d.runtimeWhy),
    },
    compose: {
      file: detected.composeFile ?? DEFAULT_COMPOSE_FILE,
      web: answers.webService ?? 'web',
      ...(detected.kind === 'existing' && detected.previousCompose ? { previous: detected.previousCompose } : {}),
    },
    notes,
    requirements: {
      format,
      ...(format === 'uv' || format === 'poetry' || format === 'pipenv' ? { installer: PINS[format] } : {}),
      pipInstall: format === 'poetry' ? 'pip install' : `pip --python ${paths.venv}/bin/python install`,
      venvWithPip: format === 'poetry',
      entry,
      copyFiles: reqs?.files ?? ['requirements.txt'],
      additions,
      previous: detected.kind === 'existing' ? detected.previousAdditions : [],
      // What the container itself runs, whoever put it in the requirements.
      needs: [answers.server, 'whitenoise', ...(driver ? [driver.name] : [])],
      wanted,
      listedElsewhere: [...new Set((reqs?.requirements ?? []).filter((r) => r.file !== reqs?.entry).map((r) => r.name))].sort(),
      localPaths: special.localPaths,
      localWhy: special.localWhy,
    },
    env: [
      ...env,
      ...dbSecrets.map((name): EnvVar => ({
        name,
        compose: '',
        example: 'change-me-too',
        secret: true,
        why: 'the DB server administrator password; Django never uses it',
      })),
      ...workersEnv(workers),
      ...(org.pipIndexUrl && hasCredentials(org.pipIndexUrl)
        ? [
            {
              name: 'PIP_INDEX_URL',
              compose: '',
              example: withPlaceholderCredentials(org.pipIndexUrl),
              secret: true,
              buildOnly: true,
              why: 'the package index URL with its credentials: compose passes it to the build from here, never from a committed file',
            },
          ]
        : []),
    ],
    build: {
      // Compose values: an index URL with credentials has no default here, it comes from .env only.
      args: [
        ...(org.pipIndexUrl
          ? [
              [
                'PIP_INDEX_URL',
                hasCredentials(org.pipIndexUrl)
                  ? '${PIP_INDEX_URL:?set PIP_INDEX_URL in .env: the package index URL with its credentials}'
                  : `\${PIP_INDEX_URL:-${org.pipIndexUrl}}`,
              ] as [string, string],
            ]
          : []),
        ...(org.pipTrustedHost ? [['PIP_TRUSTED_HOST', `\${PIP_TRUSTED_HOST:-${org.pipTrustedHost}}`] as [string, string]] : []),
      ],
      ...(org.caCert ? { caCert: { source: org.caCert, target: '/usr/local/share/ca-certificates/organisation-ca.crt' } } : {}),
    },
    labels: Object.entries(org.labels ?? {}).sort(([a], [b]) => a.localeCompare(b)),
    ...(org.templates ? { templatesOverride: org.templates } : {}),
    buildEnv,
    compressOffline: detected.kind === 'existing' && compressesOffline(detected.settings.symbolic),
    volumes,
    migrateOnStart: table.kind !== 'none',
    fileNotes: [],
  };
  const migrations = migrationsPlan(answers, table.kind !== 'none');
  if (migrations) plan.migrations = migrations;
  const dev = devPlan(answers, sourceDir, asgiApp);
  if (dev) plan.dev = dev;
  if (workers) plan.workers = workers;
  const kubernetes = kubernetesPlan(plan);
  if (kubernetes) plan.kubernetes = kubernetes;
  plan.fileNotes = fileNotes(plan);
  return plan;
}

/** Plans the generator must not write: a lock manager whose lock lacks what the container runs. */
export function checkPlan(plan: Plan): void {
  const { format, additions } = plan.requirements;
  if (format === 'uv' || format === 'poetry' || format === 'pipenv') checkLockCovers(format, additions);
}

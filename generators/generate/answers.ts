/**
 * answers: the questions, their flags, their defaults (from what detect found) and their
 * validation. One table serves the prompts, the flags, `--help` and the saved config.
 */
import { type Database, DATABASES, DATABASE_TABLE, DEFAULT_DATABASE, hasVersion } from '../facts/databases.ts';
import type { Detected } from '../project/detect.ts';
import { djangoToAdd } from './dependencies.ts';
import { UsageError } from '../common/errors.ts';
import { TAKEN_IDS, TAKEN_NAMES } from '../facts/base-image.ts';
import { readText } from '../common/read-file.ts';
import { answersProblem, configProblemLine, problemLine } from './validate.ts';
import {
  checkDatabaseVersion,
  checkPython,
  checkRequiresPython,
  checkWheelPins,
  wheelPinBlocking,
  pythonsForLines,
  pythonsForRequires,
} from './compat.ts';
import {
  DEBIAN_CODENAMES,
  type DebianCodename,
  DEFAULT_DEBIAN,
  DEFAULT_DJANGO,
  DEFAULT_PYTHON,
  djangoLine,
  djangoLinesForSpec,
  NEW_PROJECT_DJANGO,
  type NewProjectDjango,
  PYTHON_VERSIONS,
  type PythonVersion,
  pythonRefusal,
  runsOn,
} from '../facts/versions.ts';

export const SERVERS = ['gunicorn', 'uvicorn'] as const;
export type Server = (typeof SERVERS)[number];
/** Where migrations run: in each web container at start, or once per release in a one-shot service. */
export const MIGRATE_MODES = ['start', 'release'] as const;
export type MigrateMode = (typeof MIGRATE_MODES)[number];

export interface Answers {
  python: PythonVersion;
  debian: DebianCodename;
  /** Django line of a new project; existing projects keep their own pin. */
  django: NewProjectDjango;
  database: Database;
  /** Database server major (postgres 17) or major.minor (mysql 8.4). Empty for sqlite/none. */
  dbVersion: string;
  /** The port the server binds in the container; also the default published port. */
  port: number;
  user: string;
  uid: number;
  server: Server;
  /** Python package name of a new project. */
  projectName: string;
  /** Explanatory comments in the generated files (--no-comments turns them off). */
  comments: boolean;
  /** Migrations at web start, or in a one-shot `migrate` service the web service waits for. */
  migrate: MigrateMode;
  /** compose.dev.yaml: the development server on the bind-mounted code. */
  devCompose: boolean;
  /** Kubernetes manifests in k8s/, from the same plan. */
  kubernetes: boolean;
  /** Web pods of the Kubernetes Deployment. */
  replicas: number;
  /** The folder of the project's manage.py, when the folder holds more than one project. */
  project?: string;
  /** The project's settings module the container settings build on, when manage.py's cannot be read. */
  settingsModule?: string;
  /** Names of the generated compose services, when the project's compose file has its own of the default names. */
  webService?: string;
  dbService?: string;
}

export type AnswerKey = keyof Answers;

export interface Question {
  key: AnswerKey;
  flag: string;
  message: string;
  description: string;
  choices?: readonly string[];
  /** Asked only for a new project. */
  newProjectOnly?: boolean;
  /** Not asked; flag or saved config only. */
  flagOnly?: boolean;
  /** A switch: `--flag` turns it on, `--no-flag` off. */
  switch?: boolean;
}

export const QUESTIONS: readonly Question[] = [
  {
    key: 'projectName',
    flag: 'project-name',
    message: 'Python package name of the new project',
    description: 'package name of a new project (default: from the folder name)',
    newProjectOnly: true,
  },
  {
    key: 'django',
    flag: 'django',
    message: 'Django version of the new project',
    description: 'Django line of a new project (default 5.2, the LTS)',
    choices: NEW_PROJECT_DJANGO,
    newProjectOnly: true,
  },
  {
    key: 'python',
    flag: 'python',
    message: 'Python version',
    description: 'Python of the image (default 3.13, or the newest the Django pin allows)',
    choices: PYTHON_VERSIONS,
  },
  {
    key: 'database',
    flag: 'database',
    message: 'Database',
    description: 'database service and driver (default: what the settings use; sqlite for a new project)',
    choices: DATABASES,
  },
  {
    key: 'dbVersion',
    flag: 'db-version',
    message: 'Database server version',
    description: `database image version (default ${DATABASES.flatMap((db) => {
      const row = DATABASE_TABLE[db];
      return row.kind === 'server' ? [`${db} ${row.defaultVersion}`] : [];
    }).join(', ')})`,
    flagOnly: true,
  },
  {
    key: 'server',
    flag: 'server',
    message: 'Application server',
    description: 'gunicorn (WSGI) or uvicorn (ASGI) (default gunicorn, uvicorn when ASGI_APPLICATION is set)',
    choices: SERVERS,
  },
  {
    key: 'port',
    flag: 'port',
    message: 'Port the server listens on in the container',
    description: 'port the server binds in the container, also the published port (default 8000)',
  },
  {
    key: 'user',
    flag: 'user',
    message: 'Name of the non-root user the app runs as',
    description: 'name of the non-root user the app runs as (default app)',
  },
  {
    key: 'uid',
    flag: 'uid',
    message: 'uid/gid of the app user',
    description: 'fixed uid and gid of that user (default 10001)',
    flagOnly: true,
  },
  {
    key: 'comments',
    flag: 'comments',
    message: 'Explain lines with comments',
    description: 'explanatory comments in the files; --no-comments for bare files (default true)',
    choices: ['true', 'false'],
    flagOnly: true,
  },
  {
    key: 'migrate',
    flag: 'migrate',
    message: 'Where migrations run',
    description:
      'start: each web container migrates as it starts (one host); release: a one-shot migrate service runs first, once (default start)',
    choices: MIGRATE_MODES,
    flagOnly: true,
  },
  {
    key: 'devCompose',
    flag: 'dev-compose',
    message: 'Write compose.dev.yaml for development',
    description: 'compose.dev.yaml: the development server on the mounted code, DEBUG on; --no-dev-compose leaves it out (default true)',
    choices: ['true', 'false'],
    flagOnly: true,
    switch: true,
  },
  {
    key: 'kubernetes',
    flag: 'kubernetes',
    message: 'Write Kubernetes manifests',
    description: 'Kubernetes manifests in k8s/ (kustomize) from the same answers (default false)',
    choices: ['true', 'false'],
    flagOnly: true,
    switch: true,
  },
  {
    key: 'replicas',
    flag: 'replicas',
    message: 'Web replicas on Kubernetes',
    description: 'web pods of the Kubernetes Deployment (default 2; 1 with SQLite, which one writer at a time can use)',
    flagOnly: true,
  },
  {
    key: 'project',
    flag: 'project',
    message: 'Which Django project',
    description: 'folder of the manage.py to containerise, when several folders hold one (asked in a terminal)',
    flagOnly: true,
  },
  {
    key: 'settingsModule',
    flag: 'settings-module',
    message: 'Settings module the container builds on',
    description:
      'dotted settings module the container settings import (default: the production module beside the one manage.py names, else that one)',
    flagOnly: true,
  },
  {
    key: 'webService',
    flag: 'web-service',
    message: 'Name of the compose service that runs Django',
    description: 'name of the compose service that runs Django (default web; another when your compose file has its own web)',
    flagOnly: true,
  },
  {
    key: 'dbService',
    flag: 'db-service',
    message: 'Name of the compose service of the database',
    description: 'name of the compose service of the database (default db; another when your compose file has its own db)',
    flagOnly: true,
  },
  {
    key: 'debian',
    flag: 'debian',
    message: 'Debian release of the base image',
    description: 'Debian release of the python base image (default trixie)',
    choices: DEBIAN_CODENAMES,
    flagOnly: true,
  },
];

/** A raw answer as it comes from a flag, the saved config or a prompt. */
export type RawAnswers = Partial<Record<AnswerKey, unknown>>;

function pythonIdentifier(name: string): string {
  const id = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z_][a-z0-9_]*$/.test(id) && !PY_RESERVED.has(id) ? id : 'mysite';
}

// Python keywords, and module names a project package would shadow (as startproject refuses them).
const PY_RESERVED = new Set([
  ...'and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
  ...'django test site os sys re io json email logging types string code random time http html select signal socket queue uuid secrets token typing'.split(
    ' ',
  ),
]);

/**
 * The Django spec the gate checks: the project's pin, the pin the generator adds when nothing
 * installs Django, or the answered line for a new project.
 */
export function djangoSpecOf(detected: Detected, django: NewProjectDjango): { spec: string | undefined; label: string } {
  if (detected.kind === 'new') return { spec: `==${django}.*`, label: django };
  const added = djangoToAdd(detected);
  const spec = detected.djangoSpec ?? added?.spec;
  return { spec, label: spec ? spec : '(unpinned)' };
}

/**
 * The Python to default to: 3.13, or the newest one that the Django pin, `requires-python` and
 * every exact pin of a C extension allow; `why` says what ruled the default out, for the summary.
 */
export function pythonDefault(detected: Detected, given: RawAnswers = {}): { python: PythonVersion; why?: string } {
  const django = (NEW_PROJECT_DJANGO as readonly string[]).includes(String(given.django))
    ? (given.django as NewProjectDjango)
    : DEFAULT_DJANGO;
  const { spec, label } = djangoSpecOf(detected, django);
  const byDjango = pythonsForLines(djangoLinesForSpec(spec));
  const requiresPython = detected.kind === 'existing' ? detected.requiresPython : undefined;
  const byRequires = byDjango.filter((p) => pythonsForRequires(requiresPython).includes(p));
  const pins = detected.kind === 'existing' ? (detected.requirements?.requirements ?? []) : [];
  const byPins = byRequires.filter((p) => !wheelPinBlocking(p, pins));
  const pick = (list: readonly PythonVersion[]): PythonVersion | undefined =>
    list.includes(DEFAULT_PYTHON) ? DEFAULT_PYTHON : list.at(-1);
  // The project's own .python-version or runtime.txt wins when every pin allows it.
  const pinned = detected.kind === 'existing' ? byPins.find((p) => p === detected.pythonPin?.version) : undefined;
  const python = pinned ?? pick(byPins) ?? pick(byRequires) ?? pick(byDjango) ?? DEFAULT_PYTHON;
  if (python === DEFAULT_PYTHON || pinned) return { python };
  const blocking = wheelPinBlocking(DEFAULT_PYTHON, pins);
  const reason = !byDjango.includes(DEFAULT_PYTHON)
    ? `Django ${label} does not support Python ${DEFAULT_PYTHON}`
    : !byRequires.includes(DEFAULT_PYTHON)
      ? `pyproject.toml requires Python ${requiresPython}`
      : blocking
        ? `${blocking.requirement.file} line ${blocking.requirement.line} pins ${blocking.requirement.name}==${blocking.pin}, which has no wheel for Python ${DEFAULT_PYTHON} (first: ${blocking.minimum})`
        : undefined;
  return reason ? { python, why: `Python ${python}, the newest every pin allows: ${reason}` } : { python };
}

/** Defaults follow what was detected: the settings' database, the newest Python every pin allows. */
export function defaultAnswers(detected: Detected, given: RawAnswers = {}): Answers {
  const django = (NEW_PROJECT_DJANGO as readonly string[]).includes(String(given.django))
    ? (given.django as NewProjectDjango)
    : DEFAULT_DJANGO;
  const { python } = pythonDefault(detected, given);
  const database: Database = detected.kind === 'existing' ? (detected.database?.value ?? DEFAULT_DATABASE) : DEFAULT_DATABASE;
  const givenDb = (DATABASES as readonly string[]).includes(String(given.database)) ? (given.database as Database) : database;
  const table = DATABASE_TABLE[givenDb];
  return {
    python,
    debian: DEFAULT_DEBIAN,
    django,
    database,
    dbVersion: table.kind === 'server' ? table.defaultVersion : '',
    port: 8000,
    user: 'app',
    uid: 10001,
    server: detected.kind === 'existing' && detected.wantsAsgi ? 'uvicorn' : 'gunicorn',
    projectName: pythonIdentifier(detected.folderName),
    comments: true,
    migrate: 'start',
    devCompose: true,
    kubernetes: false,
    replicas: table.kind === 'file' ? 1 : 2,
  };
}

function oneOf<T extends string>(flag: string, value: unknown, choices: readonly T[]): T {
  const s = String(value).trim().toLowerCase();
  if ((choices as readonly string[]).includes(s)) return s as T;
  throw new UsageError(`--${flag} ${String(value)} is not supported: choose ${choices.join(', ')}`);
}

const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Validate one raw answer; throws a one-line UsageError that says what to pass instead. */
export function validateAnswer<K extends AnswerKey>(key: K, value: unknown): Answers[K] {
  const v = value as string;
  switch (key) {
    case 'python': {
      const s = String(v).trim();
      const refused = pythonRefusal(s);
      if (refused) throw new UsageError(`Python ${s} ${refused}: choose ${PYTHON_VERSIONS.join(', ')}`);
      return oneOf('python', s, PYTHON_VERSIONS) as Answers[K];
    }
    case 'debian':
      return oneOf('debian', v, DEBIAN_CODENAMES) as Answers[K];
    case 'django':
      return oneOf('django', v, NEW_PROJECT_DJANGO) as Answers[K];
    case 'database':
      return oneOf('database', v, DATABASES) as Answers[K];
    case 'server':
      return oneOf('server', v, SERVERS) as Answers[K];
    case 'dbVersion': {
      const s = String(v ?? '').trim();
      if (s !== '' && !/^\d+(\.\d+)?$/.test(s))
        throw new UsageError(`--db-version ${s} is not a version: give a major like 17 or major.minor like 8.4`);
      return s as Answers[K];
    }
    case 'port': {
      const s = String(v).trim();
      const n = Number(s);
      if (!/^\d+$/.test(s) || !Number.isInteger(n) || n < 1 || n > 65535) {
        throw new UsageError(`--port ${s} is not a TCP port: give a number from 1 to 65535, such as 8000`);
      }
      return n as Answers[K];
    }
    case 'user': {
      const s = String(v).trim();
      if (s === 'root') throw new UsageError('--user root defeats the non-root user: choose another name, such as app');
      if (!USER_NAME.test(s))
        throw new UsageError(
          `--user ${s} is not a valid user name: use lower-case letters, digits, - and _, starting with a letter (such as app)`,
        );
      // useradd/groupadd in the image fail on a name its base already has (user-exists).
      if (TAKEN_NAMES.has(s))
        throw new UsageError(`--user ${s} is already a user or group of the python base image: choose another name, such as app`);
      return s as Answers[K];
    }
    case 'uid': {
      const s = String(v).trim();
      const n = Number(s);
      if (!/^\d+$/.test(s) || !Number.isInteger(n)) throw new UsageError(`--uid ${s} is not a number: give a uid such as 10001`);
      if (n === 0) throw new UsageError('--uid 0 is root: give a non-root uid such as 10001');
      if (n < 1000 || n > 600000)
        throw new UsageError(`--uid ${n} is outside 1000–600000: give a uid such as 10001, clear of system accounts`);
      const taken = TAKEN_IDS.get(n);
      if (taken) throw new UsageError(`--uid ${n} is ${taken} in the python base image: give another, such as 10001`);
      return n as Answers[K];
    }
    case 'comments':
    case 'devCompose':
    case 'kubernetes': {
      const flag = QUESTIONS.find((q) => q.key === key)!.flag;
      const s = String(v).trim().toLowerCase();
      if (s === 'true' || s === 'false') return (s === 'true') as Answers[K];
      throw new UsageError(`--${flag} ${String(v)} is not supported: choose true or false (or --no-${flag})`);
    }
    case 'migrate':
      return oneOf('migrate', v, MIGRATE_MODES) as Answers[K];
    case 'replicas': {
      const s = String(v).trim();
      const n = Number(s);
      if (!/^\d+$/.test(s) || n < 1 || n > 100) throw new UsageError(`--replicas ${s} is not a replica count: give a number from 1 to 100`);
      return n as Answers[K];
    }
    case 'project': {
      const s = String(v).trim().replace(/\/+$/, '') || '.';
      if (s.startsWith('/') || s.split('/').includes('..'))
        throw new UsageError(`--project ${s} must be a folder inside this one, such as site_a (the folder that holds its manage.py)`);
      return s as Answers[K];
    }
    case 'settingsModule': {
      const s = String(v).trim();
      if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(s))
        throw new UsageError(`--settings-module ${s} is not a dotted Python module: give one such as config.settings.production`);
      return s as Answers[K];
    }
    case 'webService':
    case 'dbService': {
      const s = String(v).trim();
      // Compose's service-name rule.
      if (!/^[a-z0-9][a-z0-9_.-]*$/.test(s))
        throw new UsageError(
          `--${key === 'webService' ? 'web-service' : 'db-service'} ${s} is not a compose service name: use lower-case letters, digits, -, _ and ., starting with a letter or digit`,
        );
      return s as Answers[K];
    }
    case 'projectName': {
      const s = String(v).trim();
      if (!/^[a-z_][a-z0-9_]*$/.test(s) || PY_RESERVED.has(s)) {
        throw new UsageError(
          `--project-name ${s} is not usable as a Python package: use lower-case letters, digits and _, not a Python keyword or django/test/site`,
        );
      }
      return s as Answers[K];
    }
    default:
      throw new UsageError(`unknown answer ${String(key)}`);
  }
}

/**
 * After a database switch, a server version saved for the old engine that the new one does not
 * have (PostgreSQL 17 for MySQL) gives way to the new engine's default. Drops it from `raw` and
 * returns the line that tells the user; undefined when nothing changed. A version given as a flag
 * in this run is never touched.
 */
export function dropForeignDbVersion(raw: RawAnswers, saved: RawAnswers | undefined, flagged: ReadonlySet<AnswerKey>): string | undefined {
  if (!saved || flagged.has('dbVersion') || raw.dbVersion === undefined || raw.dbVersion === '') return undefined;
  const database = raw.database as Database | undefined;
  if (database === undefined || database === saved.database) return undefined;
  const table = DATABASE_TABLE[database];
  const version = String(raw.dbVersion);
  // sqlite and none have no version: finaliseAnswers clears it.
  if (table.kind !== 'server' || hasVersion(database, version)) return undefined;
  delete raw.dbVersion;
  return `database version ${version} was for ${DATABASE_TABLE[saved.database as Database]?.label ?? String(saved.database)}: ${table.label} gets ${table.defaultVersion}, its default (--db-version to choose another)`;
}

/** After a switch between two database servers: where the old data stays. */
export function databaseSwitchNote(previous: Partial<Answers> | undefined, answers: Answers): string | undefined {
  const before = previous?.database;
  if (!before || before === answers.database) return undefined;
  const [from, to] = [DATABASE_TABLE[before], DATABASE_TABLE[answers.database]];
  if (from?.kind !== 'server' || to.kind !== 'server') return undefined;
  return `${to.label} starts on a volume of its own (${answers.database}-data); ${from.label}'s data stays in ${before}-data until you remove that volume`;
}

/** Validate a full set and run the cross-answer gates (Django ↔ Python, Django ↔ database). */
export function finaliseAnswers(detected: Detected, raw: RawAnswers): Answers {
  const defaults = defaultAnswers(detected, raw);
  const out = { ...defaults } as Record<AnswerKey, unknown>;
  for (const q of QUESTIONS) {
    const value = raw[q.key];
    if (value !== undefined && value !== null && value !== '') out[q.key] = validateAnswer(q.key, value);
  }
  const answers = out as unknown as Answers;
  const table = DATABASE_TABLE[answers.database];
  if (table.kind !== 'server') answers.dbVersion = '';
  else if (!answers.dbVersion) answers.dbVersion = table.defaultVersion;

  const { spec, label } = djangoSpecOf(detected, answers.django);
  const lines = djangoLinesForSpec(spec);
  checkPython(answers.python, lines, label);
  if (detected.kind === 'existing') {
    checkRequiresPython(answers.python, detected.requiresPython, 'pyproject.toml');
    checkWheelPins(answers.python, detected.requirements?.requirements ?? []);
  }
  if (table.kind === 'server') {
    checkDatabaseVersion(answers.database, answers.dbVersion, lines, label);
    // A tag nobody publishes would stop `docker compose up` at the pull.
    if (!hasVersion(answers.database, answers.dbVersion)) {
      throw new UsageError(
        `--db-version ${answers.dbVersion} is not a ${table.label} release with an image: choose ${table.versions.join(', ')} (or a release within one, such as ${table.defaultVersion}.1)`,
      );
    }
  }
  // Several pods cannot share one SQLite file: each node would mount its own copy, or writers lock each other out.
  if (answers.kubernetes && table.kind === 'file' && answers.replicas > 1) {
    throw new UsageError(
      `--replicas ${answers.replicas} with ${table.label}: one ${table.label} file cannot serve several pods; use --replicas 1, or --database ${DATABASES.find((db) => DATABASE_TABLE[db].kind === 'server')}`,
    );
  }
  if (answers.server === 'uvicorn' && detected.kind === 'existing' && !detected.asgiModule) {
    throw new UsageError(
      `--server uvicorn needs an ASGI application, but ${detected.wsgiModule.replace(/wsgi$/, 'asgi')} does not exist: add the asgi.py startproject writes, or use --server gunicorn`,
    );
  }
  return answers;
}

/** Warnings that do not stop generation (an out-of-support Django line, for instance). */
export function answerWarnings(detected: Detected, answers: Answers, today: string): string[] {
  const { spec } = djangoSpecOf(detected, answers.django);
  const lines = djangoLinesForSpec(spec).filter((l) => runsOn(l, answers.python));
  const warnings: string[] = [];
  if (lines.length > 0 && lines.every((l) => l.supportEnds < today.slice(0, 7))) {
    warnings.push(
      `Django ${lines.map((l) => l.line).join('/')} no longer gets security fixes: plan an upgrade to ${djangoLine('5.2')!.line} LTS`,
    );
  }
  const pin = detected.kind === 'existing' ? detected.pythonPin : undefined;
  if (pin && pin.version !== answers.python) {
    warnings.push(
      `the image runs Python ${answers.python}, but ${pin.file} names ${pin.written}${(PYTHON_VERSIONS as readonly string[]).includes(pin.version) ? '' : ', which this generator does not offer'}: keep the two in step`,
    );
  }
  if (answers.debian === 'bookworm') warnings.push('bookworm is Debian oldstable: use trixie unless a package needs bookworm');
  return warnings;
}

/** An answers file, checked: the answers, and organisation settings given with them. */
export interface AnswersFile {
  answers: RawAnswers;
  /** Settings as flags would give them (schema/config.schema.json); checked against the project when it is known. */
  organisation?: Record<string, unknown>;
}

/**
 * An answers file (for platform tooling and `django-docker docs`): a JSON object keyed like
 * .yo-rc.json, exactly as schema/answers.schema.json says (no strings for numbers or booleans).
 * A bad key gets one line naming it and what is allowed.
 */
export function parseAnswersObject(raw: unknown, source: string): AnswersFile {
  const problem = answersProblem(raw);
  if (problem) {
    if (problem.path.startsWith('organisation.')) throw new UsageError(configProblemLine(problem, source, 'organisation.'));
    const q = QUESTIONS.find((x) => x.key === problem.path);
    // The schema says what is wrong with the value; the answer's own check says what to give instead.
    if (q && problem.keyword !== 'type') {
      try {
        validateAnswer(q.key, problem.value);
      } catch (err) {
        throw new UsageError(`${source}: "${q.key}" ${(err as Error).message.replace(/^--[\w-]+ /, '')}`);
      }
    }
    throw new UsageError(problemLine(problem, source, 'an answer'));
  }
  const answers: RawAnswers = {};
  const data = raw as Record<string, unknown>;
  for (const q of QUESTIONS) {
    if (data[q.key] === undefined) continue;
    try {
      answers[q.key] = validateAnswer(q.key, data[q.key]);
    } catch (err) {
      throw new UsageError(`${source}: "${q.key}" ${(err as Error).message.replace(/^--[\w-]+ /, '')}`);
    }
  }
  const organisation = data.organisation as Record<string, unknown> | undefined;
  return { answers, ...(organisation ? { organisation } : {}) };
}

export function readAnswersFile(file: string, shown = file): AnswersFile {
  const text = readText(file, shown, { maxBytes: 1024 * 1024 });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${shown} is not valid JSON (${(err as Error).message.split('\n')[0]}): fix it`);
  }
  return parseAnswersObject(raw, shown);
}

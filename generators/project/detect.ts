/**
 * detect: read the folder and say what project is there. Parses manage.py and the settings
 * modules (following `from .base import *`), finds the WSGI/ASGI application, the database
 * engine, the requirements and the Django pin. Reads only; writes nothing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { type Database, databaseFromEngine, DRIVERS } from '../facts/databases.ts';
import { UsageError } from '../common/errors.ts';
import { type PyModule, type PyValue, dictGet, parsePython, stringOf } from './python-source.ts';
import { type RequirementSet, readPyproject, readRequirementsFile } from './requirements.ts';
import { readState, STATE_DIR } from './state.ts';
import { detectLockManager, readLockManaged } from './managers.ts';

export interface DetectedProject {
  kind: 'existing';
  root: string;
  folderName: string;
  /** Folder holding manage.py, relative to the root ('.' or 'src'); copied to the app dir. */
  sourceDir: string;
  managePy: string;
  /** What manage.py sets DJANGO_SETTINGS_MODULE to. */
  settingsModule: string;
  /** The settings the container settings import: the production module when there is one. */
  baseSettingsModule: string;
  baseSettingsFile: string;
  wsgiModule: string;
  wsgiAttribute: string;
  asgiModule?: string;
  asgiAttribute?: string;
  /** ASGI_APPLICATION is set or an ASGI server is required: the app wants ASGI. */
  wantsAsgi: boolean;
  database?: { value: Database; file: string; line: number };
  requirements?: RequirementSet;
  djangoSpec?: string;
  /** `requires-python` from pyproject.toml */
  requiresPython?: string;
  /** Environment variables the settings read without a default: import fails without them. */
  requiredEnv: string[];
  /** Requirement lines an earlier run added (from the generator's state), swapped on this run. */
  previousAdditions: string[];
}

export interface NewProject {
  kind: 'new';
  root: string;
  folderName: string;
}

export type Detected = DetectedProject | NewProject;

const SKIP_DIRS = new Set([
  '.git',
  'node_modules',
  '.venv',
  'venv',
  'env',
  '.env',
  '__pycache__',
  '.tox',
  '.nox',
  'dist',
  'build',
  'staticfiles',
  'media',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  'site-packages',
  STATE_DIR,
]);

/** Files (relative, posix) up to a small depth, skipping virtualenvs and caches. */
function listFiles(root: string, maxDepth = 4): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && depth < maxDepth) walk(rel, depth + 1);
      } else if (e.isFile()) out.push(rel);
    }
  };
  walk('', 0);
  return out;
}

/** Files a new project may already have without being a project (git, editor, our own config). */
const NEUTRAL_FILES =
  /^(\.git.*|\.yo-rc\.json|django-docker\.config\.json|README(\.\w+)?|LICENSE(\.\w+)?|\.editorconfig|\.env(\.example)?|\.DS_Store)$/i;

const GENERATED_FILES = [
  'Dockerfile',
  '.dockerignore',
  'compose.yaml',
  'docker-compose.yml',
  'docker-compose.yaml',
  'compose.yml',
  '.env.example',
  'README.Docker.md',
  'docker-entrypoint.sh',
];

async function readModule(root: string, file: string): Promise<PyModule> {
  return parsePython(file, readFileSync(join(root, file), 'utf8'));
}

/** Resolve a dotted module to its file under the source dir. */
function moduleFile(root: string, sourceDir: string, module: string): string | undefined {
  const base = posix.join(sourceDir, ...module.split('.'));
  for (const candidate of [`${base}.py`, `${base}/__init__.py`]) {
    const rel = posix.normalize(candidate);
    if (existsSync(join(root, rel))) return rel;
  }
  return undefined;
}

interface SettingsChain {
  assignments: Map<string, { value: PyValue; file: string; line: number }>;
  requiredEnv: string[];
}

/** Read a settings module and, first, everything it star-imports, so later assignments win. */
async function readSettingsChain(root: string, sourceDir: string, module: string, seen = new Set<string>()): Promise<SettingsChain> {
  const chain: SettingsChain = { assignments: new Map(), requiredEnv: [] };
  const file = moduleFile(root, sourceDir, module);
  if (!file || seen.has(file)) return chain;
  seen.add(file);
  const mod = await readModule(root, file);
  const isPackage = file.endsWith('/__init__.py');
  const pkgParts = module.split('.');
  const packageParts = isPackage ? pkgParts : pkgParts.slice(0, -1);
  for (const imp of mod.starImports) {
    const target =
      imp.level === 0
        ? imp.module
        : [...packageParts.slice(0, packageParts.length - (imp.level - 1)), ...(imp.module ? [imp.module] : [])].join('.');
    if (imp.conditional && !moduleFile(root, sourceDir, target)) continue;
    const sub = await readSettingsChain(root, sourceDir, target, seen);
    for (const [k, v] of sub.assignments) chain.assignments.set(k, v);
    chain.requiredEnv.push(...sub.requiredEnv);
  }
  for (const [k, v] of mod.assignments) chain.assignments.set(k, { value: v.value, file, line: v.line });
  chain.requiredEnv.push(...mod.requiredEnv.map((e) => e.name));
  return chain;
}

function splitAppPath(path: string): { module: string; attribute: string } | undefined {
  const i = path.lastIndexOf('.');
  if (i <= 0) return undefined;
  return { module: path.slice(0, i), attribute: path.slice(i + 1) };
}

function findRequirements(root: string, files: string[], ours: readonly string[]): RequirementSet | undefined {
  for (const candidate of ['requirements.txt', 'requirements/production.txt', 'requirements/prod.txt', 'requirements/base.txt']) {
    if (files.includes(candidate)) return readRequirementsFile(root, candidate, ours);
  }
  if (files.includes('pyproject.toml')) return readPyproject(root, 'pyproject.toml', ours);
  return undefined;
}

export async function detect(root: string): Promise<Detected> {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UsageError(`${root} is not a folder: give the project folder (or an empty one for a new project)`);
  }
  const files = listFiles(root);
  const folderName = basename(root);
  const managePys = files
    .filter((f) => basename(f) === 'manage.py')
    .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  const managePy = managePys[0];
  if (!managePy) {
    const projectish = files.filter((f) => !NEUTRAL_FILES.test(basename(f)) && !GENERATED_FILES.includes(f));
    if (projectish.length === 0) return { kind: 'new', root, folderName };
    throw new UsageError(
      `no Django project here: ${root} has files but no manage.py; run in the folder that holds manage.py, or in an empty folder to start a new project`,
    );
  }
  const sourceDir = dirname(managePy) === '.' ? '.' : dirname(managePy);

  const manage = await readModule(root, managePy);
  const setdefault = manage.calls.find((c) => c.callee.endsWith('environ.setdefault') && stringOf(c.args[0]) === 'DJANGO_SETTINGS_MODULE');
  const settingsModule = stringOf(setdefault?.args[1]);
  if (!settingsModule) {
    throw new UsageError(
      `${managePy} does not set DJANGO_SETTINGS_MODULE: add os.environ.setdefault("DJANGO_SETTINGS_MODULE", "<package>.settings") as startproject writes it`,
    );
  }
  const settingsFile = moduleFile(root, sourceDir, settingsModule);
  if (!settingsFile) {
    throw new UsageError(
      `${managePy} points DJANGO_SETTINGS_MODULE at ${settingsModule}, but no such module exists under ${sourceDir}: fix manage.py`,
    );
  }

  // A settings package with a production module: the container builds on that one.
  let baseSettingsModule = settingsModule;
  const pkgParts = settingsModule.split('.');
  const packageModule = settingsFile.endsWith('/__init__.py') ? settingsModule : pkgParts.slice(0, -1).join('.');
  const packageDir = settingsFile.endsWith('/__init__.py') ? dirname(settingsFile) : dirname(settingsFile);
  if (existsSync(join(root, packageDir, '__init__.py'))) {
    for (const name of ['production', 'prod']) {
      if (existsSync(join(root, packageDir, `${name}.py`)) && packageModule.split('.').length >= 2) {
        baseSettingsModule = `${packageModule}.${name}`;
        break;
      }
    }
  }
  const baseSettingsFile = moduleFile(root, sourceDir, baseSettingsModule)!;

  const chain = await readSettingsChain(root, sourceDir, baseSettingsModule);
  const topPackage = settingsModule.split('.')[0]!;

  const wsgiPath = stringOf(chain.assignments.get('WSGI_APPLICATION')?.value) ?? `${topPackage}.wsgi.application`;
  const wsgi = splitAppPath(wsgiPath);
  if (!wsgi || !moduleFile(root, sourceDir, wsgi.module)) {
    throw new UsageError(
      `WSGI_APPLICATION is ${wsgiPath}, but ${wsgi?.module ?? wsgiPath} is not a module under ${sourceDir}: fix the setting or add the wsgi.py startproject writes`,
    );
  }
  const asgiSetting = stringOf(chain.assignments.get('ASGI_APPLICATION')?.value);
  const asgiGuess = asgiSetting ?? `${wsgi.module.replace(/wsgi$/, 'asgi')}.application`;
  const asgi = splitAppPath(asgiGuess);
  const asgiExists = asgi && moduleFile(root, sourceDir, asgi.module);

  const previousAdditions = readState(root).addedRequirements;
  // A lock file means its manager owns the dependencies: uv, Poetry or Pipenv, never pip's files.
  const manager = detectLockManager(files);
  const requirements = manager ? readLockManaged(root, manager) : findRequirements(root, files, previousAdditions);

  let database: DetectedProject['database'];
  const databases = chain.assignments.get('DATABASES');
  const engine = stringOf(dictGet(dictGet(databases?.value, 'default'), 'ENGINE'));
  if (engine && databases) {
    const value = databaseFromEngine(engine);
    if (value === 'unsupported') {
      throw new UsageError(
        `${databases.file} line ${databases.line} uses ${engine}: supported databases are postgres, mysql, mariadb and sqlite`,
      );
    }
    database = { value, file: databases.file, line: databases.line };
  } else if (requirements) {
    // Settings read the database from a URL or the environment: the driver tells which one.
    const names = new Set(requirements.requirements.map((r) => r.name));
    const req = requirements.requirements.find(
      (r) => DRIVERS.postgres.some((d) => d.name.split('[')[0] === r.name) || names.has('mysqlclient'),
    );
    if (req) database = { value: req.name === 'mysqlclient' ? 'mysql' : 'postgres', file: req.file, line: req.line };
  }

  const django = requirements?.requirements.find((r) => r.name === 'django');
  const serverNames = new Set(requirements?.requirements.map((r) => r.name) ?? []);

  return {
    kind: 'existing',
    root,
    folderName,
    sourceDir,
    managePy,
    settingsModule,
    baseSettingsModule,
    baseSettingsFile,
    wsgiModule: wsgi.module,
    wsgiAttribute: wsgi.attribute,
    ...(asgi && asgiExists ? { asgiModule: asgi.module, asgiAttribute: asgi.attribute } : {}),
    wantsAsgi: Boolean(asgiSetting) || serverNames.has('uvicorn') || serverNames.has('daphne'),
    ...(database ? { database } : {}),
    ...(requirements ? { requirements } : {}),
    ...(django ? { djangoSpec: django.spec } : {}),
    ...(requirements?.requiresPython ? { requiresPython: requirements.requiresPython } : {}),
    requiredEnv: [...new Set(chain.requiredEnv)].sort(),
    previousAdditions,
  };
}

/**
 * detect: read the folder and say what project is there. Parses manage.py and the settings
 * modules (following `from .base import *`), finds the WSGI/ASGI application, the database
 * engine, the requirements and the Django pin. Reads only; writes nothing.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { SourceParseError, UsageError } from '../common/errors.ts';
import { ProjectFiles } from './files.ts';
import {
  managePyCandidates,
  moduleFileIn,
  ProjectSettings,
  projectRequirements,
  settingsModuleOf,
  unresolvedSettingsModule,
} from './loader.ts';
import type { Val } from './python-eval.ts';
import { type RequirementSet } from './requirements.ts';
import { basePath, readState } from './state.ts';
import { type DetectedDatabase, detectDatabase } from './engine.ts';
import { type PythonPin, readPythonPin } from './python-pin.ts';
import { type DetectedCelery, detectCelery } from './celery.ts';
import { findComposeFile, type ProjectCompose, readProjectCompose } from './compose-file.ts';
import { GENERATED_NAMES } from '../generate/outputs.ts';

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
  /** The engine the settings select, preferring the one whose driver the project has (see engine.ts). */
  database?: DetectedDatabase;
  requirements?: RequirementSet;
  djangoSpec?: string;
  /** The Django version startproject names in the settings' header ("using Django 5.2.3"). */
  djangoFromHeader?: { version: string; file: string };
  /** `requires-python` from pyproject.toml */
  requiresPython?: string;
  /** `.python-version` or `runtime.txt`: the Python the project names for itself. */
  pythonPin?: PythonPin;
  /** Celery and the module that makes its app, when the project uses it. */
  celery?: DetectedCelery;
  /** Environment variables import fails without, by the reader's classification of every read. */
  requiredEnv: string[];
  /** The settings the container builds on, as the reader sees them: environment accesses, and what import needs in an environment. */
  settings: ProjectSettings;
  /** Requirement lines an earlier run added (from the generator's state), swapped on this run. */
  previousAdditions: string[];
  /** The compose file `docker compose` reads here, when there is one (ours from an earlier run, or the project's). */
  composeFile?: string;
  /** `media` or `staticfiles` folders at the root or beside manage.py that are Python packages (code, not local data). */
  dataNamedPackages?: string[];
  /** The project's own compose file, as an earlier run merged services into it. */
  previousCompose?: { file: string; services: string[]; volumes: string[] };
  /** The compose file is the project's own (not one the generator wrote whole): its services. */
  projectCompose?: ProjectCompose;
}

export interface NewProject {
  kind: 'new';
  root: string;
  folderName: string;
  composeFile?: string;
}

export type Detected = DetectedProject | NewProject;

export interface DetectOptions {
  /** The folder holding the project's manage.py, when several folders hold one ('.' for the root). */
  project?: string;
  /** The settings module the container settings build on, when manage.py does not name one that can be read. */
  settingsModule?: string;
}

/** Several folders hold a manage.py at the same depth: which one is the project is the user's call. */
export class AmbiguousProjectError extends UsageError {
  constructor(readonly candidates: string[]) {
    super(
      `${candidates.length} Django projects here (${candidates.map((c) => `${c}/manage.py`).join(', ')}): choose one with --project ${candidates[0]}${candidates
        .slice(1)
        .map((c) => ` (or --project ${c})`)
        .join('')}`,
    );
  }
}

/**
 * The manage.py of the project: the shallowest one; several at that depth are several projects
 * (two sites side by side), and the user says which with --project, never a silent pick.
 */
function chooseManagePy(files: ProjectFiles, options: DetectOptions): string | undefined {
  const managePys = managePyCandidates(files);
  if (options.project !== undefined) {
    const wanted = posix.join(posix.normalize(options.project), 'manage.py');
    if (managePys.includes(wanted)) return wanted;
    const found = managePys.map((m) => posix.dirname(m));
    throw new UsageError(
      `--project ${options.project}: there is no ${wanted}${found.length ? `; folders with a manage.py: ${found.join(', ')}` : ''}`,
    );
  }
  const first = managePys[0];
  if (!first) return undefined;
  const depth = first.split('/').length;
  const sameDepth = managePys.filter((m) => m.split('/').length === depth);
  if (sameDepth.length > 1) throw new AmbiguousProjectError(sameDepth.map((m) => posix.dirname(m)));
  return first;
}

/** A settings module the project has, for a refusal's example: a production one when there is one. */
function topGuess(files: ProjectFiles, sourceDir: string): string {
  const prefix = sourceDir === '.' ? '' : `${sourceDir}/`;
  const settings = files
    .all()
    .filter((f) => f.startsWith(prefix) && /(^|\/)settings(\/[^/]+)?\.py$/.test(f.slice(prefix.length)) && !f.endsWith('__init__.py'))
    .map((f) => f.slice(prefix.length, -3).replaceAll('/', '.'))
    .sort((a, b) => Number(/\.prod(uction)?$/.test(b)) - Number(/\.prod(uction)?$/.test(a)) || a.length - b.length);
  return settings[0] ?? 'mysite.settings';
}

const STARTPROJECT_HEADER = /Generated by 'django-admin startproject' using Django (\d+\.\d+(?:\.\d+)?)/;

/**
 * The Django version startproject wrote into the settings' header, from the settings module, the
 * module the container builds on, or another module of a settings package (base.py after a split).
 */
function djangoFromHeader(files: ProjectFiles, settingsFiles: readonly string[]): DetectedProject['djangoFromHeader'] {
  const packageDirs = settingsFiles.filter((f) => f.endsWith('/__init__.py') || /\/settings\/[^/]+\.py$/.test(f)).map((f) => dirname(f));
  const candidates = [...settingsFiles, ...files.all().filter((f) => f.endsWith('.py') && packageDirs.includes(dirname(f)))];
  for (const file of [...new Set(candidates)]) {
    const version = STARTPROJECT_HEADER.exec((files.text(file) ?? '').slice(0, 2000))?.[1];
    if (version) return { version, file };
  }
  return undefined;
}

/**
 * Files a new project may already have without being a project: what `git init` and a code host's
 * "new repository" leave (git files, README.md, LICENSE), an editor's settings, our own config.
 * Exact names: any other file (a readme.txt, an app.py) means the folder is something else.
 */
export const NEUTRAL_FILES =
  /^(\.git.*|\.yo-rc\.json|django-docker\.config\.json|README(\.md|\.rst)?|LICENSE(\.md|\.txt)?|\.editorconfig|\.env(\.example)?|\.DS_Store)$/;

/** Folders Django projects keep local uploads and collected static files in, beside manage.py. */
export const DATA_FOLDER_NAMES = ['media', 'staticfiles'];

/** A string setting, or the default of the variable it is read from. */
function literal(value: Val | undefined): string | undefined {
  if (value?.k === 'str') return value.v;
  if (value?.k === 'env' && value.default?.k === 'str') return value.default.v;
  return undefined;
}

function splitAppPath(path: string): { module: string; attribute: string } | undefined {
  const i = path.lastIndexOf('.');
  if (i <= 0) return undefined;
  return { module: path.slice(0, i), attribute: path.slice(i + 1) };
}

export async function detect(root: string, options: DetectOptions = {}): Promise<Detected> {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UsageError(`${root} is not a folder: give the project folder (or an empty one for a new project)`);
  }
  const files = new ProjectFiles(root);
  const folderName = basename(root);
  const managePy = chooseManagePy(files, options);
  if (!managePy) {
    const projectish = files.all().filter((f) => !NEUTRAL_FILES.test(basename(f)) && !GENERATED_NAMES.has(f));
    if (projectish.length === 0) {
      const composeFile = findComposeFile(root);
      return { kind: 'new', root, folderName, ...(composeFile ? { composeFile } : {}) };
    }
    throw new UsageError(
      `no Django project here: ${root} has files but no manage.py; run in the folder that holds manage.py, or in an empty folder to start a new project`,
    );
  }
  const sourceDir = dirname(managePy);

  let setdefault: Awaited<ReturnType<typeof settingsModuleOf>>;
  try {
    setdefault = await settingsModuleOf(files, managePy);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new SourceParseError(managePy, (err as { line?: number }).line ?? 1, (err as Error).message);
  }
  const settingsModule = options.settingsModule ?? setdefault?.module;
  if (!settingsModule) {
    const unresolved = await unresolvedSettingsModule(files, managePy);
    if (unresolved) {
      const from = unresolved.vars.length
        ? ` from ${unresolved.vars.join(', ')}, which has no default there`
        : ' from a value it cannot read';
      throw new UsageError(
        `${managePy} line ${unresolved.line} names DJANGO_SETTINGS_MODULE${from}: pass --settings-module <module> (the settings the container builds on, such as ${topGuess(files, sourceDir)}), or give it a default`,
      );
    }
    throw new UsageError(
      `${managePy} does not set DJANGO_SETTINGS_MODULE: add os.environ.setdefault("DJANGO_SETTINGS_MODULE", "<package>.settings") as startproject writes it`,
    );
  }
  const settingsFile = moduleFileIn(files, sourceDir, settingsModule);
  if (!settingsFile && options.settingsModule !== undefined) {
    throw new UsageError(
      `--settings-module ${settingsModule}: no such module under ${sourceDir}; give a dotted module such as ${topGuess(files, sourceDir)}`,
    );
  }
  if (!settingsFile) {
    throw new UsageError(
      `${managePy} points DJANGO_SETTINGS_MODULE at ${settingsModule}, but no such module exists under ${sourceDir}: fix manage.py`,
    );
  }

  // A settings package with a production module: the container builds on that one, when it is
  // whole settings (it defines or imports INSTALLED_APPS), not an overlay of a few names that
  // something else composes (the container module would fail on the names it lacks).
  let baseSettingsModule = settingsModule;
  let project: ProjectSettings | undefined;
  const pkgParts = settingsModule.split('.');
  const packageModule = settingsFile.endsWith('/__init__.py') ? settingsModule : pkgParts.slice(0, -1).join('.');
  const packageDir = dirname(settingsFile);
  // A module named with --settings-module is the one the container builds on, as given.
  if (options.settingsModule === undefined && files.isFile(posix.join(packageDir, '__init__.py')) && packageModule.split('.').length >= 2) {
    for (const name of ['production', 'prod']) {
      if (!files.isFile(posix.join(packageDir, `${name}.py`))) continue;
      const candidate = await ProjectSettings.load(files, sourceDir, `${packageModule}.${name}`);
      const broken = candidate?.symbolic.errors[0];
      if (broken) throw new SourceParseError(broken.file, broken.line, broken.message);
      if (candidate?.symbolic.names.has('INSTALLED_APPS')) {
        baseSettingsModule = candidate.module;
        project = candidate;
        break;
      }
    }
  }
  project ??= (await ProjectSettings.load(files, sourceDir, baseSettingsModule))!;
  const baseSettingsFile = project.file;
  const settings = project.symbolic;
  const broken = settings.errors[0];
  if (broken) throw new SourceParseError(broken.file, broken.line, broken.message);
  const topPackage = settingsModule.split('.')[0]!;

  const wsgiPath = literal(settings.names.get('WSGI_APPLICATION')?.value) ?? `${topPackage}.wsgi.application`;
  const wsgi = splitAppPath(wsgiPath);
  if (!wsgi || !moduleFileIn(files, sourceDir, wsgi.module)) {
    throw new UsageError(
      `WSGI_APPLICATION is ${wsgiPath}, but ${wsgi?.module ?? wsgiPath} is not a module under ${sourceDir}: fix the setting or add the wsgi.py startproject writes`,
    );
  }
  const asgiSetting = literal(settings.names.get('ASGI_APPLICATION')?.value);
  const asgiGuess = asgiSetting ?? `${wsgi.module.replace(/wsgi$/, 'asgi')}.application`;
  const asgi = splitAppPath(asgiGuess);
  const asgiExists = asgi && moduleFileIn(files, sourceDir, asgi.module);

  const state = readState(root);
  const previousAdditions = state.addedRequirements;
  // A lock file means its manager owns the dependencies: uv, Poetry or Pipenv, never pip's files.
  const requirements = projectRequirements(files, previousAdditions, sourceDir);

  const database = detectDatabase(project, requirements);

  const django = requirements?.requirements.find((r) => r.name === 'django');
  const pythonPin = readPythonPin(files);
  const celery = await detectCelery(files, sourceDir, requirements);
  const header = djangoFromHeader(files, [...new Set([settingsFile, baseSettingsFile])]);
  const composeFile = findComposeFile(root);
  // Theirs: merged into before (the state says so), or there without a merge base of ours.
  const adopted = composeFile !== undefined && (state.compose?.file === composeFile || !existsSync(join(root, basePath(composeFile))));
  const projectCompose = adopted ? readProjectCompose(root, composeFile, state.compose?.services) : undefined;
  const serverNames = new Set(requirements?.requirements.map((r) => r.name) ?? []);
  const requiredEnv = project.env.filter((v) => v.kind === 'required').map((v) => v.name);
  const dataNamedPackages = [...new Set(['.', sourceDir])]
    .flatMap((dir) => DATA_FOLDER_NAMES.map((name) => posix.join(dir, name)))
    .filter((folder) => files.kind(posix.join(folder, '__init__.py')) === 'file');

  return {
    kind: 'existing',
    root,
    folderName,
    sourceDir,
    managePy,
    ...(dataNamedPackages.length ? { dataNamedPackages } : {}),
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
    ...(header ? { djangoFromHeader: header } : {}),
    ...(requirements?.requiresPython ? { requiresPython: requirements.requiresPython } : {}),
    ...(pythonPin ? { pythonPin } : {}),
    ...(celery ? { celery } : {}),
    requiredEnv: requiredEnv.sort(),
    settings: project,
    previousAdditions,
    ...(composeFile ? { composeFile } : {}),
    ...(state.compose ? { previousCompose: state.compose } : {}),
    ...(projectCompose ? { projectCompose } : {}),
  };
}

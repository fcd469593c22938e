/**
 * The one project loader: which manage.py, which settings module, which requirement files,
 * and the settings evaluated. The generator's detect and the doctor's load both start here,
 * so they agree on what a project is; each adds only what its job needs (the doctor reads
 * the image, the generator refuses what it cannot generate for).
 */
import { posix } from 'node:path';
import { parse as parseToml } from '@decimalturn/toml-patch';
import { type ProjectFiles } from './files.ts';
import type { Tree } from 'web-tree-sitter';
import {
  type EnvAccess,
  type EnvShape,
  type EnvVariable,
  envVariables,
  type EvalResult,
  evaluateModule,
  evaluateWith,
} from './python-eval.ts';
import { pythonParser, settingsModuleDefault } from './python.ts';
import { InputRefused } from '../common/read-file.ts';
import { readPyproject, readRequirementsFile, type Requirement, type RequirementSet } from './requirements.ts';
import { detectLockManager, LOCK_MANAGERS, MANIFEST_TABLES, manifestRequirements, readLockManaged } from './managers.ts';
import { UsageError } from '../common/errors.ts';

/** Every manage.py of the project, the shallowest first (then by path). */
export function managePyCandidates(files: ProjectFiles): string[] {
  return files
    .all()
    .filter((f) => posix.basename(f) === 'manage.py')
    .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}

/**
 * The DJANGO_SETTINGS_MODULE a manage.py (or wsgi.py) sets with setdefault: a literal, or an
 * f-string or name evaluated under `env` (none given: every variable unset, so defaults apply,
 * as `f"config.settings.{os.getenv('DJANGO_ENV', 'development')}"`). Throws `{ line }` on a syntax error.
 */
export async function settingsModuleOf(
  files: ProjectFiles,
  file: string,
  env: ReadonlyMap<string, string | undefined> = new Map(),
): Promise<{ module: string; line: number } | undefined> {
  const text = files.text(file);
  if (text === undefined) return undefined;
  const literal = await settingsModuleDefault(text);
  if (literal) return literal;
  const result = await evaluateModule('__main__', file, {
    read: (f) => (f === file ? text : undefined),
    moduleFile: () => undefined,
    imagePath: (f) => f,
    env,
  });
  const write = result.env.find((a) => a.kind === 'written' && a.name === 'DJANGO_SETTINGS_MODULE' && a.value?.k === 'str');
  return write?.value?.k === 'str' ? { module: write.value.v, line: write.line } : undefined;
}

/**
 * A DJANGO_SETTINGS_MODULE write whose value depends on the environment with no default (an
 * f-string on `os.environ["DJANGO_ENV"]`): its line and the variables read without a default.
 */
export async function unresolvedSettingsModule(files: ProjectFiles, file: string): Promise<{ line: number; vars: string[] } | undefined> {
  const text = files.text(file);
  if (text === undefined) return undefined;
  const result = await evaluateModule('__main__', file, {
    read: (f) => (f === file ? text : undefined),
    moduleFile: () => undefined,
    imagePath: (f) => f,
  });
  const write = result.env.find((a) => a.kind === 'written' && a.name === 'DJANGO_SETTINGS_MODULE');
  if (!write) return undefined;
  // Reads are recorded where a helper is called, not where it reads: every read without a default counts.
  const vars = result.env.filter((a) => a.kind !== 'written' && !a.hasDefault && a.name !== 'DJANGO_SETTINGS_MODULE').map((a) => a.name);
  return { line: write.line, vars: [...new Set(vars)] };
}

/** The file of a dotted module under a source folder: `a/b.py` or `a/b/__init__.py`. */
export function moduleFileIn(files: ProjectFiles, sourceDir: string, module: string): string | undefined {
  const base = posix.join(sourceDir, ...module.split('.'));
  for (const candidate of [`${base}.py`, `${base}/__init__.py`]) {
    const rel = posix.normalize(candidate);
    if (files.isFile(rel)) return rel;
  }
  return undefined;
}

/** Requirement files tried in order; the first that exists is the one pip installs. */
export const REQUIREMENT_FILES = [
  'requirements.txt',
  'requirements/production.txt',
  'requirements/prod.txt',
  // pip-compile's output kept beside its .in source.
  'requirements/requirements.txt',
  'requirements/base.txt',
];

/**
 * The dependencies the project declares: a lock manager's manifest (uv, Poetry, Pipenv), else
 * the first pip requirements file, else pyproject.toml's [project] dependencies. `ours` are the
 * lines an earlier run of the generator added. Throws UsageError/SourceParseError on files that
 * cannot be used (two lock files, a stale lock, a broken -r include, invalid TOML).
 */
export function projectRequirements(files: ProjectFiles, ours: readonly string[] = [], sourceDir = '.'): RequirementSet | undefined {
  const all = files.all();
  const manager = detectLockManager(all);
  if (manager) return readLockManaged(files.root, manager);
  // At the root first, then beside manage.py (a src/ or backend/ layout).
  for (const dir of sourceDir === '.' ? ['.'] : ['.', sourceDir]) {
    if (dir !== '.') {
      // A lock file beside manage.py: its manager installs from that folder, which is where the image's build starts.
      const nested = detectLockManager(all.filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1)));
      if (nested)
        throw new UsageError(
          `${dir}/${LOCK_MANAGERS[nested].lock} lists the dependencies, and ${nested} installs from ${dir}/: run the generator in ${dir}/`,
        );
    }
    const candidate = REQUIREMENT_FILES.map((c) => posix.join(dir, c)).find((c) => all.includes(c));
    if (candidate) return readRequirementsFile(files.root, candidate, ours);
    const pyproject = posix.join(dir, 'pyproject.toml');
    if (all.includes(pyproject) && declaresDependencies(files, pyproject)) return readPyproject(files.root, pyproject, ours);
  }
  return undefined;
}

/**
 * A pyproject.toml that only configures tools (ruff, black) declares no dependencies: it is not
 * the dependency list. Poetry's own table without a lock is still read, so readPyproject refuses it.
 */
function declaresDependencies(files: ProjectFiles, file: string): boolean {
  try {
    const data = parseToml(files.text(file) ?? '') as {
      project?: { dependencies?: unknown };
      tool?: { poetry?: { dependencies?: unknown } };
    };
    return Array.isArray(data.project?.dependencies) || data.tool?.poetry?.dependencies !== undefined;
  } catch {
    return true; // readPyproject reports the syntax error with its line
  }
}

/**
 * The same, never throwing: what the doctor judges a project by when it cannot trace the
 * image's install. Problems are returned (`problem`) for the caller to report or ignore.
 */
export function declaredRequirements(files: ProjectFiles): {
  files: string[];
  requirements: Requirement[];
  problem?: { file: string; line?: number; message: string };
} {
  let problem: { file: string; line?: number; message: string } | undefined;
  const candidate = REQUIREMENT_FILES.find((c) => files.isFile(c));
  if (candidate) {
    try {
      const set = readRequirementsFile(files.root, candidate);
      return { files: set.files, requirements: set.requirements };
    } catch (err) {
      if (err instanceof InputRefused) throw err;
      // A broken -r include: the doctor reports it where the Dockerfile installs the file.
      problem = { file: candidate, message: (err as Error).message };
    }
  }
  if (files.isFile('pyproject.toml')) {
    try {
      const set = readPyproject(files.root);
      return { files: set.files, requirements: set.requirements };
    } catch (err) {
      if (err instanceof InputRefused) throw err;
      const line = (err as { line?: number }).line;
      // Not a PEP 621 project is fine (Poetry's table is read below); invalid TOML is a problem.
      if (line) problem ??= { file: 'pyproject.toml', line, message: 'invalid TOML' };
    }
  }
  for (const { file, section } of MANIFEST_TABLES) {
    const text = files.isFile(file) ? files.text(file) : undefined;
    if (text === undefined) continue;
    try {
      const requirements = manifestRequirements(text, file, section);
      if (requirements) return { files: [file], requirements, ...(problem ? { problem } : {}) };
    } catch {
      // invalid TOML: reported above for pyproject.toml; a Pipfile that does not parse declares nothing we can read
    }
  }
  return { files: [], requirements: [], ...(problem ? { problem } : {}) };
}

/** A variable the settings cannot import without, in some environment. */
export interface EnvNeed {
  name: string;
  /** The shape its value must have (from every read of it, not only the one that needs it). */
  shape: EnvShape;
  /** The read that needs it (or the read before the raise its absence reaches). */
  access: EnvAccess;
}

/**
 * A project's settings module as the reader sees it: evaluated once without an environment
 * (how each variable is read), and again on demand under a given environment (what import
 * needs there). Evaluation after loading is synchronous, so plans can ask.
 */
export class ProjectSettings {
  private readonly trees = new Map<string, Tree | { error: { line: number; message: string } }>();
  /** The symbolic evaluation: environment reads stay reads. */
  readonly symbolic: EvalResult;

  private constructor(
    private readonly parser: { parse(text: string): Tree | null },
    private readonly files: ProjectFiles,
    readonly sourceDir: string,
    readonly module: string,
    readonly file: string,
  ) {
    this.symbolic = this.evaluate();
  }

  static async load(files: ProjectFiles, sourceDir: string, module: string): Promise<ProjectSettings | undefined> {
    const file = moduleFileIn(files, sourceDir, module);
    return file ? new ProjectSettings(await pythonParser(), files, sourceDir, module, file) : undefined;
  }

  /** Every variable the settings touch, with its kind and shape (symbolic). */
  get env(): EnvVariable[] {
    return envVariables(this.symbolic);
  }

  /** Evaluate under an environment (undefined values: set, value unknown); symbolic without one. */
  evaluate(env?: ReadonlyMap<string, string | undefined>): EvalResult {
    const sd = this.sourceDir === '.' ? '' : this.sourceDir;
    return evaluateWith(this.parser, this.module, this.file, {
      read: (f) => this.files.text(f),
      list: (d) => this.files.list(d),
      moduleFile: (m) => moduleFileIn(this.files, this.sourceDir, m),
      imagePath: (f) => posix.join('/app', posix.relative(sd, f)),
      trees: this.trees,
      ...(env ? { env } : {}),
    });
  }

  /**
   * What import needs besides `given`: evaluated under `given`, each variable a required read
   * lacks (or whose absence reaches a raise) is added with `value(need)` (undefined: set, value
   * unknown) and the settings evaluated again, until nothing more is needed.
   */
  importNeeds(given: ReadonlyMap<string, string | undefined>, value: (need: EnvNeed) => string | undefined = () => undefined): EnvNeed[] {
    const env = new Map(given);
    const needs: EnvNeed[] = [];
    const shapes = new Map(this.env.map((v) => [v.name, v.shape]));
    for (let round = 0; round < 8; round++) {
      const r = this.evaluate(env);
      const fresh = new Map<string, EnvAccess>();
      for (const a of r.envReads) if (a.kind === 'required' && !a.present && !env.has(a.name) && !fresh.has(a.name)) fresh.set(a.name, a);
      for (const raise of r.raises.filter((x) => x.certain))
        for (const name of raise.vars) {
          const a = r.envReads.find((x) => x.name === name);
          if (a && !env.has(name) && !fresh.has(name)) fresh.set(name, a);
        }
      if (fresh.size === 0) break;
      for (const [name, access] of fresh) {
        const shape = access.shape !== 'str' ? access.shape : (shapes.get(name) ?? 'str');
        const need: EnvNeed = { name, shape, access };
        needs.push(need);
        env.set(name, value(need));
      }
    }
    return needs;
  }
}

/**
 * Requirements files (pip format, following `-r` includes) and pyproject.toml dependencies:
 * which distributions a project already asks for (generate/requirements-merge.ts adds what the
 * container needs).
 */
import { existsSync } from 'node:fs';
import { InputRefused, readText } from '../common/read-file.ts';
import { dirname, join, posix, relative } from 'node:path';
import { parsePipRequirementsLine, type Requirement as PipRequirement } from 'pip-requirements-js';
import { parse as parseToml } from '@decimalturn/toml-patch';
import { SourceParseError, UsageError } from '../common/errors.ts';

export interface Requirement {
  /** PEP 503 normalised name, with extras: `psycopg[binary]` */
  key: string;
  name: string;
  extras: string[];
  /** `==5.2.17`, `>=4.2,<5` … empty when unpinned */
  spec: string;
  file: string;
  line: number;
  /** `name @ url` requirements: where pip gets it from. */
  url?: string;
}

export interface RequirementSet {
  /** The file the Dockerfile installs from, relative to the project root. */
  entry: string;
  /** How the Dockerfile installs: pip from a file, pyproject dependencies, or a lock-file manager. */
  format: 'requirements' | 'pyproject' | 'uv' | 'poetry' | 'pipenv';
  /** Every file read, entry first: the Dockerfile copies them all so `-r` includes resolve. */
  files: string[];
  requirements: Requirement[];
  /** `requires-python` of a pyproject.toml */
  requiresPython?: string;
  /** Lines pip treats specially (requirements files only). */
  special?: PipSpecials;
}

export interface Where {
  file: string;
  line: number;
}

/** Requirement shapes that need more than the requirements file in the builder. */
export interface PipSpecials {
  /** Lines with `--hash=`: pip then installs in --require-hashes mode, every line must carry hashes. */
  hashed: Where[];
  /** `-e .`, `./pkg`, `-e ../lib`: the path must exist in the builder when pip runs. */
  localPaths: Array<Where & { target: string; editable: boolean }>;
  /** `git+https://…`, `pkg @ git+…`: pip runs the version-control tool in the builder. */
  vcs: Array<Where & { tool: VcsTool }>;
}

/** Version-control schemes pip understands, and the Debian package that provides each tool. */
export const VCS_TOOLS = { git: 'git', hg: 'mercurial', svn: 'subversion', bzr: 'bzr' } as const;
export type VcsTool = keyof typeof VCS_TOOLS;

function vcsOf(url: string): VcsTool | undefined {
  const scheme = /^(git|hg|svn|bzr)\+/i.exec(url.trim())?.[1]?.toLowerCase();
  return scheme as VcsTool | undefined;
}

/** More requirement lines than any real project has: beyond this a file is refused, so reading stays quick. */
export const MAX_REQUIREMENT_LINES = 5000;

/**
 * More requirement text than any real project has (what the PEP 508 parser reads: comments,
 * options and hashes aside). The parser costs a few microseconds a character, so this keeps a
 * run within a second or two where the byte and line limits alone would allow half a minute.
 */
export const MAX_REQUIREMENT_CHARS = 128 * 1024;

/** Counts the requirement text read so far; refuses past the limit. */
function requirementBudget(what: string): (text: string) => void {
  let chars = 0;
  return (text) => {
    chars += text.length;
    if (chars > MAX_REQUIREMENT_CHARS) {
      throw new InputRefused(
        `${what} hold more than ${MAX_REQUIREMENT_CHARS / 1024} kB of requirements (comments and options aside): give a shorter file`,
      );
    }
  };
}

const parsedLines = new Map<string, PipRequirement | null | undefined>();

/**
 * One PEP 508 requirement line parsed, or undefined when it is not one (paths, bare URLs).
 * Remembered: the generator reads the same lines again when it merges the file.
 */
export function parseRequirementLine(text: string): PipRequirement | null | undefined {
  if (parsedLines.has(text)) return parsedLines.get(text);
  let parsed: PipRequirement | null | undefined;
  try {
    parsed = parsePipRequirementsLine(text);
  } catch {
    parsed = undefined; // paths and bare URLs: see PipSpecials
  }
  if (parsedLines.size >= MAX_REQUIREMENT_LINES * 2) parsedLines.clear();
  parsedLines.set(text, parsed);
  return parsed;
}

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function requirementFrom(text: string, file: string, line: number): Requirement | undefined {
  const parsed = parseRequirementLine(text);
  if (!parsed || (parsed.type !== 'ProjectName' && parsed.type !== 'ProjectURL')) return undefined;
  const name = normaliseName(parsed.name);
  const extras = (parsed.extras ?? []).map(normaliseName).sort();
  const spec = parsed.type === 'ProjectName' ? (parsed.versionSpec ?? []).map((s) => `${s.operator}${s.version}`).join(',') : '';
  return {
    key: extras.length ? `${name}[${extras.join(',')}]` : name,
    name,
    extras,
    spec,
    file,
    line,
    ...(parsed.type === 'ProjectURL' ? { url: parsed.url } : {}),
  };
}

const COMMENT = /(^|\s+)#.*$/;

/**
 * A requirements file's logical lines, as pip's req_file.py makes them: a line ending in a
 * backslash continues on the next (a comment line ends the continuation), then comments go.
 * `line` is where the logical line starts; `raw` its first physical line.
 */
export function logicalLines(text: string): Array<{ text: string; line: number; raw: string }> {
  const physical = text.split(/\r?\n/);
  const joined: Array<{ text: string; line: number }> = [];
  let parts: string[] = [];
  let start = 0;
  physical.forEach((line, i) => {
    const commentLine = /^\s*#/.test(line);
    if (!line.endsWith('\\') || commentLine) {
      const whole = commentLine ? ` ${line}` : line;
      if (parts.length) joined.push({ text: [...parts, whole].join(''), line: start });
      else joined.push({ text: whole, line: i + 1 });
      parts = [];
    } else {
      if (parts.length === 0) start = i + 1;
      parts.push(line.replace(/^\\+|\\+$/g, ''));
    }
  });
  if (parts.length) joined.push({ text: parts.join(''), line: start });
  return joined
    .map((l) => ({ text: l.text.replace(COMMENT, '').trim(), line: l.line, raw: physical[l.line - 1]! }))
    .filter((l) => l.text !== '');
}

/** pip's split of a logical line into the requirement and its options (break_args_options). */
function splitArgs(text: string): { arg: string; options: string[] } {
  const tokens = text.split(/\s+/);
  const first = tokens.findIndex((t) => t.startsWith('-'));
  const args = first === -1 ? tokens : tokens.slice(0, first);
  return { arg: args.join(' '), options: first === -1 ? [] : tokens.slice(first) };
}

/** The value of `-x value`, `-xvalue`, `--long=value` or `--long value` at the head of an option list. */
function optionValue(options: readonly string[], short: string, long: string): string | undefined {
  const [head, next] = options;
  if (!head) return undefined;
  if (head === short || head === long) return next;
  if (head.startsWith(`${long}=`)) return head.slice(long.length + 1);
  if (short && head.startsWith(short) && !head.startsWith('--')) return head.slice(short.length);
  return undefined;
}

/** A requirement that names a folder or archive on disk rather than a distribution. */
function isLocalPath(arg: string): boolean {
  return /^(\.|\/|file:)/.test(arg) || (!/^[a-z][a-z0-9+.-]*:\/\//i.test(arg) && arg.includes('/'));
}

/** Two requirement texts that ask for the same thing (spacing and name case aside). */
export function sameRequirement(a: string, b: string): boolean {
  const key = (s: string): string => s.replace(/\s+/g, '').toLowerCase();
  return key(a) === key(b);
}

/**
 * Read a pip requirements file and every file it includes with `-r`. `ours` are the lines an
 * earlier run added: as long as the user has not changed them they are the generator's, so they
 * do not count as already present.
 */
export function readRequirementsFile(root: string, entry: string, ours: readonly string[] = []): RequirementSet {
  const special: PipSpecials = { hashed: [], localPaths: [], vcs: [] };
  const set: RequirementSet = { entry, format: 'requirements', files: [], requirements: [], special };
  let parsed = 0;
  const budget = requirementBudget(`${entry} and its includes`);
  const visit = (file: string, constraints: boolean): void => {
    if (set.files.includes(file)) return;
    const abs = join(root, file);
    if (!existsSync(abs)) throw new UsageError(`${entry} includes ${file}, which does not exist: fix the -r line`);
    set.files.push(file);
    for (const { text, line } of logicalLines(readText(abs, file))) {
      if (file === entry && ours.some((o) => sameRequirement(o, text))) continue;
      if (++parsed > MAX_REQUIREMENT_LINES) {
        throw new InputRefused(
          `${file} and its includes hold more than ${MAX_REQUIREMENT_LINES} lines of requirements: give a shorter file`,
        );
      }
      const where = { file, line };
      const { arg, options } = splitArgs(text);
      const include = arg ? undefined : (optionValue(options, '-r', '--requirement') ?? optionValue(options, '-c', '--constraint'));
      if (include) {
        // -r and -c paths are relative to the file that names them; both must be in the builder.
        const target = relative(root, join(dirname(abs), include))
          .split('\\')
          .join('/');
        if (target.startsWith('..')) throw new UsageError(`${file} includes ${include}, outside the project: the image cannot copy it`);
        visit(target, constraints || optionValue(options, '-c', '--constraint') !== undefined);
        continue;
      }
      if (constraints) continue; // a constraint limits versions; it asks for nothing
      const editable = arg ? undefined : optionValue(options, '-e', '--editable');
      const requirement = arg || editable;
      if (!requirement) continue; // a global option such as --index-url
      if (options.some((o) => o.startsWith('--hash'))) special.hashed.push(where);
      budget(requirement);
      const req = requirementFrom(requirement, file, line);
      const url = req?.url ?? requirement;
      const tool = vcsOf(url);
      if (tool) special.vcs.push({ ...where, tool });
      else if (!req && isLocalPath(requirement)) {
        // pip resolves local paths against its working directory, the build folder that mirrors the root.
        const target = posix.normalize(requirement.replace(/^file:(\/\/)?/, '').replace(/[#[].*$/, ''));
        special.localPaths.push({ ...where, target, editable: editable !== undefined });
      }
      if (req) set.requirements.push(req);
    }
  };
  visit(entry, false);
  return set;
}

interface PyProject {
  project?: { dependencies?: unknown; 'requires-python'?: unknown };
}

export function readPyproject(root: string, file = 'pyproject.toml', ours: readonly string[] = []): RequirementSet {
  const text = readText(join(root, file), file);
  let data: PyProject;
  try {
    data = parseToml(text) as PyProject;
  } catch (err) {
    const line = /line (\d+)/i.exec(String(err))?.[1];
    throw new SourceParseError(file, Number(line ?? 1), 'invalid TOML');
  }
  const deps = data.project?.dependencies;
  if (!Array.isArray(deps)) {
    throw new UsageError(`${file} has no [project] dependencies list: add one (PEP 621), or use requirements.txt`);
  }
  if (deps.length > MAX_REQUIREMENT_LINES) {
    throw new InputRefused(`${file} lists more than ${MAX_REQUIREMENT_LINES} dependencies: give a shorter list`);
  }
  const budget = requirementBudget(`the dependencies of ${file}`);
  const lines = text.split(/\r?\n/);
  const requirements = deps.flatMap((d) => {
    if (typeof d !== 'string' || ours.some((o) => sameRequirement(o, d))) return [];
    budget(d);
    const line = lines.findIndex((l) => l.includes(JSON.stringify(d)) || l.includes(`'${d}'`)) + 1;
    const req = requirementFrom(d, file, line || 1);
    return req ? [req] : [];
  });
  const requiresPython = data.project?.['requires-python'];
  return {
    entry: file,
    format: 'pyproject',
    files: [file],
    requirements,
    ...(typeof requiresPython === 'string' ? { requiresPython } : {}),
  };
}

/** Does the set already ask for this distribution (any extras)? */
export function hasDistribution(set: RequirementSet, name: string): boolean {
  const n = normaliseName(name);
  return set.requirements.some((r) => r.name === n);
}

/**
 * Requirements files (pip format, following `-r` includes) and pyproject.toml dependencies:
 * which distributions a project already asks for (generate/requirements-merge.ts adds what the
 * container needs).
 */
import { existsSync } from 'node:fs';
import { InputRefused, readText } from '../common/read-file.ts';
import { dirname, join, relative } from 'node:path';
import { parsePipRequirementsLine } from 'pip-requirements-js';
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
}

/** More requirement lines than any real project has: beyond this a file is refused, so reading stays quick. */
export const MAX_REQUIREMENT_LINES = 5000;

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function requirementFrom(text: string, file: string, line: number): Requirement | undefined {
  const parsed = (() => {
    try {
      return parsePipRequirementsLine(text);
    } catch {
      return undefined; // options, URLs and editable installs: kept verbatim, not needed here
    }
  })();
  if (!parsed || parsed.type !== 'ProjectName') return undefined;
  const name = normaliseName(parsed.name);
  const extras = (parsed.extras ?? []).map(normaliseName).sort();
  const spec = (parsed.versionSpec ?? []).map((s) => `${s.operator}${s.version}`).join(',');
  return { key: extras.length ? `${name}[${extras.join(',')}]` : name, name, extras, spec, file, line };
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
  const set: RequirementSet = { entry, format: 'requirements', files: [], requirements: [] };
  let parsed = 0;
  const visit = (file: string): void => {
    if (set.files.includes(file)) return;
    const abs = join(root, file);
    if (!existsSync(abs)) throw new UsageError(`${entry} includes ${file}, which does not exist: fix the -r line`);
    set.files.push(file);
    const lines = readText(abs, file).split(/\r?\n/);
    lines.forEach((raw, i) => {
      const text = raw.replace(/(^|\s)#.*$/, '').trim();
      if (!text || (file === entry && ours.some((o) => sameRequirement(o, text)))) return;
      if (++parsed > MAX_REQUIREMENT_LINES) {
        throw new InputRefused(
          `${file} and its includes hold more than ${MAX_REQUIREMENT_LINES} lines of requirements: give a shorter file`,
        );
      }
      const include = /^(?:-r|--requirement)[\s=]+(\S+)$/.exec(text);
      if (include?.[1]) {
        const target = relative(root, join(dirname(abs), include[1]));
        if (target.startsWith('..')) throw new UsageError(`${file} includes ${include[1]}, outside the project: the image cannot copy it`);
        visit(target);
        return;
      }
      // Options (--hash, --index-url, -e …) are never a project name: skip the parser for them.
      if (text.startsWith('-')) return;
      const req = requirementFrom(text, file, i + 1);
      if (req) set.requirements.push(req);
    });
  };
  visit(entry);
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
  const lines = text.split(/\r?\n/);
  const requirements = deps.flatMap((d) => {
    if (typeof d !== 'string' || ours.some((o) => sameRequirement(o, d))) return [];
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

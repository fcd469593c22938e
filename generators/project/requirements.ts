/**
 * Requirements files (pip format, following `-r` includes) and pyproject.toml dependencies:
 * which distributions a project already asks for, and how to add what the container needs
 * without touching anything the user wrote.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parsePipRequirementsLine } from 'pip-requirements-js';
import { parse as parseToml, patch as patchToml } from '@decimalturn/toml-patch';
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

/** The comment above the lines the generator adds to a requirements file. */
export const ADDED_NOTE = 'Added by generator-django-docker: what the container runs';

/**
 * Read a pip requirements file and every file it includes with `-r`. `ours` are the lines an
 * earlier run added: they are not the user's, so they do not count as already present.
 */
export function readRequirementsFile(root: string, entry: string, ours: readonly string[] = []): RequirementSet {
  const set: RequirementSet = { entry, format: 'requirements', files: [], requirements: [] };
  const visit = (file: string): void => {
    if (set.files.includes(file)) return;
    const abs = join(root, file);
    if (!existsSync(abs)) throw new UsageError(`${entry} includes ${file}, which does not exist: fix the -r line`);
    set.files.push(file);
    const lines = readFileSync(abs, 'utf8').split(/\r?\n/);
    lines.forEach((raw, i) => {
      const text = raw.replace(/(^|\s)#.*$/, '').trim();
      if (!text || (file === entry && ours.includes(raw.trim()))) return;
      const include = /^(?:-r|--requirement)[\s=]+(\S+)$/.exec(text);
      if (include?.[1]) {
        const target = relative(root, join(dirname(abs), include[1]));
        if (target.startsWith('..')) throw new UsageError(`${file} includes ${include[1]}, outside the project: the image cannot copy it`);
        visit(target);
        return;
      }
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
  const text = readFileSync(join(root, file), 'utf8');
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
    if (typeof d !== 'string' || ours.includes(d)) return [];
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

/**
 * Replace the generator's block in a pip requirements file: drop the lines an earlier run added
 * (`previous`) with their note, then append `additions` under the note. Every other byte stays.
 */
export function addToRequirementsText(text: string, additions: readonly string[], previous: readonly string[] = []): string {
  let lines = text.split('\n');
  if (previous.length > 0) {
    const note = lines.findIndex((l) => l.trim() === `# ${ADDED_NOTE}`);
    if (note >= 0) {
      let end = note + 1;
      while (end < lines.length && previous.includes(lines[end]!.trim())) end++;
      const start = note > 0 && lines[note - 1]!.trim() === '' ? note - 1 : note;
      lines = [...lines.slice(0, start), ...lines.slice(end)];
    }
  }
  const kept = lines.join('\n');
  if (additions.length === 0) return kept;
  const base = kept.length === 0 || kept.endsWith('\n') ? kept : `${kept}\n`;
  return `${base}\n# ${ADDED_NOTE}\n${additions.join('\n')}\n`;
}

/** Set the generator's entries in pyproject.toml's [project] dependencies, keeping formatting and comments. */
export function addToPyprojectText(text: string, additions: readonly string[], previous: readonly string[] = []): string {
  const data = parseToml(text) as { project: { dependencies: string[] } };
  const before = data.project.dependencies;
  const after = [...before.filter((d) => !previous.includes(d)), ...additions];
  if (after.length === before.length && after.every((d, i) => d === before[i])) return text;
  data.project.dependencies = after;
  return patchToml(text, data);
}

/**
 * Dependency managers with lock files: uv (uv.lock), Poetry (poetry.lock) and Pipenv
 * (Pipfile.lock). The generator cannot re-lock for them, so the container's own needs must
 * already be in the manifest and the lock: otherwise it prints the command to run and writes
 * nothing, rather than a Dockerfile whose install step would fail.
 */
import { readText } from '../common/read-file.ts';

/** Lock files of large projects run to a few megabytes. */
const LOCK_MAX_BYTES = 32 * 1024 * 1024;
import { join } from 'node:path';
import { parse as parseToml } from '@decimalturn/toml-patch';
import { SourceParseError, UsageError } from '../common/errors.ts';
import { normaliseName, readPyproject, type Requirement, type RequirementSet } from './requirements.ts';

export const LOCK_MANAGERS = {
  uv: { lock: 'uv.lock', manifest: 'pyproject.toml', add: 'uv add', relock: 'uv lock' },
  poetry: { lock: 'poetry.lock', manifest: 'pyproject.toml', add: 'poetry add', relock: 'poetry lock' },
  pipenv: { lock: 'Pipfile.lock', manifest: 'Pipfile', add: 'pipenv install', relock: 'pipenv lock' },
} as const;
export type LockManager = keyof typeof LOCK_MANAGERS;

function readToml(root: string, file: string): Record<string, unknown> {
  const text = readText(join(root, file), file, { maxBytes: LOCK_MAX_BYTES });
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    const line = /line (\d+)/i.exec(String(err))?.[1];
    throw new SourceParseError(file, Number(line ?? 1), 'invalid TOML');
  }
}

function table(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Poetry's caret/tilde ranges as PEP 440 clauses (enough for version gates). */
function poetrySpec(spec: string): string {
  const s = spec.trim();
  if (s === '*' || s === '') return '';
  const bump = (parts: number[], at: number): string =>
    parts
      .map((p, i) => (i < at ? p : i === at ? p + 1 : 0))
      .slice(0, Math.max(at + 1, 2))
      .join('.');
  const m = /^([\^~])\s*(\d+(?:\.\d+)*)$/.exec(s);
  if (m) {
    const parts = m[2]!.split('.').map(Number);
    const at =
      m[1] === '^'
        ? Math.max(0, parts.findIndex((p) => p !== 0) === -1 ? parts.length - 1 : parts.findIndex((p) => p !== 0))
        : Math.min(1, parts.length - 1);
    return `>=${m[2]},<${bump(parts, at)}`;
  }
  if (/^\d/.test(s)) return `==${s}`;
  return s.replace(/\s+/g, '');
}

/** Where a manager keeps its dependency table. */
export const MANIFEST_TABLES = [
  { file: 'Pipfile', section: 'packages' },
  { file: 'pyproject.toml', section: 'tool.poetry.dependencies' },
] as const;

/**
 * The dependencies a Pipfile ([packages]) or a Poetry pyproject ([tool.poetry.dependencies])
 * declares, with their specs and lines; undefined when the file has no such table. Throws
 * SourceParseError on invalid TOML.
 */
export function manifestRequirements(text: string, file: string, section: string): Requirement[] | undefined {
  let data: Record<string, unknown>;
  try {
    data = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    const line = /line (\d+)/i.exec(String(err))?.[1];
    throw new SourceParseError(file, Number(line ?? 1), 'invalid TOML');
  }
  let found: unknown = data;
  for (const k of section.split('.')) found = table(found)[k];
  if (!found || typeof found !== 'object' || Array.isArray(found)) return undefined;
  const lines = text.split('\n');
  const header = lines.findIndex((l) => l.trim() === `[${section}]`);
  const requirements: Requirement[] = [];
  for (const [rawName, value] of Object.entries(found as Record<string, unknown>)) {
    if (rawName.toLowerCase() === 'python') continue;
    const name = normaliseName(rawName);
    const version = typeof value === 'string' ? value : typeof table(value).version === 'string' ? (table(value).version as string) : '*';
    const extrasRaw = table(value).extras;
    const extras = Array.isArray(extrasRaw) ? extrasRaw.map((e) => normaliseName(String(e))).sort() : [];
    const idx = lines.findIndex(
      (l, i) => i > header && new RegExp(`^\\s*["']?${rawName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*=`, 'i').test(l),
    );
    requirements.push({
      key: extras.length ? `${name}[${extras.join(',')}]` : name,
      name,
      extras,
      spec: file === 'Pipfile' ? (version === '*' ? '' : version.replace(/\s+/g, '')) : poetrySpec(version),
      file,
      line: idx + 1 || 1,
    });
  }
  return requirements;
}

/** Which lock manager the folder uses; more than one lock file is an error. */
export function detectLockManager(files: readonly string[]): LockManager | undefined {
  const found = (Object.keys(LOCK_MANAGERS) as LockManager[]).filter((m) => files.includes(LOCK_MANAGERS[m].lock));
  if (found.length > 1) {
    throw new UsageError(
      `found ${found.map((m) => LOCK_MANAGERS[m].lock).join(' and ')}: keep the lock file of the manager your team uses, then run again`,
    );
  }
  const manager = found[0];
  if (manager && !files.includes(LOCK_MANAGERS[manager].manifest)) {
    throw new UsageError(
      `${LOCK_MANAGERS[manager].lock} found without ${LOCK_MANAGERS[manager].manifest}: restore the manifest, then run again`,
    );
  }
  return manager;
}

/** Name → version the lock file pins (its runtime package entries). */
export function lockedVersions(root: string, manager: LockManager): Map<string, string> {
  const file = LOCK_MANAGERS[manager].lock;
  if (manager === 'pipenv') {
    let data: { default?: Record<string, { version?: string }> };
    const text = readText(join(root, file), file, { maxBytes: LOCK_MAX_BYTES });
    try {
      data = JSON.parse(text) as typeof data;
    } catch {
      throw new SourceParseError(file, 1, 'invalid JSON');
    }
    return new Map(Object.entries(data.default ?? {}).map(([n, v]) => [normaliseName(n), String(v.version ?? '').replace(/^==/, '')]));
  }
  const packages = readToml(root, file).package;
  return new Map(
    (Array.isArray(packages) ? packages : []).map((p) => [normaliseName(String(table(p).name ?? '')), String(table(p).version ?? '')]),
  );
}

/** The manifest's runtime dependencies, and a check that the lock covers them. */
export function readLockManaged(root: string, manager: LockManager): RequirementSet {
  const { lock, manifest, relock } = LOCK_MANAGERS[manager];
  let set: RequirementSet;
  if (manager === 'pipenv') {
    const requirements =
      manifestRequirements(readText(join(root, manifest), manifest, { maxBytes: LOCK_MAX_BYTES }), manifest, 'packages') ?? [];
    set = { entry: manifest, format: 'pipenv', files: [manifest, lock], requirements };
  } else if (manager === 'poetry' && !table(readToml(root, manifest).project).dependencies) {
    const text = readText(join(root, manifest), manifest, { maxBytes: LOCK_MAX_BYTES });
    const requirements = manifestRequirements(text, manifest, 'tool.poetry.dependencies') ?? [];
    set = { entry: manifest, format: 'poetry', files: [manifest, lock], requirements };
  } else {
    const pyproject = readPyproject(root, manifest);
    set = { ...pyproject, format: manager, files: [manifest, lock] };
  }
  const locked = lockedVersions(root, manager);
  const stale = set.requirements.map((r) => r.name).filter((n) => !locked.has(n));
  if (stale.length > 0) {
    throw new UsageError(
      `${lock} is out of date with ${manifest} (it does not lock ${stale.join(', ')}): run \`${relock}\`, then run again`,
    );
  }
  // What gets installed is the locked version: that is what the compatibility gate must judge.
  set.requirements = set.requirements.map((r) => {
    const version = locked.get(r.name);
    return version ? { ...r, spec: `==${version}` } : r;
  });
  return set;
}

/** Refuse when the container needs packages the lock does not have, with the command that adds them. */
export function checkLockCovers(manager: LockManager, additions: readonly string[]): void {
  if (additions.length === 0) return;
  const { add, manifest, lock } = LOCK_MANAGERS[manager];
  throw new UsageError(
    `the container needs ${additions.join(', ')}, which ${manifest} and ${lock} lack: run \`${add} ${additions.map((a) => `"${a}"`).join(' ')}\`, then run again`,
  );
}

/**
 * The compatibility gate: which Pythons the Django lines a requirement spec allows run on, the
 * database minimums, the project's own requires-python and wheel floors. Refusals are one line
 * that says which versions work.
 */
import { type Database, DATABASE_TABLE } from '../facts/databases.ts';
import { UsageError } from '../common/errors.ts';
import type { Requirement } from '../project/requirements.ts';
import {
  compareVersions,
  DJANGO_LINES,
  type DjangoLine,
  type PythonVersion,
  PYTHON_VERSIONS,
  runsOn,
  satisfies,
  WHEEL_MINIMUMS,
} from '../facts/versions.ts';

export function pythonsForLines(lines: readonly DjangoLine[]): PythonVersion[] {
  return PYTHON_VERSIONS.filter((p) => lines.some((l) => runsOn(l, p)));
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** Refuse a Python that no allowed Django line supports. */
export function checkPython(python: PythonVersion, lines: readonly DjangoLine[], djangoLabel: string): void {
  if (lines.length === 0) {
    throw new UsageError(`no supported Django release matches ${djangoLabel}: use Django ${list(DJANGO_LINES.map((l) => l.line))}`);
  }
  if (!lines.some((l) => runsOn(l, python))) {
    const works = pythonsForLines(lines);
    throw new UsageError(`Django ${djangoLabel} does not support Python ${python}: use Python ${list(works)} (--python ${works.at(-1)})`);
  }
}

/** The minimum server version every allowed Django line accepts. */
export function minimumDatabaseVersion(database: Database, lines: readonly DjangoLine[]): string | undefined {
  const table = DATABASE_TABLE[database];
  if (table.kind !== 'server') return undefined;
  const mins = lines.map((l) => table.djangoMinimum[l.line]).filter((v): v is string => v !== undefined);
  return mins.sort(compareVersions).at(-1);
}

/** A version as the image tag means it: `8.0` is the newest 8.0 release, so it meets a minimum of 8.0.11. */
function meets(version: string, min: string): boolean {
  return compareVersions(version, min) >= 0 || min.startsWith(`${version}.`);
}

export function checkDatabaseVersion(database: Database, version: string, lines: readonly DjangoLine[], djangoLabel: string): void {
  const min = minimumDatabaseVersion(database, lines);
  if (min && !meets(version, min)) {
    const table = DATABASE_TABLE[database];
    // The advice is a value --db-version takes: the oldest published line that meets the minimum.
    const lowest = table.kind === 'server' ? table.versions.find((v) => meets(v, min)) : undefined;
    throw new UsageError(
      `Django ${djangoLabel} needs ${table.label} ${min} or later, not ${version}: use --db-version ${lowest ?? min} or newer`,
    );
  }
}

/** Refuse a Python outside the project's own `requires-python`. */
export function checkRequiresPython(python: PythonVersion, requiresPython: string | undefined, file: string): void {
  if (!requiresPython) return;
  if (satisfies(python, requiresPython)) return;
  const works = pythonsForRequires(requiresPython);
  throw new UsageError(
    `${file} requires Python ${requiresPython}, not ${python}: use ${works.length ? `--python ${works.at(-1)}` : 'a supported Python'}`,
  );
}

export function pythonsForRequires(requiresPython: string | undefined): readonly PythonVersion[] {
  if (!requiresPython) return PYTHON_VERSIONS;
  return PYTHON_VERSIONS.filter((p) => satisfies(p, requiresPython));
}

/** The exact pin of a C extension that has no wheel for this Python, with the first release that has one. */
export function wheelPinBlocking(
  python: PythonVersion,
  requirements: readonly Requirement[],
): { requirement: Requirement; pin: string; minimum: string } | undefined {
  for (const r of requirements) {
    const table = WHEEL_MINIMUMS[r.name];
    const pin = /^===?([\d.]+)$/.exec(r.spec)?.[1];
    if (!table || !pin) continue;
    // The minimum for this Python, or for the newest older Python listed (wheels only get added).
    const listed = PYTHON_VERSIONS.filter((p) => compareVersions(p, python) <= 0 && table[p]).at(-1);
    const minimum = listed ? table[listed] : undefined;
    if (minimum && compareVersions(pin, minimum) < 0) return { requirement: r, pin, minimum };
  }
  return undefined;
}

/**
 * Refuse a Python for which a pinned C-extension has no wheel (pip would compile it and fail:
 * no-wheel-for-python). Only exact pins are judged; ranges let pip pick a newer release.
 */
export function checkWheelPins(python: PythonVersion, requirements: readonly Requirement[]): void {
  const blocking = wheelPinBlocking(python, requirements);
  if (!blocking) return;
  const { requirement: r, pin, minimum } = blocking;
  const older = PYTHON_VERSIONS.filter((p) => !wheelPinBlocking(p, [r]));
  throw new UsageError(
    `${r.file} line ${r.line} pins ${r.name}==${pin}, which has no wheel for Python ${python} (first: ${minimum}): raise the pin to ${minimum} or later${older.length ? `, or use --python ${older.at(-1)}` : ''}`,
  );
}

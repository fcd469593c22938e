/**
 * Version facts in one place, for the generator and the doctor: CPython releases and their end
 * of life, Debian releases, Django lines (the Pythons each supports, its end of security
 * support), the pins we write, and PEP 440 matching. Sources: CPython's release schedule,
 * Django's installation FAQ and release notes, Debian's release pages. The database minimums
 * per Django line live in each engine's row (databases.ts).
 */
import * as pep440 from '@renovatebot/pep440';
import { parse as parseSpecifier } from '@renovatebot/pep440/lib/specifier.js';

// ---------------------------------------------------------------- PEP 440

/** Order two versions (`3.10` after `3.9`, `8.0` before `8.0.11`); what is not a version sorts first. */
export function compareVersions(a: string, b: string): number {
  const va = pep440.valid(a);
  const vb = pep440.valid(b);
  if (va === null || vb === null) return (va === null ? 0 : 1) - (vb === null ? 0 : 1);
  return pep440.compare(va, vb);
}

/**
 * Whether a version matches a requirement specifier (`>=4.2,<5.0`, `==5.2.*`). Clauses that are
 * not PEP 440 (a URL, a typo) are left out rather than refused on.
 */
export function satisfies(version: string, spec: string): boolean {
  const clauses = spec
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c && pep440.validRange(c));
  return clauses.length === 0 || pep440.satisfies(version, clauses.join(','));
}

/** The versions a specifier names (`>=4.2,<5.0` → 4.2, 5.0), for finding the releases of a line it allows. */
function namedVersions(spec: string): string[] {
  return spec
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c && pep440.validRange(c))
    .flatMap((c) => parseSpecifier(c).map((clause) => clause.version.replace(/\.\*$/, '')));
}

// ---------------------------------------------------------------- Python

/** CPython minor releases, oldest first: end of life (YYYY-MM), and whether the generator offers it. */
// prettier-ignore
export const PYTHON_RELEASES = [
  { version: '2.7', eol: '2020-01', offered: false },
  { version: '3.5', eol: '2020-09', offered: false },
  { version: '3.6', eol: '2021-12', offered: false },
  { version: '3.7', eol: '2023-06', offered: false },
  { version: '3.8', eol: '2024-10', offered: false },
  { version: '3.9', eol: '2025-10', offered: false },
  { version: '3.10', eol: '2026-10', offered: false },
  { version: '3.11', eol: '2027-10', offered: true },
  { version: '3.12', eol: '2028-10', offered: true },
  { version: '3.13', eol: '2029-10', offered: true },
  { version: '3.14', eol: '2030-10', offered: true },
] as const;

export type PythonVersion = Extract<(typeof PYTHON_RELEASES)[number], { offered: true }>['version'];
export const PYTHON_VERSIONS: readonly PythonVersion[] = PYTHON_RELEASES.filter((p) => p.offered).map((p) => p.version as PythonVersion);
export const DEFAULT_PYTHON: PythonVersion = '3.13';
/**
 * Pythons a Django line we write for supports, but the generator no longer offers: refused with
 * the reason rather than as unknown.
 */
export function pythonRefusal(version: string): string | undefined {
  const release = PYTHON_RELEASES.find((p) => p.version === version);
  if (!release || release.offered || !DJANGO_LINES.some((l) => runsOn(l, version))) return undefined;
  const [year, month] = release.eol.split('-');
  const monthName = new Date(Date.UTC(2000, Number(month) - 1, 1)).toLocaleString('en', { month: 'long', timeZone: 'UTC' });
  return `reached its end of life in ${monthName} ${year}`;
}

/** What a `python:3` or `python:latest` tag means today. */
export const NEWEST_PYTHON: string = PYTHON_RELEASES.at(-1)!.version;

/** CPython end of life by minor version, YYYY-MM. */
export const PYTHON_EOL: Readonly<Record<string, string>> = Object.fromEntries(PYTHON_RELEASES.map((p) => [p.version, p.eol]));

// ---------------------------------------------------------------- Debian

/** Debian releases, newest first: the images we write use stable or oldstable. */
// prettier-ignore
export const DEBIAN_RELEASES = [
  { codename: 'trixie', major: 13, status: 'stable', missingPackages: ['libgl1-mesa-glx', 'libssl1.1', 'libffi7', 'software-properties-common', 'libgdk-pixbuf2.0-0'] },
  { codename: 'bookworm', major: 12, status: 'oldstable', missingPackages: ['libssl1.1', 'libffi7', 'python-dev', 'python-pip'] },
  { codename: 'bullseye', major: 11, status: 'lts', missingPackages: [] },
  { codename: 'buster', major: 10, status: 'retired', missingPackages: [] },
  { codename: 'stretch', major: 9, status: 'retired', missingPackages: [] },
  { codename: 'jessie', major: 8, status: 'retired', missingPackages: [] },
  { codename: 'wheezy', major: 7, status: 'retired', missingPackages: [] },
] as const;

export type DebianRelease = (typeof DEBIAN_RELEASES)[number];
export type DebianCodename = Extract<DebianRelease, { status: 'stable' | 'oldstable' }>['codename'];
/** Releases the generator builds on: stable, then oldstable (kept only for wheels or packages that need it). */
export const DEBIAN_CODENAMES: readonly DebianCodename[] = DEBIAN_RELEASES.filter(
  (d) => d.status === 'stable' || d.status === 'oldstable',
).map((d) => d.codename as DebianCodename);
/** Debian stable: what a tag without a codename resolves to today. */
export const DEFAULT_DEBIAN: DebianCodename = DEBIAN_RELEASES.find((d) => d.status === 'stable')!.codename;

export function debianRelease(codenameOrMajor: string): DebianRelease | undefined {
  return DEBIAN_RELEASES.find((d) => d.codename === codenameOrMajor || String(d.major) === codenameOrMajor);
}

// ---------------------------------------------------------------- Django

export interface DjangoLine {
  line: string;
  /** Oldest and newest Python the line supports. */
  python: readonly [string, string];
  /** Last month of security support, YYYY-MM. */
  supportEnds: string;
}

// prettier-ignore
export const ALL_DJANGO_LINES: readonly DjangoLine[] = [
  { line: '3.2', python: ['3.6', '3.10'], supportEnds: '2024-04' },
  { line: '4.0', python: ['3.8', '3.10'], supportEnds: '2023-04' },
  { line: '4.1', python: ['3.8', '3.11'], supportEnds: '2023-12' },
  { line: '4.2', python: ['3.8', '3.12'], supportEnds: '2026-04' },
  { line: '5.0', python: ['3.10', '3.12'], supportEnds: '2025-04' },
  { line: '5.1', python: ['3.10', '3.13'], supportEnds: '2025-12' },
  { line: '5.2', python: ['3.10', '3.14'], supportEnds: '2028-04' },
  { line: '6.0', python: ['3.12', '3.14'], supportEnds: '2027-04' },
  { line: '6.1', python: ['3.12', '3.14'], supportEnds: '2027-12' },
];

/** Lines the generator writes for (older projects predate the Pythons it offers); the doctor knows them all. */
export const DJANGO_LINES: readonly DjangoLine[] = ALL_DJANGO_LINES.filter((l) => compareVersions(l.line, '4.2') >= 0);

/** Django lines a new project may start on. 5.2 is the LTS. */
export const NEW_PROJECT_DJANGO = ['5.2', '6.0'] as const;
export type NewProjectDjango = (typeof NEW_PROJECT_DJANGO)[number];
export const DEFAULT_DJANGO: NewProjectDjango = '5.2';

export function djangoLine(line: string): DjangoLine | undefined {
  return ALL_DJANGO_LINES.find((d) => d.line === line);
}

/** Whether a Django line supports a Python minor version. */
export function runsOn(line: DjangoLine, python: string): boolean {
  return compareVersions(python, line.python[0]) >= 0 && compareVersions(python, line.python[1]) <= 0;
}

/**
 * Django lines with a release the spec allows (`>=4.2,<5.0`, `==5.2.*`). A line qualifies when
 * one of its candidate releases matches: its first release, each version the spec names that
 * lies in the line, and the release after each (for `>5.2.3`). Between those points a
 * specifier cannot change its answer, so no other release needs trying.
 */
export function djangoLinesForSpec(spec: string | undefined, lines: readonly DjangoLine[] = DJANGO_LINES): DjangoLine[] {
  if (!spec) return [...lines];
  const named = namedVersions(spec);
  return lines.filter((l) => {
    const inLine = named.filter((v) => inSeries(v, l.line));
    const candidates = [`${l.line}.0`, ...inLine, ...inLine.map(nextRelease)];
    return candidates.some((v) => satisfies(v, spec));
  });
}

/** The release after a version: `5.2` → `5.2.1`, `5.2.3` → `5.2.4`. */
function nextRelease(version: string): string {
  const release = pep440.explain(version)?.release ?? [];
  const parts = [...release, 0, 0].slice(0, Math.max(3, release.length));
  parts[parts.length - 1] = (parts.at(-1) ?? 0) + 1;
  return parts.join('.');
}

/** Whether a version belongs to a Django line (`5.2.3` and `5.2rc1` to 5.2). */
function inSeries(version: string, line: string): boolean {
  const release = pep440.explain(version)?.release ?? [];
  return release.slice(0, 2).join('.') === line;
}

// ---------------------------------------------------------------- pins

/** Top-level pins written into requirements; one table so every scenario agrees. */
export const PINS = {
  django: { '5.2': 'Django==5.2.17', '6.0': 'Django~=6.0.0' } satisfies Record<NewProjectDjango, string>,
  gunicorn: 'gunicorn==26.2.0',
  uvicorn: 'uvicorn==0.54.0',
  whitenoise: 'whitenoise==6.8.2',
  // Installers of the lock-file managers, used in the builder stage only.
  uv: 'uv~=0.9.0',
  poetry: 'poetry~=2.1',
  pipenv: 'pipenv>=2024.4',
} as const;

/**
 * Lowest release of a C-extension package with wheels for a Python, by the oldest Python it
 * applies from (below it pip compiles from source: no-wheel-for-python). mysqlclient is not here:
 * it ships no Linux wheels at all and always compiles in the builder, so it is judged by its build
 * packages (databases.ts), not by wheels.
 */
export const WHEEL_MINIMUMS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  psycopg2: { '3.9': '2.8.6', '3.12': '2.9.9', '3.13': '2.9.10' },
  'psycopg2-binary': { '3.9': '2.8.6', '3.12': '2.9.9', '3.13': '2.9.10' },
  psycopg: { '3.12': '3.1.12', '3.13': '3.2.2' },
  'psycopg-binary': { '3.12': '3.1.12', '3.13': '3.2.2' },
  pillow: { '3.12': '10.1.0', '3.13': '11.0.0' },
};

/** The first release of a distribution with a wheel for a Python (what the newest listed Python at or below it needs). */
export function wheelMinimum(dist: string, python: string): string | undefined {
  const table = WHEEL_MINIMUMS[dist];
  if (!table) return undefined;
  const listed = Object.keys(table)
    .filter((p) => compareVersions(p, python) <= 0)
    .sort(compareVersions)
    .at(-1);
  return listed ? table[listed] : undefined;
}

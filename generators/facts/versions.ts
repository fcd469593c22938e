/**
 * Version facts in one place: which Python each Django line supports, the minimum database
 * versions, the images we write and the package pins. Source: failure-modes.md §0
 * (Django's installation FAQ and release notes, CPython's end-of-life dates).
 */

export const PYTHON_VERSIONS = ['3.11', '3.12', '3.13', '3.14'] as const;
export type PythonVersion = (typeof PYTHON_VERSIONS)[number];
export const DEFAULT_PYTHON: PythonVersion = '3.13';

/** Pythons we refuse, with the reason shown to the user. */
export const PYTHON_REFUSED: Record<string, string> = {
  '3.8': 'reached its end of life in October 2024',
  '3.9': 'reached its end of life in October 2025',
  '3.10': 'reached its end of life in October 2026',
};

export const DEBIAN_CODENAMES = ['trixie', 'bookworm'] as const;
export type DebianCodename = (typeof DEBIAN_CODENAMES)[number];
/** trixie is Debian stable; bookworm is oldstable and only kept for wheels or packages that need it. */
export const DEFAULT_DEBIAN: DebianCodename = 'trixie';

export interface DjangoLine {
  line: string;
  pythons: readonly PythonVersion[];
  /** Last month of security support, YYYY-MM. */
  supportEnds: string;
  minPostgres: number;
  minMysql: string;
  minMariadb: string;
}

export const DJANGO_LINES: readonly DjangoLine[] = [
  { line: '4.2', pythons: ['3.11', '3.12'], supportEnds: '2026-04', minPostgres: 12, minMysql: '8.0.11', minMariadb: '10.4' },
  { line: '5.0', pythons: ['3.11', '3.12'], supportEnds: '2025-04', minPostgres: 12, minMysql: '8.0.11', minMariadb: '10.4' },
  { line: '5.1', pythons: ['3.11', '3.12', '3.13'], supportEnds: '2025-12', minPostgres: 13, minMysql: '8.0.11', minMariadb: '10.5' },
  {
    line: '5.2',
    pythons: ['3.11', '3.12', '3.13', '3.14'],
    supportEnds: '2028-04',
    minPostgres: 14,
    minMysql: '8.0.11',
    minMariadb: '10.5',
  },
  { line: '6.0', pythons: ['3.12', '3.13', '3.14'], supportEnds: '2027-04', minPostgres: 14, minMysql: '8.0.11', minMariadb: '10.6' },
  { line: '6.1', pythons: ['3.12', '3.13', '3.14'], supportEnds: '2027-12', minPostgres: 15, minMysql: '8.4', minMariadb: '10.11' },
];

/** Django lines a new project may start on. 5.2 is the LTS. */
export const NEW_PROJECT_DJANGO = ['5.2', '6.0'] as const;
export type NewProjectDjango = (typeof NEW_PROJECT_DJANGO)[number];
export const DEFAULT_DJANGO: NewProjectDjango = '5.2';

/** Top-level pins written into requirements; one table so every scenario agrees. */
export const PINS = {
  django: { '5.2': 'Django==5.2.17', '6.0': 'Django~=6.0.0' } satisfies Record<NewProjectDjango, string>,
  gunicorn: 'gunicorn==26.2.0',
  uvicorn: 'uvicorn==0.54.0',
  whitenoise: 'whitenoise==6.8.2',
  psycopg: 'psycopg==3.3.6',
  mysqlclient: 'mysqlclient==2.2.7',
  // Installers of the lock-file managers, used in the builder stage only.
  uv: 'uv~=0.9.0',
  poetry: 'poetry~=2.1',
  pipenv: 'pipenv>=2024.4',
} as const;

/**
 * Lowest release of a C-extension package with wheels for a Python (below it pip compiles from
 * source: no-wheel-for-python). mysqlclient is not here: it ships no Linux wheels at all and always
 * compiles in the builder, so it is judged by its build packages (databases.ts), not by wheels.
 */
export const WHEEL_MINIMUMS: Record<string, Partial<Record<PythonVersion, string>>> = {
  psycopg2: { '3.12': '2.9.9', '3.13': '2.9.10' },
  'psycopg2-binary': { '3.12': '2.9.9', '3.13': '2.9.10' },
  psycopg: { '3.12': '3.1.12', '3.13': '3.2.2' },
  'psycopg-binary': { '3.12': '3.1.12', '3.13': '3.2.2' },
  pillow: { '3.12': '10.1.0' },
};

export function djangoLine(line: string): DjangoLine | undefined {
  return DJANGO_LINES.find((d) => d.line === line);
}

/** Compare dotted version strings numerically ("3.10" > "3.9"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

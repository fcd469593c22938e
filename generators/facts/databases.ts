/**
 * Everything that follows from the database answer, in one table: driver, system packages
 * for the builder and the final image, the compose service, and the Django engine.
 */
import { PINS } from './versions.ts';

export const DATABASES = ['postgres', 'mysql', 'mariadb', 'sqlite', 'none'] as const;
export type Database = (typeof DATABASES)[number];

export interface ServerDatabase {
  kind: 'server';
  label: string;
  engine: string;
  /** Image name and its tag for a version. */
  image: string;
  tag: (version: string) => string;
  defaultVersion: string;
  /** Release lines the image is published for; a version is one of them or a release within one. */
  versions: readonly string[];
  /** Oldest server version each Django line supports (Django's release notes). */
  djangoMinimum: Readonly<Record<string, string>>;
  port: number;
  /** Where the image keeps its data; postgres 18 moved it (postgres18-volume-path). */
  dataDir: (version: string) => string;
  /** Environment of the DB service, from the same .env variables the web service reads (db-credentials-drift). */
  serviceEnv: Record<string, string>;
  /** Compose healthcheck `test` in exec form; `$$` escapes compose interpolation so the container's shell expands it. */
  healthcheck: string[];
  healthcheckWhy: string;
  /** Why the image tag is pinned the way it is. */
  imageWhy: string;
  /** Extra secret the service needs, read from .env. */
  extraSecrets: string[];
}

export interface FileDatabase {
  kind: 'file';
  label: string;
  engine: string;
}

export interface NoDatabase {
  kind: 'none';
  label: string;
}

export const DATABASE_TABLE: Record<Database, ServerDatabase | FileDatabase | NoDatabase> = {
  postgres: {
    kind: 'server',
    label: 'PostgreSQL',
    engine: 'django.db.backends.postgresql',
    image: 'postgres',
    // The Debian variant is named: `postgres:17` alone moves with Debian releases. Majors before 13 never had trixie.
    tag: (v) => `${v}-${Number(v) >= 13 ? 'trixie' : 'bookworm'}`,
    defaultVersion: '17',
    versions: ['13', '14', '15', '16', '17', '18'],
    // prettier-ignore
    djangoMinimum: { '3.2': '9.6', '4.0': '10', '4.1': '11', '4.2': '12', '5.0': '12', '5.1': '13', '5.2': '14', '6.0': '14', '6.1': '15' },
    port: 5432,
    dataDir: (v) => (Number(v) >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data'),
    serviceEnv: { POSTGRES_DB: 'DB_NAME', POSTGRES_USER: 'DB_USER', POSTGRES_PASSWORD: 'DB_PASSWORD' },
    healthcheck: ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U "$${POSTGRES_USER}" -d "$${POSTGRES_DB}"'],
    healthcheckWhy: '-h 127.0.0.1 probes TCP: the unix socket answers during first-start init, before the server listens (db-not-ready)',
    imageWhy: 'Pinned major: a moved `latest` would not read the existing volume (postgres-major-drift).',
    extraSecrets: [],
  },
  mysql: {
    kind: 'server',
    label: 'MySQL',
    engine: 'django.db.backends.mysql',
    image: 'mysql',
    tag: (v) => v,
    defaultVersion: '8.4',
    versions: ['8.0', '8.4', '9'],
    // prettier-ignore
    djangoMinimum: { '3.2': '5.7', '4.0': '5.7', '4.1': '5.7', '4.2': '8.0.11', '5.0': '8.0.11', '5.1': '8.0.11', '5.2': '8.0.11', '6.0': '8.0.11', '6.1': '8.4' },
    port: 3306,
    dataDir: () => '/var/lib/mysql',
    serviceEnv: {
      MYSQL_DATABASE: 'DB_NAME',
      MYSQL_USER: 'DB_USER',
      MYSQL_PASSWORD: 'DB_PASSWORD',
      MYSQL_ROOT_PASSWORD: 'DB_ROOT_PASSWORD',
    },
    healthcheck: ['CMD-SHELL', 'mysqladmin ping -h 127.0.0.1 -u "$${MYSQL_USER}" -p"$${MYSQL_PASSWORD}" --silent'],
    healthcheckWhy: '-h 127.0.0.1 probes TCP: first-start init runs a socket-only server that would answer early (db-not-ready)',
    imageWhy: 'Pinned to an LTS release: a moved `latest` could upgrade the data files under an existing volume.',
    extraSecrets: ['DB_ROOT_PASSWORD'],
  },
  mariadb: {
    kind: 'server',
    label: 'MariaDB',
    engine: 'django.db.backends.mysql',
    image: 'mariadb',
    tag: (v) => v,
    // The current long-term release (maintained to 2028).
    defaultVersion: '11.8',
    versions: ['10.6', '10.11', '11.4', '11.8', '12'],
    // prettier-ignore
    djangoMinimum: { '3.2': '10.2', '4.0': '10.2', '4.1': '10.3', '4.2': '10.4', '5.0': '10.4', '5.1': '10.5', '5.2': '10.5', '6.0': '10.6', '6.1': '10.11' },
    port: 3306,
    dataDir: () => '/var/lib/mysql',
    serviceEnv: {
      MARIADB_DATABASE: 'DB_NAME',
      MARIADB_USER: 'DB_USER',
      MARIADB_PASSWORD: 'DB_PASSWORD',
      MARIADB_ROOT_PASSWORD: 'DB_ROOT_PASSWORD',
    },
    healthcheck: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
    healthcheckWhy: "the image's own script: --connect needs the TCP server up, not just the init-time socket (db-not-ready)",
    imageWhy: 'Pinned to an LTS release: a moved `latest` could upgrade the data files under an existing volume.',
    extraSecrets: ['DB_ROOT_PASSWORD'],
  },
  sqlite: { kind: 'file', label: 'SQLite', engine: 'django.db.backends.sqlite3' },
  none: { kind: 'none', label: 'no database' },
};

/** Whether a server database is published in this version: `17` and `17.2` are PostgreSQL's, `8.4` is MySQL's. */
export function hasVersion(database: Database, version: string): boolean {
  const table = DATABASE_TABLE[database];
  return table.kind === 'server' && table.versions.some((line) => version === line || version.startsWith(`${line}.`));
}

/** A Python driver distribution and the Debian packages it needs. */
export interface Driver {
  /** Normalised distribution name as it appears in requirements. */
  name: string;
  /** What we add when the project has no driver for the database. */
  requirement: string;
  builderPackages: string[];
  runtimePackages: string[];
  /** Why the builder needs its packages, and why the final image needs its own. */
  builderWhy: string;
  runtimeWhy: string;
}

/** Known drivers per database; the first is the one we add. Never add a second one (missing-python-dep). */
export const DRIVERS: Record<'postgres' | 'mysql', Driver[]> = {
  postgres: [
    {
      name: 'psycopg',
      requirement: PINS.psycopg,
      builderPackages: [],
      runtimePackages: ['libpq5'],
      builderWhy: '',
      runtimeWhy: 'pure-Python psycopg 3 loads the system libpq at run time (runtime-lib-missing)',
    },
    {
      name: 'psycopg[binary]',
      requirement: 'psycopg[binary]',
      builderPackages: [],
      runtimePackages: [],
      builderWhy: '',
      runtimeWhy: '',
    },
    {
      name: 'psycopg[c]',
      requirement: 'psycopg[c]',
      builderPackages: ['build-essential', 'libpq-dev'],
      runtimePackages: ['libpq5'],
      builderWhy: 'psycopg[c] compiles against the libpq headers (pg-build-deps-missing)',
      runtimeWhy: 'psycopg[c] loads libpq at run time (runtime-lib-missing)',
    },
    {
      name: 'psycopg2-binary',
      requirement: 'psycopg2-binary',
      builderPackages: [],
      runtimePackages: [],
      builderWhy: '',
      runtimeWhy: '',
    },
    {
      name: 'psycopg2',
      requirement: 'psycopg2',
      builderPackages: ['build-essential', 'libpq-dev'],
      runtimePackages: ['libpq5'],
      builderWhy: 'psycopg2 compiles from source against the libpq headers (pg-build-deps-missing)',
      runtimeWhy: 'psycopg2 loads libpq at run time (runtime-lib-missing)',
    },
  ],
  mysql: [
    {
      name: 'mysqlclient',
      requirement: PINS.mysqlclient,
      builderPackages: ['build-essential', 'pkg-config', 'default-libmysqlclient-dev'],
      runtimePackages: ['libmariadb3'],
      builderWhy:
        'mysqlclient has no Linux wheels and always compiles, finding the client library with pkg-config (2.2 and later) or mysql_config (before) (mysqlclient-build-deps-missing)',
      runtimeWhy: 'mysqlclient loads the MariaDB/MySQL client library at run time (runtime-lib-missing)',
    },
  ],
};

export function driverFamily(db: Database): 'postgres' | 'mysql' | undefined {
  if (db === 'postgres') return 'postgres';
  if (db === 'mysql' || db === 'mariadb') return 'mysql';
  return undefined;
}

/** Map a Django ENGINE string from settings to our database answer. */
export function databaseFromEngine(engine: string): Database | 'unsupported' {
  const backend = engine.split('.').pop() ?? '';
  if (backend.startsWith('postgresql') || backend === 'postgis') return 'postgres';
  if (backend === 'mysql') return 'mysql';
  if (backend === 'sqlite3' || backend === 'spatialite') return 'sqlite';
  if (backend === 'dummy') return 'none';
  return 'unsupported';
}

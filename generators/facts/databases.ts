/**
 * Everything about a database engine, one row per engine: how Django names it (ENGINE, URL
 * schemes), its drivers and their system packages, the compose service (image, versions,
 * healthcheck, environment), the DATABASES options we write, Django's minimum server versions,
 * and what the doctor recognises (image names, the image's account variables, client tools).
 * The generator and the doctor both read it; templates only lay out what the plan takes from it.
 */

/** Debian packages the builder stage and the final image need, and why. */
export interface SystemPackages {
  builderPackages: string[];
  runtimePackages: string[];
  builderWhy: string;
  runtimeWhy: string;
}

/** A Python driver distribution and the Debian packages it needs. */
export interface Driver extends SystemPackages {
  /** Normalised distribution name as it appears in requirements. */
  name: string;
  /** What we add when the project has no driver for the database. */
  requirement: string;
}

interface EngineNames {
  label: string;
  /**
   * Last part of a Django ENGINE that selects it (`postgresql*` also matches `postgresql_psycopg2`).
   * The first row that matches wins: MariaDB is reached through MySQL's backend.
   */
  backends: readonly string[];
  /** DATABASE_URL schemes that name it (dj-database-url, django-environ); `*` as in `backends`. */
  urlSchemes: readonly string[];
}

export interface ServerDatabase extends EngineNames {
  kind: 'server';
  /** The ENGINE we write. */
  engine: string;
  /** DATABASES OPTIONS we write. */
  options: Readonly<Record<string, string>>;
  /** Drivers we know the system packages of; the first is the one we add. Never a second one (missing-python-dep). */
  drivers: readonly Driver[];
  /** Every distribution that serves as its driver: a project with any of them has one. */
  driverDistributions: readonly string[];
  /** Packages the app needs for this engine whatever its driver (a spatial database's GDAL). */
  systemPackages?: SystemPackages;
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
  /**
   * The image's variables for the account and database it creates at first start, the name we
   * write first, then names it also reads. We fill them from the same .env variables the web
   * service reads (db-credentials-drift); `root` is an administrator password of its own.
   */
  account: { name: readonly string[]; user: readonly string[]; password: readonly string[]; root?: readonly string[] };
  /** What the image uses when the account variables are unset. */
  accountDefaults: { user?: string; nameIsUser: boolean };
  /** Compose healthcheck `test` in exec form; `$$` escapes compose interpolation so the container's shell expands it. */
  healthcheck: string[];
  healthcheckWhy: string;
  /** Why the image tag is pinned the way it is. */
  imageWhy: string;
  /** Image names (last path part) the doctor takes for this engine's service. */
  images: readonly string[];
  /** The server software its image runs: the doctor's rules about that server's image apply (PostGIS runs PostgreSQL). */
  server: 'postgresql' | 'mysql' | 'mariadb';
  /** Client tools an entrypoint may wait for it with. */
  clientTools: readonly string[];
}

export interface FileDatabase extends EngineNames {
  kind: 'file';
  engine: string;
}

export interface NoDatabase extends EngineNames {
  kind: 'none';
}

export type EngineRow = ServerDatabase | FileDatabase | NoDatabase;

/** MySQL and MariaDB share Django's backend and its drivers. */
const MYSQL_DRIVERS: readonly Driver[] = [
  {
    name: 'mysqlclient',
    requirement: 'mysqlclient==2.2.7',
    builderPackages: ['build-essential', 'pkg-config', 'default-libmysqlclient-dev'],
    runtimePackages: ['libmariadb3'],
    builderWhy:
      'mysqlclient has no Linux wheels and always compiles, finding the client library with pkg-config (2.2 and later) or mysql_config (before) (mysqlclient-build-deps-missing)',
    runtimeWhy: 'mysqlclient loads the MariaDB/MySQL client library at run time (runtime-lib-missing)',
  },
];
const MYSQL_DRIVER_DISTRIBUTIONS = ['mysqlclient', 'pymysql', 'mysql-connector-python'];
/** utf8mb4: the client's `utf8` is 3-byte and fails on emoji and other characters outside the BMP. */
const MYSQL_OPTIONS = { charset: 'utf8mb4' };

/** The engines --database takes; the compiler holds the table below to exactly these rows. */
export type Database = 'postgres' | 'mysql' | 'mariadb' | 'sqlite' | 'none';

const TABLE = {
  postgres: {
    kind: 'server',
    label: 'PostgreSQL',
    engine: 'django.db.backends.postgresql',
    backends: ['postgresql*', 'postgis'],
    urlSchemes: ['postgres*', 'pgsql', 'postgis'],
    options: {},
    drivers: [
      {
        name: 'psycopg',
        requirement: 'psycopg==3.3.6',
        builderPackages: [],
        runtimePackages: ['libpq5'],
        builderWhy: '',
        runtimeWhy: 'pure-Python psycopg 3 loads the system libpq at run time (runtime-lib-missing)',
      },
      { name: 'psycopg[binary]', requirement: 'psycopg[binary]', builderPackages: [], runtimePackages: [], builderWhy: '', runtimeWhy: '' },
      {
        name: 'psycopg[c]',
        requirement: 'psycopg[c]',
        builderPackages: ['build-essential', 'libpq-dev'],
        runtimePackages: ['libpq5'],
        builderWhy: 'psycopg[c] compiles against the libpq headers (pg-build-deps-missing)',
        runtimeWhy: 'psycopg[c] loads libpq at run time (runtime-lib-missing)',
      },
      { name: 'psycopg2-binary', requirement: 'psycopg2-binary', builderPackages: [], runtimePackages: [], builderWhy: '', runtimeWhy: '' },
      {
        name: 'psycopg2',
        requirement: 'psycopg2',
        builderPackages: ['build-essential', 'libpq-dev'],
        runtimePackages: ['libpq5'],
        builderWhy: 'psycopg2 compiles from source against the libpq headers (pg-build-deps-missing)',
        runtimeWhy: 'psycopg2 loads libpq at run time (runtime-lib-missing)',
      },
    ],
    driverDistributions: ['psycopg', 'psycopg2', 'psycopg2-binary', 'psycopg-binary', 'psycopg-c'],
    image: 'postgres',
    // The Debian variant is named: `postgres:17` alone moves with Debian releases. Majors before 13 never had trixie.
    tag: (v: string) => `${v}-${Number(v) >= 13 ? 'trixie' : 'bookworm'}`,
    defaultVersion: '17',
    versions: ['13', '14', '15', '16', '17', '18'],
    // prettier-ignore
    djangoMinimum: { '3.2': '9.6', '4.0': '10', '4.1': '11', '4.2': '12', '5.0': '12', '5.1': '13', '5.2': '14', '6.0': '14', '6.1': '15' },
    port: 5432,
    dataDir: (v: string) => (Number(v) >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data'),
    account: { name: ['POSTGRES_DB'], user: ['POSTGRES_USER'], password: ['POSTGRES_PASSWORD'] },
    accountDefaults: { user: 'postgres', nameIsUser: true },
    healthcheck: ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U "$${POSTGRES_USER}" -d "$${POSTGRES_DB}"'],
    healthcheckWhy: '-h 127.0.0.1 probes TCP: the unix socket answers during first-start init, before the server listens (db-not-ready)',
    imageWhy: 'Pinned major: a moved `latest` would not read the existing volume (postgres-major-drift).',
    images: ['postgres', 'postgis'],
    server: 'postgresql',
    clientTools: ['pg_isready', 'psql'],
  },
  mysql: {
    kind: 'server',
    label: 'MySQL',
    engine: 'django.db.backends.mysql',
    backends: ['mysql'],
    urlSchemes: ['mysql*'],
    options: MYSQL_OPTIONS,
    drivers: MYSQL_DRIVERS,
    driverDistributions: MYSQL_DRIVER_DISTRIBUTIONS,
    image: 'mysql',
    tag: (v: string) => v,
    defaultVersion: '8.4',
    versions: ['8.0', '8.4', '9'],
    // prettier-ignore
    djangoMinimum: { '3.2': '5.7', '4.0': '5.7', '4.1': '5.7', '4.2': '8.0.11', '5.0': '8.0.11', '5.1': '8.0.11', '5.2': '8.0.11', '6.0': '8.0.11', '6.1': '8.4' },
    port: 3306,
    dataDir: () => '/var/lib/mysql',
    account: { name: ['MYSQL_DATABASE'], user: ['MYSQL_USER'], password: ['MYSQL_PASSWORD'], root: ['MYSQL_ROOT_PASSWORD'] },
    accountDefaults: { nameIsUser: false },
    healthcheck: ['CMD-SHELL', 'mysqladmin ping -h 127.0.0.1 -u "$${MYSQL_USER}" -p"$${MYSQL_PASSWORD}" --silent'],
    healthcheckWhy: '-h 127.0.0.1 probes TCP: first-start init runs a socket-only server that would answer early (db-not-ready)',
    imageWhy: 'Pinned to an LTS release: a moved `latest` could upgrade the data files under an existing volume.',
    images: ['mysql', 'percona'],
    server: 'mysql',
    clientTools: ['mysqladmin', 'mysql'],
  },
  mariadb: {
    kind: 'server',
    label: 'MariaDB',
    engine: 'django.db.backends.mysql',
    backends: ['mysql'],
    // A mysql:// URL reaches MariaDB as well; the first scheme is the one we write.
    urlSchemes: ['mysql*', 'mariadb'],
    options: MYSQL_OPTIONS,
    drivers: MYSQL_DRIVERS,
    driverDistributions: MYSQL_DRIVER_DISTRIBUTIONS,
    image: 'mariadb',
    tag: (v: string) => v,
    // The current long-term release (maintained to 2028).
    defaultVersion: '11.8',
    versions: ['10.6', '10.11', '11.4', '11.8', '12'],
    // prettier-ignore
    djangoMinimum: { '3.2': '10.2', '4.0': '10.2', '4.1': '10.3', '4.2': '10.4', '5.0': '10.4', '5.1': '10.5', '5.2': '10.5', '6.0': '10.6', '6.1': '10.11' },
    port: 3306,
    dataDir: () => '/var/lib/mysql',
    account: {
      name: ['MARIADB_DATABASE', 'MYSQL_DATABASE'],
      user: ['MARIADB_USER', 'MYSQL_USER'],
      password: ['MARIADB_PASSWORD', 'MYSQL_PASSWORD'],
      root: ['MARIADB_ROOT_PASSWORD', 'MYSQL_ROOT_PASSWORD'],
    },
    accountDefaults: { nameIsUser: false },
    healthcheck: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
    healthcheckWhy: "the image's own script: --connect needs the TCP server up, not just the init-time socket (db-not-ready)",
    imageWhy: 'Pinned to an LTS release: a moved `latest` could upgrade the data files under an existing volume.',
    images: ['mariadb'],
    server: 'mariadb',
    clientTools: ['mariadb-admin', 'mariadb'],
  },
  sqlite: {
    kind: 'file',
    label: 'SQLite',
    engine: 'django.db.backends.sqlite3',
    backends: ['sqlite3', 'spatialite'],
    urlSchemes: ['sqlite*', 'spatialite'],
  },
  none: { kind: 'none', label: 'no database', backends: ['dummy'], urlSchemes: [] },
} satisfies Record<Database, EngineRow>;

export const DATABASE_TABLE: Readonly<Record<Database, EngineRow>> = TABLE;
/** The engines, in the order --database lists them. */
export const DATABASES = Object.keys(TABLE) as Database[];
/** What a new project gets, as startproject does: no server to run. */
export const DEFAULT_DATABASE: Database = 'sqlite';

/** Server engines whose drivers differ: one per driver set (MariaDB is served by MySQL's). */
export const DRIVER_ENGINES: readonly Database[] = DATABASES.filter((db, i) => {
  const row = DATABASE_TABLE[db];
  return (
    row.kind === 'server' && !DATABASES.slice(0, i).some((d) => (DATABASE_TABLE[d] as Partial<ServerDatabase>).drivers === row.drivers)
  );
});

/** Whether a name matches a pattern list, where a trailing `*` matches any continuation. */
function matchesName(patterns: readonly string[], name: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}

/** Whether a server database is published in this version: `17` and `17.2` are PostgreSQL's, `8.4` is MySQL's. */
export function hasVersion(database: Database, version: string): boolean {
  const table = DATABASE_TABLE[database];
  return table.kind === 'server' && table.versions.some((line) => version === line || version.startsWith(`${line}.`));
}

/** Map a Django ENGINE string from settings to our database answer. */
export function databaseFromEngine(engine: string): Database | 'unsupported' {
  const backend = engine.split('.').pop() ?? '';
  return DATABASES.find((db) => matchesName(DATABASE_TABLE[db].backends, backend)) ?? 'unsupported';
}

/** Whether a Django ENGINE talks to a server over the network (an engine we do not know is taken to). */
export function engineUsesNetwork(engine: string): boolean {
  const database = databaseFromEngine(engine);
  return database === 'unsupported' || DATABASE_TABLE[database].kind === 'server';
}

/** Whether a Django ENGINE keeps the database in a file (SQLite, SpatiaLite). */
export function engineUsesFile(engine: string): boolean {
  const database = databaseFromEngine(engine);
  return database !== 'unsupported' && DATABASE_TABLE[database].kind === 'file';
}

/** Whether a Django ENGINE reaches a database: MariaDB's service through the MySQL backend, PostGIS through PostgreSQL's. */
export function engineReaches(engine: string, database: Database): boolean {
  return matchesName(DATABASE_TABLE[database].backends, engine.split('.').pop() ?? '');
}

/** The engine a DATABASE_URL scheme names. */
export function databaseFromUrlScheme(scheme: string): Database | undefined {
  return DATABASES.find((db) => matchesName(DATABASE_TABLE[db].urlSchemes, scheme.toLowerCase()));
}

/** The server engine whose service runs this image (`postgis/postgis:17` is PostgreSQL's). */
export function databaseOfImage(imageName: string): Database | undefined {
  const last = imageName.split('/').pop() ?? '';
  return DATABASES.find((db) => {
    const row = DATABASE_TABLE[db];
    return row.kind === 'server' && row.images.includes(last);
  });
}

/** The server software a database image runs (`postgis/postgis` runs PostgreSQL). */
export function serverOfImage(imageName: string): ServerDatabase['server'] | undefined {
  const database = databaseOfImage(imageName);
  const row = database ? DATABASE_TABLE[database] : undefined;
  return row?.kind === 'server' ? row.server : undefined;
}

/** The server rows' client tools, for telling a wait-for-the-database command. */
export const DATABASE_CLIENT_TOOLS: readonly string[] = DATABASES.flatMap((db) => {
  const row = DATABASE_TABLE[db];
  return row.kind === 'server' ? row.clientTools : [];
});

/** A throwaway URL of the engine, for importing settings that parse one (it connects to nothing). */
export function throwawayDatabaseUrl(database: Database): string {
  const row = DATABASE_TABLE[database];
  if (row.kind === 'server') return `${row.urlSchemes[0]!.replace(/\*$/, '')}://build:build@localhost:${row.port}/build`;
  return 'sqlite:////tmp/build.sqlite3';
}

/** The compose environment of a server's service: each of its account variables from one .env variable. */
export function serviceEnv(row: ServerDatabase): Array<[string, string]> {
  return [
    [row.account.name[0]!, 'DB_NAME'],
    [row.account.user[0]!, 'DB_USER'],
    [row.account.password[0]!, 'DB_PASSWORD'],
    ...(row.account.root ? [[row.account.root[0]!, 'DB_ROOT_PASSWORD'] as [string, string]] : []),
  ];
}

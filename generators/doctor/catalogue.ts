/**
 * The doctor's rules as data: id (the failure-mode catalogue's slug), default severity
 * (E → error, W → warning, I → info), a one-line title, help text, and what a file-based check
 * cannot see. The text is ours; the ids and severities follow the catalogue.
 */

export type Severity = 'error' | 'warning' | 'info';

export interface RuleInfo {
  id: string;
  severity: Severity;
  /** Catalogue section: A base image … H compose; X for the doctor's own. */
  section: string;
  title: string;
  help: string;
  /** What this rule cannot judge from files, when part of the row needs a running system. */
  blindSpot?: string;
}

const r = (id: string, severity: Severity, section: string, title: string, help: string, blindSpot?: string): RuleInfo => ({
  id,
  severity,
  section,
  title,
  help,
  ...(blindSpot ? { blindSpot } : {}),
});

export const RULES: readonly RuleInfo[] = [
  r(
    'parse-error',
    'error',
    'X',
    'A file could not be parsed',
    'The doctor reads Dockerfiles, compose files, settings modules, requirements and .env files with real parsers. A file that does not parse would also stop Docker, Compose or Python; fix the line shown, then run the doctor again.',
  ),

  r(
    'base-image-eol-distro',
    'error',
    'A',
    'Base image pins a retired Debian release',
    'Tags such as python:3.9-slim-buster name a Debian release whose mirrors are gone, so apt-get update fails with 404 errors. Move to a maintained release (trixie, or bookworm while it lasts) with a current Python. Pointing sources.list at archive.debian.org only hides the problem.',
  ),
  r(
    'base-image-floating-tag',
    'warning',
    'A',
    'Base image tag floats',
    'A tag without a Python minor version and a Debian codename (python:3, python:3.12-slim, latest) changes under you: the next build can get another Debian release with renamed packages or a Python your Django does not support. Write the full tag, python:<X.Y>-slim-<codename>. Packages that do not exist in the resolved release are reported as errors.',
  ),
  r(
    'python-django-mismatch',
    'error',
    'A',
    'Image Python and pinned Django do not fit',
    'Each Django line supports a fixed set of Python versions. pip refuses a Django that needs a newer Python, and an old Django may install on a newer Python and break at run time. Pick a Python the pinned Django supports, or move Django.',
  ),
  r(
    'python-eol',
    'warning',
    'A',
    'Python past its end of life',
    'This Python no longer receives security fixes. Move the image to a supported Python that your Django line also supports.',
  ),
  r(
    'alpine-musl-wheels',
    'warning',
    'A',
    'Alpine image with C-extension packages',
    'Alpine uses musl, so many manylinux wheels do not apply and pip compiles from source: slow builds, and failures when the build packages are missing. Prefer a Debian slim image; on Alpine, install build-base and the -dev packages in the stage that runs pip.',
  ),
  r(
    'arch-mismatch',
    'error',
    'A',
    'Platforms disagree',
    'An image built for one CPU architecture fails with "exec format error" on another. FROM --platform and the compose platform: must agree; a hard-coded platform in FROM also forces emulation on other machines.',
    'The doctor cannot know the architecture of the machine that builds or runs the image.',
  ),
  r(
    'system-python-pep668',
    'error',
    'A',
    "pip into the distribution's Python",
    'Debian and Ubuntu mark their Python as externally managed, so pip install fails with "externally-managed-environment". Use an official python image or install into a virtualenv that is first on PATH.',
  ),

  r(
    'missing-python-dep',
    'error',
    'B',
    'A package the settings or command need is not installed',
    'The database engine, middleware, installed apps, settings imports and the server command each need a distribution. When the requirements the image installs do not list it, the container fails at start with ImportError or "executable file not found". Add it to the requirements file the Dockerfile installs.',
  ),
  r(
    'no-wheel-for-python',
    'error',
    'B',
    'Pinned C extension has no wheel for this Python',
    "Below a certain release a C-extension package ships no wheel for the image's Python, so pip builds it from source and fails on a slim image. Raise the pin to a release with wheels for this Python.",
    'Wheel availability is judged from a table of known minimums; packages outside the table are not checked.',
  ),
  r(
    'pg-build-deps-missing',
    'error',
    'B',
    'psycopg2 or psycopg[c] compiles without libpq headers',
    'These distributions compile against libpq: the stage that runs pip needs libpq-dev and a compiler, which slim images lack (pg_config not found). Use psycopg[binary] or psycopg2-binary, or install build-essential and libpq-dev in the builder stage.',
  ),
  r(
    'mysqlclient-build-deps-missing',
    'error',
    'B',
    'mysqlclient compiles without its build packages',
    'mysqlclient has no Linux wheels and always compiles; since 2.2 it finds the client library with pkg-config. The stage running pip needs pkg-config, a compiler and default-libmysqlclient-dev (or libmariadb-dev).',
  ),
  r(
    'pillow-build-deps-missing',
    'error',
    'B',
    'Pillow would compile without image libraries',
    "An old Pillow pin (or Alpine) means pip compiles Pillow, which needs libjpeg and zlib headers. Pin a Pillow with wheels for the image's Python, or install the -dev packages.",
  ),
  r(
    'runtime-lib-missing',
    'error',
    'B',
    'Final image lacks a shared library a driver loads',
    'psycopg (without [binary]), psycopg2 built from source and mysqlclient load libpq or the MySQL client library at run time. A multi-stage build that compiled them in a builder must install the runtime library (libpq5, libmariadb3) in the final stage, and must not purge it.',
  ),
  r(
    'distutils-removed',
    'error',
    'B',
    'python3-distutils on a release without it',
    'Python 3.12 removed distutils and Debian trixie dropped the python3-distutils package, so apt-get install fails. Remove the package; install setuptools with pip if a dependency needs it.',
  ),
  r(
    'apt-hygiene',
    'error',
    'B',
    'apt-get usage that breaks or bloats builds',
    'apt-get install without -y aborts a non-interactive build. apt-get update in its own RUN leaves a stale package index in the cache. --no-install-recommends and removing /var/lib/apt/lists keep the image small. Use one RUN: update, install -y --no-install-recommends, rm -rf /var/lib/apt/lists/*.',
  ),

  r(
    'build-context-missing-file',
    'error',
    'C',
    'COPY source missing from the build context',
    'Each COPY/ADD source must exist under the build context and must not be excluded by .dockerignore, or the build fails with "not found". Check the compose build.context, the path, and the .dockerignore patterns.',
  ),
  r(
    'dockerignore-missing',
    'warning',
    'C',
    'Local state can reach the image',
    "Without a .dockerignore (or with one that misses them), a local virtualenv, .env secrets, SQLite files or .git are sent to the builder and copied into the image; a host venv can even replace the image's. Add those paths to .dockerignore.",
  ),
  r(
    'workdir-copy-mismatch',
    'error',
    'C',
    "The command's files are not where it runs",
    'The command runs from the working directory, but the code was copied somewhere else (or manage.py sits in a subfolder), so Python cannot open manage.py. Copy the code to the WORKDIR, or set WORKDIR to where the code lands.',
  ),
  r(
    'wsgi-module-path',
    'error',
    'C',
    "The server's application path does not resolve",
    'gunicorn, uvicorn and daphne import module:attribute from their working directory and PYTHONPATH. The module file must exist there in the image and define the attribute; a file path is not a module path.',
  ),
  r(
    'settings-module-wrong',
    'error',
    'C',
    'DJANGO_SETTINGS_MODULE names a module the image lacks',
    'The effective DJANGO_SETTINGS_MODULE (Dockerfile ENV, compose environment, env_file, or the setdefault in manage.py/wsgi.py) must name a module that exists in the image, or Django stops at start.',
  ),

  r(
    'entrypoint-crlf',
    'error',
    'D',
    'Entrypoint script has Windows line endings',
    'A script with CRLF endings makes the kernel look for "/bin/sh\\r": "no such file or directory" although the file exists. Convert it to LF and add "*.sh text eol=lf" to .gitattributes so Windows checkouts keep LF.',
  ),
  r(
    'entrypoint-not-executable',
    'error',
    'D',
    'Entrypoint script is not executable',
    'An ENTRYPOINT that runs the script directly needs its exec bit: git mode 100755 or COPY --chmod=0755 / RUN chmod +x. Otherwise the container fails with "permission denied". Running it as ["/bin/sh", "script"] avoids the bit altogether.',
  ),
  r(
    'entrypoint-no-exec',
    'warning',
    'D',
    'Entrypoint script does not exec the server',
    'A script that does not end with exec "$@" either never starts the CMD or keeps sh as PID 1, which does not pass SIGTERM on. Without set -e a failed migrate is ignored and the server starts against an old schema.',
  ),
  r(
    'shell-form-signals',
    'warning',
    'D',
    'Shell-form command does not get signals',
    'Shell-form CMD/ENTRYPOINT (or sh -c without exec) makes /bin/sh PID 1; it does not forward SIGTERM, so docker stop waits 10 s and kills the app. Use the JSON exec form.',
  ),
  r(
    'python-unbuffered',
    'warning',
    'D',
    'Python output is buffered',
    'Python buffers stdout when it is not a terminal, so logs appear late or are lost at a crash. Set PYTHONUNBUFFERED=1 in the Dockerfile or compose environment.',
  ),
  r(
    'gunicorn-worker-timeout',
    'warning',
    'D',
    'gunicorn workers risk timeouts',
    "Many fixed workers under a memory limit get killed (WORKER TIMEOUT, signal 9). gunicorn's heartbeat files in /tmp on overlayfs can stall; --worker-tmp-dir /dev/shm avoids that.",
    'Memory use per worker depends on the app; the doctor assumes about 150 MB.',
  ),
  r(
    'runserver-in-production',
    'warning',
    'D',
    'The image runs the development server',
    'manage.py runserver is a development server: single process, no static files without DEBUG, not hardened. Run gunicorn (WSGI) or uvicorn (ASGI) in the image; keep runserver for a development override file.',
  ),
  r(
    'build-time-env-required',
    'error',
    'D',
    'A build step needs runtime settings',
    'manage.py collectstatic at build time imports the settings, which fail when they read an environment variable without a default that the build does not set. Give that RUN a throwaway value for it. Secrets in ENV/ARG end up in the image history.',
  ),
  r(
    'migrate-at-build',
    'error',
    'D',
    'Migrations run at build time',
    'The database is not reachable while the image builds (no compose network), and a migrated SQLite file baked into the image is replaced at every rebuild. Run migrate when the container starts.',
  ),

  r(
    'bind-loopback',
    'error',
    'E',
    'Server listens on loopback only',
    'Inside a container 127.0.0.1 is not reachable through a published port. runserver, gunicorn (without PORT), uvicorn, daphne and hypercorn bind loopback by default: give an explicit 0.0.0.0:<port>.',
  ),
  r(
    'port-mismatch',
    'error',
    'E',
    'Ports disagree',
    'The port the server binds must be the container side of compose ports, the port the healthcheck calls, and what EXPOSE documents. A published port that nothing listens on gives "connection refused".',
  ),
  r(
    'host-port-in-use',
    'error',
    'E',
    'Host port clash',
    'Two services publishing the same host port cannot both start. Publishing database or cache ports is rarely needed and clashes with a database running on the host.',
    'Whether another program on the host already uses a port is only known on that host at run time.',
  ),
  r(
    'compose-ports-unquoted',
    'warning',
    'E',
    'Port mapping not quoted',
    'YAML 1.1 readers take an unquoted xx:yy with a last part under 60 as a base-60 number (22:22 becomes 1342). Quote port mappings.',
  ),
  r(
    'db-host-localhost',
    'error',
    'E',
    'Database host is the web container itself',
    "In a container, localhost is the container. With a database service in compose, HOST must be that service's name; for MySQL, localhost also means a unix socket.",
  ),
  r(
    'db-hostname-unresolvable',
    'error',
    'E',
    'Database host is not a compose service',
    'The database host name must be a service name, alias or container_name on a network the web service shares, or the lookup fails ("could not translate host name").',
  ),
  r(
    'db-not-ready',
    'warning',
    'E',
    'Web may start before the database accepts connections',
    'Short-form depends_on only waits for the container to start. Give the database a healthcheck that probes TCP (pg_isready -h 127.0.0.1 …) and make web depend on it with condition: service_healthy.',
  ),
  r(
    'host-docker-internal-linux',
    'warning',
    'E',
    'host.docker.internal without host-gateway',
    'host.docker.internal exists by default only on Docker Desktop. On Linux add extra_hosts: ["host.docker.internal:host-gateway"].',
  ),
  r(
    'service-name-underscore',
    'error',
    'E',
    'Host name with an underscore',
    'Django rejects Host headers that are not valid DNS names, so calling it as http://my_service:8000 gives 400 even when the name is in ALLOWED_HOSTS. Use hyphens in service names, aliases and container names.',
  ),

  r(
    'allowed-hosts-missing',
    'error',
    'F',
    'ALLOWED_HOSTS does not admit the hosts used',
    'With DEBUG off, a Host not in ALLOWED_HOSTS gets 400 Bad Request. Entries are bare host names: no scheme, no port. "*" admits every host, including forged ones.',
  ),
  r(
    'healthcheck-host-rejected',
    'error',
    'F',
    'Healthcheck is refused by Django',
    "The healthcheck's Host must be in ALLOWED_HOSTS, or the container stays unhealthy; with SECURE_SSL_REDIRECT the probe gets a redirect unless its path is exempt.",
  ),
  r(
    'csrf-origins-no-scheme',
    'error',
    'F',
    'CSRF_TRUSTED_ORIGINS entry without a scheme',
    'Since Django 4.0 each entry must start with http:// or https:// (check 4_0.E001); under gunicorn the check never runs and POSTs just fail.',
  ),
  r(
    'csrf-origin-mismatch',
    'warning',
    'F',
    'Browser origin not trusted behind a proxy',
    'Django compares the Origin header with the scheme and host it sees. A proxy that rewrites Host or ends TLS without SECURE_PROXY_SSL_HEADER makes every POST fail with 403.',
  ),
  r(
    'ssl-redirect-loop',
    'error',
    'F',
    'SSL redirect without HTTPS',
    'SECURE_SSL_REDIRECT on plain HTTP, or behind a TLS proxy without SECURE_PROXY_SSL_HEADER, redirects forever. Turn it on only with HTTPS in front and the proxy header set.',
  ),
  r(
    'secure-cookies-over-http',
    'error',
    'F',
    'Secure cookies on a plain-HTTP setup',
    'SESSION_COOKIE_SECURE / CSRF_COOKIE_SECURE make browsers withhold the cookies over http, so logins loop and POSTs fail with "CSRF cookie not set". Tie them to an HTTPS setup.',
  ),
  r(
    'debug-env-truthy',
    'warning',
    'F',
    'DEBUG read from the environment as a string',
    'os.environ.get("DEBUG", False) returns the string "False" when set, which is true. Parse it: value.lower() in {"1", "true", "yes", "on"}.',
  ),
  r(
    'secret-key-missing',
    'error',
    'F',
    'A variable the settings require is not passed',
    'Settings that read an environment variable without a default fail at import when compose does not pass it (environment, env_file, or the Dockerfile ENV).',
  ),
  r(
    'compose-dollar-interpolation',
    'error',
    'F',
    '$ in compose values or .env',
    'Compose replaces $NAME in compose files and in unquoted or double-quoted .env values; an unset name becomes empty and a malformed ${…} stops compose. Write $$ for a literal $, or single-quote the .env value.',
    'Variables exported in the shell that runs compose also take part; the doctor only sees .env.',
  ),
  r(
    'env-list-parsing',
    'error',
    'F',
    'List setting assigned a raw string',
    'ALLOWED_HOSTS or CSRF_TRUSTED_ORIGINS assigned straight from the environment is a string, which Django reads character by character. Split on commas and strip. (.split on a variable nobody sets crashes the import: that is reported as a variable the settings need.)',
  ),

  r(
    'static-not-served',
    'error',
    'G',
    'Static files are not served',
    'With DEBUG off, gunicorn does not serve /static/. Add WhiteNoise to MIDDLEWARE right after SecurityMiddleware (or serve STATIC_ROOT from a proxy), and run collectstatic in the image.',
  ),
  r(
    'static-root-unset',
    'error',
    'G',
    'collectstatic without STATIC_ROOT',
    'collectstatic needs STATIC_ROOT set to a folder, and that folder must not be one of STATICFILES_DIRS.',
  ),
  r(
    'static-manifest-missing',
    'error',
    'G',
    'Manifest storage without collectstatic',
    'Manifest static storage raises on every page when collectstatic has not run in this image, or when a bind mount hides its output.',
  ),
  r(
    'bind-mount-shadows-image',
    'error',
    'G',
    'Bind mount hides what the image put there',
    'A bind mount over the code folder replaces everything the image built there: a virtualenv, collected static files, an entrypoint with its exec bit. Keep those outside the mounted folder.',
  ),
  r(
    'nonroot-write-denied',
    'error',
    'G',
    'The app user cannot write where the app writes',
    'With a non-root USER, the SQLite file and its folder, MEDIA_ROOT and a run-time collectstatic target must be owned by that user (chown or COPY --chown), or writes fail with Permission denied.',
  ),
  r(
    'named-volume-root-owned',
    'error',
    'G',
    'Named volume mounted on a root-owned path',
    'A fresh named volume takes the owner of the image folder it is mounted on; a folder that does not exist in the image is created for root. Create and chown the mount point in the Dockerfile.',
  ),
  r(
    'runs-as-root',
    'warning',
    'G',
    'The container runs as root',
    'Without a USER (or with USER root) the app runs as root, and files it writes to bind mounts belong to root on the host. Create a user with a fixed uid and switch to it.',
  ),

  r(
    'compose-version-obsolete',
    'info',
    'H',
    'Obsolete top-level version',
    'Compose v2 ignores the top-level version: key and warns about it. Remove it.',
  ),
  r(
    'compose-v1-legacy',
    'warning',
    'H',
    'docker-compose v1 commands',
    'docker-compose (v1) no longer receives updates and fails on current systems. Use docker compose (v2).',
  ),
  r(
    'healthcheck-tool-missing',
    'error',
    'H',
    'Healthcheck calls a tool the image lacks',
    "python slim images have neither curl nor wget, so such a healthcheck always fails and dependents never start. Probe with the image's Python (urllib.request), or install the tool.",
  ),
  r(
    'env-file-missing',
    'error',
    'H',
    'An env_file compose needs does not exist',
    'Compose refuses to start a service whose env_file is missing ("env file … not found"). A .env kept out of git has to be created on each machine, usually by copying .env.example and filling in the values; env_file entries that may be absent take required: false.',
  ),
  r(
    'postgres-password-missing',
    'error',
    'H',
    'postgres service without a password',
    'The official postgres image refuses to initialise without POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE). POSTGRES_HOST_AUTH_METHOD=trust lets anyone on the network in.',
  ),
  r(
    'postgres18-volume-path',
    'error',
    'H',
    'postgres 18 volume at the old data path',
    'From postgres 18 the image keeps data under /var/lib/postgresql/<major>/docker and declares /var/lib/postgresql as its volume; a mount at /var/lib/postgresql/data stops the server. Mount /var/lib/postgresql.',
  ),
  r(
    'postgres-major-drift',
    'warning',
    'H',
    'Database image without a pinned major',
    'latest or a tag without a major version moves to a new major that cannot read the existing data volume. Pin the major.',
    'Which major initialised an existing volume is only known from the volume itself.',
  ),
  r(
    'db-version-unsupported',
    'error',
    'H',
    'Database older than Django supports',
    'Each Django line needs a minimum database version and refuses older servers at connect. Use a database image at least that new.',
  ),
  r(
    'db-credentials-drift',
    'error',
    'H',
    'Django and the database service disagree on credentials',
    "Django's NAME/USER/PASSWORD must come from the same values the database service initialises with (POSTGRES_*, MYSQL_*, MARIADB_*). Special characters in a DATABASE_URL password must be percent-encoded.",
    'Init variables apply only to an empty volume: credentials changed after the first start are not visible in files.',
  ),
];

/** Reported only by `doctor --build`, from what the engine shows. */
export const ENGINE_RULES: readonly RuleInfo[] = [
  r(
    'engine-failure',
    'error',
    'X',
    'The engine run failed in a way no catalogue row names',
    'doctor --build built or started the app and it failed with a symptom the catalogue does not list. The message quotes the last lines of the log; run the step yourself (docker compose build / up) to read all of it.',
  ),
  r(
    'django-check',
    'error',
    'X',
    "Django's system checks report a problem",
    'doctor --build runs manage.py check --deploy in the started container. Errors stop runserver and migrate (gunicorn starts anyway); warnings are the deployment checklist. Each message carries the check id.',
  ),
];

export const RULE_BY_ID: ReadonlyMap<string, RuleInfo> = new Map([...RULES, ...ENGINE_RULES].map((x) => [x.id, x]));

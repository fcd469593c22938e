/**
 * What common distributions install with them (their runtime requirements, every platform and
 * Python merged, from their published metadata). The doctor uses it to prove that a package is
 * absent from an image: a requirement list whose every entry is in this table has a known
 * closure; one with an entry outside it may bring anything, so an absence is only likely.
 */

/** Normalised name → the distributions it requires. Extras are `name[extra]`. */
export const REQUIRES: Readonly<Record<string, readonly string[]>> = {
  django: ['asgiref', 'sqlparse', 'tzdata'],
  asgiref: ['typing-extensions'],
  sqlparse: [],
  tzdata: [],
  'typing-extensions': [],
  gunicorn: ['packaging'],
  packaging: [],
  whitenoise: [],
  'whitenoise[brotli]': ['brotli'],
  brotli: [],
  psycopg: ['typing-extensions', 'tzdata'],
  'psycopg[binary]': ['psycopg-binary'],
  'psycopg[c]': ['psycopg-c'],
  'psycopg[pool]': ['psycopg-pool'],
  'psycopg-binary': [],
  'psycopg-c': [],
  'psycopg-pool': ['typing-extensions'],
  psycopg2: [],
  'psycopg2-binary': [],
  mysqlclient: [],
  pymysql: [],
  'dj-database-url': ['django', 'typing-extensions'],
  'django-environ': [],
  'python-decouple': [],
  'python-dotenv': [],
  uvicorn: ['click', 'h11', 'typing-extensions'],
  'uvicorn[standard]': ['httptools', 'python-dotenv', 'pyyaml', 'uvloop', 'watchfiles', 'websockets', 'colorama'],
  click: ['colorama'],
  colorama: [],
  h11: [],
  httptools: [],
  pyyaml: [],
  uvloop: [],
  watchfiles: ['anyio'],
  anyio: ['idna', 'sniffio', 'typing-extensions', 'exceptiongroup'],
  idna: [],
  sniffio: [],
  exceptiongroup: ['typing-extensions'],
  websockets: [],
  pillow: [],
  redis: ['async-timeout'],
  'async-timeout': [],
  djangorestframework: ['django'],
  'django-cors-headers': ['asgiref', 'django'],
  'django-extensions': ['django'],
  'django-debug-toolbar': ['django', 'sqlparse'],
  'django-filter': ['django'],
  'django-storages': ['django'],
  'django-redis': ['django', 'redis'],
  'django-crispy-forms': [],
  'django-widget-tweaks': [],
  'django-htmx': ['asgiref', 'django'],
  'sentry-sdk': ['certifi', 'urllib3'],
  'sentry-sdk[django]': ['django'],
  certifi: [],
  urllib3: [],
  six: [],
  'python-dateutil': ['six'],
  pytz: [],
  waitress: [],
  pip: [],
  setuptools: [],
  wheel: [],
  uritemplate: [],
  inflection: [],
  jsonschema: ['attrs', 'jsonschema-specifications', 'referencing', 'rpds-py', 'importlib-resources', 'pkgutil-resolve-name'],
  'jsonschema-specifications': ['referencing', 'importlib-resources'],
  referencing: ['attrs', 'rpds-py', 'typing-extensions'],
  attrs: [],
  'rpds-py': [],
  'importlib-resources': ['zipp'],
  zipp: [],
  'pkgutil-resolve-name': [],
  // Frameworks that bring Django apps with them (every release's requirements merged).
  wagtail: [
    'django',
    'django-modelcluster',
    'django-permissionedforms',
    'django-taggit',
    'django-treebeard',
    'djangorestframework',
    'django-filter',
    'django-tasks',
    'draftjs-exporter',
    'pillow',
    'beautifulsoup4',
    'html5lib',
    'willow',
    'requests',
    'l18n',
    'openpyxl',
    'xlsxwriter',
    'tablib',
    'anyascii',
    'telepath',
    'laces',
  ],
  'django-cms': [
    'django',
    'django-classy-tags',
    'django-formtools',
    'django-treebeard',
    'django-sekizai',
    'djangocms-admin-style',
    'packaging',
    'setuptools',
  ],
  'django-allauth': ['django', 'asgiref', 'pyjwt', 'requests', 'requests-oauthlib', 'python3-openid', 'oauthlib', 'cryptography'],
  'dj-rest-auth': ['django', 'djangorestframework'],
  djoser: ['django', 'djangorestframework', 'djangorestframework-simplejwt', 'social-auth-app-django', 'django-templated-mail', 'asgiref'],
  'djangorestframework-simplejwt': ['django', 'djangorestframework', 'pyjwt'],
  'drf-spectacular': ['django', 'djangorestframework', 'uritemplate', 'pyyaml', 'jsonschema', 'inflection'],
  'django-celery-beat': ['celery', 'django', 'django-timezone-field', 'python-crontab', 'cron-descriptor', 'tzdata'],
  'django-celery-results': ['celery', 'django'],
};

/** The closure of a requirement list, when every entry's requirements are known. */
export function installedClosure(requirements: ReadonlyArray<{ name: string; extras: readonly string[] }>): {
  names: Set<string>;
  /** Entries whose own requirements the table does not know. */
  unknown: string[];
} {
  const names = new Set<string>();
  const done = new Set<string>();
  // A set beside the list, and a moving head instead of shift(): linear in the number of entries.
  const unknown: string[] = [];
  const unknownNames = new Set<string>();
  const queue: string[] = [];
  for (const r of requirements) {
    queue.push(r.name);
    for (const e of r.extras) queue.push(`${r.name}[${e}]`);
  }
  for (let head = 0; head < queue.length; head++) {
    const key = queue[head]!;
    const bracket = key.indexOf('[');
    const name = bracket === -1 ? key : key.slice(0, bracket);
    if (done.has(key)) continue;
    done.add(key);
    names.add(name);
    const deps = REQUIRES[key];
    if (!deps) {
      if (!unknownNames.has(name)) {
        unknownNames.add(name);
        unknown.push(name);
      }
      continue;
    }
    queue.push(...deps.filter((d) => !done.has(d)));
  }
  return { names, unknown };
}

/**
 * JSON Schemas of the answers, the organisation config and the plan, built from the same
 * tables the generator uses (QUESTIONS, CONFIG_KEYS, the version and database lists), and
 * published in the package's schema/ folder (`npm run schemas` rewrites them; a test checks).
 */
import { QUESTIONS } from './answers.ts';
import { DATABASES } from '../facts/databases.ts';
import { TAKEN_IDS, TAKEN_NAMES } from '../facts/base-image.ts';
import { CONFIG_KEYS } from './org-config.ts';

type Schema = Record<string, unknown>;

/** A base-image prefix: registry host (port optional), repository path parts, a final /. */
export const REGISTRY_PATTERN = '^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?/([a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*/)*$';
const BASE = 'https://generator-django-docker.invalid/schema';

const str: Schema = { type: 'string' };
const strList: Schema = { type: 'array', items: str };
const pairList: Schema = { type: 'array', items: { type: 'array', items: str, minItems: 2, maxItems: 2 } };
const obj = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  additionalProperties: false,
});

function answerProperty(key: string): Schema {
  const q = QUESTIONS.find((x) => x.key === key)!;
  const base: Schema = { description: q.description };
  switch (key) {
    case 'port':
      return { ...base, type: 'integer', minimum: 1, maximum: 65535 };
    case 'uid':
      return { ...base, type: 'integer', minimum: 1000, maximum: 600000, not: { enum: [...TAKEN_IDS.keys()] } };
    case 'comments':
    case 'devCompose':
    case 'kubernetes':
      return { ...base, type: 'boolean' };
    case 'replicas':
      return { ...base, type: 'integer', minimum: 1, maximum: 100 };
    case 'user':
      return { ...base, type: 'string', pattern: '^[a-z_][a-z0-9_-]{0,31}$', not: { enum: [...TAKEN_NAMES] } };
    case 'projectName':
      return { ...base, type: 'string', pattern: '^[a-z_][a-z0-9_]*$' };
    case 'dbVersion':
      return { ...base, type: 'string', pattern: '^(\\d+(\\.\\d+)?)?$' };
    case 'webService':
    case 'dbService':
      return { ...base, type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]*$' };
    default:
      return q.choices ? { ...base, type: 'string', enum: [...q.choices] } : { ...base, type: 'string' };
  }
}

export function answersSchema(): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${BASE}/answers.schema.json`,
    title: 'generator-django-docker answers',
    description:
      'Answers as saved in .yo-rc.json and accepted by --answers and `django-docker docs --answers` (a list of these, each with a name, for docs).',
    type: 'object',
    properties: {
      $schema: str,
      name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', description: 'page name, for django-docker docs' },
      organisation: { $ref: 'config.schema.json', description: 'organisation settings given as flags, as .yo-rc.json keeps them' },
      ...Object.fromEntries(QUESTIONS.map((q) => [q.key, answerProperty(q.key)])),
    },
    additionalProperties: false,
  };
}

export function configSchema(): Schema {
  const properties: Record<string, Schema> = { $schema: str };
  for (const [key, c] of Object.entries(CONFIG_KEYS)) {
    properties[key] =
      c.type === 'labels'
        ? {
            description: c.description,
            type: 'object',
            propertyNames: { pattern: '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$' },
            additionalProperties: { type: 'string' },
          }
        : { description: c.description, type: 'string', minLength: 1 };
  }
  // A registry host (port optional), then repository path parts, ending in / (a prefix, no scheme).
  (properties.registry as Schema).pattern = REGISTRY_PATTERN;
  (properties.pipIndexUrl as Schema).pattern = '^https?://[^\\s/@]+(@[^\\s/@]+)?(/\\S*)?$';
  (properties.pipTrustedHost as Schema).pattern = '^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$';
  // Label values end up in a quoted LABEL line.
  ((properties.labels as Schema).additionalProperties as Schema).pattern = '^[^"\\\\\\n\\r]*$';
  properties.ignore = {
    description: 'doctor findings to suppress: a rule id, or {rule, file (a path or glob), reason}',
    type: 'array',
    items: {
      oneOf: [
        { type: 'string', pattern: '^[a-z0-9-]+$' },
        {
          type: 'object',
          properties: { rule: { type: 'string', pattern: '^[a-z0-9-]+$' }, file: { type: 'string', minLength: 1 }, reason: str },
          required: ['rule'],
          additionalProperties: false,
        },
      ],
    },
  };
  properties.trustProjectTemplates = {
    description: 'home file only: render templates that live inside a project (they are code) without --trust-project-templates',
    type: 'boolean',
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${BASE}/config.schema.json`,
    title: 'django-docker.config.json',
    description: 'Organisation overrides, in the project or the home folder; flags override the files.',
    type: 'object',
    properties,
    additionalProperties: false,
  };
}

/** Answers saved only when given: they matter for a few projects. */
const OPTIONAL_ANSWERS = ['project', 'webService', 'dbService'];

export function planSchema(): Schema {
  const answers = answersSchema();
  const { $schema: _s, name: _n, organisation: _o, ...answerProps } = answers.properties as Record<string, Schema>;
  const envVar = obj(
    {
      name: str,
      compose: str,
      example: str,
      secret: { type: 'boolean' },
      optional: { type: 'boolean' },
      buildOnly: { type: 'boolean' },
      passThrough: { type: 'boolean' },
      perService: { type: 'boolean' },
      why: str,
    },
    ['example', 'secret', 'optional', 'buildOnly', 'passThrough', 'perService'],
  );
  const driver = obj({ name: str, requirement: str, builderPackages: strList, runtimePackages: strList, builderWhy: str, runtimeWhy: str });
  const service = obj({
    name: str,
    image: str,
    port: { type: 'integer' },
    dataDir: str,
    volume: str,
    env: pairList,
    healthcheck: strList,
    healthcheckWhy: str,
    imageWhy: str,
  });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${BASE}/plan.schema.json`,
    title: 'generator-django-docker plan',
    description: 'Every value the templates read, derived once from the detected project and the answers.',
    ...obj(
      {
        generator: str,
        answers: { ...obj(Object.fromEntries(Object.entries(answerProps)), OPTIONAL_ANSWERS) },
        project: obj(
          {
            isNew: { type: 'boolean' },
            name: str,
            package: str,
            sourceDir: str,
            copySource: str,
            settingsModule: str,
            settingsFile: str,
            baseSettingsModule: str,
            wsgiApp: str,
            asgiApp: str,
          },
          ['asgiApp'],
        ),
        image: obj({ base: str, python: str, debian: str }),
        paths: obj({ appDir: str, venv: str, home: str, staticRoot: str, mediaRoot: str, dataDir: str, entrypoint: str }, ['dataDir']),
        user: obj({ name: str, uid: { type: 'integer' }, gid: { type: 'integer' } }),
        writablePaths: strList,
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        server: obj({ kind: { enum: ['gunicorn', 'uvicorn'] }, command: strList, why: str }),
        healthcheck: obj({ host: str, url: str, command: strList }),
        database: obj(
          {
            value: { enum: [...DATABASES] },
            label: str,
            kind: { enum: ['server', 'file', 'none'] },
            choices: { type: 'array', items: { enum: [...DATABASES] } },
            engine: str,
            options: { type: 'array', items: obj({ name: str, value: str }) },
            driver,
            service,
            sqlitePath: str,
          },
          ['engine', 'options', 'driver', 'service', 'sqlitePath'],
        ),
        packages: obj({ builder: strList, runtime: strList, builderWhy: str, runtimeWhy: str }),
        compose: obj({ file: str, web: str, previous: obj({ file: str, services: strList, volumes: strList }) }, ['previous']),
        notes: strList,
        requirements: obj(
          {
            format: { enum: ['requirements', 'pyproject', 'uv', 'poetry', 'pipenv'] },
            installer: str,
            pipInstall: str,
            venvWithPip: { type: 'boolean' },
            entry: str,
            copyFiles: strList,
            additions: strList,
            previous: strList,
            needs: strList,
            wanted: { type: 'array', items: obj({ line: str, metBy: strList }) },
            listedElsewhere: strList,
            localPaths: strList,
            localWhy: str,
          },
          ['installer'],
        ),
        env: { type: 'array', items: envVar },
        build: obj({ args: pairList, caCert: obj({ source: str, target: str }) }, ['caCert']),
        labels: pairList,
        templatesOverride: str,
        buildEnv: pairList,
        volumes: { type: 'array', items: obj({ name: str, target: str, why: str }) },
        migrateOnStart: { type: 'boolean' },
        migrations: obj({ mode: { enum: ['start', 'release'] }, command: strList }),
        dev: obj({ file: str, command: strList, codeSource: str }),
        workers: obj(
          {
            appModule: str,
            worker: obj({ command: strList, healthcheck: strList }),
            beat: obj({ command: strList }),
            broker: obj({ name: str, image: str, port: { type: 'integer' }, volume: str, dataDir: str, healthcheck: strList, url: str }),
          },
          ['beat'],
        ),
        // Its pieces are typed by kubernetes-models and validated against the Kubernetes API schemas in the tests.
        kubernetes: {
          type: 'object',
          required: ['name', 'folder', 'replicas', 'image', 'web', 'volumes', 'env', 'configMap', 'secret', 'resources'],
          properties: { replicas: { type: 'integer', minimum: 1 }, name: { type: 'string', pattern: '^[a-z]([a-z0-9-]*[a-z0-9])?$' } },
        },
      },
      ['templatesOverride', 'migrations', 'dev', 'workers', 'kubernetes'],
    ),
  };
}

export const SCHEMAS: Record<string, () => Schema> = {
  'answers.schema.json': answersSchema,
  'config.schema.json': configSchema,
  'plan.schema.json': planSchema,
};

export function schemaText(schema: Schema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/**
 * JSON Schemas of the answers and the organisation config, built from the same tables the
 * generator uses (QUESTIONS, CONFIG_KEYS, the version and database lists), and published in the
 * package's schema/ folder with the plan's, which is derived from its type (`npm run schemas`
 * rewrites them; a test checks).
 */
import { QUESTIONS } from './answers.ts';
import { TAKEN_IDS, TAKEN_NAMES } from '../facts/base-image.ts';
import { CONFIG_KEYS } from './org-config.ts';

type Schema = Record<string, unknown>;

/** A base-image prefix: registry host (port optional), repository path parts, a final /. */
export const REGISTRY_PATTERN = '^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?/([a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*/)*$';
const BASE = 'https://generator-django-docker.invalid/schema';

const str: Schema = { type: 'string' };

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

/** The schemas built from the tables; schema/plan.schema.json comes from the Plan type (scripts/plan-schema.mjs). */
export const SCHEMAS: Record<string, () => Schema> = {
  'answers.schema.json': answersSchema,
  'config.schema.json': configSchema,
};

export function schemaText(schema: Schema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

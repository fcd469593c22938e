/**
 * Answer files and config files are checked against the published JSON Schemas (schema/), the
 * contract: the same schema objects, compiled with ajv, without type coercion. A file the schema
 * refuses gets one line naming the key and what it takes.
 */
import { createRequire } from 'node:module';
import { answersSchema, configSchema } from './schemas.ts';

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}
type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

let compiled: { answers: Validate; config: Validate } | undefined;

function validators(): { answers: Validate; config: Validate } {
  if (!compiled) {
    // Loaded on first use: a run without answer or config files does not pay for it.
    const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as {
      Ajv2020: new (o: object) => {
        addSchema(s: object): unknown;
        compile(s: object): Validate;
        getSchema(id: string): Validate | undefined;
      };
    };
    const ajv = new Ajv2020({ strict: false, allErrors: false, coerceTypes: false, useDefaults: false });
    const config = configSchema();
    ajv.addSchema(config);
    compiled = { answers: ajv.compile(answersSchema()), config: ajv.getSchema(String(config.$id))! };
  }
  return compiled;
}

/** The first thing a schema refuses in a value. */
export interface SchemaProblem {
  /** Dotted path of the property (`port`, `organisation.registry`); '' for the whole value. */
  path: string;
  keyword: string;
  /** The offending value, or the unknown key for `additionalProperties`. */
  value: unknown;
  /** Allowed values or keys, when the schema lists them. */
  allowed?: string[];
  /** ajv's own wording, for the keywords without a message of ours. */
  detail: string;
}

function problemOf(validate: Validate, data: unknown, keys: (path: string) => string[]): SchemaProblem | undefined {
  if (validate(data)) return undefined;
  const e = validate.errors![0]!;
  const segments = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let value: unknown = data;
  for (const s of segments) value = (value as Record<string, unknown>)?.[s];
  const path = segments.join('.');
  if (e.keyword === 'additionalProperties') {
    const extra = String(e.params.additionalProperty);
    return { path: path ? `${path}.${extra}` : extra, keyword: e.keyword, value: extra, allowed: keys(path), detail: e.message ?? '' };
  }
  // A key that breaks propertyNames: ajv names it on the error (or in the params of the summary error).
  const badKey =
    (e as { propertyName?: string }).propertyName ?? (e.keyword === 'propertyNames' ? String(e.params.propertyName) : undefined);
  if (badKey !== undefined) {
    const name = badKey;
    return { path: path ? `${path}.${name}` : name, keyword: e.keyword, value: name, detail: e.message ?? '' };
  }
  const allowed = e.keyword === 'enum' ? (e.params.allowedValues as unknown[]).map(String) : undefined;
  return { path, keyword: e.keyword, value, ...(allowed ? { allowed } : {}), detail: e.message ?? '' };
}

function propertyNames(schema: Record<string, unknown>): string[] {
  return Object.keys(schema.properties as Record<string, unknown>).filter((k) => k !== '$schema');
}

export function answersProblem(data: unknown): SchemaProblem | undefined {
  // The answers first, then the keys about the file (organisation settings, the page name for docs).
  const answerKeys = (): string[] => {
    const all = propertyNames(answersSchema());
    return [...all.filter((k) => k !== 'name' && k !== 'organisation'), 'organisation', 'name'];
  };
  return problemOf(validators().answers, data, (path) => (path === 'organisation' ? propertyNames(configSchema()) : answerKeys()));
}

export function configProblem(data: unknown): SchemaProblem | undefined {
  return problemOf(validators().config, data, () => propertyNames(configSchema()));
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

/** One line for a schema problem; `what` names a key (`an answer`, `a setting`). */
export function problemLine(p: SchemaProblem, source: string, what: string): string {
  const where = p.path ? `"${p.path}"` : 'the file';
  switch (p.keyword) {
    case 'additionalProperties':
      return `${source}: "${p.path}" is not ${what}: use ${p.allowed!.join(', ')}`;
    case 'type':
      return `${source}: ${where} must be ${TYPE_NAMES[String(p.detail.replace(/^must be /, ''))] ?? p.detail.replace(/^must be /, '')}, not ${jsonType(p.value)}`;
    case 'enum':
      return `${source}: ${where} ${String(p.value)} is not supported: choose ${p.allowed!.join(', ')}`;
    default:
      return `${source}: ${where} ${JSON.stringify(p.value)} ${p.detail}`;
  }
}

/** One line for a problem in organisation settings; `prefix` is stripped from the path (`organisation.`). */
export function configProblemLine(p: SchemaProblem, source: string, prefix = ''): string {
  const key = p.path.startsWith(prefix) ? p.path.slice(prefix.length) : p.path;
  const shown = `${prefix}${key}`;
  const value = typeof p.value === 'string' ? p.value : undefined;
  if (key === 'registry' && value !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return `${source}: "${shown}" ${value} must not start with a scheme: give the host and path, e.g. registry.example.com/mirror/ (Docker pulls over HTTPS)`;
  }
  if (key === 'registry' && value !== undefined && p.keyword === 'pattern') {
    return value.endsWith('/')
      ? `${source}: "${shown}" ${value} is not a registry prefix: give a host, then lower-case path parts, each ending in /, e.g. registry.example.com/mirror/`
      : `${source}: "${shown}" must end with / (it is a prefix, e.g. registry.example.com/mirror/)`;
  }
  if (key === 'pipIndexUrl' && p.keyword === 'pattern')
    return `${source}: "${shown}" must be an http(s) URL, such as https://pypi.example.com/simple`;
  if (key === 'pipTrustedHost' && p.keyword === 'pattern')
    return `${source}: "${shown}" must be a host name (with a port if needed), such as pypi.example.com`;
  if (key.startsWith('labels.') && p.keyword !== 'type') {
    return `${source}: label "${key.slice('labels.'.length)}" needs a lower-case dotted key and a string value without quotes or newlines`;
  }
  if (p.keyword === 'minLength') return `${source}: "${shown}" must not be empty`;
  return problemLine(p, source, 'a setting');
}

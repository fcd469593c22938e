/**
 * Organisation overrides: what a platform team changes without forking the generator. Each is
 * a flag and a key of `django-docker.config.json` (in the project, else in the user's home);
 * flags win over the project file, which wins over the home file. schema/config.schema.json
 * describes the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../common/errors.ts';

export const CONFIG_FILE = 'django-docker.config.json';

export interface OrgConfig {
  /** Prefix for every base image, e.g. `registry.example.com/mirror/` → `registry.example.com/mirror/python:3.13-slim-trixie`. */
  registry?: string;
  /** Package index for pip in the builder stage; passed as a build argument, never in the final image. */
  pipIndexUrl?: string;
  pipTrustedHost?: string;
  /** A PEM certificate in the project that the builder trusts (an internal index behind a private CA). */
  caCert?: string;
  /** Image labels, such as the OCI `org.opencontainers.image.*` keys. */
  labels?: Record<string, string>;
  /** A folder of templates that replace the bundled ones by file name. */
  templates?: string;
}

export const CONFIG_KEYS: Record<keyof OrgConfig, { flag: string; description: string; type: 'string' | 'labels' }> = {
  registry: { flag: 'registry', description: 'prefix for base images, e.g. registry.example.com/mirror/', type: 'string' },
  pipIndexUrl: {
    flag: 'pip-index-url',
    description: 'package index for builds (a build argument of the builder stage only)',
    type: 'string',
  },
  pipTrustedHost: { flag: 'pip-trusted-host', description: 'host pip may reach without TLS verification, for that index', type: 'string' },
  caCert: { flag: 'ca-cert', description: 'PEM file in the project the builder trusts (a private CA)', type: 'string' },
  labels: { flag: 'label', description: 'image label key=value, repeatable (e.g. org.opencontainers.image.source=...)', type: 'labels' },
  templates: { flag: 'templates', description: 'folder of templates replacing the bundled ones by file name', type: 'string' },
};

const LABEL_KEY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

/** Validate one config object; `source` names it in the one-line error. */
export function validateOrgConfig(raw: unknown, source: string, root: string): OrgConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`${source} must hold a JSON object`);
  const out: OrgConfig = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === '$schema') continue;
    if (!(key in CONFIG_KEYS)) throw new UsageError(`${source}: "${key}" is not a setting: use ${Object.keys(CONFIG_KEYS).join(', ')}`);
    const k = key as keyof OrgConfig;
    if (k === 'labels') {
      if (!value || typeof value !== 'object' || Array.isArray(value))
        throw new UsageError(`${source}: "labels" must be an object of key: "value" strings`);
      const labels: Record<string, string> = {};
      for (const [lk, lv] of Object.entries(value as Record<string, unknown>)) {
        if (!LABEL_KEY.test(lk) || typeof lv !== 'string' || /["\n\\]/.test(lv)) {
          throw new UsageError(`${source}: label "${lk}" needs a lower-case dotted key and a string value without quotes or newlines`);
        }
        labels[lk] = lv;
      }
      out.labels = labels;
      continue;
    }
    if (typeof value !== 'string' || value.trim() === '' || /\s/.test(value))
      throw new UsageError(`${source}: "${key}" must be a non-empty string without spaces`);
    if (k === 'registry' && !value.endsWith('/'))
      throw new UsageError(`${source}: "registry" must end with / (it is a prefix, e.g. registry.example.com/mirror/)`);
    if (k === 'pipIndexUrl' && !/^https?:\/\/\S+$/.test(value)) throw new UsageError(`${source}: "pipIndexUrl" must be an http(s) URL`);
    if (k === 'caCert' && !existsSync(join(root, value)))
      throw new UsageError(`${source}: "caCert" ${value} does not exist in the project: give a path relative to it`);
    if (k === 'templates' && !existsSync(join(root, value)))
      throw new UsageError(`${source}: "templates" folder ${value} does not exist in the project`);
    out[k] = value as never;
  }
  return out;
}

function readConfigFile(file: string, root: string): OrgConfig {
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON (${(err as Error).message}): fix it`);
  }
  return validateOrgConfig(raw, file === join(root, CONFIG_FILE) ? CONFIG_FILE : file, root);
}

/** Home file, then project file, then flags; labels merge key by key. */
export function loadOrgConfig(root: string, flags: OrgConfig, home = homedir()): OrgConfig {
  const layers = [
    readConfigFile(join(home, CONFIG_FILE), root),
    readConfigFile(join(root, CONFIG_FILE), root),
    validateOrgConfig(flags, 'flags', root),
  ];
  const merged: OrgConfig = {};
  for (const layer of layers) {
    const { labels, ...rest } = layer;
    Object.assign(merged, rest);
    if (labels) merged.labels = { ...merged.labels, ...labels };
  }
  return merged;
}

/** Parse repeated `--label key=value` flags. */
export function parseLabelFlags(values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new UsageError(`--label ${v} needs key=value, e.g. org.opencontainers.image.source=https://example.com/repo`);
    labels[v.slice(0, i)] = v.slice(i + 1);
  }
  return labels;
}

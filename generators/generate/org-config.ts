/**
 * Organisation overrides: what a platform team changes without forking the generator. Each is
 * a flag and a key of `django-docker.config.json` (in the project, else in the user's home);
 * flags win over the project file, which wins over the home file. schema/config.schema.json
 * describes the file.
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../common/errors.ts';
import { existingInside } from '../common/confine.ts';
import { readTextIfExists } from '../common/read-file.ts';
import { configProblem, configProblemLine } from './validate.ts';

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

/** Where a layer of settings comes from; only the home file is trusted to run templates from anywhere. */
export type ConfigSource = 'home' | 'project' | 'flags';

/** Settings of the home file that no project can set. */
export interface HomeSettings {
  trustProjectTemplates?: boolean;
}

/** The merged settings, and what decides whether templates may run. */
export interface LoadedOrgConfig {
  config: OrgConfig;
  /** Which layer named the templates folder (the last one wins). */
  templatesFrom?: ConfigSource;
  home: HomeSettings;
}

/**
 * Validate one config object against schema/config.schema.json, then what a schema cannot say:
 * a registry is a prefix without a scheme, the CA certificate lies inside the project.
 */
export function validateOrgConfig(raw: unknown, source: string, root: string, from: ConfigSource = 'project'): OrgConfig & HomeSettings {
  const problem = configProblem(raw);
  if (problem) throw new UsageError(configProblemLine(problem, source));
  const out = { ...(raw as OrgConfig & HomeSettings) } as OrgConfig & HomeSettings & { $schema?: string; ignore?: unknown };
  delete out.$schema;
  // The doctor's suppressions share the file; the doctor reads them (and checks the rule ids).
  delete out.ignore;
  if (out.trustProjectTemplates !== undefined && from !== 'home') {
    throw new UsageError(`${source}: "trustProjectTemplates" is read only from ~/${CONFIG_FILE}: a project cannot vouch for itself`);
  }
  if (out.caCert !== undefined) existingInside(root, out.caCert, `${source}: "caCert"`, 'file');
  // The project's config is committed with it: credentials do not belong there (secrets-committed).
  if (from === 'project' && out.pipIndexUrl !== undefined && hasCredentials(out.pipIndexUrl)) {
    throw new UsageError(
      `${source}: "pipIndexUrl" holds credentials, and this file is committed with the project: put the URL in ~/${CONFIG_FILE} or pass --pip-index-url (kept in .env), and rotate the password`,
    );
  }
  return out;
}

function readConfigFile(file: string, shown: string, root: string, from: ConfigSource): OrgConfig & HomeSettings {
  const text = readTextIfExists(file, shown, { maxBytes: 256 * 1024 });
  if (text === undefined) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${shown} is not valid JSON (${(err as Error).message.split('\n')[0]}): fix it`);
  }
  const config = validateOrgConfig(raw, shown, root, from);
  // The home file's templates folder is relative to the home folder; it is the trusted place.
  if (from === 'home' && config.templates !== undefined) config.templates = resolve(dirname(file), config.templates);
  return config;
}

/** Home file, then project file, then flags; labels merge key by key. */
export function loadOrgConfig(root: string, flags: OrgConfig, home = homedir()): LoadedOrgConfig {
  const homeFile = join(home, CONFIG_FILE);
  const projectFile = join(root, CONFIG_FILE);
  const layers: Array<[ConfigSource, OrgConfig & HomeSettings]> = [
    ['home', resolve(homeFile) === resolve(projectFile) ? {} : readConfigFile(homeFile, homeFile, root, 'home')],
    ['project', readConfigFile(projectFile, CONFIG_FILE, root, 'project')],
    ['flags', validateOrgConfig(flags, 'flags', root, 'flags')],
  ];
  const merged: OrgConfig = {};
  let templatesFrom: ConfigSource | undefined;
  for (const [from, layer] of layers) {
    const { labels, trustProjectTemplates: _trust, ...rest } = layer;
    Object.assign(merged, rest);
    if (labels) merged.labels = { ...merged.labels, ...labels };
    if (rest.templates !== undefined) templatesFrom = from;
  }
  return {
    config: merged,
    ...(templatesFrom ? { templatesFrom } : {}),
    home: { trustProjectTemplates: layers[0]![1].trustProjectTemplates === true },
  };
}

/** Does a package index URL carry a user name or password (`https://user:token@host/simple`)? */
export function hasCredentials(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+@/i.test(url);
}

/** The URL with its credentials replaced by placeholders: what committed files may show. */
export function withPlaceholderCredentials(url: string): string {
  return url.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]+)@/i,
    (_m, scheme: string, userinfo: string) => `${scheme}${userinfo.includes(':') ? 'USER:PASSWORD' : 'TOKEN'}@`,
  );
}

/** The flag that lets templates inside a project run. */
export const TRUST_FLAG = 'trust-project-templates';

/**
 * Templates are code (EJS runs JavaScript as the user). A folder named by the home file is
 * trusted; one named by the project, its saved answers or a flag must lie inside the project and
 * runs only when the user says so. Returns the folder, resolved.
 */
export function checkTemplates(root: string, loaded: LoadedOrgConfig, trustFlag: boolean): string | undefined {
  const { templates } = loaded.config;
  if (templates === undefined) return undefined;
  if (loaded.templatesFrom === 'home') {
    try {
      if (statSync(templates).isDirectory()) return templates;
    } catch {
      // Reported below.
    }
    throw new UsageError(`"templates" folder ${templates} (from ~/${CONFIG_FILE}) does not exist: fix the path`);
  }
  const folder = existingInside(root, templates, '"templates" folder', 'dir');
  if (!trustFlag && !loaded.home.trustProjectTemplates) {
    throw new UsageError(
      `the templates in ${templates} come with the project and templates are code (EJS runs JavaScript as you): pass --${TRUST_FLAG} if you trust this project, or set "trustProjectTemplates": true in ~/${CONFIG_FILE}`,
    );
  }
  return folder;
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

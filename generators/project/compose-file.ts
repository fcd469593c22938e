/**
 * Which compose file a project already has. `docker compose` reads the first of these names it
 * finds in the folder, so a second file beside the project's own would silently replace it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** In the order `docker compose` looks for them. */
export const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

export const DEFAULT_COMPOSE_FILE = 'compose.yaml';

/** The compose file `docker compose` reads in this folder, if there is one. */
export function findComposeFile(root: string): string | undefined {
  return COMPOSE_FILE_NAMES.find((name) => existsSync(join(root, name)));
}

/** Services of a compose file the project wrote itself (the generator's own left out). */
export interface ProjectCompose {
  file: string;
  services: string[];
  /** Their services that run Celery (`celery` in the command or the name of a worker/beat/broker). */
  celery: string[];
  /** Their services built from the folder's own Dockerfile: the one the generator writes. */
  buildHere: string[];
}

const CELERY_NAMES = /^(redis|rabbitmq|broker|worker|celery|celery[-_]?worker|beat|celery[-_]?beat|flower)$/;

/**
 * The project's own services in its compose file: all of them on a first run, those the
 * generator did not add on later runs. Undefined when the file is the generator's own.
 */
export function readProjectCompose(root: string, file: string, generated: readonly string[] | undefined): ProjectCompose | undefined {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(join(root, file), 'utf8'));
  } catch {
    return { file, services: [], celery: [], buildHere: [] }; // the merge reports the syntax error with its line
  }
  const services =
    (data as { services?: Record<string, { command?: unknown; entrypoint?: unknown; build?: unknown }> } | null)?.services ?? {};
  const names = Object.keys(services).filter((n) => !(generated ?? []).includes(n));
  const celery = names.filter((n) => {
    const s = services[n];
    const command = [s?.command, s?.entrypoint].flat().map(String).join(' ');
    return CELERY_NAMES.test(n) || /\bcelery\b/.test(command);
  });
  const buildHere = names.filter((n) => {
    const build = services[n]?.build;
    const context = typeof build === 'string' ? build : (build as { context?: unknown } | undefined)?.context;
    const dockerfile = typeof build === 'object' && build ? (build as { dockerfile?: unknown }).dockerfile : undefined;
    return (context === '.' || context === './') && (dockerfile === undefined || dockerfile === 'Dockerfile');
  });
  return { file, services: names, celery, buildHere };
}

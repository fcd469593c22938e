/**
 * Which compose file a project already has. `docker compose` reads the first of these names it
 * finds in the folder, so a second file beside the project's own would silently replace it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** In the order `docker compose` looks for them. */
export const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

export const DEFAULT_COMPOSE_FILE = 'compose.yaml';

/** The compose file `docker compose` reads in this folder, if there is one. */
export function findComposeFile(root: string): string | undefined {
  return COMPOSE_FILE_NAMES.find((name) => existsSync(join(root, name)));
}

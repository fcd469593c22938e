/**
 * Reads a generated folder back with real parsers (dockerfile-ast, yaml, the Python parser) so
 * the invariant tests check what the files say, not what the templates meant to say.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { parse as parseYaml } from 'yaml';
import { dictGet, evaluateModule, type Val } from '../../generators/project/python-eval.ts';
import { COMPOSE_FILE_NAMES } from '../../generators/project/compose-file.ts';

export interface Stage {
  from: string;
  name?: string;
  instructions: Array<{ keyword: string; args: string }>;
}

export function readDockerfile(dir: string): Stage[] {
  const df = DockerfileParser.parse(readFileSync(join(dir, 'Dockerfile'), 'utf8'));
  const stages: Stage[] = [];
  for (const instr of df.getInstructions()) {
    const keyword = instr.getKeyword();
    const args = instr.getArgumentsContent() ?? '';
    if (keyword === 'FROM') {
      const [from, as, name] = args.split(/\s+/);
      stages.push({ from: from!, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), instructions: [] });
    } else stages.at(-1)!.instructions.push({ keyword, args });
  }
  return stages;
}

/** Exec-form JSON arguments (`["a", "b"]`), after any `--flag=value` options. */
export function execForm(args: string): string[] {
  const start = args.indexOf('[');
  return JSON.parse(args.slice(start)) as string[];
}

export function all(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

export function last(stage: Stage, keyword: string): string | undefined {
  return all(stage, keyword).at(-1);
}

/** ENV instructions of a stage as a map (KEY=value pairs, quotes removed). */
export function envOf(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const args of all(stage, 'ENV')) {
    for (const m of args.replace(/\\\n/g, ' ').matchAll(/(\w+)=("([^"]*)"|\S+)/g)) env.set(m[1]!, m[3] ?? m[2]!);
  }
  return env;
}

export interface Compose {
  services: Record<
    string,
    {
      build?: unknown;
      image?: string;
      ports?: string[];
      environment?: Record<string, string>;
      volumes?: string[];
      depends_on?: Record<string, { condition: string }>;
      healthcheck?: { test: string[] };
    }
  >;
  volumes?: Record<string, unknown>;
  version?: unknown;
}

/** The compose file `docker compose` reads in the folder: ours (compose.yaml) or the project's own, merged. */
export function composeFileIn(dir: string): string {
  const file = COMPOSE_FILE_NAMES.find((name) => existsSync(join(dir, name)));
  if (!file) throw new Error(`no compose file in ${dir}`);
  return file;
}

export function readCompose(dir: string): Compose {
  return parseYaml(readFileSync(join(dir, composeFileIn(dir)), 'utf8')) as Compose;
}

/** `${VAR:-default}` → default, `${VAR:?msg}` → undefined, literal → itself. */
export function composeDefault(value: string): string | undefined {
  const m = /^\$\{(\w+)(:-|:\?)(.*)\}$/.exec(value);
  if (!m) return value;
  return m[2] === ':-' ? m[3] : undefined;
}

/** The names a settings file sets, evaluated by the project reader (its imports stay unknown). */
export async function readSettings(dir: string, file: string): Promise<Map<string, Val>> {
  const result = await evaluateModule(file.replace(/\.py$/, '').split('/').join('.'), file, {
    read: (f) => (f === file ? readFileSync(join(dir, f), 'utf8') : undefined),
    moduleFile: () => undefined,
    imagePath: (f) => `/app/${f}`,
  });
  if (result.errors.length > 0) throw new Error(`${file} line ${result.errors[0]!.line}: ${result.errors[0]!.message}`);
  return new Map([...result.names].map(([k, v]) => [k, v.value]));
}

export { dictGet };

/** Resolve a dotted module to a file under a folder, as Python would find it. */
export function moduleFileIn(dir: string, module: string): string | undefined {
  const base = posix.join(...module.split('.'));
  for (const f of [`${base}.py`, `${base}/__init__.py`]) if (existsSync(join(dir, f))) return f;
  return undefined;
}

/**
 * Compose files read with `yaml`'s Document API, so every value keeps its file and line:
 * `compose.yaml` (or `docker-compose.yml`) plus its override file, merged the way
 * `docker compose` merges them, with `.env` interpolation and `env_file` values.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readText } from '../../common/read-file.ts';
import { join, posix, relative, resolve, sep } from 'node:path';
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, Scalar, type YAMLMap } from 'yaml';
import { type DotEnvEntry, interpolate, parseDotEnv } from '../../project/dotenv.ts';
import { parsePortSpec } from '../../project/ports.ts';

export interface Loc {
  file: string;
  line: number;
}

export interface Located<T> extends Loc {
  value: T;
}

export interface PortMapping extends Loc {
  raw: string;
  /** The scalar was a YAML string written without quotes. */
  plainScalar: boolean;
  /** YAML gave a number (e.g. `- 8000` or a base-60 reading). */
  numeric: boolean;
  hostIp?: string;
  /** Host port or range; undefined when compose picks one. */
  host?: string;
  /** Container port (first of a range). */
  container?: number;
  protocol: string;
}

export interface Mount extends Loc {
  type: 'bind' | 'volume' | 'tmpfs';
  source?: string;
  target: string;
  readOnly?: boolean;
}

export interface EnvValue extends Loc {
  /** Interpolated value; undefined when it depends on something we cannot know (shell, a required unset variable). */
  value?: string;
  /** As written. */
  raw: string;
  /** Came from an env_file. */
  fromFile?: string;
  /** Declared by the example file of an env_file that does not exist yet (its value is the user's). */
  fromExample?: string;
}

/** An `env_file` entry: where it is named, the file, and the example it would be created from. */
export interface EnvFileRef extends Located<string> {
  required: boolean;
  exists: boolean;
  /** `.env.example` (or similar) next to a missing env file. */
  example?: string;
}

export interface ComposeService extends Loc {
  name: string;
  image?: Located<string>;
  build?: Loc & { context: string; dockerfile: string; target?: string; args: Map<string, string> };
  ports: PortMapping[];
  expose: Array<Located<string>>;
  environment: Map<string, EnvValue>;
  envFiles: EnvFileRef[];
  command?: Located<string[] | string>;
  entrypoint?: Located<string[] | string>;
  workingDir?: Located<string>;
  user?: Located<string>;
  platform?: Located<string>;
  containerName?: Located<string>;
  healthcheck?: Loc & { test?: string[] | string; disable: boolean };
  volumes: Mount[];
  dependsOn: Map<string, Loc & { condition?: string; short: boolean }>;
  /** Networks and their aliases; `default` when none is named. */
  networks: Map<string, string[]>;
  extraHosts: Array<Located<string>>;
  memLimit?: Located<string>;
  /** `network_mode:` (host, service:x, none). */
  networkMode?: Located<string>;
  /** Compose profiles: the service starts only when one is enabled. */
  profiles: string[];
  /** Files this service is defined or overridden in. */
  files: string[];
}

export interface ComposeModel {
  /** Files read, base first (paths relative to the project root). */
  files: string[];
  services: Map<string, ComposeService>;
  version?: Located<string>;
  namedVolumes: Set<string>;
  /** Variables from `.env` next to the compose file. */
  dotenv: Map<string, string>;
  dotenvEntries: DotEnvEntry[];
  dotenvFile?: string;
  /** `.env.example` (or similar) when `.env` itself is absent: the variables it declares are the user's to set. */
  dotenvExample?: { file: string; names: Set<string> };
  /** Top-level networks declared `external: true`. */
  externalNetworks: Set<string>;
  errors: Array<Loc & { message: string }>;
  /** `$` problems found while interpolating. */
  interpolation: Array<Loc & { kind: 'invalid' | 'unset'; message: string; inEnvironment: boolean }>;
  /** Override files are for development (`docker compose up` merges them by default). */
  overrideFiles: string[];
}

export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDES: Record<string, string[]> = {
  'compose.yaml': ['compose.override.yaml', 'compose.override.yml'],
  'compose.yml': ['compose.override.yml', 'compose.override.yaml'],
  'docker-compose.yaml': ['docker-compose.override.yaml', 'docker-compose.override.yml'],
  'docker-compose.yml': ['docker-compose.override.yml', 'docker-compose.override.yaml'],
};

interface Reader {
  file: string;
  lc: LineCounter;
  vars: Map<string, string>;
  model: ComposeModel;
}

function lineOf(r: Reader, node: unknown): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? r.lc.linePos(range[0]).line : 1;
}

function get(map: unknown, key: string): Node | undefined {
  if (!isMap(map)) return undefined;
  for (const item of map.items)
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return (item.value ?? undefined) as Node | undefined;
  return undefined;
}

function keyNode(map: unknown, key: string): Node | undefined {
  if (!isMap(map)) return undefined;
  for (const item of map.items) if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item.key as Node;
  return undefined;
}

function entries(map: unknown): Array<[string, Node | undefined, Node]> {
  if (!isMap(map)) return [];
  return map.items.flatMap((item) =>
    isPair(item) && isScalar(item.key)
      ? [[String(item.key.value), (item.value ?? undefined) as Node | undefined, item.key as Node] as [string, Node | undefined, Node]]
      : [],
  );
}

/** Names an example of an env file goes by, most common first. */
function exampleNames(rel: string): string[] {
  const dir = posix.dirname(rel);
  const base = posix.basename(rel);
  const names = [`${base}.example`, `${base}.sample`, `${base}.template`, `${base}.dist`, `${base}-example`, `${base}.defaults`];
  if (base === '.env') names.push('env.example', 'example.env', 'sample.env', '.env.local.example', '.env.dev.example', 'env.sample');
  if (base.startsWith('.env.')) names.push(`.env.example.${base.slice(5)}`, `${base.slice(5)}.env.example`);
  return names.map((n) => posix.normalize(posix.join(dir, n)));
}

/** The example file a missing env file is meant to be copied from, if the project has one. */
export function exampleOf(root: string, rel: string): string | undefined {
  const named = exampleNames(rel).find((f) => existsSync(join(root, f)));
  if (named) return named;
  // Other spellings (.env.dev-sample, .env.production.example, .env_example_for_docker): the one file beside it that says so.
  const dir = posix.dirname(rel);
  const base = posix.basename(rel);
  let names: string[];
  try {
    names = readdirSync(join(root, dir));
  } catch {
    return undefined;
  }
  const candidates = names.filter(
    (n) => n.startsWith(base) && n !== base && /example|sample|template|dist|defaults/i.test(n.slice(base.length)),
  );
  return candidates.length === 1 ? posix.normalize(posix.join(dir, candidates[0]!)) : undefined;
}

/** A scalar as compose sees it: interpolated string. */
function str(r: Reader, node: Node | undefined, inEnvironment = false): string | undefined {
  if (!isScalar(node) || node.value === null) return undefined;
  const raw = String(node.value);
  return interp(r, raw, lineOf(r, node), inEnvironment).value ?? raw;
}

function interp(r: Reader, raw: string, line: number, inEnvironment: boolean): { value?: string } {
  if (!raw.includes('$')) return { value: raw };
  const res = interpolate(raw, r.vars);
  if (!res.ok) {
    r.model.interpolation.push({ file: r.file, line, kind: 'invalid', message: res.error, inEnvironment });
    return {};
  }
  for (const name of res.blank) {
    r.model.interpolation.push({ file: r.file, line, kind: 'unset', message: name, inEnvironment });
  }
  // An unset variable may come from the shell that runs compose: its value is unknown, not ''.
  return res.unknown || res.blank.length > 0 ? {} : { value: res.value };
}

const MERGE_KEY = '<<';

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const v = key.value;
  return v === MERGE_KEY || (typeof v === 'symbol' && v.description === MERGE_KEY);
}

/**
 * Resolve aliases (`*name`) and YAML merge keys (`<<: *common`, `<<: [*a, *b]`) in place, the
 * way compose does before it reads a file: a map's own keys win over merged ones, and earlier
 * merge sources over later ones. Merged values keep the lines of the anchor they come from.
 */
function resolveAliases(doc: Document, node: unknown, seen = new Set<unknown>()): unknown {
  let n = node;
  for (let guard = 0; isAlias(n) && guard < 20; guard++) n = n.resolve(doc);
  if (n === null || typeof n !== 'object' || seen.has(n)) return n;
  seen.add(n);
  if (isMap(n)) {
    const own: unknown[] = [];
    const merged: unknown[] = [];
    for (const item of n.items) {
      if (isPair(item) && isMergeKey(item.key)) {
        const sources = isSeq(item.value) ? item.value.items : [item.value];
        for (const src of sources) {
          const target = resolveAliases(doc, src, seen);
          if (isMap(target)) merged.push(...target.items);
        }
        continue;
      }
      if (isPair(item)) item.value = resolveAliases(doc, item.value, seen) as typeof item.value;
      own.push(item);
    }
    const keyOf = (p: unknown): string | undefined => (isPair(p) && isScalar(p.key) ? String(p.key.value) : undefined);
    const taken = new Set(own.map(keyOf));
    for (const m of merged) {
      const k = keyOf(m);
      if (k === undefined || taken.has(k)) continue;
      taken.add(k);
      own.push(m);
    }
    n.items = own as typeof n.items;
  } else if (isSeq(n)) {
    n.items = n.items.map((i) => resolveAliases(doc, i, seen)) as typeof n.items;
  }
  return n;
}

function list(r: Reader, node: Node | undefined): string[] | string | undefined {
  if (isSeq(node)) return node.items.map((i) => (isScalar(i) ? (str(r, i as Node) ?? '') : ''));
  if (isScalar(node)) return str(r, node);
  return undefined;
}

function parsePort(r: Reader, node: Node): PortMapping | undefined {
  const line = lineOf(r, node);
  if (isMap(node)) {
    const target = str(r, get(node, 'target'));
    const published = str(r, get(node, 'published'));
    const hostIp = str(r, get(node, 'host_ip'));
    return {
      file: r.file,
      line,
      raw: `${published ?? ''}:${target ?? ''}`,
      plainScalar: false,
      numeric: false,
      ...(hostIp ? { hostIp } : {}),
      ...(published ? { host: published } : {}),
      ...(target && Number.isInteger(Number(target)) ? { container: Number(target) } : {}),
      protocol: str(r, get(node, 'protocol')) ?? 'tcp',
    };
  }
  if (!isScalar(node)) return undefined;
  const numeric = typeof node.value === 'number';
  const plainScalar = typeof node.value === 'string' && node.type === Scalar.PLAIN;
  const text = isScalar(node) && node.source !== undefined ? String(node.source) : String(node.value);
  const raw = interp(r, text, line, false).value ?? text;
  const spec = parsePortSpec(raw);
  return {
    file: r.file,
    line,
    raw,
    plainScalar,
    numeric,
    ...spec,
  };
}

function parseMount(r: Reader, node: Node, namedVolumes: Set<string>): Mount | undefined {
  const line = lineOf(r, node);
  if (isMap(node)) {
    const type = (str(r, get(node, 'type')) ?? 'volume') as Mount['type'];
    const source = str(r, get(node, 'source'));
    const target = str(r, get(node, 'target'));
    if (!target) return undefined;
    const readOnly = str(r, get(node, 'read_only')) === 'true';
    return { file: r.file, line, type, ...(source ? { source } : {}), target: posix.normalize(target), ...(readOnly ? { readOnly } : {}) };
  }
  const s = str(r, node);
  if (!s) return undefined;
  const parts = s.split(':');
  if (parts.length === 1) return { file: r.file, line, type: 'volume', target: posix.normalize(parts[0]!) };
  const [source, target] = parts as [string, string];
  const readOnly = (parts[2] ?? '').split(',').includes('ro');
  const bind =
    source.startsWith('.') ||
    source.startsWith('/') ||
    source.startsWith('~') ||
    source.startsWith('$') ||
    (!namedVolumes.has(source) && source.includes('/'));
  return { file: r.file, line, type: bind ? 'bind' : 'volume', source, target: posix.normalize(target), ...(readOnly ? { readOnly } : {}) };
}

function readService(
  r: Reader,
  name: string,
  node: Node,
  keyLine: number,
  root: string,
  composeDir: string,
  namedVolumes: Set<string>,
): ComposeService {
  const svc: ComposeService = {
    name,
    file: r.file,
    line: keyLine,
    ports: [],
    expose: [],
    environment: new Map(),
    envFiles: [],
    volumes: [],
    dependsOn: new Map(),
    networks: new Map(),
    extraHosts: [],
    profiles: [],
    files: [r.file],
  };
  const at = (key: string): Loc => ({ file: r.file, line: lineOf(r, get(node, key) ?? keyNode(node, key)) });
  const image = str(r, get(node, 'image'));
  if (image) svc.image = { ...at('image'), value: image };
  const build = get(node, 'build');
  if (build !== undefined) {
    const args = new Map<string, string>();
    const argsNode = get(build, 'args');
    if (isMap(argsNode)) for (const [k, v] of entries(argsNode)) args.set(k, str(r, v) ?? '');
    else if (isSeq(argsNode))
      for (const i of argsNode.items) {
        const s = str(r, i as Node) ?? '';
        const eq = s.indexOf('=');
        if (eq > 0) args.set(s.slice(0, eq), s.slice(eq + 1));
      }
    const context = isScalar(build) ? (str(r, build) ?? '.') : (str(r, get(build, 'context')) ?? '.');
    const dockerfile = isMap(build) ? (str(r, get(build, 'dockerfile')) ?? 'Dockerfile') : 'Dockerfile';
    const target = isMap(build) ? str(r, get(build, 'target')) : undefined;
    // Paths relative to the checked folder, even when the context is above it (`../deploy/Dockerfile` is `Dockerfile`).
    const rel = (p: string): string => relative(resolve(root), resolve(root, p)).split(sep).join('/') || '.';
    const ctx = rel(posix.join(composeDir, context));
    svc.build = {
      ...at('build'),
      context: ctx,
      dockerfile: rel(posix.join(ctx, dockerfile)),
      ...(target ? { target } : {}),
      args,
    };
  }
  const ports = get(node, 'ports');
  if (isSeq(ports))
    for (const p of ports.items) {
      const m = parsePort(r, p as Node);
      if (m) svc.ports.push(m);
    }
  const expose = get(node, 'expose');
  if (isSeq(expose)) for (const e of expose.items) svc.expose.push({ file: r.file, line: lineOf(r, e), value: str(r, e as Node) ?? '' });
  // env_file first: environment wins over it.
  const envFile = get(node, 'env_file');
  const envFileItems = isSeq(envFile) ? envFile.items : envFile !== undefined ? [envFile] : [];
  for (const item of envFileItems) {
    const path = isMap(item) ? str(r, get(item, 'path')) : str(r, item as Node);
    if (!path) continue;
    const required = isMap(item) ? str(r, get(item, 'required')) !== 'false' : true;
    const rel = posix.normalize(posix.join(composeDir, path));
    const abs = join(root, rel);
    const exists = existsSync(abs);
    const example = exists ? undefined : exampleOf(root, rel);
    svc.envFiles.push({ file: r.file, line: lineOf(r, item), value: rel, required, exists, ...(example ? { example } : {}) });
    if (exists) {
      for (const e of parseDotEnv(readText(abs, relative(root, abs))).entries)
        svc.environment.set(e.name, { file: rel, line: e.line, value: e.value, raw: e.raw, fromFile: rel });
    } else if (example) {
      // The file is made from its example: what the example declares is provided, with the user's values.
      for (const e of parseDotEnv(readText(join(root, example), example)).entries)
        svc.environment.set(e.name, { file: example, line: e.line, raw: e.raw, fromFile: rel, fromExample: example });
    }
  }
  const env = get(node, 'environment');
  if (isMap(env)) {
    for (const [k, v, key] of entries(env)) {
      const line = lineOf(r, v ?? key);
      if (!isScalar(v) || v.value === null) {
        svc.environment.set(k, { file: r.file, line, raw: '' });
        continue;
      }
      const raw = String(v.value);
      const value = interp(r, raw, line, true).value;
      svc.environment.set(k, { file: r.file, line, raw, ...(value !== undefined ? { value } : {}) });
    }
  } else if (isSeq(env)) {
    for (const item of env.items) {
      if (!isScalar(item)) continue;
      const rawItem = String(item.value);
      const line = lineOf(r, item);
      const eq = rawItem.indexOf('=');
      if (eq === -1) {
        svc.environment.set(rawItem, { file: r.file, line, raw: '' });
        continue;
      }
      const raw = rawItem.slice(eq + 1);
      const value = interp(r, raw, line, true).value;
      svc.environment.set(rawItem.slice(0, eq), { file: r.file, line, raw, ...(value !== undefined ? { value } : {}) });
    }
  }
  for (const key of ['command', 'entrypoint'] as const) {
    const v = list(r, get(node, key));
    if (v !== undefined) svc[key] = { ...at(key), value: v };
  }
  const scalars: Array<[string, 'workingDir' | 'user' | 'platform' | 'containerName' | 'memLimit']> = [
    ['working_dir', 'workingDir'],
    ['user', 'user'],
    ['platform', 'platform'],
    ['container_name', 'containerName'],
    ['mem_limit', 'memLimit'],
  ];
  for (const [key, prop] of scalars) {
    const v = str(r, get(node, key));
    if (v !== undefined) svc[prop] = { ...at(key), value: v };
  }
  const networkMode = str(r, get(node, 'network_mode'));
  if (networkMode) svc.networkMode = { ...at('network_mode'), value: networkMode };
  const profiles = get(node, 'profiles');
  if (isSeq(profiles)) svc.profiles = profiles.items.map((p) => str(r, p as Node) ?? '').filter(Boolean);
  const memory = str(r, get(get(get(get(node, 'deploy'), 'resources'), 'limits'), 'memory'));
  if (memory && !svc.memLimit)
    svc.memLimit = { file: r.file, line: lineOf(r, get(get(get(get(node, 'deploy'), 'resources'), 'limits'), 'memory')), value: memory };
  const hc = get(node, 'healthcheck');
  if (hc !== undefined) {
    const test = list(r, get(hc, 'test'));
    svc.healthcheck = {
      ...at('healthcheck'),
      ...(test !== undefined ? { test } : {}),
      disable: str(r, get(hc, 'disable')) === 'true' || (Array.isArray(test) && test[0] === 'NONE'),
    };
    const testNode = get(hc, 'test');
    if (testNode) svc.healthcheck.line = lineOf(r, testNode);
  }
  const vols = get(node, 'volumes');
  if (isSeq(vols))
    for (const v of vols.items) {
      const m = parseMount(r, v as Node, namedVolumes);
      if (m) svc.volumes.push(m);
    }
  const deps = get(node, 'depends_on');
  if (isSeq(deps))
    for (const d of deps.items) svc.dependsOn.set(str(r, d as Node) ?? '', { file: r.file, line: lineOf(r, d), short: true });
  else if (isMap(deps))
    for (const [k, v, key] of entries(deps)) {
      const condition = str(r, get(v, 'condition'));
      svc.dependsOn.set(k, { file: r.file, line: lineOf(r, key), short: false, ...(condition ? { condition } : {}) });
    }
  const nets = get(node, 'networks');
  if (isSeq(nets)) for (const n of nets.items) svc.networks.set(str(r, n as Node) ?? '', []);
  else if (isMap(nets))
    for (const [k, v] of entries(nets)) {
      const aliases = get(v, 'aliases');
      svc.networks.set(k, isSeq(aliases) ? aliases.items.map((a) => str(r, a as Node) ?? '') : []);
    }
  const hosts = get(node, 'extra_hosts');
  if (isSeq(hosts)) for (const h of hosts.items) svc.extraHosts.push({ file: r.file, line: lineOf(r, h), value: str(r, h as Node) ?? '' });
  else if (isMap(hosts))
    for (const [k, v] of entries(hosts)) svc.extraHosts.push({ file: r.file, line: lineOf(r, v), value: `${k}:${str(r, v) ?? ''}` });
  return svc;
}

function merge(base: ComposeService, over: ComposeService): ComposeService {
  const out: ComposeService = { ...base, files: [...base.files, ...over.files] };
  for (const key of [
    'image',
    'build',
    'command',
    'entrypoint',
    'workingDir',
    'user',
    'platform',
    'containerName',
    'healthcheck',
    'memLimit',
    'networkMode',
  ] as const) {
    if (over[key] !== undefined) (out as unknown as Record<string, unknown>)[key] = over[key];
  }
  out.ports = [...base.ports, ...over.ports];
  out.expose = [...base.expose, ...over.expose];
  out.extraHosts = [...base.extraHosts, ...over.extraHosts];
  out.envFiles = [...base.envFiles, ...over.envFiles];
  out.environment = new Map([...base.environment, ...over.environment]);
  out.dependsOn = new Map([...base.dependsOn, ...over.dependsOn]);
  out.networks = new Map([...base.networks, ...over.networks]);
  out.profiles = over.profiles.length > 0 ? over.profiles : base.profiles;
  const byTarget = new Map(base.volumes.map((v) => [v.target, v]));
  for (const v of over.volumes) byTarget.set(v.target, v);
  out.volumes = [...byTarget.values()];
  return out;
}

/** Read the project's compose files; undefined when there are none. */
export function readCompose(root: string, names: readonly string[] = COMPOSE_FILES): ComposeModel | undefined {
  const base = names.find((f) => existsSync(join(root, f)));
  if (!base) return undefined;
  const overrides = (OVERRIDES[base] ?? []).filter((f) => existsSync(join(root, f))).slice(0, 1);
  const files = [base, ...overrides];
  const model: ComposeModel = {
    files,
    services: new Map(),
    namedVolumes: new Set(),
    dotenv: new Map(),
    dotenvEntries: [],
    errors: [],
    interpolation: [],
    overrideFiles: overrides,
    externalNetworks: new Set(),
  };
  const composeDir = posix.dirname(base);
  const dotenvRel = posix.join(composeDir, '.env');
  if (existsSync(join(root, dotenvRel))) {
    const parsed = parseDotEnv(readText(join(root, dotenvRel), dotenvRel));
    model.dotenvFile = dotenvRel;
    model.dotenvEntries = parsed.entries;
    for (const e of parsed.entries) model.dotenv.set(e.name, e.value);
  } else {
    const example = exampleOf(root, dotenvRel);
    if (example)
      model.dotenvExample = {
        file: example,
        names: new Set(parseDotEnv(readText(join(root, example), example)).entries.map((e) => e.name)),
      };
  }
  // A copy: files that `include:` brings are added to model.files while these are read.
  for (const file of [...files]) {
    const services = readFile(root, file, model, composeDir, file === base, new Set());
    for (const [name, svc] of services ?? []) {
      const before = model.services.get(name);
      model.services.set(name, before ? merge(before, svc) : svc);
    }
  }
  for (const svc of model.services.values()) if (svc.networks.size === 0) svc.networks.set('default', []);
  return model;
}

/** One compose file's services, with `extends` applied (in the same file or another one). */
function readFile(
  root: string,
  file: string,
  model: ComposeModel,
  composeDir: string,
  isBase: boolean,
  reading: Set<string>,
): Map<string, ComposeService> | undefined {
  if (reading.has(file) || !existsSync(join(root, file))) return undefined;
  reading.add(file);
  const text = readText(join(root, file), file);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    model.errors.push({ file, line: lc.linePos(e.pos[0]).line, message: e.message.split('\n')[0]! });
    return undefined;
  }
  const r: Reader = { file, lc, vars: model.dotenv, model };
  const top = resolveAliases(doc, doc.contents) as YAMLMap | null;
  if (top !== null && !isMap(top)) {
    model.errors.push({ file, line: 1, message: 'the top level is not a mapping' });
    return undefined;
  }
  const version = get(top, 'version');
  if (version !== undefined && isBase) model.version = { file, line: lineOf(r, keyNode(top, 'version')), value: str(r, version) ?? '' };
  for (const [name] of entries(get(top, 'volumes'))) model.namedVolumes.add(name);
  for (const [name, node] of entries(get(top, 'networks'))) {
    const ext = get(node, 'external');
    if (ext !== undefined && (isMap(ext) || str(r, ext) === 'true')) model.externalNetworks.add(name);
  }
  const nodes = new Map(entries(get(top, 'services')).map(([name, node, key]) => [name, { node, key }]));
  const out = new Map<string, ComposeService>();
  const build = (name: string, chain: Set<string>): ComposeService | undefined => {
    const done = out.get(name);
    if (done) return done;
    const entry = nodes.get(name);
    if (!entry || chain.has(name)) return undefined;
    chain.add(name);
    let svc = readService(r, name, entry.node ?? (null as unknown as Node), lineOf(r, entry.key), root, composeDir, model.namedVolumes);
    const ext = get(entry.node, 'extends');
    if (ext !== undefined) {
      const target = isScalar(ext) ? str(r, ext) : str(r, get(ext, 'service'));
      const other = isMap(ext) ? str(r, get(ext, 'file')) : undefined;
      let parent: ComposeService | undefined;
      if (target && other) {
        const otherFile = posix.normalize(posix.join(posix.dirname(file), other));
        parent = readFile(root, otherFile, model, composeDir, false, reading)?.get(target);
      } else if (target) parent = build(target, chain);
      if (parent) svc = { ...merge(parent, svc), name, file: svc.file, line: svc.line };
    }
    out.set(name, svc);
    return svc;
  };
  for (const name of nodes.keys()) build(name, new Set());
  readIncludes(r, top, root, file, model, reading, out);
  reading.delete(file);
  return out;
}

/**
 * Top-level `include:` (Compose 2.20+): each local file is read like the others, relative paths
 * in it resolved against its own folder (or its project_directory). One that cannot be read (a
 * remote reference, a missing file, a path out of the project) is reported, never skipped quietly.
 */
function readIncludes(
  r: Reader,
  top: YAMLMap | null,
  root: string,
  file: string,
  model: ComposeModel,
  reading: Set<string>,
  out: Map<string, ComposeService>,
): void {
  const list = get(top, 'include');
  if (list === undefined) return;
  const items = isSeq(list) ? (list.items as Node[]) : [list];
  for (const item of items) {
    const line = lineOf(r, item);
    const pathNode = isMap(item) ? get(item, 'path') : item;
    const paths = isSeq(pathNode) ? (pathNode.items as Node[]).map((n) => str(r, n)) : [str(r, pathNode)];
    const projectDir = isMap(item) ? str(r, get(item, 'project_directory')) : undefined;
    for (const path of paths) {
      if (!path) continue;
      const rel = posix.normalize(posix.join(posix.dirname(file), path));
      if (/^[a-z][a-z0-9+.-]*:/i.test(path) || rel.startsWith('..') || posix.isAbsolute(path)) {
        model.errors.push({
          file,
          line,
          message: `include ${path} is not a file in the project: the doctor cannot read it, so the services it adds are not checked`,
        });
        continue;
      }
      if (!existsSync(join(root, rel))) {
        model.errors.push({ file, line, message: `include ${path}: no such file (docker compose stops here)` });
        continue;
      }
      if (reading.has(rel)) continue;
      if (!model.files.includes(rel)) model.files.push(rel);
      const dir = projectDir ? posix.normalize(posix.join(posix.dirname(file), projectDir)) : posix.dirname(rel);
      for (const [name, svc] of readFile(root, rel, model, dir, false, reading) ?? []) {
        if (out.has(name)) {
          model.errors.push({
            file,
            line,
            message: `include ${path} defines service ${name}, which ${file} defines too (docker compose refuses the clash)`,
          });
          continue;
        }
        out.set(name, svc);
      }
    }
  }
}

/** Environment values of a service as plain strings (undefined = set, value unknown). */
export function serviceEnv(svc: ComposeService): Map<string, string | undefined> {
  return new Map([...svc.environment].map(([k, v]) => [k, v.value]));
}

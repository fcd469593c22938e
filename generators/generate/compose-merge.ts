/**
 * compose-merge: put the generated services into a compose file the project already has,
 * instead of writing a second file that `docker compose` would read in its place. Edited with
 * the yaml package's Document API: every service, comment and top-level key of theirs stays.
 */
import { posix } from 'node:path';
import { isMap, isScalar, isSeq, type Pair, parseDocument, type Scalar, YAMLMap } from 'yaml';
import { UsageError } from '../common/errors.ts';
import { interpolate } from '../project/dotenv.ts';
import { hostPortsClash, parsePortSpec, type PortSpec } from '../project/ports.ts';

export interface ComposeMergeInput {
  /** The compose file's name, for messages. */
  file: string;
  /** Their file (first run), or the version the generator wrote last time (re-runs). */
  text: string;
  /** The generator's own compose file for the current answers. */
  ours: string;
  /** Services and volumes the generator put there last time, replaced by this run's. */
  previous: { services: string[]; volumes: string[] };
  /** Flags that rename each generated service, for the message when a name is taken. */
  flags: Record<string, string>;
  /** The project's .env, which compose reads for `${...}` in ports (theirs and web's WEB_PORT). */
  vars?: ReadonlyMap<string, string>;
  /** Whether a project file exists (relative to the compose file's folder): their env_file entries. */
  exists?: (path: string) => boolean;
}

export interface ComposeMergeResult {
  text: string;
  /** The generator's services and volumes in the file now. */
  services: string[];
  volumes: string[];
  /** Their services, kept. */
  others: string[];
}

export const COMPOSE_NOTE = ' Added by generator-django-docker; a re-run updates these services and merges your edits.';
/** A line between the generated services and what the user adds below, so a re-run's changes and theirs never touch. */
export const COMPOSE_END_NOTE = " End of the generator's services: yours can go below this line.";

function keyOf(pair: Pair): string {
  return String(isScalar(pair.key) ? (pair.key as Scalar).value : pair.key);
}

/** Indentation their file uses (2 when it cannot tell), and whether block sequences are indented under their key. */
function styleOf(text: string): { indent: number; indentSeq: boolean } {
  const lines = text.split('\n');
  const nested = lines.find((l) => /^ +[^\s#-]/.test(l));
  const indent = nested ? nested.length - nested.trimStart().length : 2;
  const seqAtKeyIndent = lines.some((l, i) => {
    const prev = lines[i - 1];
    if (!prev || !/^\s*-\s/.test(l) || !/:\s*$/.test(prev)) return false;
    return l.length - l.trimStart().length === prev.length - prev.trimStart().length;
  });
  return { indent: Math.min(Math.max(indent, 2), 8), indentSeq: !seqAtKeyIndent };
}

function mapAt(doc: ReturnType<typeof parseDocument>, key: string, file: string): YAMLMap {
  const node = doc.get(key, true);
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) {
    const map = new YAMLMap();
    doc.set(key, map);
    return map;
  }
  if (!isMap(node)) throw new UsageError(`${file}: top-level ${key} is not a mapping: fix the file, then run again`);
  return node;
}

/** A short description of a service, for the message that says it is theirs. */
function describeService(node: unknown): string {
  if (!isMap(node)) return '';
  const image = node.get('image');
  const build = node.get('build');
  if (typeof image === 'string') return ` (image ${image})`;
  if (typeof build === 'string') return ` (build ${build})`;
  return build !== undefined ? ' (its own build)' : '';
}

/**
 * What a service publishes, as compose reads it with the project's .env: short (`8000:8000`,
 * `127.0.0.1:8000:8000`, `${PORT:-8000}:8000`, `8000-8010:80/udp`) and long (`published:`) forms.
 */
export function publishedPorts(service: unknown, vars: ReadonlyMap<string, string> = new Map()): PortSpec[] {
  if (!isMap(service)) return [];
  const ports = service.get('ports');
  if (!isSeq(ports)) return [];
  const text = (value: unknown): string | undefined => {
    if (value === undefined || value === null) return undefined;
    const r = interpolate(String(value), vars);
    return r.ok ? r.value : undefined;
  };
  const out: PortSpec[] = [];
  for (const item of ports.items) {
    if (isMap(item)) {
      const host = text(item.get('published'));
      const hostIp = text(item.get('host_ip'));
      out.push({ protocol: text(item.get('protocol')) ?? 'tcp', ...(host ? { host } : {}), ...(hostIp ? { hostIp } : {}) });
    } else if (isScalar(item)) {
      const raw = text(item.value);
      if (raw !== undefined) out.push(parsePortSpec(raw));
    }
  }
  return out;
}

/**
 * Their compose file with the generated services and volumes in it. A service of theirs with the
 * name of one of ours is not replaced: the run stops with the flag that names ours otherwise.
 */
export function mergeComposeServices(input: ComposeMergeInput): ComposeMergeResult {
  const { file, text } = input;
  const doc = parseDocument(text, { keepSourceTokens: false });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line ?? 1;
    throw new UsageError(`${file} line ${line} is not valid YAML (${error.message.split('\n')[0]}): fix it, then run again`);
  }
  if (doc.contents !== null && !isMap(doc.contents))
    throw new UsageError(`${file} does not hold a compose mapping (services: …): fix it, then run again`);
  const ours = parseDocument(input.ours);
  const ourServices = (ours.get('services', true) as YAMLMap).items as Pair[];
  const ourVolumes = ((ours.get('volumes', true) as YAMLMap | undefined)?.items ?? []) as Pair[];

  const services = mapAt(doc, 'services', file);
  const ourNames = ourServices.map(keyOf);
  for (const name of input.previous.services) if (!ourNames.includes(name)) services.delete(name);
  let noted = input.previous.services.some((name) => ourNames.includes(name) && services.has(name));
  // Everything that stops the run is named in one line, so one more run settles it.
  const problems: string[] = [];
  const clashing: string[] = [];
  for (const pair of ourServices) {
    const name = keyOf(pair);
    const copy = pair.clone() as Pair;
    const mine = input.previous.services.includes(name) ? (services.items as Pair[]).find((p) => keyOf(p) === name) : undefined;
    if (mine) {
      // Replaced in place, so the file keeps its order and a three-way merge sees only changed lines.
      mine.value = copy.value;
      continue;
    }
    if (services.has(name)) {
      const flag = input.flags[name];
      clashing.push(name);
      problems.push(
        `${file} already has its own service ${name}${describeService(services.get(name, true))}: ${flag ? `give the generated one another name with ${flag} <name>, or rename yours` : 'the generator writes a service of that name too; rename yours'}`,
      );
      continue;
    }
    const key = copy.key as Scalar;
    key.spaceBefore = services.items.length > 0;
    if (!noted) key.commentBefore = COMPOSE_NOTE;
    noted = true;
    services.add(copy);
  }

  if (!services.comment?.includes(COMPOSE_END_NOTE.trim())) {
    services.comment = services.comment ? `${services.comment}\n${COMPOSE_END_NOTE}` : COMPOSE_END_NOTE;
  }

  const volumes = ourVolumes.length || input.previous.volumes.length ? mapAt(doc, 'volumes', file) : undefined;
  const added: string[] = [];
  if (volumes) {
    const ourVolumeNames = ourVolumes.map(keyOf);
    for (const name of input.previous.volumes) if (!ourVolumeNames.includes(name)) volumes.delete(name);
    for (const pair of ourVolumes) {
      const name = keyOf(pair);
      if (input.previous.volumes.includes(name) && volumes.has(name)) {
        added.push(name);
        continue;
      }
      // A volume of theirs with the same name is shared, not redefined.
      if (volumes.has(name)) continue;
      volumes.add(pair.clone() as Pair);
      added.push(name);
    }
    if (volumes.items.length === 0) doc.delete('volumes');
  }
  const style = styleOf(text);
  const out = doc.toString({ lineWidth: 0, flowCollectionPadding: false, ...style });
  const others = (services.items as Pair[]).map(keyOf).filter((n) => !ourNames.includes(n));
  // A service of theirs on a host port one of ours publishes: `docker compose up` stops with
  // "port is already allocated" (host-port-in-use). Services in profiles start only on request.
  const oursDoc = parseDocument(input.ours);
  // A service of theirs with one of our names is checked too: renamed, ours would still take its port.
  for (const name of [...others, ...clashing]) {
    const node = services.get(name);
    if (isMap(node) && node.get('profiles') !== undefined) continue;
    const theirPorts = publishedPorts(node, input.vars);
    for (const mine of ourNames) {
      const clash = publishedPorts(oursDoc.getIn(['services', mine]), input.vars).find((p) => theirPorts.some((t) => hostPortsClash(t, p)));
      if (clash) {
        problems.push(
          `${file}'s service ${name} publishes host port ${clash.host}, which the generated ${mine} would publish too ("port is already allocated" at docker compose up): choose another with --port <n> or WEB_PORT in .env, or take that mapping out of ${name}`,
        );
        break;
      }
    }
  }
  // An env_file of theirs that does not exist: compose refuses the whole file, so the merged one
  // would not start either (env-file-missing). Made from an example, usually: name it.
  const exists = input.exists;
  if (exists) {
    for (const name of [...others, ...clashing]) {
      const node = services.get(name);
      if (!isMap(node) || node.get('profiles') !== undefined) continue;
      const missing = envFilePaths(node.get('env_file', true))
        .map((path) => posix.normalize(path))
        .find((path) => !path.includes('$') && !exists(path));
      if (missing === undefined) continue;
      const example = [`${missing}.example`, `${missing}-sample`, `${missing}.sample`, `${missing}-example`, `${missing}.template`].find(
        exists,
      );
      problems.push(
        `${file}'s service ${name} reads env_file ${missing}, which does not exist, so docker compose refuses the file ("env file … not found"): create it${example ? ` from ${example}` : ''}`,
      );
      break;
    }
  }
  if (problems.length === 1) throw new UsageError(`${problems[0]}, then run again`);
  if (problems.length > 1) throw new UsageError(`${problems.join('; and ')}; then run again`);
  return { text: out, services: ourNames, volumes: added, others };
}

/** The required paths of a service's env_file (a string, a list of strings, or `{path, required}` items). */
function envFilePaths(node: unknown): string[] {
  const items = isSeq(node) ? node.items : node === undefined ? [] : [node];
  return items.flatMap((item) => {
    if (isMap(item)) {
      const required = item.get('required');
      const path = item.get('path');
      return required === false || String(required) === 'false' || typeof path !== 'string' ? [] : [path];
    }
    return isScalar(item) && typeof item.value === 'string' ? [item.value] : [];
  });
}

/**
 * The invariants every generated folder must hold, read back with real parsers: the values that
 * must agree (port, paths, user, modules, database) do agree, whatever the answers were. Each
 * check returns what is wrong (empty when it holds), so the scenario tests, the transition matrix
 * and the golden proofs all use the same checks, plus the doctor's verdict.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { checkProject } from '../../generators/doctor/doctor.ts';
import { scriptReads } from '../../generators/doctor/parse/shell-words.ts';
import { SET_BY_IMAGE } from '../../generators/generate/environment.ts';
import { evaluateModule } from '../../generators/project/python-eval.ts';
import { detectLockManager, readLockManaged } from '../../generators/project/managers.ts';
import { readPyproject, readRequirementsFile } from '../../generators/project/requirements.ts';
import {
  all,
  composeDefault,
  composeFileIn,
  dictGet,
  envOf,
  execForm,
  last,
  moduleFileIn,
  readCompose,
  readDockerfile,
  readSettings,
  type Stage,
} from './generated.ts';

/** The services the generator put into a project's own compose file (its state says), if it did. */
function generatedServices(dir: string): string[] | undefined {
  const file = join(dir, '.django-docker', 'state.json');
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as { compose?: { services: string[] } };
  return state.compose?.services;
}

/** What the answers say, where a check can compare with them. */
export interface Expected {
  port?: number;
  uid?: number;
}

export interface Invariant {
  name: string;
  check: (dir: string, expected: Expected) => string[] | Promise<string[]>;
}

const DRIVERS: Record<string, string[]> = {
  'django.db.backends.postgresql': ['psycopg', 'psycopg2', 'psycopg2-binary'],
  'django.db.backends.mysql': ['mysqlclient'],
};

const finalStage = (dir: string): Stage => readDockerfile(dir).at(-1)!;

/** The COPY of the code into the final stage: [source, target]. */
function codeCopy(stage: Stage): [string, string] | undefined {
  const copy = all(stage, 'COPY')
    .filter((a) => !a.startsWith('--from'))
    .map((a) => a.split(/\s+/))
    .find(([src]) => src === '.' || src!.endsWith('/'));
  return copy ? [copy[0]!, copy[1]!] : undefined;
}

/** Collects failed expectations as lines instead of throwing at the first one. */
function problems(): { want: (ok: boolean, what: string) => void; list: string[] } {
  const list: string[] = [];
  return { list, want: (ok, what) => void (ok || list.push(what)) };
}

export const INVARIANTS: readonly Invariant[] = [
  {
    name: 'one port in EXPOSE, the server bind, compose ports (container side) and the healthcheck',
    check(dir, expected) {
      const { want, list } = problems();
      const stage = finalStage(dir);
      const port = Number(last(stage, 'EXPOSE'));
      want(Number.isInteger(port), `EXPOSE ${last(stage, 'EXPOSE')} is not one port`);
      if (expected.port !== undefined) want(port === expected.port, `EXPOSE ${port}, answered ${expected.port}`);
      const cmd = execForm(last(stage, 'CMD')!);
      const bind = cmd.includes('--bind')
        ? cmd[cmd.indexOf('--bind') + 1]
        : `${cmd[cmd.indexOf('--host') + 1]}:${cmd[cmd.indexOf('--port') + 1]}`;
      want(bind === `0.0.0.0:${port}`, `the server binds ${bind}, EXPOSE says ${port}`);
      const health = execForm(last(stage, 'HEALTHCHECK')!).join(' ');
      want(health.includes(`http://localhost:${port}/`), `the healthcheck does not call port ${port}`);
      const ports = readCompose(dir).services.web?.ports ?? [];
      want(ports.length === 1, `web publishes ${ports.length} ports`);
      const mapping = ports[0] ?? '';
      want(mapping.split(':').at(-1) === String(port), `compose publishes container port ${mapping.split(':').at(-1)}, not ${port}`);
      // The default host side is loopback on the same port.
      const host = composeDefault(mapping.slice(0, mapping.lastIndexOf(':')));
      want(host === `127.0.0.1:${port}`, `the default host side is ${host}, not 127.0.0.1:${port}`);
      return list;
    },
  },
  {
    name: 'WORKDIR equals the COPY target of the code, and manage.py lands there',
    check(dir) {
      const { want, list } = problems();
      const stage = finalStage(dir);
      const workdir = last(stage, 'WORKDIR')!;
      const code = codeCopy(stage);
      if (!code) return ['no COPY of the code in the final stage'];
      want(posix.normalize(code[1]) === posix.normalize(workdir), `WORKDIR ${workdir}, code copied to ${code[1]}`);
      want(existsSync(join(dir, code[0] === '.' ? '' : code[0], 'manage.py')), `no manage.py under ${code[0]}`);
      return list;
    },
  },
  {
    name: 'the settings module and the server app module exist where the image puts them',
    check(dir) {
      const { want, list } = problems();
      const stage = finalStage(dir);
      const code = codeCopy(stage);
      if (!code) return ['no COPY of the code in the final stage'];
      const appRoot = join(dir, code[0] === '.' ? '' : code[0]);
      const settingsModule = envOf(stage).get('DJANGO_SETTINGS_MODULE');
      want(
        settingsModule !== undefined && moduleFileIn(appRoot, settingsModule) !== undefined,
        `settings module ${settingsModule} is missing`,
      );
      const [module, attribute] = execForm(last(stage, 'CMD')!)[1]!.split(':');
      const file = moduleFileIn(appRoot, module!);
      want(file !== undefined, `server module ${module} is missing`);
      if (file) {
        const text = readFileSync(join(appRoot, file), 'utf8');
        want(new RegExp(`^${attribute} = `, 'm').test(text), `${file} defines no ${attribute}`);
      }
      return list;
    },
  },
  {
    name: 'the final USER is a fixed non-root uid that owns every path the app writes',
    check(dir, expected) {
      const { want, list } = problems();
      const stage = finalStage(dir);
      const [uid, gid] = last(stage, 'USER')!.split(':').map(Number);
      want(uid! > 0, `USER ${uid} is root`);
      want(uid === (expected.uid ?? 10001), `USER ${uid}, answered ${expected.uid ?? 10001}`);
      const useradd = all(stage, 'RUN').find((r) => r.includes('useradd')) ?? '';
      want(useradd.includes(`--uid ${uid}`), `useradd does not create uid ${uid}`);
      const chown = all(stage, 'RUN')
        .map((r) => /chown -R (\d+):(\d+) ([^\\&\n]+)/.exec(r))
        .find(Boolean);
      if (!chown) return [...list, 'nothing is given to the app user'];
      want(Number(chown[1]) === uid && Number(chown[2]) === gid, `chown to ${chown[1]}:${chown[2]}, USER is ${uid}:${gid}`);
      const owned = chown[3]!.trim().split(/\s+/);
      for (const volume of readCompose(dir).services.web?.volumes ?? []) {
        want(owned.includes(volume.split(':')[1]!), `volume ${volume} is not owned by the app user`);
      }
      // The user's instruction comes after the chown, so the app cannot change its code.
      const keywords = stage.instructions.map((i) => i.keyword);
      want(keywords.lastIndexOf('USER') > keywords.indexOf('COPY'), 'USER comes before the COPY of the code');
      return list;
    },
  },
  {
    name: 'the DB engine in the settings has its driver in the requirements, and only one',
    async check(dir) {
      const { want, list } = problems();
      const stage = finalStage(dir);
      const settingsModule = envOf(stage).get('DJANGO_SETTINGS_MODULE')!;
      const prefix = codeCopy(stage)?.[0] === '.' ? '' : (codeCopy(stage)?.[0] ?? '');
      const settingsFile = moduleFileIn(join(dir, prefix), settingsModule);
      if (!settingsFile) return [`settings module ${settingsModule} is missing`];
      const settings = await readSettings(dir, posix.join(prefix, settingsFile));
      const engine = dictGet(dictGet(settings.get('DATABASES'), 'default'), 'ENGINE');
      // Everything the install step reads: a requirements file, pyproject.toml, or a manager's manifest and lock.
      const manager = detectLockManager(readdirSync(dir));
      // The requirements file is at the root, or beside manage.py (a src/ layout).
      const reqFile = ['requirements.txt', posix.join(prefix, 'requirements.txt')].find((f) => existsSync(join(dir, f)));
      const reqs = manager ? readLockManaged(dir, manager) : reqFile ? readRequirementsFile(dir, reqFile) : readPyproject(dir);
      const names = reqs.requirements.map((r) => r.name);
      // Django itself: a project without a requirements file gets it too.
      want(names.includes('django'), 'the requirements lack Django');
      const server = execForm(last(stage, 'CMD')!)[0]!;
      want(names.includes(server), `the requirements lack the server ${server}`);
      want(names.includes('whitenoise'), 'the requirements lack whitenoise');
      const known = Object.values(DRIVERS).flat();
      if (engine?.k === 'str' && DRIVERS[engine.v]) {
        const drivers = names.filter((n) => DRIVERS[engine.v]!.includes(n));
        want(drivers.length === 1, `${engine.v} needs one driver, the requirements have ${drivers.join(', ') || 'none'}`);
        const others = names.filter((n) => known.includes(n) && !DRIVERS[engine.v]!.includes(n));
        want(others.length === 0, `${engine.v} does not use ${others.join(', ')}`);
      } else {
        const drivers = names.filter((n) => known.includes(n));
        want(drivers.length === 0, `no server database, yet the requirements have ${drivers.join(', ')}`);
      }
      return list;
    },
  },
  {
    name: 'the DB host in the web environment is the DB service, which is healthy before web starts',
    check(dir) {
      const { want, list } = problems();
      const compose = readCompose(dir);
      // The project's own compose file keeps what it had; the generator adds no `version:`.
      const adopted = generatedServices(dir);
      if (!adopted) want(compose.version === undefined, 'compose.yaml has a top-level version');
      const web = compose.services.web!;
      const host = web.environment?.DB_HOST;
      if (host === undefined) {
        if (adopted) want(adopted.join() === 'web', `the generator's services in the project's file: ${adopted.join(', ')}`);
        return list;
      }
      if (adopted) want(adopted.join() === `web,${host}`, `the generator's services in the project's file: ${adopted.join(', ')}`);
      const db = compose.services[host];
      if (!db) return [...list, `DB_HOST ${host} is not a service`];
      want((db.healthcheck?.test.length ?? 0) > 1, `${host} has no healthcheck`);
      want(web.depends_on?.[host]?.condition === 'service_healthy', `web does not wait for ${host} to be healthy`);
      want(db.ports === undefined, `${host} publishes a port`);
      // Both services read the same .env variables for the credentials.
      const dbEnv = Object.values(db.environment ?? {});
      for (const key of ['DB_NAME', 'DB_USER', 'DB_PASSWORD']) {
        want(dbEnv.includes(web.environment![key]!), `${host} does not read the ${key} web reads`);
      }
      return list;
    },
  },
  {
    name: 'the DB service image, version, volume and healthcheck belong to the engine in the settings',
    async check(dir) {
      const { want, list } = problems();
      const compose = readCompose(dir);
      const host = compose.services.web?.environment?.DB_HOST;
      const yoRc = existsSync(join(dir, '.yo-rc.json'))
        ? ((JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8')) as Record<string, Record<string, unknown>>)[
            'generator-django-docker'
          ] ?? {})
        : {};
      if (host === undefined) {
        want(
          yoRc.database === undefined || ['sqlite', 'none'].includes(String(yoRc.database)),
          `no DB service for ${String(yoRc.database)}`,
        );
        return list;
      }
      const db = compose.services[host]!;
      const image = (db.image ?? '').replace(/^.*\//, '');
      const [name, tag] = image.split(':');
      const test = (db.healthcheck?.test ?? []).join(' ');
      const engine = { postgres: 'postgres', mysql: 'mysql', mariadb: 'mariadb' }[String(yoRc.database)];
      if (engine) want(name === engine, `database ${String(yoRc.database)}, image ${db.image}`);
      if (yoRc.dbVersion !== undefined)
        want(tag?.split('-')[0] === String(yoRc.dbVersion), `image ${db.image}, version ${String(yoRc.dbVersion)}`);
      // A volume of the engine's own: after a switch the new server never finds the old one's files.
      want(
        (db.volumes ?? []).some((v) => v.startsWith(`${name}-data:`)),
        `${db.image} keeps its data in ${(db.volumes ?? []).join(', ')}`,
      );
      const probe = { postgres: 'pg_isready', mysql: 'mysqladmin ping', mariadb: 'healthcheck.sh' }[name ?? ''];
      want(probe !== undefined && test.includes(probe), `healthcheck of ${db.image}: ${test}`);
      const major = Number(tag?.split(/[.-]/)[0]);
      if (name === 'mysql') want(major >= 8 && major < 10, `MySQL has no version ${tag}`);
      if (name === 'mariadb') want(major >= 10 && major < 20, `MariaDB has no version ${tag}`);
      if (name === 'postgres') want(major >= 13 && major < 30 && !tag!.includes('.'), `PostgreSQL image ${tag}`);
      return list;
    },
  },
  {
    name: "every variable the settings (the project's and the container's) and the entrypoint read reaches the web service",
    async check(dir) {
      const { want, list } = problems();
      const stage = finalStage(dir);
      const settingsModule = envOf(stage).get('DJANGO_SETTINGS_MODULE')!;
      const prefix = (codeCopy(stage)?.[0] ?? '.').replace(/^\.$/, '').replace(/\/$/, '');
      const file = (module: string): string | undefined => {
        const rel = moduleFileIn(join(dir, prefix), module);
        return rel === undefined ? undefined : posix.join(prefix, rel);
      };
      const result = await evaluateModule(settingsModule, file(settingsModule)!, {
        read: (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined),
        moduleFile: file,
        imagePath: (f) => `/app/${f}`,
      });
      want(result.errors.length === 0, `settings do not parse: ${JSON.stringify(result.errors)}`);
      // A variable the settings set before reading it cannot come from .env: it is overwritten.
      const read = new Set(result.envReads.filter((r) => r.because !== 'written-before').map((r) => r.name));
      // The container module was read, not only the project's settings.
      want(read.has('DJANGO_SECRET_KEY'), `${settingsModule} was not read`);
      // The entrypoint script the image runs (a file left from an earlier run does not count).
      const entrypoint = join(dir, 'docker-entrypoint.sh');
      if (existsSync(entrypoint) && last(stage, 'ENTRYPOINT')?.includes('docker-entrypoint.sh'))
        for (const name of scriptReads(readFileSync(entrypoint, 'utf8'))) read.add(name);
      const passed = new Set(Object.keys(readCompose(dir).services.web!.environment ?? {}));
      // A name no .env line or compose key can hold (a stray space) is never set from outside.
      const settable = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
      for (const name of read)
        want(SET_BY_IMAGE.has(name) || passed.has(name) || !settable(name), `${name} is read but compose does not pass it to web`);
      return list;
    },
  },
  {
    name: 'every variable compose requires is in .env.example',
    check(dir) {
      const { want, list } = problems();
      const compose = readFileSync(join(dir, composeFileIn(dir)), 'utf8');
      const example = readFileSync(join(dir, '.env.example'), 'utf8');
      for (const m of compose.matchAll(/\$\{(\w+):\?/g)) want(new RegExp(`^${m[1]}=`, 'm').test(example), `.env.example lacks ${m[1]}`);
      return list;
    },
  },
];

/** Every invariant that fails, as `invariant: problem` lines. */
export async function invariantProblems(dir: string, expected: Expected = {}): Promise<string[]> {
  const out: string[] = [];
  for (const inv of INVARIANTS) {
    try {
      out.push(...(await inv.check(dir, expected)).map((p) => `${inv.name}: ${p}`));
    } catch (err) {
      out.push(`${inv.name}: could not check (${(err as Error).message.split('\n')[0]})`);
    }
  }
  return out;
}

/** The doctor's errors and warnings on a folder (infos are advice, not faults). */
export async function doctorProblems(dir: string): Promise<string[]> {
  const result = await checkProject(dir);
  return result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.file}:${f.line}: ${f.severity} ${f.rule}: ${f.message}`);
}

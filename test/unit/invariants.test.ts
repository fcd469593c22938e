/**
 * Invariants of every generated scenario, read back with real parsers: the values that must
 * agree (port, paths, user, modules, database) do agree, whatever the answers were.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectLockManager, readLockManaged } from '../../generators/project/managers.ts';
import { readPyproject, readRequirementsFile } from '../../generators/project/requirements.ts';
import {
  all,
  composeDefault,
  dictGet,
  envOf,
  execForm,
  last,
  moduleFileIn,
  readCompose,
  readDockerfile,
  readSettings,
} from '../support/generated.ts';
import { generateAll, readAnswers, scenarioNames } from '../support/scenarios.ts';

const DRIVERS: Record<string, string[]> = {
  'django.db.backends.postgresql': ['psycopg', 'psycopg2', 'psycopg2-binary'],
  'django.db.backends.mysql': ['mysqlclient'],
};

describe('invariants of generated files', () => {
  let dirs: Map<string, string>;
  beforeAll(async () => {
    dirs = await generateAll();
  });

  for (const name of scenarioNames()) {
    describe(name, () => {
      const dir = (): string => dirs.get(name)!;
      const final = () => readDockerfile(dir()).at(-1)!;

      it('one port in EXPOSE, the server bind, compose ports (container side) and the healthcheck', () => {
        const stage = final();
        const expose = last(stage, 'EXPOSE')!;
        const port = Number(expose);
        expect(Number.isInteger(port)).toBe(true);
        const answered = readAnswers(name).port;
        if (answered !== undefined) expect(port).toBe(Number(answered));
        const cmd = execForm(last(stage, 'CMD')!);
        const bind = cmd.includes('--bind')
          ? cmd[cmd.indexOf('--bind') + 1]
          : `${cmd[cmd.indexOf('--host') + 1]}:${cmd[cmd.indexOf('--port') + 1]}`;
        expect(bind).toBe(`0.0.0.0:${port}`);
        const health = execForm(last(stage, 'HEALTHCHECK')!).join(' ');
        expect(health).toContain(`http://localhost:${port}/`);
        const web = readCompose(dir()).services.web!;
        expect(web.ports).toHaveLength(1);
        const mapping = web.ports![0]!;
        expect(mapping.split(':').at(-1)).toBe(String(port));
        // The default host side is loopback on the same port.
        expect(composeDefault(mapping.slice(0, mapping.lastIndexOf(':')))).toBe(`127.0.0.1:${port}`);
      });

      it('WORKDIR equals the COPY target of the code, and manage.py lands there', () => {
        const stage = final();
        const workdir = last(stage, 'WORKDIR')!;
        const codeCopies = all(stage, 'COPY').filter((a) => !a.startsWith('--from'));
        const code = codeCopies.map((a) => a.split(/\s+/)).find(([src]) => src === '.' || src!.endsWith('/'))!;
        expect(posix.normalize(code[1]!)).toBe(posix.normalize(workdir));
        const source = code[0] === '.' ? '' : code[0]!;
        expect(existsSync(join(dir(), source, 'manage.py'))).toBe(true);
      });

      it('the settings module and the server app module exist where the image puts them', () => {
        const stage = final();
        const code = all(stage, 'COPY')
          .map((a) => a.split(/\s+/))
          .find(([src]) => src === '.' || src!.endsWith('/'))!;
        const appRoot = join(dir(), code[0] === '.' ? '' : code[0]!);
        const settingsModule = envOf(stage).get('DJANGO_SETTINGS_MODULE')!;
        expect(moduleFileIn(appRoot, settingsModule), settingsModule).toBeDefined();
        const cmd = execForm(last(stage, 'CMD')!);
        const app = cmd[1]!;
        const [module, attribute] = app.split(':');
        const file = moduleFileIn(appRoot, module!);
        expect(file, module).toBeDefined();
        expect(readFileSync(join(appRoot, file!), 'utf8')).toMatch(new RegExp(`^${attribute} = `, 'm'));
      });

      it('the final USER is a fixed non-root uid that owns every path the app writes', () => {
        const stage = final();
        const user = last(stage, 'USER')!;
        const [uid, gid] = user.split(':').map(Number);
        expect(uid).toBeGreaterThan(0);
        const answered = readAnswers(name).uid;
        expect(uid).toBe(answered === undefined ? 10001 : Number(answered));
        const useradd = all(stage, 'RUN').find((r) => r.includes('useradd'))!;
        expect(useradd).toContain(`--uid ${uid}`);
        const chown = all(stage, 'RUN')
          .map((r) => /chown -R (\d+):(\d+) ([^\\&\n]+)/.exec(r))
          .find(Boolean)!;
        expect([Number(chown[1]), Number(chown[2])]).toEqual([uid, gid]);
        const owned = chown[3]!.trim().split(/\s+/);
        const web = readCompose(dir()).services.web!;
        for (const volume of web.volumes ?? []) expect(owned).toContain(volume.split(':')[1]);
        // The user's instruction comes after the chown, so the app cannot change its code.
        const keywords = stage.instructions.map((i) => i.keyword);
        expect(keywords.lastIndexOf('USER')).toBeGreaterThan(keywords.indexOf('COPY'));
      });

      it('the DB engine in the settings has its driver in the requirements, and only one', async () => {
        const stage = final();
        const settingsModule = envOf(stage).get('DJANGO_SETTINGS_MODULE')!;
        const code = all(stage, 'COPY')
          .map((a) => a.split(/\s+/))
          .find(([src]) => src === '.' || src!.endsWith('/'))!;
        const prefix = code[0] === '.' ? '' : code[0]!;
        const settings = await readSettings(dir(), posix.join(prefix, moduleFileIn(join(dir(), prefix), settingsModule)!));
        const engine = dictGet(dictGet(settings.get('DATABASES'), 'default'), 'ENGINE');
        // Everything the install step reads: a requirements file, pyproject.toml, or a manager's manifest and lock.
        const manager = detectLockManager(readdirSync(dir()));
        const reqs = manager
          ? readLockManaged(dir(), manager)
          : existsSync(join(dir(), 'requirements.txt'))
            ? readRequirementsFile(dir(), 'requirements.txt')
            : readPyproject(dir());
        const names = reqs.requirements.map((r) => r.name);
        expect(names).toContain(execForm(last(stage, 'CMD')!)[0]);
        expect(names).toContain('whitenoise');
        if (engine?.k === 'str' && DRIVERS[engine.v]) {
          const drivers = names.filter((n) => DRIVERS[engine.v]!.includes(n));
          expect(drivers, engine.v).toHaveLength(1);
        } else {
          expect(names.filter((n) => Object.values(DRIVERS).flat().includes(n))).toEqual([]);
        }
      });

      it('the DB host in the web environment is the DB service, which is healthy before web starts', () => {
        const compose = readCompose(dir());
        expect(compose.version).toBeUndefined();
        const web = compose.services.web!;
        const host = web.environment?.DB_HOST;
        if (host === undefined) {
          expect(Object.keys(compose.services)).toEqual(['web']);
          return;
        }
        const db = compose.services[host]!;
        expect(db, host).toBeDefined();
        expect(db.healthcheck?.test.length).toBeGreaterThan(1);
        expect(web.depends_on?.[host]?.condition).toBe('service_healthy');
        expect(db.ports).toBeUndefined();
        // Both services read the same .env variables for the credentials.
        const dbEnv = Object.values(db.environment ?? {});
        for (const key of ['DB_NAME', 'DB_USER', 'DB_PASSWORD']) expect(dbEnv).toContain(web.environment![key]);
      });

      it('every variable compose requires is in .env.example', () => {
        const compose = readFileSync(join(dir(), 'compose.yaml'), 'utf8');
        const example = readFileSync(join(dir(), '.env.example'), 'utf8');
        for (const m of compose.matchAll(/\$\{(\w+):\?/g)) expect(example, m[1]).toMatch(new RegExp(`^${m[1]}=`, 'm'));
      });
    });
  }
});

/**
 * The transition matrix, as a property: from every database to every other one (20 switches),
 * and a Python, port, user, uid and server change from two starting points, a generated project
 * carrying a developer's usual edits re-runs with no conflict, keeps every edit, passes the
 * invariant checks and comes out of the doctor clean. Then, per kind of file, an edit to the very
 * lines a re-run changes is a conflict: refused without a terminal, nothing written, and --force
 * takes the generator's version.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { all, readDockerfile } from '../support/generated.ts';
import { doctorProblems, invariantProblems } from '../support/invariants.ts';
import { readTree, runGenerator } from '../support/scenarios.ts';

const DATABASES = ['sqlite', 'postgres', 'mysql', 'mariadb', 'none'] as const;
const SETTINGS = 'site1/settings_container.py';

/** A developer's usual edits: each is applied after the first run and must be there after the second. */
interface Edit {
  name: string;
  apply: (dir: string) => void;
  kept: (dir: string) => boolean;
}

function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8');
}

function replaceIn(dir: string, file: string, from: string, to: string): void {
  const text = read(dir, file);
  if (!text.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}: update this test`);
  writeFileSync(join(dir, file), text.replace(from, to));
}

const COMPOSE_MARK = '  # Your own services go below this line: a re-run of the generator keeps them.\n';
const DOCKERFILE_MARK = '# Your own system packages (apt-get install …) go below this line: a re-run of the generator keeps them.\n';
const EXPOSE_COMMENT = '# The port the server binds below; compose publishes the same one (port-mismatch).';

const EDITS: readonly Edit[] = [
  {
    name: 'a requirement appended',
    apply: (dir) => writeFileSync(join(dir, 'requirements.txt'), `${read(dir, 'requirements.txt')}requests==2.32.3\n`),
    kept: (dir) => read(dir, 'requirements.txt').split('\n').includes('requests==2.32.3'),
  },
  {
    name: 'a compose service added at the end of the services',
    apply: (dir) =>
      replaceIn(dir, 'compose.yaml', COMPOSE_MARK, `${COMPOSE_MARK}  cache:\n    image: redis:7.4-bookworm\n    restart: unless-stopped\n`),
    kept: (dir) =>
      (parseYaml(read(dir, 'compose.yaml')) as { services: Record<string, { image?: string }> }).services.cache?.image ===
      'redis:7.4-bookworm',
  },
  {
    name: 'an apt package added to the final stage',
    apply: (dir) =>
      replaceIn(
        dir,
        'Dockerfile',
        DOCKERFILE_MARK,
        `${DOCKERFILE_MARK}RUN apt-get update \\\n && apt-get install -y --no-install-recommends gettext \\\n && rm -rf /var/lib/apt/lists/*\n`,
      ),
    kept: (dir) => all(readDockerfile(dir).at(-1)!, 'RUN').some((r) => /install -y --no-install-recommends gettext\b/.test(r)),
  },
  {
    name: 'a settings comment reworded',
    apply: (dir) =>
      replaceIn(dir, SETTINGS, '# Everything to stdout/stderr, where', '# Everything to stdout/stderr: our log shipper reads it where'),
    kept: (dir) => read(dir, SETTINGS).includes('# Everything to stdout/stderr: our log shipper reads it where'),
  },
  {
    // Right above EXPOSE, which a port change rewrites: neighbouring lines do not conflict.
    name: 'a Dockerfile comment reworded next to a line the answers change',
    apply: (dir) =>
      replaceIn(dir, 'Dockerfile', EXPOSE_COMMENT, '# The port gunicorn or uvicorn binds; compose publishes it too (port-mismatch).'),
    kept: (dir) =>
      read(dir, 'Dockerfile').includes('# The port gunicorn or uvicorn binds; compose publishes it too (port-mismatch).\nEXPOSE '),
  },
  {
    name: 'a .env value changed',
    apply: (dir) => replaceIn(dir, '.env', 'WEB_CONCURRENCY=2', 'WEB_CONCURRENCY=4'),
    kept: (dir) => read(dir, '.env').split('\n').includes('WEB_CONCURRENCY=4'),
  },
];

type Flags = Record<string, string>;

interface Transition {
  title: string;
  from: Flags;
  to: Flags;
}

const TRANSITIONS: Transition[] = [
  ...DATABASES.flatMap((from) =>
    DATABASES.filter((to) => to !== from).map((to) => ({
      title: `database ${from} → ${to}`,
      from: { database: from },
      to: { database: to },
    })),
  ),
  ...(['sqlite', 'postgres'] as const).flatMap((database): Transition[] => [
    { title: `${database}: python 3.13 → 3.12`, from: { database }, to: { python: '3.12' } },
    { title: `${database}: port 8000 → 9000`, from: { database }, to: { port: '9000' } },
    { title: `${database}: user app → web`, from: { database }, to: { user: 'web' } },
    { title: `${database}: uid 10001 → 20001`, from: { database }, to: { uid: '20001' } },
    { title: `${database}: server gunicorn → uvicorn`, from: { database }, to: { server: 'uvicorn' } },
  ]),
];

async function generated(flags: Flags): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'dd-matrix-')), 'site');
  mkdirSync(dir);
  await runGenerator(dir, { yes: true, 'project-name': 'site1', ...flags });
  return dir;
}

/** A re-run as without a terminal: a conflict stops it with a UsageError before anything is written. */
async function rerun(dir: string, flags: Record<string, unknown>): Promise<void> {
  await runGenerator(dir, { yes: true, interactive: false, force: false, ...flags });
}

describe(`transition matrix: ${TRANSITIONS.length} re-runs, each from a generated project with ${EDITS.length} edits`, () => {
  for (const t of TRANSITIONS) {
    it(`${t.title}: no conflict, every edit kept, invariants hold, the doctor finds nothing`, async () => {
      const dir = await generated(t.from);
      for (const e of EDITS) e.apply(dir);
      await rerun(dir, t.to);
      const tree = readTree(dir);
      expect([...tree].filter(([, text]) => /^<<<<<<< /m.test(text)).map(([rel]) => rel)).toEqual([]);
      expect(EDITS.filter((e) => !e.kept(dir)).map((e) => e.name)).toEqual([]);
      const answers = (JSON.parse(read(dir, '.yo-rc.json')) as Record<string, Record<string, unknown>>)['generator-django-docker']!;
      for (const [key, value] of Object.entries(t.to)) expect(String(answers[key === 'database' ? 'database' : key])).toBe(value);
      expect(await invariantProblems(dir, { port: Number(answers.port), uid: Number(answers.uid) })).toEqual([]);
      expect(await doctorProblems(dir)).toEqual([]);
    });
  }
});

/** An edit to the very lines a re-run changes, per kind of file. */
interface Overlap {
  kind: string;
  from: Flags;
  edit: (dir: string) => void;
  to: Flags;
  /** What the refusal names. */
  names: string;
  /** Text of the user's edit, gone after --force. */
  edited: string;
}

const OVERLAPS: readonly Overlap[] = [
  {
    kind: 'Dockerfile: EXPOSE edited, port changed',
    from: {},
    edit: (dir) => replaceIn(dir, 'Dockerfile', 'EXPOSE 8000', 'EXPOSE 8000 8001'),
    to: { port: '9000' },
    names: "your edits and the generator's changes overlap in Dockerfile",
    edited: 'EXPOSE 8000 8001',
  },
  {
    kind: 'compose.yaml: the DB image pinned to a patch release, database switched',
    from: { database: 'postgres' },
    edit: (dir) => replaceIn(dir, 'compose.yaml', 'image: postgres:17-trixie', 'image: postgres:17.6-trixie'),
    to: { database: 'mariadb' },
    names: "your edits and the generator's changes overlap in compose.yaml",
    edited: 'postgres:17.6-trixie',
  },
  {
    kind: 'container settings: the DB port default edited, database switched',
    from: { database: 'postgres' },
    edit: (dir) => replaceIn(dir, SETTINGS, '"PORT": os.environ.get("DB_PORT", "5432")', '"PORT": os.environ.get("DB_PORT", "6432")'),
    to: { database: 'mysql' },
    names: `your edits and the generator's changes overlap in ${SETTINGS}`,
    edited: '"6432"',
  },
  {
    kind: '.env.example: the CSRF origins example edited, port changed',
    from: {},
    edit: (dir) =>
      replaceIn(
        dir,
        '.env.example',
        '# DJANGO_CSRF_TRUSTED_ORIGINS=http://localhost:8000,http://127.0.0.1:8000',
        '# DJANGO_CSRF_TRUSTED_ORIGINS=http://localhost:8000',
      ),
    to: { port: '9000' },
    names: "your edits and the generator's changes overlap in .env.example",
    edited: '# DJANGO_CSRF_TRUSTED_ORIGINS=http://localhost:8000\n',
  },
  {
    kind: 'requirements.txt: the driver pin edited, database switched',
    from: { database: 'postgres' },
    edit: (dir) => replaceIn(dir, 'requirements.txt', 'psycopg==3.3.6', 'psycopg==3.2.9'),
    to: { database: 'sqlite' },
    names: 'requirements.txt: you changed psycopg==3.3.6 to psycopg==3.2.9, and the generator now removes it',
    edited: 'psycopg==3.2.9',
  },
  {
    kind: 'requirements.txt: the server removed, pin unchanged',
    from: {},
    edit: (dir) => replaceIn(dir, 'requirements.txt', 'gunicorn==26.2.0\n', ''),
    to: { port: '9000' },
    names: 'requirements.txt: you removed gunicorn==26.2.0, which the container needs',
    edited: '',
  },
];

describe('conflicts only for edits to the same lines: one per kind of file', () => {
  for (const o of OVERLAPS) {
    it(`${o.kind}: refused naming it, nothing written; --force takes the generator's version`, async () => {
      const dir = await generated(o.from);
      o.edit(dir);
      const before = readTree(dir);
      await expect(rerun(dir, o.to)).rejects.toThrow(o.names);
      expect(readTree(dir)).toEqual(before);
      await rerun(dir, { ...o.to, force: true });
      const after = readTree(dir);
      expect([...after.values()].some((text) => /^<<<<<<< /m.test(text))).toBe(false);
      if (o.edited)
        expect(
          [...after].filter(([rel, text]) => !rel.startsWith('.django-docker/') && text.includes(o.edited)).map(([rel]) => rel),
        ).toEqual([]);
      expect(await invariantProblems(dir, { ...(o.to.port ? { port: Number(o.to.port) } : {}) })).toEqual([]);
      expect(await doctorProblems(dir)).toEqual([]);
    });
  }
});

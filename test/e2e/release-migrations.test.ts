// --migrate release: a one-shot migrate service runs before web, once, however many web replicas
// start. PostgreSQL scenario with three web replicas (`up --scale web=3`), each on its own
// loopback port (WEB_PORT=127.0.0.1:0 lets the engine pick one per replica).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, docker, generateScenario, http, removeDir, Stack, waitFor } from './harness.ts';

const MIN = 60_000;

describe('k8s-postgres-release: --migrate release with three web replicas', () => {
  let stack: Stack | undefined;
  let root: string | undefined;
  let up: Awaited<ReturnType<Stack['compose']>> | undefined;

  beforeAll(async () => {
    const gen = await generateScenario('k8s-postgres-release');
    root = gen.root;
    stack = new Stack(gen.dir, 'release', 8000);
    const built = await stack.build();
    if (built.code !== 0) throw new Error(describeRun('docker compose build', built));
    up = await stack.compose(['up', '-d', '--wait', '--wait-timeout', '240', '--scale', 'web=3'], 5 * MIN);
  }, 15 * MIN);

  afterAll(async () => {
    await stack?.destroy();
    removeDir(root);
  }, 5 * MIN);

  const containers = async (service: string): Promise<Array<{ id: string; state: string; exitCode: number }>> => {
    const r = await stack!.compose(['ps', '-a', '-q', service], MIN);
    const ids = r.stdout.split('\n').filter(Boolean);
    const out = [];
    for (const id of ids) {
      const i = await docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', id]);
      const [state, code] = i.stdout.trim().split(' ');
      out.push({ id, state: state!, exitCode: Number(code) });
    }
    return out;
  };

  it(
    'three web replicas start healthy after the migrate service exited 0',
    async () => {
      expect(up?.code, up && describeRun('up --scale web=3', up)).toBe(0);
      const web = await containers('web');
      expect(web).toHaveLength(3);
      for (const c of web) expect(c.state).toBe('running');
      const migrate = await containers('migrate');
      expect(migrate).toEqual([expect.objectContaining({ state: 'exited', exitCode: 0 })]);
    },
    3 * MIN,
  );

  it(
    'the migrations ran once: every "Applying" line is in the migrate log, none in the web logs',
    async () => {
      const migrateLog = await stack!.logs('migrate');
      const applied = [...migrateLog.matchAll(/Applying (\S+)\.\.\./g)].map((m) => m[1]);
      expect(applied).toContain('notes.0001_initial');
      expect(new Set(applied).size).toBe(applied.length);
      const webLog = await stack!.logs('web');
      expect(webLog).not.toMatch(/Applying /);
      const rows = await stack!.exec([
        'python',
        'manage.py',
        'shell',
        '-c',
        'from django.db.migrations.recorder import MigrationRecorder as R; print("ROWS", R.Migration.objects.filter(app="notes").count())',
      ]);
      expect(rows.stdout, describeRun('shell', rows)).toContain('ROWS 1');
    },
    3 * MIN,
  );

  it(
    'each replica answers 200 on its own loopback port and all share the migrated database',
    async () => {
      const urls: string[] = [];
      for (const index of [1, 2, 3]) {
        const r = await stack!.compose(['port', '--index', String(index), 'web', '8000'], MIN);
        const m = /^127\.0\.0\.1:(\d+)$/m.exec(r.stdout.trim());
        expect(m, describeRun(`port --index ${index}`, r)).not.toBeNull();
        urls.push(`http://127.0.0.1:${m![1]}`);
      }
      expect(new Set(urls).size).toBe(3);
      const added = await http(`${urls[0]}/notes/add/from-replica-one/`);
      expect(added.status).toBe(200);
      for (const url of urls) {
        const res = await waitFor(async () => {
          const r = await http(`${url}/`).catch(() => undefined);
          return r?.status === 200 ? r : undefined;
        }, 30_000);
        expect(res?.text).toContain('from-replica-one');
      }
    },
    3 * MIN,
  );
});

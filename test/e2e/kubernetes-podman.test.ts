// The k8s/ manifests, rendered by `kubectl kustomize`, run with the generated image on a real
// engine: Debian's podman plays the Deployment (and the migrate Job's pod) and the app answers
// 200 on loopback. The same image also runs under the Docker engine with the manifests' user,
// read-only root filesystem, writable mounts and dropped capabilities, answering the probe.
//
// podman 4.3 here needs three settings, kept in a containers.conf of the test's own: runc (crun
// refuses this machine's hybrid cgroups), the cgroupfs manager, and container rlimits at or below
// the machine's (podman raises RLIMIT_NOFILE to 1048576 and `setrlimit` is then not permitted).
// It cannot play a Job, and its Secret support stores what `secretKeyRef` cannot read back, so
// the test plays the Job's pod template as a Pod and gives podman the rendered Secret's data.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, docker, generateScenario, http, removeDir, run, type RunResult, Stack, waitFor } from './harness.ts';

const MIN = 60_000;
// The manifests are validated against the Kubernetes schemas in the unit suite; here they are edited as plain JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = { apiVersion: string; kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: any };

const has = (cmd: string): boolean =>
  spawnSync(cmd, cmd === 'kubectl' ? ['version', '--client'] : ['--version'], { encoding: 'utf8' }).status === 0;
const missing = ['kubectl', 'podman'].filter((c) => !has(c));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** podman with its own storage, state and configuration under one folder, so nothing leaks. */
class Podman {
  constructor(readonly home: string) {
    mkdirSync(join(home, 'storage'), { recursive: true });
    writeFileSync(
      join(home, 'containers.conf'),
      '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n',
    );
  }
  run(args: string[], timeoutMs = 2 * MIN): Promise<RunResult> {
    return run('podman', ['--root', join(this.home, 'storage'), '--runroot', join(this.home, 'run'), ...args], {
      timeoutMs,
      env: { ...process.env, CONTAINERS_CONF: join(this.home, 'containers.conf') },
    });
  }
}

describe(`k8s-sqlite: the manifests run the generated image${missing.length ? ` — skipped: ${missing.join(', ')} not installed (.ci/run installs them)` : ''}`, () => {
  let stack: Stack | undefined;
  let root: string | undefined;
  let podman: Podman | undefined;
  let rendered: Obj[] = [];
  let image = '';
  let podmanError = '';

  beforeAll(async () => {
    if (missing.length) return;
    const gen = await generateScenario('k8s-sqlite');
    root = gen.root;
    stack = new Stack(gen.dir, 'k8s', 8000);
    const built = await stack.build();
    if (built.code !== 0) throw new Error(describeRun('docker compose build', built));
    image = `${stack.project}-web:latest`;
    // As README.Docker.md says: name the built image under `images`.
    appendFileSync(
      join(gen.dir, 'k8s', 'kustomization.yaml'),
      `images:\n  - name: k8s-sqlite-web\n    newName: ${stack.project}-web\n    newTag: latest\n`,
    );
    const k = await run('kubectl', ['kustomize', join(gen.dir, 'k8s')], { timeoutMs: MIN });
    if (k.code !== 0) throw new Error(describeRun('kubectl kustomize', k));
    rendered = parseAllDocuments(k.stdout).map((d) => d.toJSON() as Obj);
    podman = new Podman(mkdtempSync(join(tmpdir(), 'dd-podman-')));
    const smoke = await podman.run(['pull', `docker-daemon:${image}`], 5 * MIN);
    if (smoke.code !== 0) podmanError = smoke.stderr.trim().split('\n').at(-1) ?? 'pull failed';
  }, 15 * MIN);

  afterAll(async () => {
    if (podman) {
      await podman.run(['pod', 'rm', '-f', '-a'], 2 * MIN);
      await podman.run(['system', 'reset', '-f'], 2 * MIN);
      removeDir(podman.home);
    }
    await stack?.destroy();
    removeDir(root);
  }, 5 * MIN);

  const find = (kind: string): Obj => rendered.find((o) => o.kind === kind)!;

  it.skipIf(missing.length > 0)(
    'podman plays the migrate Job and the Deployment; the app answers 200 on 127.0.0.1',
    async () => {
      expect(podmanError, 'podman could not take the image').toBe('');
      const p = podman!;
      const secret = find('Secret');
      // podman reads a secretKeyRef's secret as JSON of key → base64 value: the rendered Secret's data.
      writeFileSync(join(p.home, 'secret.json'), JSON.stringify(secret.data), { mode: 0o600 });
      const created = await p.run(['secret', 'create', secret.metadata.name, join(p.home, 'secret.json')], MIN);
      expect(created.code, describeRun('podman secret create', created)).toBe(0);
      const storage = rendered.filter((o) => o.kind === 'ConfigMap' || o.kind === 'PersistentVolumeClaim');
      const job = find('Job');
      const jobPod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: job.metadata.name }, spec: job.spec.template.spec };
      const dir = podman!.home;
      writeFileSync(join(dir, 'job.yaml'), [...storage, jobPod].map((o) => stringify(o)).join('---\n'));
      const played = await p.run(['kube', 'play', join(dir, 'job.yaml')], 3 * MIN);
      expect(played.code, describeRun('podman kube play (migrate Job as a Pod)', played)).toBe(0);
      const migrate = `${job.metadata.name}-migrate`;
      const waited = await p.run(['wait', migrate], 3 * MIN);
      const logs = await p.run(['logs', migrate], MIN);
      expect(waited.stdout.trim(), `${describeRun('podman wait', waited)}\n${logs.stdout}${logs.stderr}`).toBe('0');
      expect(logs.stdout + logs.stderr).toMatch(/Applying auth\.0001_initial/);

      const port = await freePort();
      const deployment = structuredClone(find('Deployment'));
      // Test only: publish the container port on loopback (a cluster uses the Service instead).
      deployment.spec.template.spec.containers[0].ports[0] = {
        ...deployment.spec.template.spec.containers[0].ports[0],
        hostPort: port,
        hostIP: '127.0.0.1',
      };
      writeFileSync(
        join(dir, 'web.yaml'),
        [...storage.filter((o) => o.kind === 'ConfigMap'), deployment].map((o) => stringify(o)).join('---\n'),
      );
      const web = await p.run(['kube', 'play', join(dir, 'web.yaml')], 3 * MIN);
      expect(web.code, describeRun('podman kube play (Deployment)', web)).toBe(0);
      const res = await waitFor(
        async () => {
          const r = await http(`http://127.0.0.1:${port}/`, { timeoutMs: 5_000 }).catch(() => undefined);
          return r?.status === 200 ? r : undefined;
        },
        90_000,
        1_000,
      );
      const webLogs = await p.run(['logs', `${deployment.metadata.name}-pod-0-web`], MIN);
      expect(res?.status, `no 200 from the played Deployment\n${webLogs.stdout}${webLogs.stderr}`).toBe(200);

      // As the manifests say: uid 10001, nothing writable but the mounts, no capabilities.
      const container = `${deployment.metadata.name}-pod-0-web`;
      const status = await p.run(['exec', container, 'cat', '/proc/1/status'], MIN);
      expect(status.stdout).toMatch(/^Uid:\s+10001\s+10001/m);
      expect(status.stdout).toMatch(/^CapEff:\s+0+$/m);
      expect(status.stdout).toMatch(/^NoNewPrivs:\s+1$/m);
      const write = await p.run(
        ['exec', container, 'sh', '-c', 'touch /app/x 2>&1; touch /tmp/x /srv/data/x /srv/media/x && echo WROTE'],
        MIN,
      );
      expect(write.stdout).toMatch(/Read-only file system/);
      expect(write.stdout).toContain('WROTE');
      const probe = deployment.spec.template.spec.containers[0].readinessProbe.exec.command as string[];
      const probed = await p.run(['exec', container, ...probe], MIN);
      expect(probed.code, describeRun('readiness probe', probed)).toBe(0);
    },
    12 * MIN,
  );

  it.skipIf(missing.length > 0)(
    "the Docker engine runs the image under the manifests' constraints (user, read-only root, mounts, no capabilities) and the probe passes",
    async () => {
      const deployment = find('Deployment');
      const pod = deployment.spec.template.spec;
      const c = pod.containers[0];
      const config = find('ConfigMap').data!;
      const secret = find('Secret').data!;
      const env: string[] = [];
      for (const e of c.env as Array<{
        name: string;
        value?: string;
        valueFrom?: { secretKeyRef?: { key: string }; configMapKeyRef?: { key: string } };
      }>) {
        const value =
          e.value ??
          (e.valueFrom?.secretKeyRef
            ? Buffer.from(secret[e.valueFrom.secretKeyRef.key]!, 'base64').toString()
            : config[e.valueFrom!.configMapKeyRef!.key]);
        env.push('-e', `${e.name}=${value}`);
      }
      const name = `${stack!.project}-plain`;
      const mounts = (c.volumeMounts as Array<{ name: string; mountPath: string }>).flatMap((m) => {
        const claim = (pod.volumes as Array<{ name: string; persistentVolumeClaim?: unknown }>).find(
          (v) => v.name === m.name,
        )!.persistentVolumeClaim;
        return claim
          ? ['-v', `${stack!.project}-${m.name}:${m.mountPath}`]
          : ['--tmpfs', `${m.mountPath}:uid=${pod.securityContext.runAsUser},gid=${pod.securityContext.fsGroup}`];
      });
      const migrate = await docker(
        [
          'run',
          '--rm',
          '--read-only',
          '--cap-drop',
          'ALL',
          '--security-opt',
          'no-new-privileges',
          '--user',
          `${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`,
          ...mounts,
          ...env,
          '--entrypoint',
          'python',
          image,
          'manage.py',
          'migrate',
          '--noinput',
        ],
        3 * MIN,
      );
      expect(migrate.code, describeRun('migrate', migrate)).toBe(0);
      try {
        const started = await docker(
          [
            'run',
            '-d',
            '--name',
            name,
            '--read-only',
            '--cap-drop',
            'ALL',
            '--security-opt',
            'no-new-privileges',
            '--user',
            `${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`,
            ...mounts,
            ...env,
            '-p',
            `127.0.0.1::${c.ports[0].containerPort}`,
            image,
          ],
          MIN,
        );
        expect(started.code, describeRun('docker run', started)).toBe(0);
        const probe = c.readinessProbe.exec.command as string[];
        const ok = await waitFor(async () => ((await docker(['exec', name, ...probe])).code === 0 ? true : undefined), 60_000, 1_000);
        expect(ok, (await docker(['logs', name])).stderr).toBe(true);
        const port = /:(\d+)$/m.exec((await docker(['port', name, String(c.ports[0].containerPort)])).stdout.trim())![1];
        const res = await http(`http://127.0.0.1:${port}/`);
        expect(res.status).toBe(200);
      } finally {
        await docker(['rm', '-f', '-v', name]);
        await docker(['volume', 'rm', '-f', `${stack!.project}-sqlite-data`, `${stack!.project}-media`]);
      }
    },
    6 * MIN,
  );
});

/**
 * The Kubernetes manifests: every object validates against the Kubernetes API schemas
 * (kubernetes-models), `kubectl kustomize k8s/` renders them, and they agree with the image:
 * uid, port, healthcheck, writable paths. Secret values never reach a committed file.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { finaliseAnswers, type RawAnswers } from '../../generators/generate/answers.ts';
import { buildPlan } from '../../generators/generate/plan.ts';
import { renderFiles } from '../../generators/generate/render.ts';
import type { NewProject } from '../../generators/project/detect.ts';
import { execForm, last, readCompose, readDockerfile } from '../support/generated.ts';
import { prepareScenario, readAnswers, readTree, runGenerator, scenarioNames } from '../support/scenarios.ts';

type Obj = { apiVersion: string; kind: string; metadata: { name: string }; [k: string]: unknown };
type Container = {
  name: string;
  image: string;
  command?: string[];
  ports?: Array<{ containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: Ref; configMapKeyRef?: Ref } }>;
  securityContext: Record<string, unknown>;
  readinessProbe?: { exec: { command: string[] } };
  livenessProbe?: { exec: { command: string[] } };
  resources?: { requests?: Record<string, string> };
  volumeMounts: Array<{ name: string; mountPath: string }>;
};
type Ref = { name: string; key: string };
type PodSpec = { securityContext?: Record<string, unknown>; containers: Container[]; volumes?: Array<Record<string, unknown>> };

const K8S_SCENARIOS = scenarioNames().filter((n) => readAnswers(n).kubernetes === true);

function docs(text: string): Obj[] {
  return parseAllDocuments(text).map((d) => d.toJSON() as Obj);
}

/** Validate one object with the kubernetes-models class of its kind (throws on a schema error). */
async function validate(obj: Obj): Promise<void> {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const mod = (await import(`kubernetes-models/${group ? `${group}/` : ''}${version}/${obj.kind}`)) as Record<
    string,
    new (o: unknown) => { validate(): void }
  >;
  new mod[obj.kind]!(obj).validate();
}

const podOf = (o: Obj): PodSpec => (o.spec as { template: { spec: PodSpec } }).template.spec;

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

describe('Kubernetes manifests', () => {
  const dirs = new Map<string, string>();
  beforeAll(async () => {
    for (const name of K8S_SCENARIOS) {
      const dir = prepareScenario(name);
      await runGenerator(dir, readAnswers(name));
      dirs.set(name, dir);
    }
  });

  it('at least two scenarios write k8s/ (SQLite, and PostgreSQL with release migrations)', () => {
    expect(K8S_SCENARIOS).toEqual(expect.arrayContaining(['k8s-sqlite', 'k8s-postgres-release']));
  });

  for (const name of K8S_SCENARIOS) {
    describe(name, () => {
      const files = (): Map<string, string> => readTree(join(dirs.get(name)!, 'k8s'));
      const objects = (): Obj[] => [...files()].filter(([rel]) => rel.endsWith('.yaml')).flatMap(([, text]) => docs(text));
      const find = (kind: string, component?: string): Obj =>
        objects().find(
          (o) =>
            o.kind === kind &&
            (!component || (o.metadata as { labels?: Record<string, string> }).labels?.['app.kubernetes.io/component'] === component),
        )!;

      it('every object validates against the Kubernetes API schema', async () => {
        const objs = objects().filter((o) => o.kind !== 'Kustomization');
        expect(objs.length).toBeGreaterThanOrEqual(3);
        for (const o of objs) await validate(o);
      });

      it('the web pods run the image as its numeric uid, non-root, read-only, no escalation, all capabilities dropped', () => {
        const stage = readDockerfile(dirs.get(name)!).at(-1)!;
        const [uid, gid] = last(stage, 'USER')!.split(':').map(Number);
        for (const o of [find('Deployment', 'web'), find('Job')].filter(Boolean)) {
          const pod = podOf(o);
          expect(pod.securityContext).toMatchObject({ runAsUser: uid, runAsGroup: gid, runAsNonRoot: true, fsGroup: gid });
          const c = pod.containers[0]!;
          expect(c.securityContext).toEqual({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          });
          expect(c.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
        }
      });

      it("probes run the image's own healthcheck, on the port the image EXPOSEs", () => {
        const stage = readDockerfile(dirs.get(name)!).at(-1)!;
        const health = execForm(last(stage, 'HEALTHCHECK')!);
        const web = podOf(find('Deployment', 'web')).containers[0]!;
        expect(web.readinessProbe!.exec.command).toEqual(health);
        expect(web.livenessProbe!.exec.command).toEqual(health);
        expect(web.ports![0]!.containerPort).toBe(Number(last(stage, 'EXPOSE')));
        const service = find('Service', 'web') as unknown as { spec: { ports: Array<{ port: number; targetPort: string }> } };
        expect(service.spec.ports[0]).toMatchObject({ port: Number(last(stage, 'EXPOSE')), targetPort: 'http' });
      });

      it('every path the app writes at run time is a writable mount; the collected static files are not hidden', () => {
        const dir = dirs.get(name)!;
        const webVolumes = readCompose(dir).services.web!.volumes ?? [];
        const web = podOf(find('Deployment', 'web')).containers[0]!;
        const mounts = web.volumeMounts.map((m) => m.mountPath);
        expect(mounts).toContain('/tmp');
        expect(mounts).toContain('/home/app');
        // Each named volume compose mounts on web is a claim here.
        expect(webVolumes.length).toBeGreaterThan(0);
        for (const v of webVolumes) expect(mounts).toContain(v.split(':')[1]);
        expect(mounts).not.toContain('/srv/static');
      });

      it('web pods do not migrate; a Job runs the migrations once', () => {
        const web = podOf(find('Deployment', 'web')).containers[0]!;
        expect(web.env?.find((e) => e.name === 'DJANGO_MIGRATE')?.value).toBe('0');
        const job = podOf(find('Job'));
        expect(job.containers[0]!.command).toEqual(['python', 'manage.py', 'migrate', '--noinput']);
        expect(job.containers[0]!.image).toBe(web.image);
      });

      it('secrets come from k8s/.env by name only: no committed file holds a value, and the key is the one compose uses', () => {
        const dir = dirs.get(name)!;
        const kubeEnv = readFileSync(join(dir, 'k8s', '.env'), 'utf8');
        const values = [...kubeEnv.matchAll(/^(\w+)=(.+)$/gm)].map((m) => [m[1]!, m[2]!] as const);
        expect(values.map(([k]) => k)).toContain('DJANGO_SECRET_KEY');
        const dotenv = readFileSync(join(dir, '.env'), 'utf8');
        for (const [key, value] of values) {
          expect(dotenv, key).toContain(`${key}=${value}`);
          for (const [rel, text] of files()) if (rel !== '.env') expect(text, `${rel} holds the value of ${key}`).not.toContain(value);
        }
        expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
        expect(readFileSync(join(dir, '.dockerignore'), 'utf8')).toMatch(/^k8s$/m);
      });

      it.skipIf(!kubectl && !process.env.CI)(
        `kubectl kustomize k8s/ renders objects that validate, and every reference resolves${kubectl ? '' : ' — skipped: no kubectl here (.ci/run installs it)'}`,
        async () => {
          const r = spawnSync('kubectl', ['kustomize', join(dirs.get(name)!, 'k8s')], { encoding: 'utf8', timeout: 60_000 });
          expect(r.status, r.stderr).toBe(0);
          const rendered = docs(r.stdout);
          for (const o of rendered) await validate(o);
          const byKind = (kind: string): Obj[] => rendered.filter((o) => o.kind === kind);
          const keysOf = (kind: string, n: string): string[] =>
            Object.keys((byKind(kind).find((o) => o.metadata.name === n)?.data as Record<string, string>) ?? {});
          let refs = 0;
          for (const o of rendered.filter((x) => ['Deployment', 'Job', 'StatefulSet'].includes(x.kind))) {
            for (const c of podOf(o).containers) {
              for (const e of c.env ?? []) {
                const secret = e.valueFrom?.secretKeyRef;
                const config = e.valueFrom?.configMapKeyRef;
                if (secret) expect(keysOf('Secret', secret.name), `${o.kind} ${e.name}`).toContain(secret.key);
                if (config) expect(keysOf('ConfigMap', config.name), `${o.kind} ${e.name}`).toContain(config.key);
                if (secret || config) refs += 1;
              }
            }
          }
          expect(refs).toBeGreaterThan(3);
        },
      );
    });
  }
});

describe('Kubernetes manifests for every database, server and port', () => {
  const sets: RawAnswers[] = [
    { database: 'postgres', kubernetes: true },
    { database: 'mysql', kubernetes: true, replicas: 3 },
    { database: 'mariadb', kubernetes: true, server: 'uvicorn', port: 9000, uid: 20001 },
    { database: 'none', kubernetes: true, devCompose: false },
    { database: 'sqlite', kubernetes: true, migrate: 'release' },
  ];
  for (const raw of sets) {
    it(`${JSON.stringify(raw)}: every object validates; the database's variables come from the ConfigMap or the Secret`, async () => {
      const detected: NewProject = { kind: 'new', root: '.', folderName: 'site' };
      const plan = buildPlan(detected, finaliseAnswers(detected, raw));
      const files = await renderFiles(plan, () => undefined);
      const k8s = files.filter((f) => f.path.startsWith('k8s/') && f.path.endsWith('.yaml'));
      expect(k8s.map((f) => f.path)).toContain('k8s/web.yaml');
      // --no-dev-compose leaves the development override out, and the .dockerignore line with it.
      expect(files.some((f) => f.path === 'compose.dev.yaml')).toBe(raw.devCompose !== false);
      expect(files.find((f) => f.path === '.dockerignore')!.contents.includes('compose.dev.yaml')).toBe(raw.devCompose !== false);
      const objs = k8s.flatMap((f) => docs(f.contents)).filter((o) => o.kind !== 'Kustomization');
      for (const o of objs) await validate(o);
      const web = podOf(objs.find((o) => o.kind === 'Deployment')!);
      expect(web.securityContext).toMatchObject({ runAsUser: plan.user.uid, runAsNonRoot: true });
      expect(web.containers[0]!.ports![0]!.containerPort).toBe(plan.port);
      expect(objs.some((o) => o.kind === 'Job')).toBe(plan.database.kind !== 'none');
      const db = objs.find((o) => o.kind === 'StatefulSet');
      expect(Boolean(db)).toBe(plan.database.kind === 'server');
      const literals = plan.kubernetes!.configMap.literals.map(([k]) => k);
      for (const o of objs.filter((x) => ['Deployment', 'Job', 'StatefulSet'].includes(x.kind))) {
        for (const e of podOf(o).containers[0]!.env ?? []) {
          if (e.valueFrom?.secretKeyRef) expect(plan.kubernetes!.secret.keys, e.name).toContain(e.valueFrom.secretKeyRef.key);
          if (e.valueFrom?.configMapKeyRef) expect(literals, e.name).toContain(e.valueFrom.configMapKeyRef.key);
        }
      }
      if (plan.database.service) expect(literals).toContain('DB_HOST');
      expect(plan.kubernetes!.configMap.literals.find(([k]) => k === 'DB_HOST')?.[1]).toBe(db ? 'site-db' : undefined);
    });
  }
});

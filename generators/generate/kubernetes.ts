/**
 * The Kubernetes section of the plan: the same image, uid, port, healthcheck and variables as
 * the compose setup, laid out for a Deployment, a migrate Job, a Secret and ConfigMap made by
 * kustomize, storage claims and a development database. Typed with kubernetes-models, whose
 * schemas the unit tests validate the rendered manifests against.
 */
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import { DATABASE_TABLE, serviceEnv } from '../facts/databases.ts';
import type { Plan } from './plan.ts';

/** Where a variable's value comes from in the cluster. */
export interface KubeEnv {
  name: string;
  from: 'config' | 'secret';
  why: string;
}

export interface KubeVolume {
  name: string;
  mountPath: string;
  why: string;
  /** A PersistentVolumeClaim; absent for an emptyDir. */
  claim?: { name: string; size: string };
}

export interface KubernetesPlan {
  /** Prefix of every object's name: a DNS label made from the project name. */
  name: string;
  folder: string;
  replicas: number;
  /** The image compose builds for the web service; kustomize's `images` renames it for a registry. */
  image: string;
  /** Labels shared by every object; the selector adds the component. */
  labels: Array<[string, string]>;
  web: {
    name: string;
    /** One replica on a ReadWriteOnce claim: the new pod cannot mount it while the old one holds it. */
    strategy: 'RollingUpdate' | 'Recreate';
    podSecurityContext: IPodSecurityContext;
    securityContext: ISecurityContext;
    probe: IProbe;
    resources: IResourceRequirements;
    /** Environment set on the web pods only. */
    extraEnv: Array<[string, string, string]>;
  };
  migrate?: { name: string; command: string[]; backoffLimit: number };
  /** Writable places under a read-only root filesystem: claims for data, emptyDir for scratch. */
  volumes: KubeVolume[];
  env: KubeEnv[];
  configMap: { name: string; literals: Array<[string, string]> };
  secret: { name: string; file: string; keys: string[] };
  database?: {
    name: string;
    image: string;
    port: number;
    dataDir: string;
    env: Array<{ name: string; variable: string; from: 'config' | 'secret' }>;
    probe: IProbe;
    storage: string;
  };
  /** Manifests kustomization.yaml lists, in order. */
  resources: string[];
}

/** A DNS-1035 label (Service names must start with a letter), short enough for suffixes. */
export function kubeName(projectName: string): string {
  const name = projectName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return name || 'django';
}

/** A compose healthcheck test (exec or CMD-SHELL form, with compose's `$$`) as a probe command. */
function probeCommand(test: readonly string[]): string[] {
  const [kind, ...rest] = test;
  const unescape = (s: string): string => s.replaceAll('$$', '$');
  return kind === 'CMD-SHELL' ? ['sh', '-c', unescape(rest.join(' '))] : rest.map(unescape);
}

/** The default a compose value gives, `${NAME:-default}` → default; a literal is itself; required → undefined. */
function composeDefault(compose: string): string | undefined {
  const m = /^\$\{\w+(:?[-?])(.*)\}$/.exec(compose);
  if (!m) return compose;
  return m[1]!.endsWith('-') ? m[2] : undefined;
}

export function kubernetesPlan(plan: Omit<Plan, 'kubernetes'>): KubernetesPlan | undefined {
  const { answers } = plan;
  if (!answers.kubernetes) return undefined;
  const name = kubeName(plan.project.name);
  const db = plan.database.service;
  const dbName = `${name}-db`;
  // Values that name a compose service name the cluster's Service instead.
  const clusterValues: Record<string, [string, string]> = db
    ? {
        DB_HOST: [dbName, 'the database Service name, never localhost (db-host-localhost)'],
        DB_PORT: [String(db.port), "the database Service's port"],
      }
    : {};

  const env: KubeEnv[] = [];
  const literals: Array<[string, string]> = [];
  const secretKeys: string[] = [];
  for (const v of plan.env) {
    // Build arguments (the package index) never reach the cluster.
    if (v.buildOnly) continue;
    // Whether a pod migrates is the manifests' own decision (extraEnv).
    if (v.perService) continue;
    const fallback = composeDefault(v.compose);
    if (v.secret || (v.compose && fallback === undefined)) {
      // Secrets, and values compose requires from .env, come from k8s/.env through the Secret.
      secretKeys.push(v.name);
      const why = `from the Secret (k8s/.env); the pod does not start without it${v.name === 'DJANGO_SECRET_KEY' ? ' (secret-key-missing)' : ''}`;
      if (v.compose) env.push({ name: v.name, from: 'secret', why });
    } else if (v.compose) {
      const cluster = clusterValues[v.name];
      literals.push([v.name, cluster?.[0] ?? fallback ?? '']);
      env.push({ name: v.name, from: 'config', why: cluster?.[1] ?? v.why });
    }
  }

  const volumes: KubeVolume[] = [
    { name: 'tmp', mountPath: '/tmp', why: 'Python and Django write temporary files (uploads over 2.5 MB) here' },
    { name: 'home', mountPath: plan.paths.home, why: "gunicorn keeps its control socket in the user's home" },
    ...plan.volumes.map((v): KubeVolume => ({
      name: v.name,
      mountPath: v.target,
      why: v.why,
      claim: { name: `${name}-${v.name}`, size: '1Gi' },
    })),
  ];
  const singleWriter = plan.database.kind === 'file' || answers.replicas === 1;
  const healthProbe: IProbe = { exec: { command: plan.healthcheck.command }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };
  const table = DATABASE_TABLE[answers.database];
  return {
    name,
    folder: 'k8s',
    replicas: answers.replicas,
    image: `${plan.project.name}-web:latest`,
    labels: [
      ['app.kubernetes.io/name', name],
      ['app.kubernetes.io/managed-by', 'generator-django-docker'],
    ],
    web: {
      name: `${name}-web`,
      strategy: singleWriter && plan.volumes.length > 0 ? 'Recreate' : 'RollingUpdate',
      podSecurityContext: {
        runAsUser: plan.user.uid,
        runAsGroup: plan.user.gid,
        runAsNonRoot: true,
        fsGroup: plan.user.gid,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      probe: healthProbe,
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
      extraEnv: plan.migrateOnStart
        ? [['DJANGO_MIGRATE', '0', 'the migrate Job applies migrations once per release, not every pod at start']]
        : [],
    },
    ...(plan.migrations ? { migrate: { name: `${name}-migrate`, command: plan.migrations.command, backoffLimit: 4 } } : {}),
    volumes,
    env,
    configMap: { name: `${name}-config`, literals },
    secret: { name: `${name}-secrets`, file: '.env', keys: secretKeys },
    ...(db && table.kind === 'server'
      ? {
          database: {
            name: dbName,
            image: db.image,
            port: db.port,
            dataDir: db.dataDir,
            env: serviceEnv(table).map(([key, variable]) => ({
              name: key,
              variable,
              from: secretKeys.includes(variable) ? ('secret' as const) : ('config' as const),
            })),
            probe: { exec: { command: probeCommand(db.healthcheck) }, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 10 },
            storage: '5Gi',
          },
        }
      : {}),
    resources: [
      'web.yaml',
      ...(plan.migrations ? ['migrate-job.yaml'] : []),
      ...(plan.volumes.length ? ['storage.yaml'] : []),
      ...(db ? ['database.yaml'] : []),
    ],
  };
}

/** KEY=value lines of an env file. */
function envValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?(\w+)\s*=(.*)$/.exec(line);
    if (m) values.set(m[1]!, m[2]!.trim());
  }
  return values;
}

/**
 * k8s/.env: the Secret's values, taken from the project's .env where it has them, so compose
 * and the cluster share one secret key. An existing k8s/.env keeps every line; missing keys are appended.
 */
export function renderKubernetesEnv(
  kube: KubernetesPlan,
  plan: Pick<Plan, 'env'>,
  dotenv: string,
  existing: string | undefined,
  secret: (length: number) => string,
): string {
  const values = envValues(dotenv);
  const have = existing === undefined ? new Map<string, string>() : envValues(existing);
  const lines = kube.secret.keys
    .filter((key) => !have.has(key))
    .map((key) => {
      const v = plan.env.find((e) => e.name === key);
      const value = values.get(key) ?? (v?.secret ? secret(key === 'DJANGO_SECRET_KEY' ? 50 : 32) : (v?.example ?? ''));
      return `${key}=${value}`;
    });
  if (existing !== undefined) {
    if (lines.length === 0) return existing;
    return `${existing.endsWith('\n') || existing === '' ? existing : `${existing}\n`}${lines.join('\n')}\n`;
  }
  return `# Values of the ${kube.secret.name} Secret, read by kustomize's secretGenerator. Keep out of git.\n# Made from the project's .env by generator-django-docker; web.yaml names the keys.\n${lines.join('\n')}\n`;
}

/**
 * Catalogue section G (volumes, users, permissions) and section H (compose file and the
 * database service).
 */
import { posix } from 'node:path';
import type { ComposeService } from '../parse/compose-model.ts';
import type { Loaded } from '../load.ts';
import type { Where } from '../types.ts';
import { type DockerfileModel, finalUser, lineage, type Stage } from '../parse/dockerfile-model.ts';
import { expandVariables } from '../parse/shell-words.ts';
import { dictGet, strOf } from '../../project/python-eval.ts';
import { ALL_DJANGO_LINES, compareVersions, djangoLinesForSpec } from '../../facts/versions.ts';
import {
  DATABASE_TABLE,
  type Database,
  databaseOfImage,
  serverOfImage,
  engineReaches,
  engineUsesFile,
  type ServerDatabase,
} from '../../facts/databases.ts';
import { type Ctx, type RuleFn } from '../context/rule.ts';
import { imageFacts, imageVenv, packagesKnown, packagesOf } from '../context/image.ts';
import { djangoSpec, installs, requirementsView } from '../context/requirements.ts';
import { dbHost, engineOf, setting, settingsLoaded, where } from '../context/settings.ts';
import { collectstaticRuns } from '../context/runtime.ts';

// ---------------------------------------------------------------- ownership in the image

interface OwnerEvent {
  path: string;
  owner: string;
  recursive: boolean;
  line: number;
}

function ownershipEvents(model: DockerfileModel, stage: Stage): { events: OwnerEvent[]; uids: Map<string, string> } {
  const events: OwnerEvent[] = [];
  const uids = new Map<string, string>();
  for (const s of lineage(model, stage)) {
    const items: Array<{ line: number; apply: () => void }> = [];
    for (const c of s.copies) {
      const writable = c.chmod !== undefined && /^[0-7]{2,3}[2367]$/.test(c.chmod);
      items.push({
        line: c.line,
        apply: () => events.push({ path: c.dest, owner: writable ? '*' : (c.chown ?? 'root'), recursive: true, line: c.line }),
      });
    }
    for (const r of s.runs) {
      items.push({
        line: r.line,
        apply: () => {
          for (const cmd of r.commands) {
            // Owners and paths often come from build arguments: chown ${APP_USER} /data.
            const env = new Map([...r.env, ...cmd.assignments.map((a): [string, string] => [a.name, a.value])]);
            const w = cmd.words.map((x) => (x.text.includes('$') ? (expandVariables(x.text, env) ?? x.text) : x.text));
            const head = (w[0] ?? '').split('/').pop();
            if (head === 'chown') {
              const recursive = w.some((a) => a === '-R' || a === '--recursive' || /^-[a-zA-Z]*R/.test(a));
              const args = w.slice(1).filter((a) => !a.startsWith('-'));
              const owner = args[0];
              if (owner) for (const p of args.slice(1)) events.push({ path: abs(p, r.workdir), owner, recursive, line: r.line });
            } else if (head === 'chmod') {
              // World-writable (777, a+w, o+w) lets any user write, whoever owns it.
              const recursive = w.some((a) => a === '-R' || a === '--recursive' || /^-[a-zA-Z]*R/.test(a));
              const args = w.slice(1).filter((a) => !a.startsWith('-') || /^-[rwx]+$/.test(a));
              const mode = args[0] ?? '';
              const worldWritable = /^[0-7]{2,3}[2367]$|^[0-7]{2}[2367]$/.test(mode) || /(^|,)[ugo]*[ao][ugoa]*\+[rwxXst]*w/.test(mode);
              if (worldWritable)
                for (const p of args.slice(1)) events.push({ path: abs(p, r.workdir), owner: '*', recursive, line: r.line });
            } else if (head === 'install' && w.includes('-d')) {
              // install -d -o app -g app /data: creates the folders owned by that user.
              let owner = r.user;
              const paths: string[] = [];
              for (let i = 1; i < w.length; i++) {
                const a = w[i]!;
                if (a === '-o' || a === '--owner') owner = w[++i] ?? owner;
                else if (a.startsWith('--owner=')) owner = a.slice(8);
                else if (['-g', '--group', '-m', '--mode'].includes(a)) {
                  if ((a === '-m' || a === '--mode') && /^[0-7]{2,3}[2367]$/.test(w[i + 1] ?? '')) owner = '*';
                  i++;
                } else if (!a.startsWith('-')) paths.push(a);
              }
              for (const p of paths) events.push({ path: abs(p, r.workdir), owner, recursive: false, line: r.line });
            } else if (head === 'mkdir') {
              for (const p of w.slice(1).filter((a) => !a.startsWith('-')))
                events.push({ path: abs(p, r.workdir), owner: r.user, recursive: false, line: r.line });
            } else if (head === 'useradd' || head === 'adduser') {
              let uid: string | undefined;
              let home: string | undefined;
              let createHome = head === 'adduser';
              const names: string[] = [];
              for (let i = 1; i < w.length; i++) {
                const a = w[i]!;
                if (a === '-u' || a === '--uid') uid = w[++i];
                else if (a.startsWith('--uid=')) uid = a.slice(6);
                else if (a === '-d' || a === '--home-dir' || a === '--home' || a === '-h') home = w[++i];
                else if (a === '-m' || a === '--create-home') createHome = true;
                else if (a === '-M' || a === '--no-create-home' || a === '-H') createHome = false;
                else if (
                  [
                    '-g',
                    '--gid',
                    '-G',
                    '--groups',
                    '-s',
                    '--shell',
                    '-c',
                    '--comment',
                    '-k',
                    '-K',
                    '--ingroup',
                    '-p',
                    '--gecos',
                    '-e',
                    '-f',
                  ].includes(a)
                )
                  i++;
                else if (!a.startsWith('-')) names.push(a);
              }
              const name = head === 'adduser' && names.length > 1 ? names[0] : names.at(-1);
              if (name && uid) uids.set(name, uid);
              if (name && createHome) events.push({ path: home ?? `/home/${name}`, owner: name, recursive: true, line: r.line });
            }
          }
        },
      });
    }
    for (const i of items.sort((a, b) => a.line - b.line)) i.apply();
  }
  return { events, uids };
}

function abs(p: string, workdir: string): string {
  return posix.normalize(posix.isAbsolute(p) ? p : posix.join(workdir, p)).replace(/(.)\/$/, '$1');
}

function ownerOf(events: OwnerEvent[], path: string): OwnerEvent | undefined {
  let found: OwnerEvent | undefined;
  for (const e of events) {
    const covers = e.path === path || (e.recursive && (e.path === '/' || path.startsWith(`${e.path}/`)));
    if (covers) found = e;
  }
  return found;
}

function sameUser(owner: string, user: string, uids: Map<string, string>): boolean {
  if (owner === '*') return true;
  const o = owner.split(':')[0]!.trim();
  const u = user.split(':')[0]!.trim();
  if (o === u) return true;
  return (uids.get(o) ?? o) === (uids.get(u) ?? u);
}

function underMount(ctx: Ctx, path: string): boolean {
  return (ctx.p.app?.volumes ?? []).some((m) => path === m.target || path.startsWith(`${m.target}/`));
}

// ---------------------------------------------------------------- G

const bindMountShadowsImage: RuleFn = (ctx) => {
  const p = ctx.p;
  if (!p.app || !p.dockerfile) return;
  const venv = imageVenv(p);
  const script = p.command.script;
  const staticRoot = strOf(setting(p, 'STATIC_ROOT')?.value);
  const collectedAtBuild = collectstaticRuns(ctx).build.length > 0;
  for (const m of p.app.volumes) {
    if (m.type !== 'bind') continue;
    const under = (x: string | undefined): boolean => x !== undefined && (x === m.target || x.startsWith(`${m.target}/`));
    // An anonymous or named volume on the virtualenv itself keeps the image's copy (`- /app/.venv`).
    const venvKept = p.app.volumes.some(
      (v) => v.type === 'volume' && venv !== undefined && (v.target === venv || venv.startsWith(`${v.target}/`)),
    );
    if (under(venv) && !venvKept)
      ctx.report(
        'bind-mount-shadows-image',
        m,
        `the bind mount on ${m.target} hides the image's virtualenv at ${venv}: "No module named 'django'"`,
        'Keep the virtualenv outside the mounted folder (e.g. /opt/venv), or mount only in a development override.',
      );
    if (script && under(script.imagePath))
      ctx.report(
        'bind-mount-shadows-image',
        m,
        `the bind mount on ${m.target} replaces the entrypoint ${script.imagePath} with the host's copy: a Windows checkout's line endings or a lost exec bit break it there`,
        'Install the entrypoint outside the mounted folder (e.g. /usr/local/bin).',
        'warning',
      );
    if (collectedAtBuild && under(staticRoot ?? undefined))
      ctx.report(
        'bind-mount-shadows-image',
        m,
        `the bind mount on ${m.target} hides STATIC_ROOT (${staticRoot}), collected at build time`,
        'Collect static files outside the mounted folder (e.g. /srv/static).',
        'warning',
      );
  }
};

/** Paths the app writes to at run time, from the settings: the SQLite folder, MEDIA_ROOT, a run-time STATIC_ROOT. */
function writeTargets(ctx: Ctx): Array<{ path: string; why: string; certain: boolean }> {
  const p = ctx.p;
  const targets: Array<{ path: string; why: string; certain: boolean }> = [];
  const engine = engineOf(p);
  const dbs = setting(p, 'DATABASES');
  if (engine && engineUsesFile(engine) && dbs) {
    const name = strOf(dictGet(dictGet(dbs.value, 'default'), 'NAME'));
    if (name && name !== ':memory:') {
      const file = abs(name, p.workdir.path);
      targets.push({
        path: posix.dirname(file),
        why: `the SQLite database ${file} (DATABASES, ${dbs.file} line ${dbs.line}) and its folder`,
        certain: true,
      });
    }
  }
  const media = setting(p, 'MEDIA_ROOT');
  const mediaPath = media ? strOf(media.value) : undefined;
  // Uploads may never happen: a MEDIA_ROOT nobody writes to fails nothing.
  if (mediaPath && media)
    targets.push({
      path: abs(mediaPath, p.workdir.path),
      why: `MEDIA_ROOT (${media.file} line ${media.line}), where uploads go`,
      certain: false,
    });
  const staticRoot = setting(p, 'STATIC_ROOT');
  const staticPath = staticRoot ? strOf(staticRoot.value) : undefined;
  if (staticPath && staticRoot && collectstaticRuns(ctx).runtime.length > 0)
    targets.push({
      path: abs(staticPath, p.workdir.path),
      why: `STATIC_ROOT, collected at start (${staticRoot.file} line ${staticRoot.line})`,
      certain: true,
    });
  return targets;
}

const nonrootWriteDenied: RuleFn = (ctx) => {
  const p = ctx.p;
  const df = p.dockerfile;
  if (!df || !settingsLoaded(p)) return;
  const user = effectiveUser(p);
  if (isRootUser(user.user) || !user.where) return;
  const { events, uids } = ownershipEvents(df, df.final);
  for (const t of writeTargets(ctx)) {
    if (underMount(ctx, t.path) || t.path.startsWith('/tmp') || t.path.startsWith('/dev/shm')) continue;
    const owner = ownerOf(events, t.path);
    if (owner && sameUser(owner.owner, user.user, uids)) continue;
    const how = owner ? `${owner.owner === 'root' ? 'root' : owner.owner} (line ${owner.line})` : 'root';
    ctx.report(
      'nonroot-write-denied',
      user.where,
      `the app runs as ${user.user}, but ${t.path}, for ${t.why}, belongs to ${how}: writes fail with "Permission denied" / "unable to open database file"`,
      `Create it and chown it to ${user.user} before USER (RUN mkdir -p ${t.path} && chown ${user.user} ${t.path}), or put it on a volume.`,
      t.certain ? 'error' : 'warning',
    );
  }
};

const namedVolumeRootOwned: RuleFn = (ctx) => {
  const p = ctx.p;
  const df = p.dockerfile;
  if (!df || !p.app) return;
  const user = effectiveUser(p);
  if (isRootUser(user.user)) return;
  const { events, uids } = ownershipEvents(df, df.final);
  const writes = settingsLoaded(p) ? writeTargets(ctx) : [];
  for (const m of p.app.volumes) {
    if (m.type !== 'volume' || m.readOnly) continue;
    const owner = ownerOf(events, m.target);
    if (owner && sameUser(owner.owner, user.user, uids)) continue;
    // An error only where the settings write: another folder may only ever be read.
    const written = writes.find((t) => t.certain && (t.path === m.target || t.path.startsWith(`${m.target}/`)));
    ctx.report(
      'named-volume-root-owned',
      m,
      `${m.source ? `volume ${m.source}` : 'the anonymous volume'} on ${m.target}: ${owner ? `the image has that folder owned by ${owner.owner} (${df.path} line ${owner.line})` : 'the image does not create that folder'}, so a fresh volume is root-owned and ${user.user} cannot write to it${written ? ` (${written.why})` : ' if the app writes there'}`,
      `In the Dockerfile, before USER: RUN mkdir -p ${m.target} && chown ${user.user} ${m.target}.`,
      written ? 'error' : 'warning',
    );
  }
};

const runsAsRoot: RuleFn = (ctx) => {
  const p = ctx.p;
  const df = p.dockerfile;
  if (!df) return;
  const user = effectiveUser(p);
  if (!isRootUser(user.user)) return;
  // Starting as root to chown volumes, then switching user, is the usual entrypoint pattern.
  if (privilegeDrop(p)) return;
  ctx.report(
    'runs-as-root',
    user.where ?? { file: df.path, line: df.final.line },
    user.where ? `the container runs as ${user.user || 'root'}` : 'the final stage has no USER: the app runs as root',
    'Create a user with a fixed uid (useradd --uid 10001 app) and add USER 10001 after the installs.',
  );
};

// ---------------------------------------------------------------- H

const composeVersionObsolete: RuleFn = (ctx) => {
  const v = ctx.p.compose?.version;
  if (v)
    ctx.report(
      'compose-version-obsolete',
      v,
      `top-level version: "${v.value}" is obsolete: Compose v2 ignores it and warns`,
      'Remove the version line.',
    );
};

const composeV1Legacy: RuleFn = (ctx) => {
  const p = ctx.p;
  for (const file of ['README.md', 'Makefile', 'README.Docker.md']) {
    const text = p.files.kind(file) === 'file' ? p.files.text(file) : undefined;
    if (!text) continue;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const words = lines[i]!.replace(/^\s*[$>]?\s*/, '').split(/\s+/);
      if (words[0] === 'docker-compose' || (file === 'Makefile' && /^\t/.test(lines[i]!) && words.includes('docker-compose'))) {
        ctx.report(
          'compose-v1-legacy',
          { file, line: i + 1 },
          'docker-compose is Compose v1, which no longer gets updates and fails on current systems',
          'Write docker compose (v2).',
          'info',
        );
        break;
      }
    }
  }
  const v = p.compose?.version;
  if (v && /^3(\.|$)/.test(v.value)) {
    for (const s of p.compose!.services.values()) {
      const long = [...s.dependsOn.values()].find((d) => !d.short);
      if (long) {
        ctx.report(
          'compose-v1-legacy',
          long,
          `long-form depends_on with version "${v.value}": legacy 3.x tooling rejects it (Compose v2 accepts it)`,
          'Remove the version line and use docker compose v2.',
          'info',
        );
        break;
      }
    }
  }
};

/** Services `docker compose up` starts: those without a profile. */
export function activeServices(ctx: Ctx): ComposeService[] {
  return [...(ctx.p.compose?.services.values() ?? [])].filter((s) => s.profiles.length === 0);
}

const envFileMissing: RuleFn = (ctx) => {
  // One finding per missing file, at its first mention: creating it fixes every service.
  const missing = new Map<string, { ref: ComposeService['envFiles'][number]; services: string[] }>();
  for (const svc of activeServices(ctx)) {
    for (const ref of svc.envFiles) {
      if (ref.exists || !ref.required) continue;
      const entry = missing.get(ref.value) ?? { ref, services: [] };
      if (!entry.services.includes(svc.name)) entry.services.push(svc.name);
      missing.set(ref.value, entry);
    }
  }
  for (const { ref, services } of missing.values()) {
    ctx.report(
      'env-file-missing',
      ref,
      `env_file ${ref.value} (read by ${services.join(', ')}) does not exist: compose stops with "env file … not found"${ref.example ? `; ${ref.example} declares its variables` : ''}`,
      ref.example
        ? `Create it from the example: cp ${ref.example} ${ref.value}, then fill in the values.`
        : `Create ${ref.value}, or mark the entry optional (env_file: [{path: ${ref.value}, required: false}]).`,
    );
  }
};

const healthcheckToolMissing: RuleFn = (ctx) => {
  const p = ctx.p;
  const h = p.health;
  const df = p.dockerfile;
  if (!h?.tool || !df) return;
  if (!['curl', 'wget', 'nc', 'netcat', 'http'].includes(h.tool)) return;
  const pkgs = packagesOf(df, df.final);
  const f = imageFacts(df, df.final);
  const has =
    h.tool === 'curl'
      ? pkgs.has('curl')
      : h.tool === 'wget'
        ? pkgs.has('wget')
        : h.tool === 'http'
          ? pkgs.has('httpie') || (requirementsView(p) ? installs(requirementsView(p)!, 'httpie') !== 'no' : true)
          : pkgs.has('netcat-openbsd') || pkgs.has('netcat-traditional') || pkgs.has('netcat');
  if (!has) {
    const known = packagesKnown(df, df.final);
    ctx.report(
      'healthcheck-tool-missing',
      h.where,
      known.known
        ? `the healthcheck runs ${h.tool}, which ${f.root.image} does not have and the Dockerfile does not install: the container is never healthy`
        : `the healthcheck runs ${h.tool}, which the Dockerfile does not visibly install (${known.why})`,
      'Probe with Python: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen(\'http://localhost:8000/\')"], or install the tool.',
      known.known ? 'error' : 'warning',
    );
  }
};

function imageTag(image: string): { name: string; tag?: string } {
  const at = image.split('@')[0]!;
  const colon = at.lastIndexOf(':');
  if (colon > at.lastIndexOf('/')) return { name: at.slice(0, colon), tag: at.slice(colon + 1) };
  return { name: at };
}

const postgresPasswordMissing: RuleFn = (ctx) => {
  for (const db of ctx.p.dbServices) {
    if (serverOfImage(imageTag(db.image!.value).name) !== 'postgresql') continue;
    const pw = db.environment.get('POSTGRES_PASSWORD') ?? db.environment.get('POSTGRES_PASSWORD_FILE');
    const trust = db.environment.get('POSTGRES_HOST_AUTH_METHOD');
    if (trust?.value === 'trust') {
      ctx.report(
        'postgres-password-missing',
        trust,
        'POSTGRES_HOST_AUTH_METHOD=trust lets anyone who reaches the database in without a password',
        'Set POSTGRES_PASSWORD from .env instead.',
        'warning',
      );
    } else if (!pw || pw.value === '') {
      ctx.report(
        'postgres-password-missing',
        pw ?? { file: db.file, line: db.line },
        `${db.name} has ${pw ? 'an empty' : 'no'} POSTGRES_PASSWORD: the image refuses to initialise ("Database is uninitialized and superuser password is not specified")`,
        'Add POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD in .env}.',
      );
    }
  }
};

function pgMajor(tag: string | undefined): number | undefined {
  if (!tag || tag === 'latest' || !/^\d/.test(tag)) return undefined;
  return Number(/^(\d+)/.exec(tag)![1]);
}

const LATEST_POSTGRES = 18;

const postgres18VolumePath: RuleFn = (ctx) => {
  for (const db of ctx.p.dbServices) {
    const { name, tag } = imageTag(db.image!.value);
    if (serverOfImage(name) !== 'postgresql') continue;
    const major = pgMajor(tag) ?? (!tag || tag === 'latest' || /^[a-z]/.test(tag) ? LATEST_POSTGRES : undefined);
    if (!major || major < 18 || db.environment.has('PGDATA')) continue;
    for (const m of db.volumes) {
      if (m.target === '/var/lib/postgresql/data') {
        ctx.report(
          'postgres18-volume-path',
          m,
          `${db.image!.value} is PostgreSQL ${major}${pgMajor(tag) ? '' : ' (what the tag means today)'}, which keeps data under /var/lib/postgresql/${major}/docker; a volume at /var/lib/postgresql/data stops it at start`,
          'Mount the volume at /var/lib/postgresql.',
        );
      }
    }
  }
};

const postgresMajorDrift: RuleFn = (ctx) => {
  for (const db of ctx.p.dbServices) {
    const { tag } = imageTag(db.image!.value);
    if (!tag || tag === 'latest' || !/^\d/.test(tag)) {
      ctx.report(
        'postgres-major-drift',
        db.image!,
        `${db.image!.value} has no major version: the next pull can bring a major that cannot read the existing data volume`,
        'Pin the major, e.g. postgres:17-trixie.',
      );
    }
  }
};

/** Versions named by their major alone (PostgreSQL's): the advice can be the default when that is newer. */
const majorOnly = (version: string): boolean => /^\d+$/.test(version);

const dbVersionUnsupported: RuleFn = (ctx) => {
  const { spec, where: djangoAt } = djangoSpec(ctx.p);
  if (!spec || !djangoAt) return;
  const lines = djangoLinesForSpec(spec, ALL_DJANGO_LINES);
  if (lines.length === 0) return;
  const h = dbHost(ctx);
  for (const db of ctx.p.dbServices) {
    // A database another service uses (a second stack in the same file) is not Django's.
    const namesOther = Boolean(h?.host && h.host !== db.name && ctx.p.compose?.services.has(h.host));
    const used = h?.host === db.name || ctx.p.app?.dependsOn.has(db.name) || (ctx.p.dbServices.length === 1 && !namesOther);
    if (!used) continue;
    const { name, tag } = imageTag(db.image!.value);
    const v = tag && /^\d/.test(tag) ? /^(\d+(?:\.\d+)?)/.exec(tag)![1]! : undefined;
    if (!v) continue;
    const kind = databaseOfImage(name);
    const table = kind ? DATABASE_TABLE[kind] : undefined;
    if (!kind || table?.kind !== 'server') continue;
    const mins = lines.map((l) => table.djangoMinimum[l.line]!);
    const lowest = mins.sort(compareVersions)[0]!;
    if (compareVersions(v, lowest) < 0) {
      ctx.report(
        'db-version-unsupported',
        db.image!,
        `${db.image!.value} is older than Django ${spec} supports (${djangoAt.file} line ${djangoAt.line} needs ${kind} ${lowest} or later): "NotSupportedError"`,
        `Use ${name}:${majorOnly(lowest) && majorOnly(table.defaultVersion) ? Math.max(Number(lowest), Number(table.defaultVersion)) : lowest} or newer.`,
      );
    }
  }
};

const dbCredentialsDrift: RuleFn = (ctx) => {
  const p = ctx.p;
  if (!settingsLoaded(p)) return;
  const h = dbHost(ctx);
  const engine = engineOf(p) ?? '';
  // The only database service stands in for an unknown host, never for another service the host
  // names (a server whose image the doctor does not know, such as pgautoupgrade's).
  const namesOther = Boolean(h?.host && p.compose?.services.has(h.host));
  const db = p.dbServices.find((s) => s.name === h?.host) ?? (p.dbServices.length === 1 && !namesOther ? p.dbServices[0] : undefined);
  const dbs = setting(p, 'DATABASES');
  const d = dictGet(dbs?.value, 'default');
  const kind: Database | undefined = db ? databaseOfImage(imageTag(db.image!.value).name) : undefined;
  const row = kind ? (DATABASE_TABLE[kind] as ServerDatabase) : undefined;
  if (db && dbs && d && kind && row && engineReaches(engine, kind)) {
    const creds = row.account;
    const svc = (keys: readonly string[]): { value?: string; at?: { file: string; line: number } } => {
      for (const k of keys) {
        const v = db.environment.get(k);
        if (v) return { ...(v.value !== undefined ? { value: v.value } : {}), at: v };
      }
      return {};
    };
    const user = svc(creds.user);
    const userValue = user.at ? user.value : row.accountDefaults.user;
    const name = svc(creds.name);
    const nameValue = name.at ? name.value : row.accountDefaults.nameIsUser ? userValue : undefined;
    const checks: Array<[string, string | undefined, string | undefined, { file: string; line: number } | undefined]> = [
      ['USER', strOf(dictGet(d, 'USER')), userValue, user.at],
      ['NAME', strOf(dictGet(d, 'NAME')), nameValue, name.at],
      ['PASSWORD', strOf(dictGet(d, 'PASSWORD')), svc(creds.password).value, svc(creds.password).at],
    ];
    // Scripts in /docker-entrypoint-initdb.d may create other users and databases at first start.
    const initScripts = db.volumes.some((m) => m.target.startsWith('/docker-entrypoint-initdb.d'));
    for (const [key, django, service, at] of checks) {
      if (django === undefined || service === undefined || django === service) continue;
      if (initScripts && key !== 'PASSWORD') continue;
      const sym = dictGet(dictGet(setting(p, 'DATABASES', 'symbolic')?.value, 'default'), key);
      const origin = sym?.k === 'env' && p.runtimeEnvWhere.get(sym.name) ? p.runtimeEnvWhere.get(sym.name)! : where(dbs);
      const shown = key === 'PASSWORD' ? 'a different password' : `"${service}"`;
      ctx.report(
        'db-credentials-drift',
        origin,
        `Django's DATABASES ${key} is ${key === 'PASSWORD' ? 'not the password' : `"${django}", but`} ${db.name} initialises ${key === 'PASSWORD' ? `with (${at ? `${at.file} line ${at.line}` : 'its default'})` : `with ${shown}${at ? ` (${at.file} line ${at.line})` : ' (the image default)'}`}: "password authentication failed" / "database does not exist"`,
        'Read both from the same .env variables (DB_NAME, DB_USER, DB_PASSWORD).',
      );
    }
  }
  const url = p.runtimeEnv.get('DATABASE_URL');
  const urlAt = p.runtimeEnvWhere.get('DATABASE_URL');
  if (url && urlAt) {
    const m = /^[a-z0-9+]+:\/\/([^/]*)@/i.exec(url);
    const userinfo = m?.[1] ?? '';
    const password = userinfo.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : '';
    if (/[@#/?$%\s]/.test(password.replace(/%[0-9a-f]{2}/gi, ''))) {
      ctx.report(
        'db-credentials-drift',
        urlAt,
        'the password in DATABASE_URL has characters (@ # / ? $ space) that break URL parsing unless percent-encoded',
        'Percent-encode the password (urllib.parse.quote), or use a URL-safe one.',
        'warning',
      );
    }
  }
};

/** Effective user of the app container: compose `user:` over the Dockerfile's last USER. */
function effectiveUser(p: Loaded): { user: string; where?: Where } {
  if (p.app?.user) return { user: p.app.user.value, where: { file: p.app.user.file, line: p.app.user.line } };
  const df = p.dockerfile;
  if (!df) return { user: 'root' };
  const last = finalUser(df, df.final);
  return last.line !== undefined ? { user: last.user, where: { file: df.path, line: last.line } } : { user: 'root' };
}

const DROPPERS = new Set(['gosu', 'su-exec', 'setpriv', 's6-setuidgid', 'setuidgid', 'chpst', 'runuser', 'su', 'sudo', 'chroot']);

/**
 * The process starts as root and switches user before the app runs: gosu/su-exec/setpriv/s6 in
 * the entrypoint or command, s6-overlay's /init, or the server's own --user/--uid.
 */
function privilegeDrop(p: Loaded): { tool: string; where: Where } | undefined {
  const check = (words: string[], where: Where): { tool: string; where: Where } | undefined => {
    for (let i = 0; i < words.length; i++) {
      const tool = (words[i] ?? '').split('/').pop()!;
      if (!DROPPERS.has(tool)) continue;
      const rest = words.slice(i + 1);
      if (tool === 'setpriv' && !rest.some((w) => w.startsWith('--reuid') || w.startsWith('--ruid'))) continue;
      if (tool === 'chpst' && !rest.includes('-u')) continue;
      if (tool === 'sudo' && !rest.includes('-u')) continue;
      if (tool === 'chroot' && !rest.some((w) => w.startsWith('--userspec'))) continue;
      if (tool === 'su' && !rest.some((w) => w === '-c' || w === '-s' || w === '-')) continue;
      return { tool, where };
    }
    return undefined;
  };
  const c = p.command;
  const script = c.script;
  if (script)
    for (const cmd of script.commands) {
      const found = check(
        cmd.words.map((w) => w.text),
        { file: script.file, line: 1 + script.text.slice(0, cmd.start).split('\n').length - 1 },
      );
      if (found) return found;
    }
  for (const form of [c.entrypoint, c.cmd]) {
    if (!form) continue;
    const argv = form.form === 'exec' ? form.argv : ['/bin/sh', '-c', form.text];
    const words = argv[1] === '-c' && argv[2] ? argv.slice(0, 2).concat(argv[2].split(/\s+/)) : argv;
    const found = check(words, { file: form.file, line: form.line });
    if (found) return found;
    if (form === c.entrypoint && argv[0] === '/init') return { tool: 's6-overlay', where: { file: form.file, line: form.line } };
  }
  const server = c.server;
  if (server && server.argv.some((a, i) => ['-u', '--user', '--uid', '--setuid'].includes(a) && server.argv[i + 1]))
    return { tool: `${server.kind} --user`, where: server.where };
  return undefined;
}

function isRootUser(user: string): boolean {
  const name = user.split(':')[0]!.trim();
  return name === '' || name === 'root' || name === '0';
}

export const COMPOSE_RULES: Record<string, RuleFn> = {
  'bind-mount-shadows-image': bindMountShadowsImage,
  'nonroot-write-denied': nonrootWriteDenied,
  'named-volume-root-owned': namedVolumeRootOwned,
  'runs-as-root': runsAsRoot,
  'compose-version-obsolete': composeVersionObsolete,
  'compose-v1-legacy': composeV1Legacy,
  'env-file-missing': envFileMissing,
  'healthcheck-tool-missing': healthcheckToolMissing,
  'postgres-password-missing': postgresPasswordMissing,
  'postgres18-volume-path': postgres18VolumePath,
  'postgres-major-drift': postgresMajorDrift,
  'db-version-unsupported': dbVersionUnsupported,
  'db-credentials-drift': dbCredentialsDrift,
};

/**
 * Catalogue section E: ports, binding and container networking.
 */
import { lineage } from '../parse/dockerfile-model.ts';
import type { PortMapping } from '../parse/compose-model.ts';
import { hostPortsClash } from '../../project/ports.ts';
import { lexShell, lineAt, splitCommands } from '../parse/shell-words.ts';
import { argvOf } from '../project.ts';
import { parseNginx } from '../parse/nginx-conf.ts';
import { DATABASE_CLIENT_TOOLS } from '../../facts/databases.ts';
import { type Ctx, type RuleFn } from '../context/rule.ts';
import { dbHost } from '../context/settings.ts';
import { proxyServices } from '../context/runtime.ts';

const bindLoopback: RuleFn = (ctx) => {
  const server = ctx.p.command.server;
  const bind = server?.bind;
  if (!server || !bind || !(ctx.p.dockerfile || ctx.p.app)) return;
  if (isLoopback(bind.host)) {
    const why = bind.explicit ? `binds ${bind.host}` : `binds ${bind.host}:${bind.port ?? ''} by default (${bind.source})`;
    ctx.report(
      'bind-loopback',
      server.where,
      `${server.kind} ${why}: loopback inside the container cannot be reached through a published port ("Empty reply from server")`,
      `Bind all interfaces: ${server.kind === 'runserver' ? 'runserver 0.0.0.0:8000' : server.kind === 'uvicorn' ? '--host 0.0.0.0 --port 8000' : '--bind 0.0.0.0:8000'}.`,
    );
  }
};

const portMismatch: RuleFn = (ctx) => {
  const p = ctx.p;
  const server = p.command.server;
  const listen = server?.bind && !server.bind.host.startsWith('unix:') && server.bind.host !== '?' ? server.bind.port : undefined;
  const df = p.dockerfile;
  const exposes = df ? lineage(df, df.final).flatMap((s) => s.exposes) : [];
  const app = p.app;
  if (listen !== undefined && server) {
    for (const port of app?.ports ?? []) {
      if (port.container !== undefined && port.protocol === 'tcp' && port.container !== listen) {
        ctx.report(
          'port-mismatch',
          { file: port.file, line: port.line },
          `"${port.raw}" publishes container port ${port.container}, but ${server.kind} listens on ${listen} (${server.where.file} line ${server.where.line}): "connection refused"`,
          `Make the container side ${listen}: "${port.host ?? listen}:${listen}".`,
        );
      }
    }
    const known = exposes.filter((e) => e.port !== undefined);
    if (known.length > 0 && !known.some((e) => e.port === listen)) {
      ctx.report(
        'port-mismatch',
        { file: df!.path, line: known[0]!.line },
        `EXPOSE ${known.map((e) => e.raw).join(' ')}, but ${server.kind} listens on ${listen} (${server.where.file} line ${server.where.line})`,
        `EXPOSE ${listen}.`,
        'warning',
      );
    }
    const h = p.health;
    if (h?.url && (isLoopback(h.url.host) || h.url.host === '0.0.0.0') && h.url.port !== listen) {
      ctx.report(
        'port-mismatch',
        h.where,
        `the healthcheck calls port ${h.url.port}, but ${server.kind} listens on ${listen}: the container never becomes healthy`,
        `Call http://localhost:${listen}${h.url.path}.`,
      );
    }
  } else if (app && df) {
    // No server we understand: still compare EXPOSE with the published container ports.
    const known = exposes.filter((e) => e.port !== undefined);
    for (const port of app.ports) {
      if (port.container !== undefined && known.length > 0 && !known.some((e) => e.port === port.container)) {
        ctx.report(
          'port-mismatch',
          { file: port.file, line: port.line },
          `"${port.raw}" publishes container port ${port.container}, which the Dockerfile does not EXPOSE (${known.map((e) => e.raw).join(' ')}, line ${known[0]!.line})`,
          'Publish the port the server listens on.',
          'warning',
        );
      }
    }
  }
  if (app && app.ports.length === 0 && proxyServices(ctx).length === 0 && server && server.kind !== 'other' && !app.networkMode) {
    // A proxy in another compose project or on the host may reach it over a shared network.
    ctx.report(
      'port-mismatch',
      { file: app.file, line: app.line },
      `service ${app.name} publishes no ports and no proxy service in this compose file sits in front: nothing on the host reaches it, unless something outside these files shares its network`,
      `Add ports: ["${listen ?? 8000}:${listen ?? 8000}"].`,
      'warning',
    );
  }
  // docker run -p in README/Makefile (information only).
  if (listen !== undefined) {
    for (const file of ['README.md', 'Makefile', 'README.Docker.md']) {
      const text = p.files.kind(file) === 'file' ? p.files.text(file) : undefined;
      if (!text) continue;
      text.split('\n').forEach((line, i) => {
        const trimmed = line.replace(/^\s*[$>]\s*/, '').trim();
        if (!trimmed.startsWith('docker run')) return;
        const words = lexShell(trimmed).flatMap((t) => (t.kind === 'word' ? [t.text] : []));
        for (let k = 0; k < words.length; k++) {
          const flag = words[k]!;
          const value =
            flag === '-p' || flag === '--publish'
              ? words[k + 1]
              : flag.startsWith('--publish=')
                ? flag.slice(10)
                : flag.startsWith('-p') && flag.length > 2
                  ? flag.slice(2)
                  : undefined;
          if (!value) continue;
          const container = Number(value.split(':').at(-1)!.split('/')[0]);
          if (Number.isInteger(container) && container !== listen) {
            ctx.report(
              'port-mismatch',
              { file, line: i + 1 },
              `docker run -p ${value} publishes container port ${container}, but the server listens on ${listen}`,
              `Use -p <host port>:${listen}.`,
              'info',
            );
          }
        }
      });
    }
  }
};

const hostPortInUse: RuleFn = (ctx) => {
  const compose = ctx.p.compose;
  if (!compose) return;
  const dbs = new Set(ctx.p.dbServices.map((s) => s.name));
  const seen: Array<{ svc: string; port: PortMapping }> = [];
  for (const svc of compose.services.values()) {
    // Services in profiles start only on request: they need not run together.
    if (svc.profiles.length > 0) continue;
    const isStore = dbs.has(svc.name) || /(^|\/)(redis|memcached|valkey|rabbitmq|mongo)(:|$)/.test(svc.image?.value ?? '');
    for (const port of svc.ports) {
      if (isStore && port.host) {
        ctx.report(
          'host-port-in-use',
          { file: port.file, line: port.line },
          `${svc.name} publishes "${port.raw}" on the host: it clashes with a server already using that port there ("port is already allocated"), and the app does not need it`,
          'Remove the ports entry; services reach each other on the compose network.',
          'warning',
        );
      }
      // Ranges, the same address or a wildcard on either side, one protocol: what the engine refuses.
      const before = seen.find((s) => s.svc !== svc.name && hostPortsClash(s.port, port));
      if (before) {
        ctx.report(
          'host-port-in-use',
          { file: port.file, line: port.line },
          `${svc.name} publishes host port ${port.host}, which ${before.svc} already publishes (${before.port.file} line ${before.port.line})`,
          'Give each service its own host port.',
        );
      } else seen.push({ svc: svc.name, port });
    }
  }
};

const composePortsUnquoted: RuleFn = (ctx) => {
  for (const svc of ctx.p.compose?.services.values() ?? []) {
    for (const port of svc.ports) {
      if (!port.plainScalar || !port.raw.includes(':') || port.raw.includes('$')) continue;
      const small = port.container !== undefined && port.container < 60 && /^\d+(:\d+)+$/.test(port.raw);
      ctx.report(
        'compose-ports-unquoted',
        { file: port.file, line: port.line },
        `${port.raw} is not quoted: YAML 1.1 tools read xx:yy with a last part under 60 as a base-60 number${small ? ` (this one becomes ${port.raw.split(':').reduce((a, b) => a * 60 + Number(b), 0)}; Compose v2 reads YAML 1.2 and keeps it)` : ''}`,
        `Write "${port.raw}".`,
        'warning',
      );
    }
  }
};

const dbHostLocalhost: RuleFn = (ctx) => {
  const h = dbHost(ctx);
  // network_mode: host (or another service's network) makes localhost that network.
  if (!h || ctx.p.dbServices.length === 0 || ctx.p.app?.networkMode) return;
  if (h.host === '' || isLoopback(h.host)) {
    const db = ctx.p.dbServices[0]!;
    ctx.report(
      'db-host-localhost',
      h.where,
      `the database HOST is ${h.host === '' ? 'empty (a local socket)' : h.host}, which in the web container is the web container itself; the database is the compose service ${db.name}`,
      `Set HOST to "${db.name}" (e.g. os.environ.get("DB_HOST", "${db.name}")).`,
    );
  }
};

const dbHostnameUnresolvable: RuleFn = (ctx) => {
  const h = dbHost(ctx);
  const compose = ctx.p.compose;
  const app = ctx.p.app;
  if (
    !h ||
    !compose ||
    !app ||
    h.host === '' ||
    isLoopback(h.host) ||
    h.host.includes('.') ||
    /^[\d:]+$/.test(h.host) ||
    h.host === 'host.docker.internal'
  )
    return;
  const target = [...compose.services.values()].find(
    (s) => s.name === h.host || s.containerName?.value === h.host || [...s.networks.values()].some((a) => a.includes(h.host)),
  );
  if (!target) {
    if (app.extraHosts.some((e) => e.value.split(':')[0] === h.host) || app.networkMode) return;
    // An external network may hold a database of another compose project under that name.
    const external = [...app.networks.keys()].filter((n) => compose.externalNetworks.has(n));
    ctx.report(
      'db-hostname-unresolvable',
      h.where,
      `the database HOST ${h.host} is not a service, alias or container_name in ${compose.files.join(', ')} (services: ${[...compose.services.keys()].join(', ')}): "could not translate host name"${external.length ? `, unless a container on the external network ${external.join(', ')} answers to it` : ''}`,
      `Use the database service's name${ctx.p.dbServices[0] ? ` (${ctx.p.dbServices[0].name})` : ''}.`,
      external.length ? 'warning' : 'error',
    );
    return;
  }
  const shared = [...app.networks.keys()].some((n) => target.networks.has(n));
  if (!shared) {
    ctx.report(
      'db-hostname-unresolvable',
      h.where,
      `${app.name} and ${target.name} share no network (${[...app.networks.keys()].join(', ')} vs ${[...target.networks.keys()].join(', ')}), so ${h.host} does not resolve`,
      'Put both services on one network.',
    );
  }
};

/** Tools that wait for a database: the engines' own clients, and generic TCP waiters. */
const DB_PROBES = new Set([
  ...DATABASE_CLIENT_TOOLS,
  'nc',
  'netcat',
  'ncat',
  'wait-for-it',
  'wait-for-it.sh',
  'wait-for',
  'wait-for.sh',
  'dockerize',
]);

/**
 * The container waits for the database itself before it needs it: a probe in a loop in the
 * entrypoint or command (pg_isready, nc -z, /dev/tcp, a Python retry), wait-for-it/dockerize,
 * or a management command that waits.
 */
export function waitsForDatabase(ctx: Ctx): { where: { file: string; line: number }; how: string } | undefined {
  const sources: Array<{ file: string; text: string; line: (offset: number) => number }> = [];
  const script = ctx.p.command.script;
  if (script) sources.push({ file: script.file, text: script.text, line: (o) => lineAt(script.text, o) });
  for (const c of [ctx.p.command.entrypoint, ctx.p.command.cmd]) {
    if (!c) continue;
    const argv = argvOf(c);
    const text = argv[1] === '-c' && argv[2] ? argv[2] : argv.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ');
    sources.push({ file: c.file, text, line: () => c.line });
  }
  for (const src of sources) {
    for (const c of splitCommands(src.text)) {
      const w = c.words.map((x) => x.text);
      const head = (w[0] ?? '').split('/').pop()!;
      const loop = c.inLoop;
      const probe = w.slice(head === 'until' || head === 'while' ? 1 : 0).filter((x, i) => !(i === 0 && x === '!'));
      const tool = (probe[0] ?? '').split('/').pop()!;
      const where = { file: src.file, line: src.line(c.start) };
      if (/^(wait-for-it(\.sh)?|wait-for(\.sh)?|dockerize)$/.test(tool) || (tool === 'dockerize' && probe.includes('-wait')))
        return { where, how: tool };
      if (probe.some((x) => /(^|\/)wait[_-]?(for|until)[\w.-]*$/i.test(x))) return { where, how: probe.join(' ') };
      if (c.writes.some((x) => x.startsWith('/dev/tcp/')) && loop) return { where, how: '/dev/tcp' };
      if (loop && (DB_PROBES.has(tool) || /^python[\d.]*$/.test(tool) || probe.some((x) => /manage\.py$/.test(x))))
        return { where, how: `${tool} in a retry loop` };
    }
  }
  return undefined;
}

const dbNotReady: RuleFn = (ctx) => {
  const app = ctx.p.app;
  if (!app) return;
  const h = dbHost(ctx);
  const waits = waitsForDatabase(ctx);
  for (const db of ctx.p.dbServices) {
    const uses = h?.host === db.name || app.dependsOn.has(db.name);
    if (!uses) continue;
    const dep = app.dependsOn.get(db.name);
    // Waiting in the entrypoint does the job a healthcheck condition would.
    if (waits && dep?.condition !== 'service_healthy') continue;
    if (dep?.condition === 'service_healthy' && (!db.healthcheck || db.healthcheck.disable)) {
      ctx.report(
        'db-not-ready',
        { file: dep.file, line: dep.line },
        `${app.name} waits for ${db.name} to be healthy, but ${db.name} has no healthcheck: compose refuses to start`,
        `Give ${db.name} a healthcheck (pg_isready -h 127.0.0.1 …).`,
        'error',
      );
      continue;
    }
    if (!dep) {
      ctx.report(
        'db-not-ready',
        { file: app.file, line: app.line },
        `${app.name} uses the database ${db.name} but does not depend on it: on a fresh volume it starts first and fails to connect`,
        `Add depends_on: {${db.name}: {condition: service_healthy}} and a healthcheck on ${db.name}.`,
      );
    } else if (dep.condition !== 'service_healthy') {
      ctx.report(
        'db-not-ready',
        { file: dep.file, line: dep.line },
        `depends_on ${db.name}${dep.short ? ' (short form)' : ` with condition ${dep.condition ?? 'service_started'}`} only waits for the container to start, not for the database to accept connections`,
        `Use depends_on: {${db.name}: {condition: service_healthy}} with a healthcheck on ${db.name}.`,
      );
    }
    if (!db.healthcheck && dep?.condition !== 'service_healthy') {
      ctx.report(
        'db-not-ready',
        { file: db.file, line: db.line },
        `${db.name} has no healthcheck, so nothing can wait for it to accept connections`,
        'Add a healthcheck that probes TCP, e.g. pg_isready -h 127.0.0.1 -U "$${POSTGRES_USER}".',
      );
    }
    const test = db.healthcheck?.test;
    const text = Array.isArray(test) ? test.join(' ') : (test ?? '');
    if (/pg_isready/.test(text) && !/(\s-h\s|--host)/.test(` ${text} `)) {
      ctx.report(
        'db-not-ready',
        { file: db.healthcheck!.file, line: db.healthcheck!.line },
        "pg_isready without -h checks the unix socket, which answers during the image's first-start init before TCP is open",
        'Add -h 127.0.0.1.',
      );
    }
  }
};

const hostDockerInternal: RuleFn = (ctx) => {
  const app = ctx.p.app;
  if (!app) return;
  if (app.extraHosts.some((e) => /^host\.docker\.internal[:=]host-gateway$/.test(e.value))) return;
  for (const [name, v] of app.environment) {
    if ((v.value ?? v.raw).includes('host.docker.internal')) {
      ctx.report(
        'host-docker-internal-linux',
        { file: v.file, line: v.line },
        `${name} uses host.docker.internal, which exists by default only on Docker Desktop`,
        'Add extra_hosts: ["host.docker.internal:host-gateway"] to the service.',
      );
      return;
    }
  }
  const h = dbHost(ctx);
  if (h?.host === 'host.docker.internal') {
    ctx.report(
      'host-docker-internal-linux',
      h.where,
      'the database HOST is host.docker.internal, which exists by default only on Docker Desktop',
      'Add extra_hosts: ["host.docker.internal:host-gateway"] to the service.',
    );
  }
};

const serviceNameUnderscore: RuleFn = (ctx) => {
  const compose = ctx.p.compose;
  if (!compose) return;
  const names = new Map<string, string>();
  for (const s of compose.services.values()) {
    names.set(s.name, s.name);
    if (s.containerName) names.set(s.containerName.value, s.name);
    for (const aliases of s.networks.values()) for (const a of aliases) names.set(a, s.name);
  }
  // Only a name that reaches Django matters: another service (a cache, an S3 stand-in) does not check hosts.
  const apps = new Set(ctx.p.appServices.map((a) => a.name));
  const bad = [...names.keys()].filter((n) => n.includes('_') && apps.has(names.get(n)!));
  if (bad.length === 0) return;
  const check = (text: string, where: { file: string; line: number }): void => {
    for (const m of text.matchAll(/https?:\/\/([A-Za-z0-9_.-]+)/g)) {
      if (bad.includes(m[1]!))
        ctx.report(
          'service-name-underscore',
          where,
          `http://${m[1]} sends Host: ${m[1]}, which Django rejects before ALLOWED_HOSTS ("Invalid HTTP_HOST header … not valid according to RFC 1034/1035") → 400`,
          `Rename the service ${names.get(m[1]!)} with a hyphen (${m[1]!.replaceAll('_', '-')}).`,
        );
    }
  };
  for (const s of compose.services.values()) {
    for (const v of s.environment.values()) check(v.value ?? v.raw, v);
    if (s.command) check(Array.isArray(s.command.value) ? s.command.value.join(' ') : s.command.value, s.command);
  }
  // nginx configs in the project that proxy to a service.
  for (const proxy of proxyServices(ctx)) {
    for (const m of proxy.volumes) {
      if (m.type !== 'bind' || !m.source || !/\.conf$/.test(m.source)) continue;
      const file = m.source.replace(/^\.\//, '');
      const text = ctx.p.files.kind(file) === 'file' ? ctx.p.files.text(file) : undefined;
      if (!text) continue;
      for (const d of parseNginx(text)) {
        if (!['proxy_pass', 'server', 'uwsgi_pass'].includes(d.name) || !d.args[0]) continue;
        if (d.name === 'server' && !d.context.includes('upstream')) continue;
        const host = d.args[0].replace(/^https?:\/\//, '').split(/[:/]/)[0]!;
        if (bad.includes(host)) {
          ctx.report(
            'service-name-underscore',
            { file, line: d.line },
            `${d.name} ${d.args[0]} makes nginx send Host: ${host} unless Host is set explicitly; Django rejects names with "_" → 400`,
            `Rename the service ${names.get(host)} with a hyphen, or proxy_set_header Host $http_host.`,
          );
        }
      }
    }
  }
};

function isLoopback(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', 'ip6-localhost'].includes(host) || host.startsWith('127.');
}

export const NETWORK_RULES: Record<string, RuleFn> = {
  'bind-loopback': bindLoopback,
  'port-mismatch': portMismatch,
  'host-port-in-use': hostPortInUse,
  'compose-ports-unquoted': composePortsUnquoted,
  'db-host-localhost': dbHostLocalhost,
  'db-hostname-unresolvable': dbHostnameUnresolvable,
  'db-not-ready': dbNotReady,
  'host-docker-internal-linux': hostDockerInternal,
  'service-name-underscore': serviceNameUnderscore,
};

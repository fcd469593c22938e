/**
 * Catalogue section F (hosts, CSRF, HTTPS, settings read from the environment) and the
 * static-file rows of section G.
 */
import { posix } from 'node:path';
import { lineage } from '../parse/dockerfile-model.ts';
import { parseNginx } from '../parse/nginx-conf.ts';
import { dictGet, strOf, truthy } from '../../project/python-eval.ts';
import { type Ctx, type RuleFn } from '../context/rule.ts';
import { djangoAtLeast } from '../context/requirements.ts';
import { originOf, setting, settingsDotenv, settingsLoaded, strings, where } from '../context/settings.ts';
import { collectstaticRuns, proxyServices } from '../context/runtime.ts';

/** Django's host matching: exact, `.domain` suffix, `*`. */
function hostAllowed(host: string, allowed: string[]): boolean {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  return allowed.some((a) => {
    const p = a.toLowerCase();
    return p === '*' || p === h || (p.startsWith('.') && (h.endsWith(p) || h === p.slice(1)));
  });
}

function debugValue(ctx: Ctx): boolean | undefined {
  const b = setting(ctx.p, 'DEBUG');
  if (!b) return ctx.p.settings?.facts.open ? undefined : false;
  return truthy(b.value);
}

/** ALLOWED_HOSTS as Django applies it (DEBUG with an empty list admits local names). */
function effectiveAllowed(ctx: Ctx): { list: string[]; open: boolean } | undefined {
  const b = setting(ctx.p, 'ALLOWED_HOSTS');
  // Not set where the evaluation sees, while names may be set where it does not: unknown, not Django's default.
  if (!b && ctx.p.settings?.facts.open) return undefined;
  const s = b ? strings(b.value) : { items: [], open: false };
  if (!s) return undefined;
  if (s.items.length === 0 && !s.open && debugValue(ctx) === true)
    return { list: ['.localhost', '127.0.0.1', '[::1]', 'localhost'], open: false };
  return { list: s.items, open: s.open };
}

/** Hosts a browser or the healthcheck will send, from compose ports. */
function impliedHosts(ctx: Ctx): Array<{ host: string; file: string; line: number; why: string }> {
  const out: Array<{ host: string; file: string; line: number; why: string }> = [];
  for (const port of ctx.p.app?.ports ?? []) {
    const ip = port.hostIp && port.hostIp !== '0.0.0.0' && port.hostIp !== '::' ? port.hostIp : 'localhost';
    out.push({ host: ip, file: port.file, line: port.line, why: `the published port "${port.raw}"` });
  }
  return out;
}

const allowedHostsMissing: RuleFn = (ctx) => {
  if (!settingsLoaded(ctx.p)) return;
  const b = setting(ctx.p, 'ALLOWED_HOSTS');
  const at = originOf(ctx.p, 'ALLOWED_HOSTS') ?? (b ? where(b) : { file: ctx.p.settings!.file, line: 1 });
  // Not set anywhere the doctor can see while names may come from elsewhere: not judged.
  if (!b && ctx.p.settings?.facts.open) return;
  const list = b ? strings(b.value) : { items: [], open: false };
  if (!list) return;
  const usable = list.items.filter((h) => h !== '*' && !h.includes('://') && !/:\d+$/.test(h.replace(/^\[[^\]]*\]/, '')));
  for (const h of list.items) {
    if (h === '*') {
      ctx.report(
        'allowed-hosts-missing',
        at,
        'ALLOWED_HOSTS contains "*": every Host header is accepted, forged ones included',
        'List the real host names (and localhost for the healthcheck).',
        'warning',
      );
    } else if (h.includes('://') || /:\d+$/.test(h.replace(/^\[[^\]]*\]/, ''))) {
      // The entry never matches; the others may still admit the hosts in use.
      const alone = usable.length === 0 && !list.items.includes('*') && !list.open;
      ctx.report(
        'allowed-hosts-missing',
        at,
        `ALLOWED_HOSTS entry "${h}" has a scheme or port and never matches${alone ? ': no entry admits any host, so every request gets 400' : ''}`,
        `Write the bare host: ${h
          .replace(/^\w+:\/\//, '')
          .replace(/:\d+$/, '')
          .replace(/\/.*$/, '')}.`,
        alone && debugValue(ctx) === false ? 'error' : 'warning',
      );
    }
  }
  if (list.open) return;
  const debug = debugValue(ctx);
  if (list.items.length === 0) {
    if (debug === false) {
      ctx.report(
        'allowed-hosts-missing',
        at,
        'ALLOWED_HOSTS is empty and DEBUG is off: every request gets 400 Bad Request',
        'Set ALLOWED_HOSTS from the environment, e.g. DJANGO_ALLOWED_HOSTS=localhost,example.com split on commas.',
      );
    } else if (debug === undefined && ctx.p.command.server?.kind !== 'runserver') {
      ctx.report(
        'allowed-hosts-missing',
        at,
        'ALLOWED_HOSTS is empty: with DEBUG off (the doctor cannot tell DEBUG from the files) every request gets 400 Bad Request',
        'Set ALLOWED_HOSTS from the environment, e.g. DJANGO_ALLOWED_HOSTS=localhost,example.com split on commas.',
        'warning',
      );
    }
    return;
  }
  const allowed = effectiveAllowed(ctx);
  if (!allowed) return;
  for (const h of impliedHosts(ctx)) {
    if (!hostAllowed(h.host, allowed.list)) {
      // Publishing a port does not say which name people use: it may be a domain in the list.
      ctx.report(
        'allowed-hosts-missing',
        at,
        `${h.host} (${h.why}, ${h.file} line ${h.line}) is not in ALLOWED_HOSTS [${list.items.join(', ')}]: requests to it get "Invalid HTTP_HOST header" → 400`,
        `Add ${h.host} to ALLOWED_HOSTS.`,
        'warning',
      );
    }
  }
};

/** Whether the probe fails on an HTTP error status (curl needs -f; wget, urllib and requests' raise_for_status do). */
function probeFailsOnError(words: string[]): boolean {
  const tool = (words[0] ?? '').split('/').pop() ?? '';
  if (tool === 'curl')
    return words.some((w) => w === '-f' || w === '--fail' || w === '--fail-with-body' || /^-[a-zA-Z]*f[a-zA-Z]*$/.test(w));
  if (tool === 'http') return words.includes('--check-status');
  return true;
}

const healthcheckHostRejected: RuleFn = (ctx) => {
  const h = ctx.p.health;
  if (!h?.url || !settingsLoaded(ctx.p)) return;
  // A probe that exits 0 on 400 keeps the container healthy: nothing fails.
  if (!probeFailsOnError(h.words)) return;
  const host = h.hostHeader ?? h.url.host;
  const allowed = effectiveAllowed(ctx);
  if (allowed && !allowed.open && !hostAllowed(host, allowed.list)) {
    ctx.report(
      'healthcheck-host-rejected',
      h.where,
      `the healthcheck sends Host: ${host}, which ALLOWED_HOSTS [${allowed.list.join(', ')}] does not admit: the probe gets 400 and the container stays unhealthy`,
      `Add ${host} to ALLOWED_HOSTS (or call a host that is listed).`,
    );
  }
  if (truthy(setting(ctx.p, 'SECURE_SSL_REDIRECT')?.value) === true && h.url.scheme === 'http') {
    const exempt = strings(setting(ctx.p, 'SECURE_REDIRECT_EXEMPT')?.value)?.items ?? [];
    const path = h.url.path.replace(/^\//, '');
    if (!exempt.some((re) => safeRegex(re)?.test(path))) {
      ctx.report(
        'healthcheck-host-rejected',
        h.where,
        `SECURE_SSL_REDIRECT is on and ${h.url.path} is not in SECURE_REDIRECT_EXEMPT: the probe gets a 301`,
        `Add r"^${path.replace(/\/$/, '')}" to SECURE_REDIRECT_EXEMPT, or probe over HTTPS.`,
        'warning',
      );
    }
  }
};

function safeRegex(s: string): RegExp | undefined {
  try {
    return new RegExp(s);
  } catch {
    return undefined;
  }
}

const csrfOriginsNoScheme: RuleFn = (ctx) => {
  if (!settingsLoaded(ctx.p)) return;
  const b = setting(ctx.p, 'CSRF_TRUSTED_ORIGINS');
  const list = b ? strings(b.value) : undefined;
  if (!b || !list) return;
  const at = originOf(ctx.p, 'CSRF_TRUSTED_ORIGINS') ?? where(b);
  for (const o of list.items) {
    if (!o.includes('://')) {
      // Before Django 4.0 bare host names were the format.
      const modern = djangoAtLeast(ctx.p, '4.0');
      ctx.report(
        'csrf-origins-no-scheme',
        at,
        `CSRF_TRUSTED_ORIGINS entry "${o}" has no scheme: Django 4.0+ stops with 4_0.E001 (and under gunicorn POSTs fail with 403)${modern ? '' : '; the pinned Django may be older than 4.0, where this was the format'}`,
        `Write https://${o} (or http://${o} for plain HTTP).`,
        modern ? 'error' : 'warning',
      );
    } else if (/^\w+:\/\/\*$/.test(o) || o === '*' || (o.includes('*') && !/^\w+:\/\/\*\.[^*]+$/.test(o))) {
      ctx.report(
        'csrf-origins-no-scheme',
        at,
        `CSRF_TRUSTED_ORIGINS entry "${o}" is a wildcard Django does not support (only scheme://*.domain)`,
        'List each origin, or use scheme://*.example.com.',
        'warning',
      );
    }
  }
};

interface ProxyFacts {
  file: string;
  tls: boolean;
  hostHeader?: { value: string; line: number };
  listen: Array<{ port: number; ssl: boolean; line: number }>;
  forwardsProto: boolean;
}

function proxies(ctx: Ctx): ProxyFacts[] {
  const out: ProxyFacts[] = [];
  for (const svc of proxyServices(ctx)) {
    for (const m of svc.volumes) {
      if (m.type !== 'bind' || !m.source) continue;
      const file = posix.normalize(m.source.replace(/^\.\//, ''));
      const candidates =
        ctx.p.files.kind(file) === 'dir'
          ? ctx.p.files
              .list(file)
              .filter((f) => f.endsWith('.conf'))
              .map((f) => posix.join(file, f))
          : /\.conf$/.test(file)
            ? [file]
            : [];
      for (const f of candidates) {
        const text = ctx.p.files.kind(f) === 'file' ? ctx.p.files.text(f) : undefined;
        if (!text) continue;
        const ds = parseNginx(text);
        const facts: ProxyFacts = { file: f, tls: false, listen: [], forwardsProto: false };
        for (const d of ds) {
          if (d.name === 'listen') {
            const port = Number((d.args[0] ?? '80').split(':').pop());
            const ssl = d.args.includes('ssl') || port === 443;
            facts.listen.push({ port, ssl, line: d.line });
            facts.tls ||= ssl;
          } else if (d.name === 'proxy_set_header' && d.args[0]?.toLowerCase() === 'host')
            facts.hostHeader = { value: d.args[1] ?? '', line: d.line };
          else if (d.name === 'proxy_set_header' && d.args[0]?.toLowerCase() === 'x-forwarded-proto') facts.forwardsProto = true;
        }
        out.push(facts);
      }
    }
  }
  return out;
}

const csrfOriginMismatch: RuleFn = (ctx) => {
  if (!settingsLoaded(ctx.p)) return;
  const header = setting(ctx.p, 'SECURE_PROXY_SSL_HEADER');
  for (const px of proxies(ctx)) {
    if (px.tls && (!header || header.value.k === 'none') && !trustsForwardedProto(ctx)) {
      const l = px.listen.find((x) => x.ssl)!;
      // An https origin listed in CSRF_TRUSTED_ORIGINS is accepted whatever scheme Django sees.
      const origins = strings(setting(ctx.p, 'CSRF_TRUSTED_ORIGINS')?.value);
      const trusted = origins?.open || origins?.items.some((o) => o.startsWith('https://'));
      if (origins === undefined && setting(ctx.p, 'CSRF_TRUSTED_ORIGINS')) continue;
      ctx.report(
        'csrf-origin-mismatch',
        { file: px.file, line: l.line },
        `TLS ends at this proxy, but the settings have no SECURE_PROXY_SSL_HEADER: Django sees http, the browser's Origin is https, and ${trusted ? 'POSTs from origins not in CSRF_TRUSTED_ORIGINS fail with 403' : 'every POST fails with 403 (no https origin is trusted)'}`,
        'Set SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") and proxy_set_header X-Forwarded-Proto $scheme.',
        trusted ? 'warning' : 'error',
      );
    }
    const odd = px.listen.find((l) => l.port !== 80 && l.port !== 443);
    if (px.hostHeader?.value === '$host' && odd) {
      ctx.report(
        'csrf-origin-mismatch',
        { file: px.file, line: px.hostHeader.line },
        `proxy_set_header Host $host drops the port, but the proxy listens on ${odd.port}: the browser's Origin keeps it and CSRF checks fail`,
        'Use proxy_set_header Host $http_host.',
      );
    }
  }
};

function httpsEndpoint(ctx: Ctx): boolean {
  if (proxies(ctx).some((p) => p.tls)) return true;
  for (const svc of ctx.p.compose?.services.values() ?? []) if (svc.ports.some((p) => p.container === 443 || p.host === '443')) return true;
  return false;
}

/** The server itself marks requests secure from X-Forwarded-Proto (gunicorn/uvicorn --forwarded-allow-ips), or serves TLS. */
function trustsForwardedProto(ctx: Ctx): boolean {
  const server = ctx.p.command.server;
  if (!server) return false;
  const args = [...server.argv, ...(ctx.p.runtimeEnv.get('GUNICORN_CMD_ARGS') ?? '').split(/\s+/)];
  return (
    args.some(
      (a) => a.startsWith('--forwarded-allow-ips') || a === '--certfile' || a === '--ssl-certfile' || a.startsWith('--certfile='),
    ) || ctx.p.runtimeEnv.has('FORWARDED_ALLOW_IPS')
  );
}

const sslRedirectLoop: RuleFn = (ctx) => {
  if (!settingsLoaded(ctx.p)) return;
  const b = setting(ctx.p, 'SECURE_SSL_REDIRECT');
  if (!b || truthy(b.value) !== true || !ctx.p.compose) return;
  const at = originOf(ctx.p, 'SECURE_SSL_REDIRECT') ?? where(b);
  const header = setting(ctx.p, 'SECURE_PROXY_SSL_HEADER');
  if (trustsForwardedProto(ctx)) return;
  if (proxyServices(ctx).length > 0 && (!header || header.value.k === 'none')) {
    ctx.report(
      'ssl-redirect-loop',
      at,
      'SECURE_SSL_REDIRECT is on behind a proxy, without SECURE_PROXY_SSL_HEADER: Django never sees https and redirects forever (ERR_TOO_MANY_REDIRECTS)',
      'Set SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") and have the proxy send X-Forwarded-Proto.',
    );
  } else if (!httpsEndpoint(ctx)) {
    // TLS may end in front of compose (a load balancer, a host proxy): no file says.
    ctx.report(
      'ssl-redirect-loop',
      at,
      'SECURE_SSL_REDIRECT is on, but nothing in compose serves HTTPS: over the published port every page redirects to an https URL nobody answers, unless TLS ends in front of these files',
      'Leave it off for plain-HTTP setups; turn it on with a TLS proxy in front.',
      'warning',
    );
  }
};

const secureCookiesOverHttp: RuleFn = (ctx) => {
  if (!settingsLoaded(ctx.p)) return;
  if (httpsEndpoint(ctx)) return;
  for (const name of ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE']) {
    const b = setting(ctx.p, name);
    if (!b || truthy(b.value) !== true) continue;
    const plainOnly = (ctx.p.app?.ports.length ?? 0) > 0;
    // Browsers treat http://localhost as secure; TLS may end in front of compose: not provable.
    ctx.report(
      'secure-cookies-over-http',
      originOf(ctx.p, name) ?? where(b),
      `${name} is on, but ${plainOnly ? 'the app is published over plain HTTP only' : 'no HTTPS endpoint is visible'}: browsers do not send Secure cookies over http (localhost aside), so logins loop and POSTs fail ("CSRF cookie not set")`,
      `Turn ${name} on only with HTTPS in front.`,
      'warning',
    );
  }
};

// Only the os-level readers return raw strings for sure; django-environ and decouple cast by schema.
const RAW_ENV = new Set(['os.environ.get', 'os.getenv', 'environ.get', 'getenv', 'os.environ[]', 'environ[]']);

const debugEnvTruthy: RuleFn = (ctx) => {
  const b = setting(ctx.p, 'DEBUG', 'symbolic');
  const v = b?.value;
  if (!b || v?.k !== 'env' || !RAW_ENV.has(v.via)) return;
  if (v.cast === 'bool' || v.cast === 'int') return;
  ctx.report(
    'debug-env-truthy',
    where(b),
    `DEBUG is the string from ${v.name}${v.cast === 'truthy' ? ' passed to bool()' : ''}: "False" and "0" are non-empty strings, so DEBUG is on whenever ${v.name} is set`,
    `Parse it: DEBUG = os.environ.get("${v.name}", "").lower() in {"1", "true", "yes", "on"}.`,
  );
};

const secretKeyMissing: RuleFn = (ctx) => {
  const p = ctx.p;
  const s = p.settings;
  if (!s?.file || !p.app) return;
  // Under the container's environment: reads that raise at import when absent, on the path import takes.
  const needed = new Map<string, { file: string; line: number; why: string }>();
  for (const r of s.concrete.envReads) {
    if (r.kind !== 'required' || r.present !== false || needed.has(r.name)) continue;
    needed.set(r.name, { file: r.file, line: r.line, why: r.error ? `absent, it raises ${r.error}` : 'read without a default' });
  }
  // An empty SECRET_KEY imports, and fails at the first request that signs anything.
  const key = s.symbolic.names.get('SECRET_KEY');
  const keyNow = s.concrete.names.get('SECRET_KEY')?.value;
  if (key?.value.k === 'env' && !needed.has(key.value.name) && (keyNow?.k === 'none' || (keyNow?.k === 'str' && keyNow.v === '')))
    needed.set(key.value.name, { file: key.file, line: key.line, why: 'SECRET_KEY must not be empty' });
  // Where the doctor cannot see every source of variables, a missing one is only likely.
  const unseenFiles = p.app.envFiles.filter((f) => !f.exists).map((f) => f.value);
  const fromDotenv = settingsDotenv(ctx);
  for (const [name, w] of needed) {
    if (p.runtimeEnv.has(name)) continue;
    if (fromDotenv instanceof Set && fromDotenv.has(name)) continue;
    const unsure =
      unseenFiles.length > 0
        ? `unless ${unseenFiles.join(', ')}, which does not exist yet, will set it`
        : fromDotenv === 'unknown'
          ? `unless the .env file the settings load (${s.facts.dotenv!.how}, ${s.facts.dotenv!.file} line ${s.facts.dotenv!.line}) sets it`
          : undefined;
    ctx.report(
      'secret-key-missing',
      w,
      `the settings need ${name} (${w.why}), but neither compose (${p.app.name}: environment/env_file) nor the Dockerfile sets it: the container stops at start${unsure ? `, ${unsure}` : ''}`,
      `Pass it in compose: environment: ${name}: \${${name}:?set ${name} in .env}.`,
      unsure ? 'warning' : 'error',
    );
  }
};

const composeDollar: RuleFn = (ctx) => {
  const compose = ctx.p.compose;
  if (!compose) return;
  const seen = new Set<string>();
  for (const i of compose.interpolation) {
    const key = `${i.file}:${i.line}:${i.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i.kind === 'invalid')
      ctx.report(
        'compose-dollar-interpolation',
        i,
        `invalid interpolation: ${i.message}; compose stops with "Invalid interpolation format"`,
        'Write $$ for a literal $.',
      );
    // Without a .env at all the variables come from one still to be made (or the shell): nothing to say.
    else if (i.inEnvironment && compose.dotenvFile && !compose.dotenv.has(i.message))
      ctx.report(
        'compose-dollar-interpolation',
        i,
        `$${i.message} is not set in .env: compose substitutes an empty string (the value is silently cut)`,
        `Write $$ for a literal $, or define ${i.message} in .env.`,
        'warning',
      );
  }
  for (const e of compose.dotenvEntries) {
    if (e.quote === "'" || !/\$[A-Za-z_{]/.test(e.raw)) continue;
    ctx.report(
      'compose-dollar-interpolation',
      { file: compose.dotenvFile!, line: e.line },
      `${e.name}'s value contains $ and is ${e.quote ? 'double-quoted' : 'not quoted'}: compose expands it`,
      `Single-quote the value: ${e.name}='…'.`,
      'warning',
    );
  }
};

const envListParsing: RuleFn = (ctx) => {
  for (const name of ['ALLOWED_HOSTS', 'CSRF_TRUSTED_ORIGINS']) {
    const b = setting(ctx.p, name, 'symbolic');
    const v = b?.value;
    if (!b || v?.k !== 'env' || !RAW_ENV.has(v.via)) continue;
    if (v.cast === undefined || v.cast === 'str') {
      // A one-character value ("*") still works when iterated; the value decides.
      const value = setting(ctx.p, name)?.value;
      const known = value?.k === 'str' ? value.v : undefined;
      const broken = known !== undefined && known.length > 1;
      if (known !== undefined && !broken) continue;
      ctx.report(
        'env-list-parsing',
        where(b),
        `${name} is the raw string from ${v.name}: Django iterates it character by character, so no host matches${broken ? ` ("${known}")` : ' (unless the value is a single "*")'}`,
        `Split it: [h.strip() for h in os.environ.get("${v.name}", "").split(",") if h.strip()].`,
        broken ? 'error' : 'warning',
      );
    }
    // `.split` on an unset variable crashes the import: secret-key-missing and
    // build-time-env-required report that, where the variable is really absent.
  }
};

// ---------------------------------------------------------------- static files

const PRODUCTION_SERVERS = new Set(['gunicorn', 'uvicorn', 'daphne', 'hypercorn', 'waitress', 'uwsgi']);

/** RUN steps whose commands live in files the doctor does not read (a build script, make). */
export function unreadBuildSteps(ctx: Ctx): Array<{ file: string; line: number; what: string }> {
  const df = ctx.p.dockerfile;
  if (!df) return [];
  const out: Array<{ file: string; line: number; what: string }> = [];
  for (const st of lineage(df, df.final))
    for (const r of st.runs)
      for (const c of r.commands) {
        const w = c.words.map((x) => x.text);
        const head = (w[0] ?? '').split('/').pop() ?? '';
        const script =
          /\.(sh|bash|py)$/.test(head) ||
          ['make', 'just', 'invoke', 'inv', 'task', 'nox', 'tox'].includes(head) ||
          (/^(ba|da)?sh$|^python[\d.]*$/.test(head) &&
            w[1] !== undefined &&
            !w[1].startsWith('-') &&
            w[1] !== 'manage.py' &&
            !/manage\.py$/.test(w[1]));
        if (script) out.push({ file: df.path, line: r.line, what: w.slice(0, 2).join(' ') });
      }
  return out;
}

/** Static files go to a storage that is not STATIC_ROOT (S3, a CDN). */
function staticStoredElsewhere(ctx: Ctx): string | undefined {
  const url = strOf(setting(ctx.p, 'STATIC_URL')?.value);
  if (url && /^(https?:)?\/\//.test(url)) return `STATIC_URL is ${url}`;
  const backend = staticBackend(ctx)?.backend;
  if (backend && !/django\.contrib\.staticfiles|whitenoise|servestatic/.test(backend)) return `static files are stored by ${backend}`;
  return undefined;
}

/** Static files are served by something other than a proxy: a remote storage, middleware, the WSGI wrapper. */
function staticServedElsewhere(ctx: Ctx): string | undefined {
  const stored = staticStoredElsewhere(ctx);
  if (stored) return stored;
  const mw = strings(setting(ctx.p, 'MIDDLEWARE')?.value)?.items ?? [];
  if (mw.some((m) => /^(whitenoise|servestatic)\./.test(m))) return 'middleware serves them';
  const app = ctx.p.command.server?.app?.split(':')[0];
  const wsgi = app ? ctx.p.layout?.contextFile(posix.join(ctx.p.workdir.path, ...app.split('.')) + '.py') : undefined;
  const text = wsgi ? ctx.p.files.text(wsgi) : undefined;
  if (text && /\b(WhiteNoise|Cling|MediaCling|ServeStatic)\s*\(/.test(text)) return `${wsgi} wraps the application`;
  return undefined;
}

/** The static storage Django uses: STORAGES["staticfiles"], or STATICFILES_STORAGE where this Django still reads it. */
function staticBackend(ctx: Ctx): { backend: string; at: { file: string; line: number }; legacyUnsure?: boolean } | undefined {
  const storages = setting(ctx.p, 'STORAGES');
  const fromStorages = strOf(dictGet(dictGet(storages?.value, 'staticfiles'), 'BACKEND'));
  if (fromStorages && storages) return { backend: fromStorages, at: where(storages) };
  const legacy = setting(ctx.p, 'STATICFILES_STORAGE');
  const fromLegacy = strOf(legacy?.value);
  if (!fromLegacy || !legacy) return undefined;
  // Django 5.1 removed STATICFILES_STORAGE; 4.2 and 5.0 read it when STORAGES is not set.
  const removed = djangoAtLeast(ctx.p, '5.1');
  if (removed === true) return undefined;
  return { backend: fromLegacy, at: where(legacy), ...(removed === undefined ? { legacyUnsure: true } : {}) };
}

const staticNotServed: RuleFn = (ctx) => {
  const server = ctx.p.command.server;
  if (!server || !PRODUCTION_SERVERS.has(server.kind) || !settingsLoaded(ctx.p)) return;
  const apps = strings(setting(ctx.p, 'INSTALLED_APPS')?.value);
  if (!apps || !apps.items.includes('django.contrib.staticfiles')) return;
  if (debugValue(ctx) === true) return;
  const mw = setting(ctx.p, 'MIDDLEWARE');
  const list = mw ? strings(mw.value) : undefined;
  // A proxy in front of compose (on the host, a platform's) may serve STATIC_ROOT: never proven.
  if (list && !list.open && proxyServices(ctx).length === 0 && !staticServedElsewhere(ctx)) {
    ctx.report(
      'static-not-served',
      where(mw!),
      `${server.kind} serves no static files and MIDDLEWARE has no WhiteNoise, and no proxy in these files serves STATIC_ROOT: /static/ answers 404 with DEBUG off, unless a proxy outside them does`,
      'Add "whitenoise.middleware.WhiteNoiseMiddleware" right after SecurityMiddleware, and whitenoise to the requirements.',
      'warning',
    );
  }
  const runs = collectstaticRuns(ctx);
  const manifest = /Manifest/.test(staticBackend(ctx)?.backend ?? '');
  if (
    ctx.p.dockerfile &&
    runs.build.length === 0 &&
    runs.runtime.length === 0 &&
    !manifest &&
    !staticStoredElsewhere(ctx) &&
    unreadBuildSteps(ctx).length === 0
  ) {
    ctx.report(
      'static-not-served',
      server.where,
      'collectstatic never runs (not in the Dockerfile, the entrypoint or the compose command): STATIC_ROOT stays empty',
      'RUN python manage.py collectstatic --noinput in the Dockerfile (with a throwaway SECRET_KEY for that RUN).',
      'warning',
    );
  }
};

const staticRootUnset: RuleFn = (ctx) => {
  if (!settingsLoaded(ctx.p)) return;
  const runs = collectstaticRuns(ctx);
  const first = runs.build[0] ?? runs.runtime[0];
  const root = setting(ctx.p, 'STATIC_ROOT');
  const rootPath = root ? strOf(root.value) : undefined;
  if (first && (!root || root.value.k === 'none') && !staticStoredElsewhere(ctx)) {
    const open = ctx.p.settings!.facts.open;
    ctx.report(
      'static-root-unset',
      first,
      `collectstatic runs, but the settings (${ctx.p.settings!.file}) set no STATIC_ROOT: "You're using the staticfiles app without having set the STATIC_ROOT setting"${open ? `, unless ${open.why} (${open.file} line ${open.line}) sets it` : ''}`,
      'Set STATIC_ROOT = BASE_DIR / "staticfiles" (not one of STATICFILES_DIRS).',
      open ? 'warning' : 'error',
    );
  }
  const dirs = setting(ctx.p, 'STATICFILES_DIRS');
  if (dirs?.value.k === 'list' && rootPath) {
    for (const d of dirs.value.items) {
      const dp = strOf(d);
      if (dp && posix.normalize(dp) === posix.normalize(rootPath))
        ctx.report(
          'static-root-unset',
          where(dirs),
          `STATICFILES_DIRS contains STATIC_ROOT (${rootPath}): staticfiles.E002`,
          'Collect into a folder of its own.',
        );
    }
  }
};

const staticManifestMissing: RuleFn = (ctx) => {
  if (!settingsLoaded(ctx.p)) return;
  const found = staticBackend(ctx);
  if (!found || !/Manifest/.test(found.backend)) return;
  // With DEBUG on, the manifest storage serves unhashed names: nothing fails.
  const debug = debugValue(ctx);
  if (debug === true) return;
  const runs = collectstaticRuns(ctx);
  const unread = unreadBuildSteps(ctx);
  if (ctx.p.dockerfile && runs.build.length === 0 && runs.runtime.length === 0) {
    const doubts = [
      debug === undefined ? 'DEBUG is off (the doctor cannot tell from the files)' : '',
      found.legacyUnsure ? 'the installed Django still reads STATICFILES_STORAGE (removed in 5.1)' : '',
      unread[0] ? `${unread[0].what} (line ${unread[0].line}) does not run it` : '',
    ].filter(Boolean);
    ctx.report(
      'static-manifest-missing',
      found.at,
      `${found.backend} needs collectstatic to have run in the image, and nothing runs it: every page is a 500 ("Missing staticfiles manifest entry")${doubts.length ? `, if ${doubts.join(' and ')}` : ''}`,
      'RUN python manage.py collectstatic --noinput in the Dockerfile.',
      doubts.length ? 'warning' : 'error',
    );
  }
  const root = strOf(setting(ctx.p, 'STATIC_ROOT')?.value);
  if (root && runs.build.length > 0) {
    for (const m of ctx.p.app?.volumes ?? []) {
      if (m.type === 'bind' && (root === m.target || root.startsWith(`${m.target}/`))) {
        ctx.report(
          'static-manifest-missing',
          m,
          `the bind mount on ${m.target} hides STATIC_ROOT (${root}), where the build collected the manifest`,
          'Move STATIC_ROOT outside the mounted folder (e.g. /srv/static).',
          'warning',
        );
      }
    }
  }
};

export const DJANGO_RULES: Record<string, RuleFn> = {
  'allowed-hosts-missing': allowedHostsMissing,
  'healthcheck-host-rejected': healthcheckHostRejected,
  'csrf-origins-no-scheme': csrfOriginsNoScheme,
  'csrf-origin-mismatch': csrfOriginMismatch,
  'ssl-redirect-loop': sslRedirectLoop,
  'secure-cookies-over-http': secureCookiesOverHttp,
  'debug-env-truthy': debugEnvTruthy,
  'secret-key-missing': secretKeyMissing,
  'compose-dollar-interpolation': composeDollar,
  'env-list-parsing': envListParsing,
  'static-not-served': staticNotServed,
  'static-root-unset': staticRootUnset,
  'static-manifest-missing': staticManifestMissing,
};

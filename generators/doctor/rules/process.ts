/**
 * Catalogue section D: entrypoint scripts and the process the container runs.
 */
import { posix } from 'node:path';
import { lineage } from '../parse/dockerfile-model.ts';
import { gitMode } from '../../project/git-index.ts';
import { lineAt, splitCommands } from '../parse/shell-words.ts';
import { argvOf } from '../project.ts';
import { dictGet, strOf } from '../../project/python-eval.ts';
import { engineUsesNetwork } from '../../facts/databases.ts';
import { type Ctx, type RuleFn } from '../context/rule.ts';
import { imageFacts, packagesOf } from '../context/image.ts';
import { engineOf, setting, settingsDotenv } from '../context/settings.ts';

/**
 * Whether git keeps a path at LF, as `git check-attr eol` decides: every .gitattributes from
 * the root down to the file's folder, patterns relative to the folder of the file that holds
 * them (a pattern without a slash matches the name at any depth below it), later lines and
 * deeper files winning. undefined when no .gitattributes exists at all.
 */
export function gitattributesKeepsLf(
  files: { kind(rel: string): string | undefined; text(rel: string): string | undefined },
  file: string,
): boolean | undefined {
  const parts = file.split('/');
  const dirs = [''];
  for (let i = 1; i < parts.length; i++) dirs.push(parts.slice(0, i).join('/'));
  let any = false;
  let eol: 'lf' | 'crlf' | undefined;
  for (const dir of dirs) {
    const attrFile = dir ? `${dir}/.gitattributes` : '.gitattributes';
    const text = files.kind(attrFile) === 'file' ? files.text(attrFile) : undefined;
    if (text === undefined) continue;
    any = true;
    const rel = dir ? file.slice(dir.length + 1) : file;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const [rawPattern, ...attrs] = line.split(/\s+/);
      if (!rawPattern || rawPattern.startsWith('[attr]')) continue;
      const pattern = rawPattern.replace(/^\//, '');
      const re = new RegExp(
        `^${pattern
          .replace(/[.+^${}()|\\]/g, '\\$&')
          .replace(/\*\*\//g, '\u0001')
          .replace(/\*\*/g, '\u0000')
          .replace(/\*/g, '[^/]*')
          .replaceAll('\u0001', '(?:.*/)?')
          .replaceAll('\u0000', '.*')
          .replace(/\?/g, '[^/]')}$`,
      );
      const target = rawPattern.includes('/') ? rel : posix.basename(rel);
      if (!re.test(target)) continue;
      for (const a of attrs) {
        if (a === 'eol=lf') eol = 'lf';
        else if (a === 'eol=crlf' || a === '-text' || a === 'binary' || a === '!eol') eol = a === 'eol=crlf' ? 'crlf' : undefined;
      }
    }
  }
  return any ? eol === 'lf' : undefined;
}

/** A RUN that strips carriage returns from the script (sed 's/\r$//', dos2unix). */
function stripsCr(ctx: Ctx, imagePath: string): boolean {
  const df = ctx.p.dockerfile;
  if (!df) return false;
  return lineage(df, df.final).some((s) =>
    s.runs.some((r) =>
      r.commands.some((c) => {
        const w = c.words.map((x) => x.text);
        const touches = w.some((x) => x === imagePath || posix.basename(x) === posix.basename(imagePath));
        return (
          touches &&
          (w[0] === 'dos2unix' ||
            (w[0] === 'sed' && w.some((x) => x.includes('\\r') || x.includes('\r'))) ||
            (w[0] === 'tr' && w.includes('-d')))
        );
      }),
    ),
  );
}

const entrypointCrlf: RuleFn = (ctx) => {
  const script = ctx.p.command.script;
  if (!script) return;
  if (stripsCr(ctx, script.imagePath)) return;
  const crlf = script.text.indexOf('\r\n');
  if (crlf !== -1) {
    ctx.report(
      'entrypoint-crlf',
      { file: script.file, line: lineAt(script.text, crlf) },
      `${script.file} has Windows (CRLF) line endings: the shell looks for "${(script.text.split('\n')[0] ?? '').replace(/\r$/, '').replace(/^#!/, '')}\\r" and fails with "no such file or directory"`,
      'Convert the file to LF and add "*.sh text eol=lf" to .gitattributes.',
    );
  } else if (gitattributesKeepsLf(ctx.p.files, script.file) !== true) {
    ctx.report(
      'entrypoint-crlf',
      { file: ctx.p.files.kind('.gitattributes') === 'file' ? '.gitattributes' : script.file, line: 1 },
      `no .gitattributes rule keeps ${script.file} at LF: a Windows checkout with autocrlf turns it into CRLF`,
      'Add "*.sh text eol=lf" to .gitattributes.',
      'warning',
    );
  }
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(script.text);
  const df = ctx.p.dockerfile;
  if (shebang && script.runDirectly && df) {
    const interp = shebang[1]!.endsWith('/env') ? (shebang[2] ?? '') : shebang[1]!.split('/').pop()!;
    const f = imageFacts(df, df.final);
    const pkgs = packagesOf(df, df.final);
    if (interp === 'bash' && (f.os === 'alpine' || f.variant === 'distroless') && !pkgs.has('bash')) {
      ctx.report(
        'entrypoint-crlf',
        { file: script.file, line: 1 },
        `${script.file} starts with #!${shebang[1]}${shebang[2] ? ` ${shebang[2]}` : ''}, but ${f.root.image} has no bash: "no such file or directory"`,
        'Use #!/bin/sh (POSIX), or install bash in the image.',
      );
    }
  }
};

const entrypointNotExecutable: RuleFn = (ctx) => {
  const p = ctx.p;
  const script = p.command.script;
  const entry = p.command.entrypoint;
  if (!script || !script.runDirectly || !entry) return;
  const tracked = gitMode(p.files.gitIndex(), p.files.root, script.file);
  const onDisk = p.files.mode(script.file);
  const executable = tracked !== undefined ? (tracked & 0o111) !== 0 : onDisk !== undefined && (onDisk & 0o111) !== 0;
  if (executable) return;
  const df = p.dockerfile;
  if (df) {
    const copies = lineage(df, df.final).flatMap((s) => s.copies);
    const copy = copies.find(
      (c) => c.dest === script.imagePath || (c.destIsDir && posix.join(c.dest, posix.basename(script.file)) === script.imagePath),
    );
    if (copy?.chmod && /[1357]/.test(copy.chmod.slice(-3))) return;
    // chmod of the script, of a glob matching it, or recursively of a folder above it.
    const chmod = lineage(df, df.final)
      .flatMap((s) => s.runs)
      .some((r) =>
        r.commands.some((c) => {
          if ((c.words[0]?.text ?? '').split('/').pop() !== 'chmod') return false;
          const recursive = c.words.some((w) => /^-[a-zA-Z]*R/.test(w.text) || w.text === '--recursive');
          return c.words.slice(1).some((w) => {
            const target = posix.isAbsolute(w.text) ? w.text : posix.join(r.workdir, w.text);
            if (target === script.imagePath || posix.basename(w.text) === posix.basename(script.imagePath)) return true;
            if (/[*?]/.test(w.text) && posix.dirname(target) === posix.dirname(script.imagePath)) return true;
            return recursive && script.imagePath.startsWith(`${target.replace(/\/$/, '')}/`);
          });
        }),
      );
    if (chmod) return;
  }
  const how =
    tracked !== undefined
      ? `git records ${script.file} as ${tracked.toString(8)}`
      : `${script.file} has mode ${((onDisk ?? 0) & 0o777).toString(8)}`;
  ctx.report(
    'entrypoint-not-executable',
    { file: entry.file, line: entry.line },
    `the entrypoint runs ${script.imagePath} directly, but ${how} and the Dockerfile never makes it executable: "permission denied"`,
    `Use COPY --chmod=0755, git update-index --chmod=+x ${script.file}, or ENTRYPOINT ["/bin/sh", "${script.imagePath}"].`,
  );
};

const entrypointNoExec: RuleFn = (ctx) => {
  const p = ctx.p;
  const script = p.command.script;
  if (!script) return;
  const top = script.commands.filter((c) => c.depth === 0);
  const last = top.at(-1);
  if (last && last.words[0]?.text !== 'exec') {
    const cmdSet = p.command.cmd !== undefined;
    // A script that starts a server (or a process manager) itself still serves; only signals suffer.
    const runsServer =
      p.command.server?.origin === 'script' ||
      script.commands.some((c) => /^(supervisord|s6-svscan|runsvdir|honcho|circusd)$/.test((c.words[0]?.text ?? '').split('/').pop()!));
    const ignored = cmdSet && !script.execsArgs && !runsServer;
    ctx.report(
      'entrypoint-no-exec',
      { file: script.file, line: lineAt(script.text, last.start) },
      ignored
        ? `${script.file} never runs "$@", so the CMD (${p.command.cmd!.file} line ${p.command.cmd!.line}) is ignored; the container exits when the script ends`
        : `${script.file} does not end with exec: the server runs as a child of sh, which does not pass SIGTERM on`,
      'End the script with exec "$@" (and keep the server in CMD).',
      ignored ? 'error' : 'warning',
    );
  }
  const shebangE = /^#!\S+\s+-\w*e/.test(script.text);
  const setE = script.commands.some(
    (c) => c.words[0]?.text === 'set' && c.words.slice(1).some((w) => /^-[a-z]*e[a-z]*$/.test(w.text) || w.text === 'errexit'),
  );
  if (!shebangE && !setE && top.length > 1) {
    ctx.report(
      'entrypoint-no-exec',
      { file: script.file, line: 1 },
      `${script.file} has no set -e: a failed step (migrate) is ignored and the server starts anyway`,
      'Add set -e after the shebang.',
    );
  }
};

const shellFormSignals: RuleFn = (ctx) => {
  const p = ctx.p;
  for (const c of [p.command.entrypoint, p.command.cmd]) {
    if (!c) continue;
    if (c.origin === 'Dockerfile' && c.form === 'shell') {
      ctx.report(
        'shell-form-signals',
        { file: c.file, line: c.line },
        `shell-form ${c === p.command.cmd ? 'CMD' : 'ENTRYPOINT'}: /bin/sh is PID 1 and does not forward SIGTERM, so docker stop waits 10 s, then kills`,
        `Use the exec form: ${JSON.stringify(c.argv.filter((a) => a !== ';'))}.`,
      );
      continue;
    }
    const argv = argvOf(c);
    if (c.origin === 'compose' && /(^|\/)(ba|da)?sh$/.test(argv[0] ?? '') && argv[1] === '-c' && argv[2]) {
      const cmds = splitCommands(argv[2]).filter((x) => x.depth === 0);
      if (cmds.length > 1 && cmds.at(-1)?.words[0]?.text !== 'exec') {
        ctx.report(
          'shell-form-signals',
          { file: c.file, line: c.line },
          'sh -c runs the server as its child: it does not get SIGTERM on docker stop',
          'Start the last command with exec (… && exec gunicorn …).',
        );
      }
    }
  }
};

const pythonUnbuffered: RuleFn = (ctx) => {
  const p = ctx.p;
  const df = p.dockerfile;
  if (!df) return;
  if (p.runtimeEnv.get('PYTHONUNBUFFERED')) return;
  const argv = [...(p.command.entrypoint ? argvOf(p.command.entrypoint) : []), ...(p.command.cmd ? argvOf(p.command.cmd) : [])];
  if (argv.includes('-u')) return;
  ctx.report(
    'python-unbuffered',
    { file: df.path, line: df.final.line },
    'PYTHONUNBUFFERED is not set: Python buffers its output, so logs arrive late or are lost when the container dies',
    'Add ENV PYTHONUNBUFFERED=1 to the final stage.',
  );
};

const gunicornWorkerTimeout: RuleFn = (ctx) => {
  const p = ctx.p;
  const server = p.command.server;
  if (server?.kind !== 'gunicorn') return;
  const mem = p.app?.memLimit;
  if (server.workers && mem) {
    const bytes = parseMemory(mem.value);
    if (bytes && server.workers * 150 * 1024 ** 2 > bytes) {
      ctx.report(
        'gunicorn-worker-timeout',
        server.where,
        `${server.workers} gunicorn workers under a ${mem.value} memory limit (${mem.file} line ${mem.line}): at about 150 MB each they get killed ("WORKER TIMEOUT … signal 9")`,
        'Take the worker count from WEB_CONCURRENCY with a small default, or raise the limit.',
      );
    }
  }
  const extra = p.runtimeEnv.get('GUNICORN_CMD_ARGS') ?? '';
  if (!server.workerTmpDir && !extra.includes('--worker-tmp-dir')) {
    ctx.report(
      'gunicorn-worker-timeout',
      server.where,
      'gunicorn keeps worker heartbeat files in /tmp, which on overlayfs can stall workers into timeouts',
      'Add --worker-tmp-dir /dev/shm.',
      'info',
    );
  }
};

const runserverInProduction: RuleFn = (ctx) => {
  const p = ctx.p;
  const server = p.command.server;
  if (server?.kind !== 'runserver') return;
  if (p.compose && p.compose.overrideFiles.includes(server.where.file)) return;
  ctx.report(
    'runserver-in-production',
    server.where,
    "the image runs manage.py runserver, Django's development server (one process, static files only with DEBUG on, not hardened)",
    'Run gunicorn <package>.wsgi:application --bind 0.0.0.0:<port> (add gunicorn to the requirements); keep runserver in compose.override.yaml for development.',
  );
};

function runsManage(words: string[], sub: string[]): boolean {
  const i = words.findIndex((w) => /(^|\/)manage\.py$/.test(w) || w === 'django-admin');
  return i !== -1 && sub.includes(words[i + 1] ?? '');
}

const buildTimeEnvRequired = async (ctx: Ctx): Promise<void> => {
  const p = ctx.p;
  const df = p.dockerfile;
  if (!df) return;
  const s = p.settings;
  const fromDotenv = settingsDotenv(ctx);
  for (const st of lineage(df, df.final)) {
    for (const run of st.runs) {
      const env = new Map<string, string | undefined>(run.env);
      // Secrets mounted as variables: RUN --mount=type=secret,id=x,env=NAME.
      for (const m of run.mounts) {
        const name = /(?:^|,)env=([A-Za-z_]\w*)/.exec(m)?.[1];
        if (name) env.set(name, undefined);
      }
      if (fromDotenv instanceof Set) for (const n of fromDotenv) if (!env.has(n)) env.set(n, undefined);
      let sourced: string | undefined;
      for (const c of run.commands) {
        for (const a of c.assignments) env.set(a.name, a.value);
        const words = c.words.map((w) => w.text);
        if (words[0] === 'export')
          for (const w of words.slice(1)) if (w.includes('=')) env.set(w.split('=')[0]!, w.slice(w.indexOf('=') + 1));
        if (words[0] === '.' || words[0] === 'source' || (words[0] === 'set' && words.includes('-a'))) sourced ??= words.join(' ');
        if (!runsManage(words, ['collectstatic', 'compress', 'check']) || !s?.file) continue;
        // `collectstatic || true`: a failure does not stop the build.
        if (c.terminator === '||') continue;
        const settingsFlag = words.find((w) => w.startsWith('--settings'));
        const otherSettings =
          settingsFlag ??
          (env.has('DJANGO_SETTINGS_MODULE') && env.get('DJANGO_SETTINGS_MODULE') !== s.module
            ? `DJANGO_SETTINGS_MODULE=${env.get('DJANGO_SETTINGS_MODULE')}`
            : undefined);
        // The settings as this RUN imports them: its own environment, not the container's.
        const atBuild = await s.evaluate(env);
        const missing = new Map<string, { file: string; line: number; error?: string }>();
        for (const r of atBuild.envReads)
          if (r.kind === 'required' && r.present === false && !missing.has(r.name))
            missing.set(r.name, { file: r.file, line: r.line, ...(r.error ? { error: r.error } : {}) });
        const errors = [...new Set([...missing.values()].map((m) => m.error ?? 'ImproperlyConfigured'))];
        if (missing.size === 0) continue;
        const doubt = otherSettings
          ? `, if ${otherSettings} reads them too (the doctor read ${s.module})`
          : sourced
            ? `, unless ${sourced} sets them`
            : fromDotenv === 'unknown'
              ? `, unless the .env the settings load (${s.facts.dotenv!.how}) is there at build time`
              : '';
        const sub = words[words.findIndex((w) => /manage\.py$/.test(w)) + 1];
        ctx.report(
          'build-time-env-required',
          { file: df.path, line: run.line },
          `manage.py ${sub} imports the settings at build time, and they need ${[...missing].map(([n, w]) => `${n} (${w.file} line ${w.line})`).join(', ')}, which the build does not set: the import fails with ${errors.join(' / ')}${doubt}`,
          `Give this RUN a throwaway value: RUN ${[...missing.keys()].map((n) => `${n}=build-only`).join(' ')} python manage.py ${sub} --noinput.`,
          doubt ? 'warning' : 'error',
        );
      }
    }
  }
  const SECRET = /(SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY|ACCESS_KEY)/i;
  for (const st of df.stages) {
    for (const instr of st.instructions) {
      if (instr.keyword !== 'ENV' && instr.keyword !== 'ARG') continue;
      for (const [name, v] of st.env) {
        if (v.line !== instr.line || !SECRET.test(name) || name.endsWith('_FILE') || v.value === '') continue;
        ctx.report(
          'build-time-env-required',
          { file: df.path, line: instr.line },
          `${instr.keyword} ${name} puts a secret into the image (docker history shows it)`,
          'Pass secrets at run time (compose environment / env_file); for a build step, set a throwaway value inline in that RUN.',
          'warning',
        );
      }
      if (instr.keyword === 'ARG') {
        const name = instr.args.split('=')[0]!.trim();
        if (SECRET.test(name) && !name.endsWith('_FILE'))
          ctx.report(
            'build-time-env-required',
            { file: df.path, line: instr.line },
            `ARG ${name} passes a secret through the build (docker history shows it)`,
            'Use a build secret (RUN --mount=type=secret) or a run-time variable.',
            'warning',
          );
      }
    }
  }
};

const migrateAtBuild: RuleFn = (ctx) => {
  const df = ctx.p.dockerfile;
  if (!df) return;
  for (const s of df.stages)
    for (const run of s.runs)
      for (const c of run.commands) {
        const words = c.words.map((w) => w.text);
        if (runsManage(words, ['migrate', 'makemigrations'])) {
          // A network database is not reachable from a build; SQLite migrates fine (into the image).
          // Only an engine written in the settings (not read from the environment) is the one the build uses.
          const literal = strOf(dictGet(dictGet(setting(ctx.p, 'DATABASES', 'symbolic')?.value, 'default'), 'ENGINE'));
          const engine = literal ?? engineOf(ctx.p);
          const network = literal !== undefined && engineUsesNetwork(literal) && c.terminator !== '||';
          const sub = words[words.findIndex((w) => /manage\.py$|django-admin/.test(w)) + 1];
          ctx.report(
            'migrate-at-build',
            { file: df.path, line: run.line },
            network
              ? `manage.py ${sub} at build time: the ${engine} database is not reachable from a build ("could not translate host name")`
              : `manage.py ${sub} at build time: ${engine ? 'a migrated SQLite file is baked into the image and replaced by every rebuild' : 'the database is not reachable from a build, and a migrated SQLite file would be baked into the image'}`,
            'Run migrations when the container starts (entrypoint script, or a one-shot compose service).',
            network && sub === 'migrate' ? 'error' : 'warning',
          );
        }
      }
};

/** Parse `512m`, `1g`, `1GiB`, bytes → bytes. */
function parseMemory(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(s.trim());
  if (!m) return undefined;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Number(m[1]) * mult;
}

export const PROCESS_RULES: Record<string, RuleFn | ((ctx: Ctx) => Promise<void>)> = {
  'entrypoint-crlf': entrypointCrlf,
  'entrypoint-not-executable': entrypointNotExecutable,
  'entrypoint-no-exec': entrypointNoExec,
  'shell-form-signals': shellFormSignals,
  'python-unbuffered': pythonUnbuffered,
  'gunicorn-worker-timeout': gunicornWorkerTimeout,
  'runserver-in-production': runserverInProduction,
  'build-time-env-required': buildTimeEnvRequired,
  'migrate-at-build': migrateAtBuild,
};

/**
 * What runs next to the app, shared by the rules: the proxies in front of it and where
 * collectstatic runs.
 */
import type { ComposeService } from '../parse/compose-model.ts';
import { lineage } from '../parse/dockerfile-model.ts';
import { splitCommands } from '../parse/shell-words.ts';
import { argvOf } from '../project.ts';
import type { Ctx } from './rule.ts';

const PROXY_IMAGES = /(^|\/)(nginx|caddy|traefik|haproxy|httpd|envoy)(:|$)/;

export function proxyServices(ctx: Ctx): ComposeService[] {
  return [...(ctx.p.compose?.services.values() ?? [])].filter((s) => s.image && PROXY_IMAGES.test(s.image.value));
}

/** Where collectstatic runs: build RUN lines, the entrypoint script, compose commands. */
export function collectstaticRuns(ctx: Ctx): {
  build: Array<{ file: string; line: number }>;
  runtime: Array<{ file: string; line: number }>;
} {
  const out = { build: [] as Array<{ file: string; line: number }>, runtime: [] as Array<{ file: string; line: number }> };
  const df = ctx.p.dockerfile;
  const isCollect = (w: string[]): boolean => w.some((x) => x === 'collectstatic');
  if (df)
    for (const s of lineage(df, df.final))
      for (const r of s.runs)
        if (r.commands.some((c) => isCollect(c.words.map((x) => x.text)))) out.build.push({ file: df.path, line: r.line });
  const script = ctx.p.command.script;
  if (script)
    for (const c of script.commands)
      if (isCollect(c.words.map((x) => x.text)))
        out.runtime.push({ file: script.file, line: 1 + script.text.slice(0, c.start).split('\n').length - 1 });
  for (const c of [ctx.p.command.cmd, ctx.p.command.entrypoint]) {
    if (!c || c.origin !== 'compose') continue;
    const argv = argvOf(c);
    const cmds = argv[1] === '-c' && argv[2] ? splitCommands(argv[2]).map((x) => x.words.map((w) => w.text)) : [argv];
    if (cmds.some(isCollect)) out.runtime.push({ file: c.file, line: c.line });
  }
  return out;
}

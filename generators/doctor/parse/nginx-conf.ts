/**
 * nginx configuration read as directives (`name args…;` and `name args… { … }`), with quotes,
 * comments and line numbers, so proxy rules can look at `listen`, `proxy_pass`,
 * `proxy_set_header` and `server_name` without pattern-matching text.
 */

export interface NginxDirective {
  name: string;
  args: string[];
  line: number;
  /** Enclosing block names, outermost first (e.g. ['http', 'server', 'location']). */
  context: string[];
  /** Index of the enclosing `server` block, if any. */
  server?: number;
}

export function parseNginx(text: string): NginxDirective[] {
  const out: NginxDirective[] = [];
  const stack: Array<{ name: string; server?: number }> = [];
  let words: Array<{ text: string; line: number }> = [];
  let servers = 0;
  let i = 0;
  let line = 1;
  const currentServer = (): number | undefined => [...stack].reverse().find((s) => s.server !== undefined)?.server;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === ';' || c === '{') {
      if (words.length > 0) {
        const d: NginxDirective = {
          name: words[0]!.text,
          args: words.slice(1).map((w) => w.text),
          line: words[0]!.line,
          context: stack.map((s) => s.name),
        };
        const srv = currentServer();
        if (srv !== undefined) d.server = srv;
        out.push(d);
        if (c === '{') stack.push(d.name === 'server' ? { name: d.name, server: servers++ } : { name: d.name });
      } else if (c === '{') stack.push({ name: '' });
      words = [];
      i++;
      continue;
    }
    if (c === '}') {
      stack.pop();
      words = [];
      i++;
      continue;
    }
    const start = line;
    let word = '';
    if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') i++;
        if (text[i] === '\n') line++;
        word += text[i] ?? '';
        i++;
      }
      i++;
    } else {
      while (i < text.length && !' \t\r\n;{}#'.includes(text[i]!)) word += text[i++];
    }
    words.push({ text: word, line: start });
  }
  return out;
}

/**
 * `.env` / `env_file` files as Docker Compose reads them: `KEY=value` lines, optional
 * `export `, single quotes (literal), double quotes (escapes, interpolation), unquoted values
 * (an inline comment needs a blank before `#`, interpolation applies).
 */

export interface DotEnvEntry {
  name: string;
  value: string;
  line: number;
  quote: "'" | '"' | '';
  /** The value as written, quotes included. */
  raw: string;
}

export interface DotEnvFile {
  entries: DotEnvEntry[];
  errors: Array<{ line: number; message: string }>;
}

export function parseDotEnv(text: string): DotEnvFile {
  const entries: DotEnvEntry[] = [];
  const errors: DotEnvFile['errors'] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    line = line.replace(/^\s*export\s+/, '');
    const eq = line.indexOf('=');
    const name = (eq === -1 ? line : line.slice(0, eq)).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
      errors.push({ line: lineNo, message: `"${trimmed.slice(0, 40)}" is not a KEY=value line` });
      continue;
    }
    if (eq === -1) {
      entries.push({ name, value: '', line: lineNo, quote: '', raw: '' });
      continue;
    }
    let rest = line.slice(eq + 1).replace(/^[ \t]+/, '');
    const q = rest[0];
    if (q === "'" || q === '"') {
      // Quoted values may span lines.
      let body = rest.slice(1);
      let end = findClosing(body, q);
      let j = i;
      while (end === -1 && j + 1 < lines.length) {
        j++;
        body += `\n${lines[j]!.replace(/\r$/, '')}`;
        end = findClosing(body, q);
      }
      if (end === -1) {
        errors.push({ line: lineNo, message: `${name}: the ${q === '"' ? 'double' : 'single'} quote is never closed` });
        i = j;
        continue;
      }
      const inner = body.slice(0, end);
      const value = q === '"' ? inner.replace(/\\([\\"nrt$])/g, (_m, ch: string) => ({ n: '\n', r: '\r', t: '\t' })[ch] ?? ch) : inner;
      entries.push({ name, value, line: lineNo, quote: q, raw: `${q}${inner}${q}` });
      i = j;
      continue;
    }
    const hash = rest.search(/\s#/);
    if (hash !== -1) rest = rest.slice(0, hash);
    rest = rest.trim();
    entries.push({ name, value: rest, line: lineNo, quote: '', raw: rest });
  }
  return { entries, errors };
}

function findClosing(body: string, q: string): number {
  for (let k = 0; k < body.length; k++) {
    if (q === '"' && body[k] === '\\') {
      k++;
      continue;
    }
    if (body[k] === q) return k;
  }
  return -1;
}

export type Interpolated =
  | {
      ok: true;
      value: string;
      /** Variables that were unset and replaced by '' */ blank: string[];
      /** `${X:?…}` unset: compose stops */ required: string[];
      /** value depends on an unset variable whose value is unknown */ unknown: boolean;
    }
  | { ok: false; error: string };

/**
 * Compose's interpolation of one string (`$$`, `$NAME`, `${NAME}`, `${NAME:-d}`, `${NAME-d}`,
 * `${NAME:?err}`, `${NAME?err}`, `${NAME:+alt}`, `${NAME+alt}`), from the variables given.
 * `unknownVars` are variables that may be set in the shell but whose value we cannot know.
 */
export function interpolate(text: string, vars: ReadonlyMap<string, string>): Interpolated {
  let out = '';
  const blank: string[] = [];
  const required: string[] = [];
  let unknown = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      // Nested ${…} in defaults: find the matching brace.
      let depth = 0;
      let end = -1;
      for (let k = i + 1; k < text.length; k++) {
        if (text[k] === '{') depth++;
        else if (text[k] === '}') {
          depth--;
          if (depth === 0) {
            end = k;
            break;
          }
        }
      }
      if (end === -1) return { ok: false, error: `"${text.slice(i, i + 20)}" has no closing brace` };
      const body = text.slice(i + 2, end);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
      if (!m) return { ok: false, error: `"\${${body}}" is not a valid variable reference` };
      const [, name, op, arg] = m as unknown as [string, string, string | undefined, string | undefined];
      const value = vars.get(name);
      const unset = value === undefined || (op?.startsWith(':') === true && value === '');
      if (op === '-' || op === ':-') {
        if (unset) {
          const inner = interpolate(arg ?? '', vars);
          if (!inner.ok) return inner;
          out += inner.value;
          blank.push(...inner.blank);
          required.push(...inner.required);
          unknown ||= inner.unknown;
        } else out += value;
      } else if (op === '?' || op === ':?') {
        if (unset) {
          required.push(name);
          unknown = true;
        } else out += value;
      } else if (op === '+' || op === ':+') {
        if (!unset) out += arg ?? '';
      } else if (value === undefined) {
        blank.push(name);
      } else out += value;
      i = end + 1;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (!m) {
      out += '$';
      i++;
      continue;
    }
    const value = vars.get(m[0]);
    if (value === undefined) blank.push(m[0]);
    else out += value;
    i += 1 + m[0].length;
  }
  return { ok: true, value: out, blank, required, unknown };
}

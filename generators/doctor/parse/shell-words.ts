/**
 * A small POSIX shell lexer: enough to read the commands in a Dockerfile RUN/CMD, a compose
 * `command:` string or an entrypoint script. It splits words the way sh does (quotes,
 * backslashes, `$(...)`, comments, line continuations, here-documents) and separates commands
 * at `;`, `&&`, `||`, `|`, `&` and newlines. It does not run or expand anything by itself.
 */

export interface Word {
  /** The word with quotes removed (`"a b"` → `a b`); `$VAR` references are kept as written. */
  text: string;
  /** Offset of the word's first character in the source. */
  start: number;
  end: number;
  /** Some part of the word was quoted. */
  quoted: boolean;
}

export type Token = ({ kind: 'word' } & Word) | { kind: 'op'; text: string; start: number; end: number };

const OPERATORS = ['&&', '||', ';;', '>>', '<<', '>&', '<&', ';', '&', '|', '(', ')', '>', '<', '\n'];

/** Split shell source into words and operators. Never throws: unterminated quotes end at the end of input. */
export function lexShell(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const pendingHeredocs: Array<{ delimiter: string; stripTabs: boolean }> = [];
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\n' && pendingHeredocs.length > 0) {
      tokens.push({ kind: 'op', text: '\n', start: i, end: i + 1 });
      i++;
      // Skip here-document bodies: lines up to each delimiter.
      for (const doc of pendingHeredocs.splice(0)) {
        while (i < src.length) {
          const eol = src.indexOf('\n', i);
          const lineEnd = eol === -1 ? src.length : eol;
          let line = src.slice(i, lineEnd).replace(/\r$/, '');
          if (doc.stripTabs) line = line.replace(/^\t+/, '');
          i = eol === -1 ? src.length : eol + 1;
          if (line === doc.delimiter) break;
        }
      }
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      // `2>&1`, `>/dev/null`: redirections are operators followed by a word.
      if (op === '<<') {
        const stripTabs = src[i + 2] === '-';
        tokens.push({ kind: 'op', text: '<<', start: i, end: i + (stripTabs ? 3 : 2) });
        i += stripTabs ? 3 : 2;
        const word = readWord(src, skipBlanks(src, i));
        if (word) {
          tokens.push({ kind: 'word', ...word });
          pendingHeredocs.push({ delimiter: word.text, stripTabs });
          i = word.end;
        }
        continue;
      }
      tokens.push({ kind: 'op', text: op, start: i, end: i + op.length });
      i += op.length;
      continue;
    }
    const word = readWord(src, i);
    if (!word) {
      i++;
      continue;
    }
    // A leading file-descriptor number glued to a redirection (`2>`) belongs to the operator.
    if (/^\d+$/.test(word.text) && (src[word.end] === '>' || src[word.end] === '<')) {
      i = word.end;
      continue;
    }
    tokens.push({ kind: 'word', ...word });
    i = word.end;
  }
  return tokens;
}

function skipBlanks(src: string, i: number): number {
  while (src[i] === ' ' || src[i] === '\t') i++;
  return i;
}

function readWord(src: string, start: number): Word | undefined {
  let i = start;
  let text = '';
  let quoted = false;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      if (src[i + 1] === '\n') {
        i += 2;
        continue;
      }
      text += src[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (c === "'") {
      quoted = true;
      const end = src.indexOf("'", i + 1);
      text += src.slice(i + 1, end === -1 ? src.length : end);
      i = end === -1 ? src.length : end + 1;
      continue;
    }
    if (c === '"') {
      quoted = true;
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && i + 1 < src.length && '$`"\\\n'.includes(src[i + 1]!)) {
          if (src[i + 1] !== '\n') text += src[i + 1];
          i += 2;
          continue;
        }
        if (src[i] === '$' && src[i + 1] === '(') {
          const end = matchParen(src, i + 1);
          text += src.slice(i, end);
          i = end;
          continue;
        }
        text += src[i];
        i++;
      }
      i++;
      continue;
    }
    if (c === '$' && (src[i + 1] === '(' || src[i + 1] === '{')) {
      const end = src[i + 1] === '(' ? matchParen(src, i + 1) : matchBrace(src, i + 1);
      text += src.slice(i, end);
      i = end;
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      text += src.slice(i, end === -1 ? src.length : end + 1);
      i = end === -1 ? src.length : end + 1;
      continue;
    }
    if (' \t\r\n;&|()<>'.includes(c)) break;
    text += c;
    i++;
  }
  if (i === start) return undefined;
  return { text, start, end: i, quoted };
}

function matchParen(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === '(') depth++;
    else if (src[i] === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return src.length;
}

function matchBrace(src: string, open: number): number {
  const end = src.indexOf('}', open);
  return end === -1 ? src.length : end + 1;
}

export interface SimpleCommand {
  /** Words of the command, variable assignments before it and redirections removed. */
  words: Word[];
  /** `NAME=value` words in front of the command. */
  assignments: Array<{ name: string; value: string }>;
  /** Offset of the first token. */
  start: number;
  /** The operator that ends it: `&&`, `||`, `;`, `|`, `&`, newline or '' at the end. */
  terminator: string;
  /** Nesting depth of if/while/for/case/{ … } around it (0 = top level of the script). */
  depth: number;
  /** Inside the body of a while/until/for loop, or its condition. */
  inLoop: boolean;
  /** Files the command writes through `>` or `>>`. */
  writes: string[];
}

const OPENERS = new Set(['if', 'while', 'until', 'for', 'case', '{', 'select']);
const CLOSERS = new Set(['fi', 'done', 'esac', '}']);
const LEADING_KEYWORDS = new Set(['then', 'do', 'else', 'elif', '!', 'time']);

/** Group tokens into simple commands, with the control-structure depth each one sits at. */
export function splitCommands(src: string): SimpleCommand[] {
  const tokens = lexShell(src);
  const out: SimpleCommand[] = [];
  let depth = 0;
  const openers: string[] = [];
  let current: Word[] = [];
  let start = -1;
  let redirectNext = false;
  let redirectWrites = false;
  let writes: string[] = [];
  let parenDepth = 0;
  const flush = (terminator: string): void => {
    let words = current;
    const written = writes;
    current = [];
    writes = [];
    if (words.length === 0) return;
    const first = start;
    start = -1;
    // Keywords that open or close structures change the depth around the command.
    while (words.length > 0 && (LEADING_KEYWORDS.has(words[0]!.text) || CLOSERS.has(words[0]!.text)) && !words[0]!.quoted) {
      if (CLOSERS.has(words[0]!.text)) {
        depth = Math.max(0, depth - 1);
        openers.pop();
      }
      words = words.slice(1);
    }
    if (words.length === 0) return;
    const head = words[0]!.text;
    const opens = OPENERS.has(head) && !words[0]!.quoted;
    const assignments: SimpleCommand['assignments'] = [];
    while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!.text) && !opens) {
      const w = words.shift()!;
      const eq = w.text.indexOf('=');
      assignments.push({ name: w.text.slice(0, eq), value: w.text.slice(eq + 1) });
    }
    const LOOPS = ['while', 'until', 'for'];
    const inLoop = (opens && LOOPS.includes(head)) || openers.some((o) => LOOPS.includes(o));
    out.push({ words, assignments, start: first, terminator, depth: depth + parenDepth, writes: written, inLoop });
    if (opens) {
      depth++;
      openers.push(head);
      // `for x in a b; do …; done` on one line: the closer is found as its own command later.
      const closer = words.findIndex((w, i) => i > 0 && CLOSERS.has(w.text) && !w.quoted);
      if (closer > 0) {
        depth--;
        openers.pop();
      }
    }
  };
  for (const t of tokens) {
    if (t.kind === 'word') {
      if (redirectNext) {
        redirectNext = false;
        if (redirectWrites && !t.text.startsWith('&') && t.text !== '/dev/null') writes.push(t.text);
        continue;
      }
      if (start === -1) start = t.start;
      current.push(t);
      continue;
    }
    if (['>', '>>', '<', '>&', '<&'].includes(t.text)) {
      redirectNext = true;
      redirectWrites = t.text === '>' || t.text === '>>';
      continue;
    }
    if (t.text === '<<') {
      redirectNext = true;
      redirectWrites = false;
      continue;
    }
    if (t.text === '(') {
      flush('(');
      parenDepth++;
      continue;
    }
    if (t.text === ')') {
      flush(')');
      parenDepth = Math.max(0, parenDepth - 1);
      continue;
    }
    flush(t.text);
  }
  flush('');
  return out;
}

/** 1-based line of an offset. */
export function lineAt(src: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < src.length; i++) if (src[i] === '\n') line++;
  return line;
}

/**
 * Expand `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}` in one word from a map.
 * Returns undefined when a variable is neither in the map nor has a default.
 */
export function expandVariables(text: string, vars: ReadonlyMap<string, string>): string | undefined {
  let out = '';
  let unknown = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    if (text[i + 1] === '{') {
      const end = text.indexOf('}', i);
      if (end === -1) return undefined;
      const body = text.slice(i + 2, end);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=?+])(.*))?$/s.exec(body);
      if (!m) return undefined;
      const [, name, op, arg] = m as unknown as [string, string, string | undefined, string | undefined];
      const value = vars.get(name);
      const empty = value === undefined || (op?.startsWith(':') && value === '');
      if (op === '-' || op === ':-' || op === '=' || op === ':=') out += empty ? (arg ?? '') : value;
      else if (op === '+' || op === ':+') out += empty ? '' : (arg ?? '');
      else if (value !== undefined) out += value;
      else unknown = true;
      i = end + 1;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (!m) {
      out += c;
      i++;
      continue;
    }
    const value = vars.get(m[0]);
    if (value === undefined) unknown = true;
    else out += value;
    i += 1 + m[0].length;
  }
  return unknown ? undefined : out;
}

/** Variables a script expands and does not assign itself: what it reads from its environment. */
export function scriptReads(text: string): Set<string> {
  const names = new Set<string>();
  const own = new Set<string>();
  const recorder = { get: (name: string) => (names.add(name), undefined) } as unknown as ReadonlyMap<string, string>;
  for (const command of splitCommands(text)) {
    for (const a of command.assignments) own.add(a.name);
    for (const w of [...command.words.map((x) => x.text), ...command.assignments.map((a) => a.value)]) expandVariables(w, recorder);
  }
  return new Set([...names].filter((n) => !own.has(n) && !/^[0-9@*#?$!-]$/.test(n)));
}

/**
 * `.dockerignore` with Docker's own rules: patterns are relative to the context root (no
 * implicit `**\/` as in .gitignore), `*` and `?` stop at `/`, `**` spans folders, a pattern that
 * matches a folder excludes everything in it, `!` re-includes, and the last matching line wins.
 * Written here rather than taken from @balena/dockerignore: that port follows Moby 19.03, which
 * passes `+ ( ) | { }` into the regular expression (`*.c++` throws, `a|b` matches `abs`), and it
 * cannot say which line decided a path, which the doctor's findings name.
 */

export interface IgnorePattern {
  pattern: string;
  negated: boolean;
  line: number;
  regex: RegExp;
}

export interface DockerIgnore {
  patterns: IgnorePattern[];
  /** Is this context path (posix, relative) left out of the build context? */
  ignores(path: string): boolean;
  /** The last pattern deciding a path, if any. */
  decidingPattern(path: string): IgnorePattern | undefined;
}

function compile(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('^') || body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      i++;
      re += pattern[i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Clean a path as Go's filepath.Clean does, for relative posix paths. */
export function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts.at(-1) !== '..') parts.pop();
      else parts.push('..');
    } else parts.push(part);
  }
  return parts.join('/') || '.';
}

export function parseDockerIgnore(text: string): DockerIgnore {
  const patterns: IgnorePattern[] = [];
  text.split('\n').forEach((raw, index) => {
    let line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    let negated = false;
    if (line.startsWith('!')) {
      negated = true;
      line = line.slice(1).trim();
    }
    const cleaned = cleanPath(line.replace(/^\/+/, ''));
    if (cleaned === '.') return;
    patterns.push({ pattern: cleaned, negated, line: index + 1, regex: compile(cleaned) });
  });
  const decidingPattern = (path: string): IgnorePattern | undefined => {
    const clean = cleanPath(path);
    const parents: string[] = [];
    const parts = clean.split('/');
    for (let i = 1; i < parts.length; i++) parents.push(parts.slice(0, i).join('/'));
    let decided: IgnorePattern | undefined;
    for (const p of patterns) {
      if (p.regex.test(clean) || parents.some((parent) => p.regex.test(parent))) decided = p;
    }
    return decided;
  };
  return {
    patterns,
    decidingPattern,
    ignores: (path) => {
      const p = decidingPattern(path);
      return p !== undefined && !p.negated;
    },
  };
}

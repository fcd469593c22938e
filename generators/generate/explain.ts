/**
 * The comments in generated files are the explanations: the docs renderer reads them back
 * (each comment block explains the line after it), and --no-comments strips them. One source
 * of truth: the templates.
 */

/** Files whose full-line comments start with `#` (every generated file but the Markdown). */
export function hasHashComments(path: string): boolean {
  return !path.endsWith('.md');
}

const isComment = (line: string): boolean => line.trimStart().startsWith('#') && !line.startsWith('#!');

export interface Explanation {
  /** The line the comment block explains (first line after it), trimmed. */
  subject: string;
  text: string;
  /** 1-based line of the subject in the file. */
  line: number;
}

/** Comment blocks and the line each explains. A block followed by a blank line explains the file or section. */
export function explain(path: string, text: string): Explanation[] {
  if (!hasHashComments(path)) return [];
  const lines = text.split('\n');
  const out: Explanation[] = [];
  let block: string[] = [];
  lines.forEach((line, i) => {
    if (isComment(line)) {
      block.push(line.trim().replace(/^#\s?/, ''));
      return;
    }
    if (block.length > 0) {
      out.push({ subject: line.trim(), text: block.join(' '), line: i + 1 });
      block = [];
    }
  });
  return out;
}

/** Remove full-line comments (not the shebang, not inline ones) and the blank runs they leave. */
export function stripComments(path: string, text: string): string {
  if (!hasHashComments(path)) return text;
  const kept = text.split('\n').filter((line) => !isComment(line));
  const out: string[] = [];
  for (const line of kept) {
    if (line.trim() === '' && (out.length === 0 || out.at(-1)!.trim() === '')) continue;
    out.push(line);
  }
  while (out.length > 1 && out.at(-1) === '' && out.at(-2) === '') out.pop();
  return out.join('\n');
}

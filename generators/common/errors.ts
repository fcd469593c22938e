/**
 * An error the user can fix: printed as one line, exit status 1, nothing written.
 * Anything else that escapes is a bug in the generator.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A source file that could not be parsed; carries the line so the message can point at it. */
export class SourceParseError extends UsageError {
  constructor(
    readonly file: string,
    readonly line: number,
    what: string,
  ) {
    super(`cannot parse ${file} line ${line}: ${what}; fix the file, then run again`);
  }
}

/** An unexpected error as one line: its message and where it was thrown, never a multi-line stack. */
export function oneLine(err: unknown): string {
  const e = err as Error;
  const message = String(e?.message ?? err)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
  const at = /\n\s+at (.+)/.exec(String(e?.stack ?? ''))?.[1];
  return at ? `${message} (at ${at})` : message;
}

/**
 * Text from a project (file names, values, lines) made safe for a terminal: control characters
 * (escape sequences, carriage returns, line breaks) and bidirectional overrides are shown as
 * `\x1b`-style escapes, so a file cannot rewrite the screen or split one line into two.
 */
export function visible(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => {
      const code = c.charCodeAt(0);
      return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    },
  );
}

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

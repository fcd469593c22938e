/**
 * Bounded reads of input files: only regular files (a FIFO, `/dev/zero`, a folder or a socket is
 * refused, never waited on), at most a few megabytes, and text only when it is valid UTF-8 (a
 * file decoded with replacement characters would be written back changed). Every refusal is a
 * one-line UsageError naming the file.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { TextDecoder } from 'node:util';
import { UsageError } from './errors.ts';

/** An input the readers refuse outright (too large, not a regular file, not text): no reader may skip it quietly. */
export class InputRefused extends UsageError {}

/** Largest input file read: far above any real settings module, requirements file or compose file. */
export const MAX_INPUT_BYTES = 2 * 1024 * 1024;

export interface ReadOptions {
  /** Refuse files larger than this many bytes (default MAX_INPUT_BYTES). */
  maxBytes?: number;
  /** Refuse a symbolic link instead of following it (for files the run also writes). */
  noFollow?: boolean;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`;
}

function whatItIs(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function checkRegular(st: Stats, shown: string, maxBytes: number): void {
  if (!st.isFile()) throw new InputRefused(`${shown} is ${whatItIs(st)}, not a file: replace it with a regular file, or move it away`);
  if (st.size > maxBytes) {
    throw new InputRefused(`${shown} is ${sizeText(st.size)}, more than the ${sizeText(maxBytes)} read from one file: give a smaller file`);
  }
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'a symbolic link loop';
  if (code === 'ENOTDIR') return 'a part of its path is not a folder';
  if (code === 'EIO') return 'an input/output error';
  return (err as Error).message.split('\n')[0]!;
}

/** The file's bytes, or undefined when nothing is there. Refuses what is not a readable regular file. */
export function readBytesIfExists(abs: string, shown: string, options: ReadOptions = {}): Buffer | undefined {
  const maxBytes = options.maxBytes ?? MAX_INPUT_BYTES;
  let st: Stats | undefined;
  try {
    st = lstatSync(abs, { throwIfNoEntry: false });
    if (st?.isSymbolicLink()) {
      if (options.noFollow) {
        throw new InputRefused(`${shown} is a symbolic link: the generator never writes through links; replace it with the file itself`);
      }
      st = statSync(abs, { throwIfNoEntry: false });
      // A link to nothing reads as no file, as the link's target does not exist either.
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new InputRefused(`cannot read ${shown}: ${reason(err)}`);
  }
  if (!st) return undefined;
  checkRegular(st, shown, maxBytes);
  let fd: number;
  try {
    // O_NONBLOCK: a file swapped for a FIFO after the check must not block the open.
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (err) {
    throw new InputRefused(`cannot read ${shown}: ${reason(err)}; fix its permissions, then run again`);
  }
  try {
    checkRegular(fstatSync(fd), shown, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw new InputRefused(`${shown} grew past ${sizeText(maxBytes)} while being read: give a smaller file`);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new InputRefused(`cannot read ${shown}: ${reason(err)}`);
  } finally {
    closeSync(fd);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes as UTF-8 text; invalid UTF-8 is refused with the offset of the first bad byte. */
export function decodeUtf8(bytes: Buffer, shown: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    // The valid prefix re-encodes to the same bytes: the first difference is the first bad byte.
    const again = Buffer.from(bytes.toString('utf8'), 'utf8');
    let offset = 0;
    while (offset < bytes.length && again[offset] === bytes[offset]) offset++;
    const line = bytes.subarray(0, offset).toString('latin1').split('\n').length;
    throw new InputRefused(`${shown} line ${line} is not valid UTF-8: save the file as UTF-8, then run again`);
  }
}

/**
 * Python source as Python reads it (PEP 263): UTF-8 unless a coding declaration in the first two
 * lines names another encoding. Bytes that encoding cannot decode are refused: Python would not
 * import the file either.
 */
export function decodePythonSource(bytes: Buffer, shown: string): string {
  const head = bytes.subarray(0, 400).toString('latin1').split('\n').slice(0, 2);
  const cookie = head.map((l) => /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/.exec(l)?.[1]).find((c) => c !== undefined);
  if (!cookie || /^utf[-_]?8(-sig)?$/i.test(cookie)) return decodeUtf8(bytes, shown);
  let decoder: TextDecoder;
  try {
    const label = cookie.toLowerCase().replace(/_/g, '-');
    decoder = new TextDecoder(({ 'latin-1': 'latin1', cp1252: 'windows-1252' } as Record<string, string>)[label] ?? label, { fatal: true });
  } catch {
    throw new InputRefused(`${shown} declares the encoding ${cookie}, which the generator cannot read: save the file as UTF-8`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new InputRefused(`${shown} is not valid ${cookie}, as its coding line says: Python cannot import it; fix the file`);
  }
}

/** A text file, or undefined when nothing is there. */
export function readTextIfExists(abs: string, shown: string, options: ReadOptions = {}): string | undefined {
  const bytes = readBytesIfExists(abs, shown, options);
  return bytes === undefined ? undefined : decodeUtf8(bytes, shown);
}

/** A text file that must exist. */
export function readText(abs: string, shown: string, options: ReadOptions = {}): string {
  const text = readTextIfExists(abs, shown, options);
  if (text === undefined) throw new InputRefused(`${shown} does not exist: give a file that does`);
  return text;
}

/** A JSON file that must exist; its parse error becomes one line. */
export function readJson(abs: string, shown: string, options: ReadOptions = {}): unknown {
  const text = readText(abs, shown, options);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputRefused(`${shown} is not valid JSON (${(err as Error).message.split('\n')[0]}): fix it`);
  }
}

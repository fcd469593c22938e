/**
 * Accounts the python:*-slim images already have (Debian's base-passwd, the same in trixie and
 * bookworm): the Dockerfile's `groupadd`/`useradd` fail on a name or id that exists, so the app
 * user must not take one. Read from /etc/passwd and /etc/group of python:3.13-slim-trixie and
 * python:3.11-slim-bookworm.
 */
export const BASE_IMAGE_USERS = [
  'root',
  'daemon',
  'bin',
  'sys',
  'sync',
  'games',
  'man',
  'lp',
  'mail',
  'news',
  'uucp',
  'proxy',
  'www-data',
  'backup',
  'list',
  'irc',
  '_apt',
  'nobody',
] as const;

export const BASE_IMAGE_GROUPS = [
  'root',
  'daemon',
  'bin',
  'sys',
  'adm',
  'tty',
  'disk',
  'lp',
  'mail',
  'news',
  'uucp',
  'man',
  'proxy',
  'kmem',
  'dialout',
  'fax',
  'voice',
  'cdrom',
  'floppy',
  'tape',
  'sudo',
  'audio',
  'dip',
  'www-data',
  'backup',
  'operator',
  'list',
  'irc',
  'src',
  'shadow',
  'utmp',
  'video',
  'sasl',
  'plugdev',
  'staff',
  'games',
  'users',
  'nogroup',
] as const;

/** Names the app user cannot take: every user and group of the base image. */
export const TAKEN_NAMES: ReadonlySet<string> = new Set<string>([...BASE_IMAGE_USERS, ...BASE_IMAGE_GROUPS]);

/** Ids at or above 1000 the base image already uses: nobody and nogroup. */
export const TAKEN_IDS: ReadonlyMap<number, string> = new Map([[65534, 'nobody and nogroup']]);

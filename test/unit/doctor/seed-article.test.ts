/**
 * The three faulty setups of the seed article, rebuilt as our own fixtures
 * (test/doctor-fixtures/_seed): the doctor reports each fault with its file and line, and stays
 * quiet about the one "fault" the article gets wrong (docker run -p 8080:8000 is fine).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProject } from '../../../generators/doctor/doctor.ts';
import { fixturesDir } from '../../support/doctor-fixtures.ts';

const seed = (name: string): string => join(fixturesDir, '_seed', name);
const keys = (findings: Array<{ rule: string; file: string; line: number }>): string[] =>
  findings.map((f) => `${f.rule} ${f.file}:${f.line}`);

describe('seed article setups', () => {
  it('1: the database driver is missing from requirements', async () => {
    const r = await checkProject(seed('1-missing-driver'));
    expect(keys(r.findings)).toEqual(
      expect.arrayContaining([
        'missing-python-dep mysite/settings.py:27',
        'base-image-eol-distro Dockerfile:1',
        'python-eol Dockerfile:1',
        'runserver-in-production Dockerfile:10',
      ]),
    );
    expect(r.counts.error).toBeGreaterThan(0);
  });

  it('2: WORKDIR and COPY disagree, and the non-root user cannot write the SQLite folder', async () => {
    const r = await checkProject(seed('2-workdir-and-user'));
    expect(keys(r.findings)).toEqual(
      expect.arrayContaining([
        'workdir-copy-mismatch Dockerfile:5',
        'nonroot-write-denied Dockerfile:11',
        'base-image-eol-distro Dockerfile:1',
        'python-eol Dockerfile:1',
      ]),
    );
    const workdir = r.findings.find((f) => f.rule === 'workdir-copy-mismatch')!;
    expect(workdir.message).toContain('/opt/myproject/manage.py');
    expect(workdir.message).toContain('under /app');
    // The cause is the one finding: the settings module is there, under /app, so no second finding says it is missing.
    expect(r.findings.filter((f) => f.rule === 'settings-module-wrong')).toEqual([]);
  });

  it('3: -p 8080:8000 is correct (no port finding); ALLOWED_HOSTS = ["*"] and the retired base are reported', async () => {
    const r = await checkProject(seed('3-port-mapping'));
    expect(keys(r.findings)).toEqual(
      expect.arrayContaining([
        'allowed-hosts-missing mysite/settings.py:6',
        'base-image-eol-distro Dockerfile:1',
        'runserver-in-production Dockerfile:10',
      ]),
    );
    expect(r.findings.filter((f) => f.rule === 'port-mismatch' || f.rule === 'bind-loopback')).toEqual([]);
  });
});

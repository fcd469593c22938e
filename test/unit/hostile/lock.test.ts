/** One run at a time: a second run on a folder that is being generated refuses and writes nothing. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectOneLine, expectRefused, generatedProject, runBin, snapshot } from './support.ts';

function writeLock(dir: string, pid: number, host = hostname()): void {
  mkdirSync(join(dir, '.django-docker'), { recursive: true });
  writeFileSync(join(dir, '.django-docker', 'lock'), JSON.stringify({ pid, host, started: '2026-01-01T00:00:00.000Z', token: 'abc' }));
}

/** The pid of a process that has ended. */
function deadPid(): number {
  const r = spawnSync('node', ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('the project lock', () => {
  it('a run while another holds the lock: one line naming it, nothing written', () => {
    const dir = generatedProject();
    const holder = spawn('sleep', ['30']);
    try {
      writeLock(dir, holder.pid!);
      expectRefused(
        dir,
        ['--yes', '--port', '9000'],
        new RegExp(
          `^django-docker: another django-docker run is working in this project \\(pid ${holder.pid} on ${hostname()}, since .*\\): wait for it to finish; if no run is going on, remove \\.django-docker/lock$`,
        ),
      );
    } finally {
      holder.kill();
    }
  });

  it('a lock held on another host is not judged from here: refused', () => {
    const dir = generatedProject();
    writeLock(dir, 1, 'build-agent-7');
    expectRefused(dir, ['--yes', '--port', '9000'], /another django-docker run is working in this project \(pid 1 on build-agent-7/);
  });

  it('a lock left by a run that died is taken over, and removed at the end', () => {
    const dir = generatedProject();
    writeLock(dir, deadPid());
    const r = runBin([dir, '--yes', '--port', '9000']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain('EXPOSE 9000');
    expect(existsSync(join(dir, '.django-docker', 'lock'))).toBe(false);
  });

  it('two runs started together: one writes, the other refuses in one line or runs after it; files agree', async () => {
    const dir = generatedProject();
    const start = (port: string) =>
      new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn('node', [cli, dir, '--yes', '--port', port, '--database', 'postgres'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (status) => resolve({ status, stderr }));
      });
    const results = await Promise.all([start('9001'), start('9002')]);
    expect(results.some((r) => r.status === 0)).toBe(true);
    for (const r of results) {
      if (r.status !== 0) expectOneLine({ ...r, signal: null, stdout: '', ms: 0 }, /another django-docker run is working in this project/);
    }
    // Whatever the order, the files tell one story: the saved port is the one every file uses.
    const saved = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-django-docker'] as { port: number };
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain(`EXPOSE ${saved.port}\n`);
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toContain(`:${saved.port}}:${saved.port}"`);
    const requirements = readFileSync(join(dir, 'requirements.txt'), 'utf8');
    expect(requirements.match(/psycopg/g)).toHaveLength(1);
    expect(existsSync(join(dir, '.django-docker', 'lock'))).toBe(false);
    expect(snapshot(dir).filter((l) => /\.tmp |\.old |\.stale/.test(l))).toEqual([]);
  });
});

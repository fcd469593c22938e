/**
 * A package index behind a password: given with --pip-index-url, the credentials reach pip in the
 * builder stage from .env (compose's build argument), and neither a committed file nor the final
 * image holds them. The index is the offline kit's, behind a small proxy on the Docker gateway
 * that answers only requests carrying the right Basic credentials, and counts them.
 */
import { createServer, get, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, docker, removeDir, repoRoot, run, type RunResult, Stack } from './harness.ts';

const MIN = 60_000;
const cli = join(repoRoot, 'generators', 'cli.js');
const PASSWORD = 's3cret-e2e-7f3a';
const AUTH = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;

describe('a package index with credentials', () => {
  let root: string;
  let dir: string;
  let stack: Stack;
  let proxy: Server;
  let gateway = '';
  let build: RunResult;
  const seen = { authorised: 0, refused: 0 };

  beforeAll(async () => {
    const net = await docker(['network', 'inspect', 'bridge', '--format', '{{range .IPAM.Config}}{{.Gateway}}{{end}}']);
    gateway = net.stdout.trim() || '172.17.0.1';
    // Forwards to the offline kit's index on the same gateway, for the right credentials only.
    proxy = createServer((req, res) => {
      if (req.headers.authorization !== AUTH) {
        seen.refused++;
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="index"' }).end();
        return;
      }
      seen.authorised++;
      const upstream = get({ host: gateway, port: 3141, path: req.url, timeout: 30_000 }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
    });
    await new Promise<void>((resolve, reject) => proxy.once('error', reject).listen(0, gateway, resolve));
    const port = (proxy.address() as { port: number }).port;
    root = mkdtempSync(join(tmpdir(), 'dd-e2e-index-'));
    dir = join(root, 'privateindex');
    mkdirSync(dir);
    const gen = await run(
      process.execPath,
      [cli, dir, '--yes', '--pip-index-url', `http://alice:${PASSWORD}@${gateway}:${port}/pypi/simple/`, '--pip-trusted-host', gateway],
      { timeoutMs: MIN },
    );
    if (gen.code !== 0) throw new Error(describeRun('generate', gen));
    stack = new Stack(dir, 'privateindex', 8000);
    build = await stack.build({ noCache: true });
  }, 25 * MIN);

  afterAll(async () => {
    await stack?.destroy();
    proxy?.close();
    if (root) removeDir(root);
  }, 5 * MIN);

  it('the build installs through the index with the credentials from .env', () => {
    expect(build.code, describeRun('docker compose build', build)).toBe(0);
    expect(seen.authorised).toBeGreaterThan(0);
  });

  it('no committed file holds the password; .env does, readable by its owner only', () => {
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    for (const file of walk(dir).filter((f) => !/(^|\/)\.env$/.test(relative(dir, f)))) {
      expect(readFileSync(file, 'utf8').includes(PASSWORD), relative(dir, file)).toBe(false);
    }
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain(PASSWORD);
  });

  it('the final image holds the password neither in its history nor in its config', async () => {
    const image = `${stack.project}-web`;
    const history = await docker(['history', '--no-trunc', image]);
    expect(history.code, describeRun('docker history', history)).toBe(0);
    expect(history.stdout.includes(PASSWORD)).toBe(false);
    const inspect = await docker(['image', 'inspect', image]);
    expect(inspect.code, describeRun('docker image inspect', inspect)).toBe(0);
    expect(inspect.stdout.includes(PASSWORD)).toBe(false);
  });
});

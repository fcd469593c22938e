/** The docs renderer: reference pages from answer sets, explanations taken from the files' own comments. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderReferencePage } from '../../generators/generate/docs.ts';
import { explain, stripComments } from '../../generators/generate/explain.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'generators/cli.js');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

describe('docs renderer', () => {
  it('docs/reference/default.md is up to date with the templates (npm run docs rewrites it)', async () => {
    const page = await renderReferencePage({ name: 'default', answers: {} }, version);
    expect(readFileSync(join(root, 'docs/reference/default.md'), 'utf8')).toBe(page);
  });

  it('explains each line from the comment above it', async () => {
    const page = await renderReferencePage({ name: 'pg', answers: { database: 'postgres', port: 9000 } }, version);
    expect(page).toContain('## `compose.yaml`');
    expect(page).toMatch(/- line \d+, `EXPOSE 9000`: The port the server binds below; compose publishes the same one \(port-mismatch\)\./);
    expect(page).toMatch(/`image: postgres:17-trixie`: Pinned major/);
  });

  it('renders one page per named answer set, and refuses a bad set before writing any', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dd-docs-'));
    const answers = join(dir, 'sets.json');
    writeFileSync(
      answers,
      JSON.stringify([
        { name: 'small', database: 'sqlite' },
        { name: 'pg-9000', database: 'postgres', port: 9000 },
      ]),
    );
    const r = spawnSync('node', [cli, 'docs', '--answers', answers, '--out', join(dir, 'out')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['pg-9000.md', 'small.md']);
    writeFileSync(answers, JSON.stringify([{ name: 'ok' }, { name: 'bad', port: 70000 }]));
    const bad = spawnSync('node', [cli, 'docs', '--answers', answers, '--out', join(dir, 'out2')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^django-docker docs: .*sets\.json \[1\]: "port" 70000 is not a TCP port/);
    expect(readdirSync(dir)).not.toContain('out2');
  });
});

describe('comments', () => {
  const text = '#!/bin/sh\n# why this\nset -e\n\n# why that\n# continued\nexec "$@"  # inline stays\n';
  it('pairs each comment block with the line it explains', () => {
    expect(explain('x.sh', text)).toEqual([
      { subject: 'set -e', text: 'why this', line: 3 },
      { subject: 'exec "$@"  # inline stays', text: 'why that continued', line: 7 },
    ]);
  });
  it('--no-comments strips full-line comments, keeps the shebang and inline comments', () => {
    expect(stripComments('x.sh', text)).toBe('#!/bin/sh\nset -e\n\nexec "$@"  # inline stays\n');
  });
});

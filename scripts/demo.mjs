#!/usr/bin/env node
// npm run demo: copies the bundled example project (a `django-admin startproject` layout on
// PostgreSQL) into a fresh folder, runs `django-docker --yes` on it, and shows what was written.
//   npm run demo -- --database sqlite --port 9000    extra flags go to the generator
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const example = fileURLToPath(new URL('../test/scenarios/startproject-postgres/input', import.meta.url));
const cli = fileURLToPath(new URL('../generators/cli.js', import.meta.url));
const dir = join(mkdtempSync(join(tmpdir(), 'django-docker-demo-')), 'mysite');
cpSync(example, dir, { recursive: true });
console.log(`Example project copied to ${dir}\n`);
const r = spawnSync('node', [cli, dir, '--yes', ...process.argv.slice(2)], { stdio: ['ignore', 'inherit', 'inherit'] });
if (r.status !== 0) process.exit(r.status ?? 1);
console.log(`\n--- ${join(dir, 'Dockerfile')} ---\n${readFileSync(join(dir, 'Dockerfile'), 'utf8')}`);
console.log(`Try it:  cd ${dir} && docker compose up --build`);

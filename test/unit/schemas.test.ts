/** The published JSON Schemas: up to date with the tables, and they accept what the generator accepts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { finaliseAnswers } from '../../generators/generate/answers.ts';
import type { NewProject } from '../../generators/project/detect.ts';
import { buildPlan } from '../../generators/generate/plan.ts';
import { answersSchema, SCHEMAS, schemaText } from '../../generators/generate/schemas.ts';
import { planSchema } from '../../scripts/plan-schema.mjs';
import { scenariosDir } from '../support/scenarios.ts';

const schemaDir = fileURLToPath(new URL('../../schema/', import.meta.url));

const PUBLISHED = [...Object.keys(SCHEMAS), 'plan.schema.json'];

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  for (const file of PUBLISHED) ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, file), 'utf8')), file);
  return ajv;
}

describe('JSON Schemas', () => {
  for (const [file, build] of Object.entries(SCHEMAS)) {
    it(`schema/${file} is up to date (npm run schemas rewrites it)`, () => {
      expect(readFileSync(join(schemaDir, file), 'utf8')).toBe(schemaText(build()));
    });
  }

  it('schema/plan.schema.json is the Plan type as it is now (npm run schemas rewrites it)', () => {
    expect(readFileSync(join(schemaDir, 'plan.schema.json'), 'utf8')).toBe(schemaText(planSchema(answersSchema())));
  });

  it('every golden scenario .yo-rc.json is valid answers', () => {
    const ajv = validator();
    for (const name of ['empty-sqlite', 'custom-port-user', 'org-overrides', 'startproject-postgres']) {
      const saved = JSON.parse(readFileSync(join(scenariosDir, name, 'expected', '.yo-rc.json'), 'utf8'))['generator-django-docker'];
      expect(ajv.validate('answers.schema.json', saved), `${name}: ${ajv.errorsText()}`).toBe(true);
    }
    expect(ajv.validate('answers.schema.json', { database: 'oracle' })).toBe(false);
    expect(ajv.validate('answers.schema.json', { port: 70000 })).toBe(false);
    expect(ajv.validate('answers.schema.json', { user: 'root' })).toBe(false);
  });

  it('plans validate against the plan schema', () => {
    const ajv = validator();
    const detected: NewProject = { kind: 'new', root: '.', folderName: 'mysite' };
    for (const raw of [
      {},
      { database: 'postgres' as const },
      { database: 'mariadb' as const, server: 'uvicorn' as const },
      { database: 'postgres' as const, kubernetes: true, migrate: 'release' as const },
    ]) {
      const plan = buildPlan(detected, finaliseAnswers(detected, raw), {
        registry: 'registry.example.com/',
        labels: { 'org.opencontainers.image.vendor': 'X' },
        pipIndexUrl: 'https://index.example.com/simple',
      });
      const json = JSON.parse(JSON.stringify(plan));
      expect(ajv.validate('plan.schema.json', json), ajv.errorsText()).toBe(true);
      // As tight as the type: an unknown field, a wrong type or an answer out of range is refused.
      expect(ajv.validate('plan.schema.json', { ...json, portt: 8000 })).toBe(false);
      expect(ajv.validate('plan.schema.json', { ...json, database: { ...json.database, kind: 'cloud' } })).toBe(false);
      expect(ajv.validate('plan.schema.json', { ...json, answers: { ...json.answers, port: 70000 } })).toBe(false);
    }
  });

  it('the organisation config fixture is valid, and a misspelt key is not', () => {
    const ajv = validator();
    const config = JSON.parse(readFileSync(join(scenariosDir, 'org-overrides', 'input', 'django-docker.config.json'), 'utf8'));
    expect(ajv.validate('config.schema.json', config), ajv.errorsText()).toBe(true);
    expect(ajv.validate('config.schema.json', { registery: 'x/' })).toBe(false);
  });
});

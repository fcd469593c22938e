#!/usr/bin/env node
// npm run schemas: writes schema/*.schema.json from the generator's own tables, and the plan's
// from its type.
import { writeFileSync } from 'node:fs';
import { answersSchema, SCHEMAS, schemaText } from '../generators/generate/schemas.js';
import { planSchema } from './plan-schema.mjs';

const schemas = {
  ...Object.fromEntries(Object.entries(SCHEMAS).map(([file, build]) => [file, build()])),
  'plan.schema.json': planSchema(answersSchema()),
};
for (const [file, schema] of Object.entries(schemas)) {
  writeFileSync(new URL(`../schema/${file}`, import.meta.url), schemaText(schema));
  console.log(`wrote schema/${file}`);
}

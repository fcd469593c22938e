#!/usr/bin/env node
// npm run schemas: writes schema/*.schema.json from the generator's own tables.
import { writeFileSync } from 'node:fs';
import { SCHEMAS, schemaText } from '../generators/generate/schemas.js';

for (const [file, build] of Object.entries(SCHEMAS)) {
  writeFileSync(new URL(`../schema/${file}`, import.meta.url), schemaText(build()));
  console.log(`wrote schema/${file}`);
}

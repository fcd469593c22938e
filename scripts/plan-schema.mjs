// The plan's JSON Schema, derived from the `Plan` type in generators/generate/plan.ts (the
// descriptions are its doc comments), so that it cannot drift from the code. The answers inside
// the plan take their constraints (ranges, patterns, refused names) from the answers schema,
// which is built from the questions table. Development only: `npm run schemas` writes it to
// schema/plan.schema.json, and a unit test checks that file is current.
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const root = fileURLToPath(new URL('../', import.meta.url));

/** @param {Record<string, unknown>} answersSchema the published answers schema */
export function planSchema(answersSchema) {
  const generated = createGenerator({
    path: `${root}generators/generate/plan.ts`,
    tsconfig: `${root}tsconfig.json`,
    type: 'Plan',
    expose: 'export',
    topRef: false,
    jsDoc: 'extended',
    skipTypeCheck: true,
  }).createSchema('Plan');
  // Draft 2020-12, like the other schemas: `$defs` instead of draft 7's `definitions`.
  const { $schema: _draft7, definitions, ...plan } = JSON.parse(JSON.stringify(generated).replaceAll('#/definitions/', '#/$defs/'));
  const answers = definitions.Answers;
  for (const key of Object.keys(answers.properties)) {
    const constrained = answersSchema.properties[key];
    if (!constrained) throw new Error(`the Answers type has ${key}, which the questions table does not`);
    answers.properties[key] = constrained;
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${String(answersSchema.$id).replace(/answers\.schema\.json$/, '')}plan.schema.json`,
    title: 'generator-django-docker plan',
    description: 'Every value the templates read, derived once from the detected project and the answers.',
    ...plan,
    $defs: definitions,
  };
}

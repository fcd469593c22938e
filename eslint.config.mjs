// ESLint with typescript-eslint: its recommended rules, plus the type-aware rules that catch
// promises nobody awaits (a write phase that ends before its files land, a rejection nobody
// sees) and a few habits of this code base.
//
// TypeScript here is 7 (the native compiler): its npm package has no JavaScript API, and
// typescript-eslint needs one to parse and to type-check. package.json therefore also installs
// TypeScript 5.9 under another name (`typescript-eslint-ts`), lets typescript-eslint's peer
// dependency be satisfied by the TypeScript 7 at the top (`overrides`), and the lines below send
// every `require('typescript')` (and `typescript/lib/…`) made while linting to the 5.9 copy. `tsc` (build, typecheck)
// stays TypeScript 7; only the linter reads the code with 5.9, which knows every option our
// tsconfig uses.
import Module from 'node:module';
import js from '@eslint/js';

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const to =
    request === 'typescript' || request.startsWith('typescript/') ? request.replace(/^typescript/, 'typescript-eslint-ts') : request;
  return resolveFilename.call(this, to, ...rest);
};
const { default: tseslint } = await import('typescript-eslint');

export default tseslint.config(
  { ignores: ['**/*.js', 'node_modules/', 'test/scenarios/', 'test/doctor-fixtures/', 'test/transitions/', 'test-results/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Unused names are dead code; a leading underscore marks one kept on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts', 'scripts/*.d.mts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Type-aware: a promise must be awaited, returned, or marked `void` on purpose.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      // Long lines are for data tables only: `prettier-ignore` keeps a table's rows one per line.
      'no-warning-comments': ['error', { terms: ['prettier-ignore'], location: 'start' }],
    },
  },
  { files: ['generators/facts/**/*.ts'], rules: { 'no-warning-comments': 'off' } },
  {
    files: ['**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
);

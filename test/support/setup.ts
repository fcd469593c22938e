// vitest setup, for every test file: yeoman-test runs the generators with our adapter (see test-adapter.ts).
import helpers from 'yeoman-test';
import { createTestAdapter } from './test-adapter.ts';

helpers.createTestAdapter = createTestAdapter as unknown as typeof helpers.createTestAdapter;

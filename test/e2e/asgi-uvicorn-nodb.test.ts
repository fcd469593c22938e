// Empty folder, ASGI under uvicorn, no database, Python 3.12. Runs where a python:3.12 image is
// at hand; elsewhere the checks are skipped and the title says why.
import { cannotRun } from './harness.ts';
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({
  scenario: 'asgi-uvicorn-nodb',
  port: 8000,
  database: 'none',
  rootStatus: 200,
  persistence: 'none',
  skip: await cannotRun('asgi-uvicorn-nodb'),
});

// The same ASGI setup on Python 3.13, whose image is at hand more often: uvicorn's path is
// proven on the engine even where 3.12 is not.
scenarioSuite({
  scenario: 'asgi-uvicorn-nodb',
  extraAnswers: { python: '3.13' },
  port: 8000,
  database: 'none',
  rootStatus: 200,
  persistence: 'none',
  skip: await cannotRun('asgi-uvicorn-nodb', { extra: { python: '3.13' } }),
});

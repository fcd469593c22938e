// The project already has a compose.yml with a service of its own (`reports`, a small file
// server from the python stand-in image: no Redis image can be had on this machine, so a
// python-based service stands in for the Redis or mail catcher a real project keeps there).
// The generator puts web and db into that file instead of writing a compose.yaml beside it;
// `docker compose up` then runs all three, and web reaches the project's service by name.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({
  scenario: 'compose-yml-sidecar',
  port: 8000,
  database: 'postgres',
  rootStatus: 200,
  persistence: 'notes',
  extraChecks: [
    {
      name: "no compose.yaml beside the project's compose.yml; its own service runs next to web and db",
      async run(stack) {
        expect(existsSync(join(stack.dir, 'compose.yaml'))).toBe(false);
        const reports = await stack.state('reports');
        expect(reports?.running, `reports is ${reports?.status}`).toBe(true);
      },
    },
    {
      name: "web reaches the project's own service by its name on the shared network",
      async run(stack) {
        const r = await stack.exec([
          'python',
          '-c',
          'import urllib.request; print("STATUS", urllib.request.urlopen("http://reports:9000/", timeout=5).status)',
        ]);
        expect(r.stdout, r.stderr).toContain('STATUS 200');
      },
    },
  ],
});

// Empty folder with --port 9000 --user web --uid 20001 --project-name portal: one value must reach
// the server bind, EXPOSE, the published container port, the healthcheck and the CSRF origins
// (the admin login POST through the published port checks the last one).
import { readAnswers } from './harness.ts';
import { scenarioSuite } from './scenario-suite.ts';

const answers = readAnswers('custom-port-user');
scenarioSuite({
  scenario: 'custom-port-user',
  port: Number(answers.port),
  uid: Number(answers.uid),
  user: String(answers.user),
  database: 'sqlite',
  rootStatus: 200,
  persistence: 'admin-login',
});

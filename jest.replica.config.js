/** `npm run test:replica`: the suites that run against a PostgreSQL streaming replica of their own
 * (test/replica/*.replica-spec.ts: pg_basebackup of the machine's server on a loopback port),
 * with the main config's transform and module names. The main jest.config.js does not pick them
 * up (its patterns end in .spec.ts, .int-spec.ts, .e2e-spec.ts). */
const base = require('./jest.config');

module.exports = {
  ...base,
  testRegex: ['/test/replica/.*\\.replica-spec\\.ts$'],
  testTimeout: 60000,
};

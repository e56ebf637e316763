/** `npm run test:cluster`: the suites that start a Redis Cluster of their own
 * (test/cluster/*.cluster-spec.ts), with the main config's transform and module names. The main
 * jest.config.js does not pick them up (its patterns end in .spec.ts, .int-spec.ts, .e2e-spec.ts). */
const base = require('./jest.config');

module.exports = {
  ...base,
  testRegex: ['/test/cluster/.*\\.cluster-spec\\.ts$'],
  testTimeout: 30000,
};

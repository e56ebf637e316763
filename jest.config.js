/** One jest run for the three levels of tests: *.spec.ts (pure), *.int-spec.ts (real PostgreSQL
 * and Redis), test/**\/*.e2e-spec.ts (HTTP with the worker). Each suite makes its own database
 * and queue prefix, so they may run in parallel. */
const swcConfig = JSON.parse(require('fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'));

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: ['\\.spec\\.ts$', '\\.int-spec\\.ts$', '\\.e2e-spec\\.ts$'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcConfig, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@bp/domain$': '<rootDir>/libs/domain/src',
    '^@bp/domain/(.*)$': '<rootDir>/libs/domain/src/$1',
    '^@bp/infra$': '<rootDir>/libs/infra/src',
    '^@bp/infra/(.*)$': '<rootDir>/libs/infra/src/$1',
  },
  testTimeout: 30000,
};

// End-to-end tests: the services run as real processes from their build output.
module.exports = {
  ...require('./jest.preset'),
  displayName: 'e2e',
  testMatch: ['<rootDir>/{apps,libs,tools}/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
  testTimeout: 60_000,
  // Each suite starts several Node processes; running suites one at a time keeps a 2-core
  // machine from timing them out.
  maxWorkers: 1,
};

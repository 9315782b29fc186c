// Jest runs the compiled specs (npm test builds first with tsc, the same build the app runs), so
// decorators and their metadata are exactly what production sees. One database per test file
// (test/support/test-app.ts); files run in parallel workers.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/dist/src', '<rootDir>/dist/test'],
  testMatch: ['**/*.spec.js'],
  transform: {},
  testEnvironment: 'node',
  // Long scenarios (property test, 100,000-row import, browser journeys) run minutes; no test
  // asserts on time.
  testTimeout: 600_000,
  maxWorkers: Number(process.env.TEST_CONCURRENCY) || 2,
  verbose: true,
};

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
  // Each test file loads the app's ES-module graph anew (require(esm) inside Jest's vm contexts), and a
  // long-lived worker keeps some of every file's heap: a worker that grew past this limit is
  // replaced after its current file instead of running out of memory several files later.
  workerIdleMemoryLimit: process.env.TEST_WORKER_MEMORY || '1GB',
  logHeapUsage: true,
  verbose: true,
};

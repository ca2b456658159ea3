/** Jest runs the TypeScript sources directly; `npm test` type-checks everything first. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The cross-store test compares SQLite with PostgreSQL, the multi-instance test runs two
  // instances over one PostgreSQL (SQLite is one process by nature), and the distribution
  // rules are those of PostgreSQL-compatible distributed engines, read from PostgreSQL's
  // catalog: they need a PostgreSQL server: without TEST_DATABASE_URL they are not collected at all (rather
  // than reported as skipped); CI's second run, on PostgreSQL, runs them.
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(process.env.TEST_DATABASE_URL
      ? []
      : [
          '<rootDir>/test/cross-store\\.test\\.ts$',
          '<rootDir>/test/multi-instance\\.test\\.ts$',
          '<rootDir>/test/distribution-rules\\.test\\.ts$',
        ]),
  ],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  setupFiles: ['reflect-metadata'],
  testTimeout: 60_000,
  maxWorkers: 2,
};

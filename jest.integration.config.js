/**
 * Suites against real external servers (npm run test:integration): the *.int.spec.ts suites
 * (PostgreSQL, Kafka, and EventStoreDB when EVENTSTORE_URL is set), and the end-to-end API suites
 * once more with the log in PostgreSQL. One file at a time: they share those servers.
 */
const base = require('./jest.config');

const project = ({ reporters: _, testTimeout: __, ...common }) => common;

module.exports = {
  reporters: base.reporters,
  globalSetup: '<rootDir>/test/support/integration-setup.js',
  testTimeout: 180000,
  maxWorkers: 1,
  projects: [
    { ...project(base), displayName: 'integration', testMatch: ['**/*.int.spec.ts'], testPathIgnorePatterns: ['/node_modules/', '/dist/'] },
    {
      ...project(base),
      displayName: 'end-to-end on PostgreSQL',
      testMatch: ['<rootDir>/test/*.e2e.spec.ts'],
      // The CLI suite edits the SQLite file itself (migrate-log.int.spec.ts covers the CLI on PostgreSQL);
      // the demo writes the embedded SQLite file it is for.
      testPathIgnorePatterns: ['/node_modules/', '/dist/', 'cli\\.e2e\\.spec\\.ts$', 'demo\\.e2e\\.spec\\.ts$'],
      setupFiles: ['<rootDir>/test/support/on-postgres.js'],
    },
  ],
};

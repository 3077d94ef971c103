/** Unit, contract and end-to-end suites that need no external server (npm test). */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.int\\.spec\\.ts$'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', swc],
    // The dashboard's components, rendered to markup in its own specs.
    '^.+\\.tsx$': [
      '@swc/jest',
      {
        ...swc,
        jsc: { ...swc.jsc, parser: { ...swc.jsc.parser, tsx: true }, transform: { ...swc.jsc.transform, react: { runtime: 'automatic' } } },
      },
    ],
  },
  moduleNameMapper: {
    '^@loanflow/api$': '<rootDir>/apps/api/src',
    '^@loanflow/([a-z-]+)$': '<rootDir>/libs/$1/src',
    '^@loanflow/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  testTimeout: 30000,
};

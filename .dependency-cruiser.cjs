/**
 * The code's boundaries, checked on every `npm test` (`npm run lint:deps`): a rule broken here is a
 * design decision undone, not a style point. dependency-cruiser resolves through tsconfig.json's
 * path aliases, so `@loanflow/domain` and a relative path into libs/domain count the same.
 */
const SPEC = '\\.spec\\.ts$|\\.spec-suite\\.ts$|/testing/';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'libs/domain imports nothing outside itself: no framework, no database, no Node built-in, no other library.',
      severity: 'error',
      from: { path: '^libs/domain/src/', pathNot: SPEC },
      to: { pathNot: '^libs/domain/src/' },
    },
    {
      name: 'policy-only-domain',
      comment: 'libs/policy is CASL over the domain: it imports the domain and CASL, nothing else of ours or of Node.',
      severity: 'error',
      from: { path: '^libs/policy/src/', pathNot: SPEC },
      to: { pathNot: '^(libs/(policy|domain)/src/|node_modules/@casl/)' },
    },
    {
      name: 'demo-plan-is-pure',
      comment:
        "The demo's plan (apps/cli/src/demo, all but the runner) is data from a seed: it imports only itself and the domain, never I/O, the app or Node.",
      severity: 'error',
      from: { path: '^apps/cli/src/demo/', pathNot: `${SPEC}|/runner\\.ts$` },
      to: { pathNot: '^(apps/cli/src/demo/|libs/domain/src/)' },
    },
    {
      name: 'libs-never-import-apps',
      comment: 'The libraries are what the apps are built of: none of them reaches up into an app.',
      severity: 'error',
      from: { path: '^libs/', pathNot: SPEC },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-never-reach-into-each-other',
      comment:
        "An app uses another only through that app's public entry (apps/<app>/src/index.ts, imported as @loanflow/<app>); anything else in it is its own.",
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: SPEC },
      to: { path: '^apps/', pathNot: '^apps/($1/|[^/]+/src/index\\.ts$)' },
    },
    {
      name: 'production-code-uses-no-test-code',
      comment: 'Fixtures and test helpers stay out of what ships.',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: SPEC },
      to: { path: '(^test/|/testing/|\\.spec\\.ts$)' },
    },
    {
      name: 'declared-dependencies-only',
      comment: 'Every package the code imports is declared in package.json, not reached through another package.',
      severity: 'error',
      from: { path: '^(apps|libs|bench)/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'resolvable',
      comment: 'Every import resolves (the dashboard build config imports vite, an ES module only vite itself loads).',
      severity: 'error',
      from: { pathNot: 'vite\\.config\\.mts$' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};

import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The boundary check (.dependency-cruiser.cjs, run by `npm test` as `npm run lint:deps`) catches
 * what it is there for: imports planted where they must not be are each reported under their rule.
 */
const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'node_modules', '.bin', 'depcruise');

/** Runs the check on these files and returns `rule: from -> to` for each violation. */
function check(files: string[]): string[] {
  let out: string;
  try {
    out = execFileSync(BIN, [...files, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd: ROOT, encoding: 'utf8' });
  } catch (error) {
    // depcruise exits non-zero when it finds violations; the report is still on stdout.
    out = (error as { stdout: string }).stdout;
  }
  const report = JSON.parse(out) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return report.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
}

describe('the boundary check', () => {
  const planted: string[] = [];
  const plant = (path: string, text: string) => {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true });
    writeFileSync(join(ROOT, path), text);
    planted.push(path);
    return path;
  };
  afterAll(() => {
    for (const path of planted) rmSync(dirname(join(ROOT, path)), { recursive: true, force: true });
  });

  it('holds on the code as it is', () => {
    expect(check(['apps', 'libs', 'bench'])).toEqual([]);
  });

  it('reports a Node built-in, a framework and another library in the domain, policy reaching past the domain, the demo’s plan reading files or configuration, an app reached into, a library importing an app, and an undeclared package', () => {
    const files = [
      plant(
        'libs/domain/src/zz-planted/bad.ts',
        "import 'node:fs';\nimport { Injectable } from '@nestjs/common';\nimport { EventStore } from '@loanflow/event-store';\nexport { Injectable, EventStore };\n",
      ),
      plant('libs/policy/src/zz-planted/bad.ts', "export { openSqlite } from '@loanflow/event-store';\n"),
      plant('apps/cli/src/zz-planted/bad.ts', "export { EVENT_STORE } from '../../../api/src/common/tokens';\n"),
      plant(
        'apps/cli/src/demo/zz-planted/bad.ts',
        "export { readFileSync } from 'node:fs';\nexport { loadConfig } from '@loanflow/config';\n",
      ),
      plant(
        'libs/projections/src/zz-planted/bad.ts',
        "export { createApp } from '@loanflow/api';\nimport picomatch from 'picomatch';\nexport { picomatch };\n",
      ),
    ];
    const found = check(files);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^domain-is-pure: libs\/domain\/src\/zz-planted\/bad\.ts -> (node:)?fs$/),
        expect.stringMatching(/^domain-is-pure: libs\/domain\/src\/zz-planted\/bad\.ts -> node_modules\/@nestjs\/common/),
        expect.stringMatching(/^domain-is-pure: libs\/domain\/src\/zz-planted\/bad\.ts -> libs\/event-store\/src\/index\.ts$/),
        expect.stringMatching(/^policy-only-domain: libs\/policy\/src\/zz-planted\/bad\.ts -> libs\/event-store\/src\/index\.ts$/),
        expect.stringMatching(
          /^apps-never-reach-into-each-other: apps\/cli\/src\/zz-planted\/bad\.ts -> apps\/api\/src\/common\/tokens\.ts$/,
        ),
        expect.stringMatching(/^demo-plan-is-pure: apps\/cli\/src\/demo\/zz-planted\/bad\.ts -> (node:)?fs$/),
        expect.stringMatching(/^demo-plan-is-pure: apps\/cli\/src\/demo\/zz-planted\/bad\.ts -> libs\/config\/src\/index\.ts$/),
        expect.stringMatching(/^libs-never-import-apps: libs\/projections\/src\/zz-planted\/bad\.ts -> apps\/api\/src\/index\.ts$/),
        expect.stringMatching(/^declared-dependencies-only: libs\/projections\/src\/zz-planted\/bad\.ts -> node_modules\/picomatch/),
      ]),
    );
  });
});

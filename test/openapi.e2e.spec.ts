import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { residentIdFor } from '@loanflow/domain/borrower/sample-identities';
import { AddressInfo } from 'node:net';
import { SUMMARIES } from '../apps/api/src/openapi';
import { startApp, TestApp } from './support/app';

/**
 * A loan from application to closure through a client generated from the document
 * (openapi-typescript's types, openapi-fetch's calls). It is type-checked against the generated
 * types before it runs: a path, a field or a type the document gets wrong fails the compile.
 */
const WALK = `import createClient from 'openapi-fetch';
import type { paths } from './api';

export async function walk(baseUrl: string, token: (who: string, admin?: boolean) => string, identityNumber: string) {
  const client = createClient<paths>({ baseUrl });
  const as = (who: string, admin = false) => ({ headers: { Authorization: 'Bearer ' + token(who, admin) } });
  const ok = <T extends { response: Response }>(r: T): T => {
    if (!r.response.ok) throw new Error(r.response.url + ' answered ' + r.response.status);
    return r;
  };
  for (const [staffId, post, approvalLimit] of [['ana', 'investigation'], ['bo', 'examination'], ['cy', 'approval', 10_000_000], ['dan', 'disbursement']] as const) {
    ok(await client.POST('/staff', { body: { staffId, name: 'Staff ' + staffId, branchId: 'BR-01' }, ...as('root', true) }));
    ok(await client.POST('/staff/{id}/posts', { params: { path: { id: staffId } }, body: { post, branchId: 'BR-01', ...(approvalLimit ? { approvalLimit } : {}) }, ...as('root', true) }));
  }
  ok(await client.POST('/borrowers', { body: { borrowerId: 'B-1', name: 'Wang household', kind: 'household', village: 'Dongshan', sector: 'grain', identityNumber }, ...as('ana') }));
  ok(await client.POST('/loans', { body: { loanId: 'L-1', borrowerId: 'B-1', branchId: 'BR-01', purpose: 'seed', sector: 'grain', agricultural: true, security: 'credit', amount: 1_000_000, termMonths: 12, repayment: 'bullet' }, ...as('ana') }));
  const terms = { amount: 1_000_000, termMonths: 12, annualRateBps: 720 };
  const loan = { params: { path: { id: 'L-1' } } };
  ok(await client.POST('/loans/{id}/investigation', { ...loan, body: { recommendation: 'approve', findings: 'income verified', riskPoints: [], proposedTerms: terms }, ...as('ana') }));
  ok(await client.POST('/loans/{id}/examination', { ...loan, body: { opinion: 'pass', comments: 'complete', riskPoints: [] }, ...as('bo') }));
  ok(await client.POST('/loans/{id}/approval', { ...loan, body: { decision: 'approve', terms, comments: 'within plan' }, ...as('cy') }));
  const paidOut = ok(await client.POST('/loans/{id}/disbursement', { ...loan, body: { amount: 1_000_000 }, ...as('dan') }));
  // A command's answer is typed: the loan's stream version after it.
  const version: number = paidOut.data!.version;
  const refused = await client.POST('/loans/{id}/approval', { ...loan, body: { decision: 'approve', terms, comments: 'again' }, ...as('ana') });
  // A read's answer is typed too: the payoff quote of an active loan (null on any other), its status, a report's rows.
  const active = ok(await client.GET('/loans/{id}', { ...loan, ...as('ana') }));
  const payoff: number = active.data!.payoff!.payoff;
  ok(await client.POST('/loans/{id}/repayments', { ...loan, body: { amount: payoff }, ...as('dan') }));
  const closed = ok(await client.GET('/loans/{id}', { ...loan, ...as('ana') }));
  const status: 'closed' | 'active' | 'applied' | 'investigated' | 'examined' | 'approved' | 'rejected' | 'written_off' = closed.data!.status;
  const listed = ok(await client.GET('/loans', { params: { query: { status: 'closed' } }, ...as('ana') }));
  const assessed = ok(await client.GET('/reports/performance', { params: { query: { from: '2026-03-01', to: '2026-03-31' } }, ...as('ana') }));
  const history = ok(await client.GET('/loans/{id}/history', { ...loan, ...as('ana') }));
  return {
    refused: refused.response.status,
    version,
    payoff,
    status,
    repaid: closed.data!.repaid.principal,
    listed: listed.data!.items.map((l) => l.loanId + ' ' + l.status + ' ' + l.principalOutstanding),
    assessed: assessed.data!.rows.map((r) => r.staffId + ' ' + r.post + ' ' + r.newLoans + ' ' + r.disbursed),
    chain: history.data!.chain.valid + ' ' + history.data!.events.map((e) => e.type).join(','),
  };
}
`;

const ROOT = join(__dirname, '..');

/** The served OpenAPI document, as an integrator gets it: lint-clean, complete, and a client can be generated from it. */
describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: Record<string, any>;
  // Where .redocly.lint-ignore.yaml expects the document (dist/ is the build's, never committed).
  const dir = join(ROOT, 'dist');

  beforeAll(async () => {
    t = await startApp();
    document = (await t.http.get('/docs-json').expect(200)).body;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
  });
  afterAll(() => t.close());

  it('passes redocly lint with the recommended rules: no error, no warning', () => {
    let out: string;
    try {
      out = execFileSync(join(ROOT, 'node_modules', '.bin', 'redocly'), ['lint', 'dist/openapi.json', '--format=json'], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch (error) {
      out = (error as { stdout: string }).stdout;
    }
    const report = JSON.parse(out) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('generates a typed client that walks a loan from application to closure', async () => {
    const client = join(dir, 'client');
    mkdirSync(client, { recursive: true });
    const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
    execFileSync(bin('openapi-typescript'), [join(dir, 'openapi.json'), '-o', join(client, 'api.d.ts')], { cwd: ROOT, stdio: 'ignore' });
    writeFileSync(join(client, 'walk.ts'), WALK);
    // Type-checked against the generated types, then compiled to run.
    execFileSync(
      bin('tsc'),
      [
        '--strict',
        '--skipLibCheck',
        '--module',
        'commonjs',
        '--moduleResolution',
        'node',
        '--target',
        'es2022',
        '--outDir',
        client,
        join(client, 'walk.ts'),
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const token = (who: string, admin = false) => t.as(who, admin).Authorization.slice('Bearer '.length);
    const { walk } = require(join(client, 'walk.js'));
    // Paid off the day it was paid out: the principal alone; the investigator's approval refused;
    // the month's assessment counts the loan for each of its four people; the chain holds.
    expect(await walk(`http://127.0.0.1:${port}`, token, residentIdFor(7))).toEqual({
      refused: 403,
      version: 4,
      payoff: 1_000_000,
      status: 'closed',
      repaid: 1_000_000,
      listed: ['L-1 closed 0'],
      assessed: ['ana investigation 1 1000000', 'bo examination 1 1000000', 'cy approval 1 1000000', 'dan disbursement 1 1000000'],
      chain: 'true LoanApplied,InvestigationCompleted,ExaminationCompleted,LoanApproved,LoanDisbursed,RepaymentReceived,LoanClosed',
    });
  });

  it('has a summary for every operation, and no summary for an operation that is not there', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations.filter((o) => !SUMMARIES[o])).toEqual([]);
    expect(Object.keys(SUMMARIES).filter((o) => !operations.includes(o))).toEqual([]);
  });
});

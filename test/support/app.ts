import { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DEFAULT_GROUP_COMMIT_MAX_BATCH, LoanflowConfig } from '@loanflow/config';
import { residentIdFor } from '@loanflow/domain/borrower/sample-identities';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import request from 'supertest';
import { createApp } from '../../apps/api/src/app';
import type { AppOptions } from '../../apps/api/src/app.module';
import { freshSchema } from './postgres';

export const SECRET = 'end-to-end-secret-0123456789abcdef';
/** The cooperative's personal-data key in tests (a server-backed log needs one; the embedded file would do for SQLite). */
export const PERSONAL_DATA_KEY = '5eed'.repeat(16);

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  config: LoanflowConfig;
  /** A bearer header for the staff id (an administrator with `admin`). */
  as(staffId: string, admin?: boolean): { Authorization: string };
  /** Edits the log behind the service's back, as an intruder with database access would. */
  tamper(statement: { sqlite: string; postgres?: string }): Promise<void>;
  /** Moves the app's clock. */
  setNow(iso: string): void;
  close(): Promise<void>;
}

/** Configuration for a test app on a fresh SQLite file in a new temporary directory. */
export function testConfig(overrides: Partial<LoanflowConfig> = {}): LoanflowConfig {
  return {
    port: 0,
    eventStore: 'sqlite',
    sqlitePath: join(mkdtempSync(join(tmpdir(), 'loanflow-e2e-')), 'loanflow.db'),
    groupCommitMaxBatch: DEFAULT_GROUP_COMMIT_MAX_BATCH,
    jwtSecret: SECRET,
    jwtSecretSource: 'test',
    businessTimeZone: 'Asia/Shanghai',
    personalDataKey: PERSONAL_DATA_KEY,
    ...overrides,
  };
}

/**
 * The real app, its clock under the test's control, on the given configuration or else on a
 * fresh, empty log: a SQLite file, or a new PostgreSQL schema when LOANFLOW_TEST_EVENT_STORE=postgres
 * (the integration run repeats the end-to-end suites that way).
 */
export async function startApp(
  now = '2026-03-02T09:00:00.000Z',
  given?: LoanflowConfig,
  options: Pick<AppOptions, 'endOfDay'> = {},
): Promise<TestApp> {
  let current = new Date(now);
  const config =
    given ??
    (process.env.LOANFLOW_TEST_EVENT_STORE === 'postgres'
      ? testConfig({ eventStore: 'postgres', databaseUrl: (await freshSchema('e2e')).url })
      : testConfig());
  const app = await createApp(config, { clock: () => current, logger: false, ...options });
  await app.init();
  const jwt = new JwtService();
  return {
    app,
    http: request(app.getHttpServer()),
    config,
    as: (staffId, admin = false) => ({
      Authorization: `Bearer ${jwt.sign({ sub: staffId, ...(admin ? { admin: true } : {}) }, { secret: SECRET, expiresIn: 3600 })}`,
    }),
    tamper: async ({ sqlite, postgres = sqlite }) => {
      if (config.eventStore === 'postgres') {
        const client = new Client({ connectionString: config.databaseUrl });
        await client.connect();
        await client.query(postgres).finally(() => client.end());
      } else {
        const db = new Database(config.sqlitePath);
        db.exec(sqlite);
        db.close();
      }
    },
    setNow: (iso) => {
      current = new Date(iso);
    },
    close: () => app.close(),
  };
}

export const ADMIN = 'root';
export const BRANCH = 'BR-01';
export const BORROWER = 'B-100';

/** One person the administrator hires: [staffId, post, approvalLimit?, name?]. */
export type Hire = [staffId: string, post: string, approvalLimit?: number, name?: string];

/** The administrator registers each person at the branch and assigns their post (an approver with their limit). */
export async function hire(t: TestApp, branchId: string, people: readonly Hire[]): Promise<void> {
  const admin = t.as(ADMIN, true);
  for (const [staffId, post, approvalLimit, name = `Staff ${staffId}`] of people) {
    await t.http.post('/staff').set(admin).send({ staffId, name, branchId }).expect(201);
    await t.http
      .post(`/staff/${staffId}/posts`)
      .set(admin)
      .send({ post, branchId, ...(approvalLimit !== undefined ? { approvalLimit } : {}) })
      .expect(201);
  }
}

/** A household borrower, registered by `by` under a valid resident identity number made from `n`. */
export async function registerBorrower(
  t: TestApp,
  by: string,
  borrower: { borrowerId: string; n: number; name?: string; village?: string; sector?: string },
): Promise<void> {
  const { borrowerId, n, name = 'Wang household', village = 'Dongshan', sector = 'grain' } = borrower;
  await t.http
    .post('/borrowers')
    .set(t.as(by))
    .send({ borrowerId, name, kind: 'household', village, sector, identityNumber: residentIdFor(n) })
    .expect(201);
}

/** A branch staffed for every post: ana investigates, bo examines, cy approves, dan pays out, eve inspects. */
export async function staffBranch(t: TestApp, extraApprovers: string[] = []): Promise<void> {
  await hire(t, BRANCH, [
    ['ana', 'investigation', undefined, 'Ana Li'],
    ['bo', 'examination', undefined, 'Bo Chen'],
    ['cy', 'approval', 10_000_000, 'Cy Wang'],
    ['dan', 'disbursement', undefined, 'Dan Zhou'],
    ['eve', 'inspection', undefined, 'Eve Liu'],
    ...extraApprovers.map((id): Hire => [id, 'approval', 10_000_000, `Approver ${id}`]),
  ]);
  await registerBorrower(t, 'ana', { borrowerId: BORROWER, n: 100 });
}

/**
 * A loan of `amount` for 12 months at 6%, equal principal, taken from application to disbursement
 * by the four people named (investigator, examiner, approver, teller) for BORROWER.
 */
export async function lend(
  t: TestApp,
  loanId: string,
  branchId: string,
  [investigator, examiner, approver, teller]: readonly string[],
  amount: number,
  { agricultural = true, security = 'guaranteed' }: { agricultural?: boolean; security?: string } = {},
): Promise<void> {
  const terms = { amount, termMonths: 12, annualRateBps: 600 };
  await t.http
    .post('/loans')
    .set(t.as(investigator))
    .send({
      loanId,
      borrowerId: BORROWER,
      branchId,
      purpose: 'p',
      sector: agricultural ? 'grain' : 'retail',
      agricultural,
      security,
      amount,
      termMonths: 12,
      repayment: 'equal_principal',
    })
    .expect(201);
  await t.http
    .post(`/loans/${loanId}/investigation`)
    .set(t.as(investigator))
    .send({ recommendation: 'approve', findings: 'f', riskPoints: [], proposedTerms: terms })
    .expect(201);
  await t.http
    .post(`/loans/${loanId}/examination`)
    .set(t.as(examiner))
    .send({ opinion: 'pass', comments: 'c', riskPoints: [] })
    .expect(201);
  await t.http.post(`/loans/${loanId}/approval`).set(t.as(approver)).send({ decision: 'approve', terms, comments: 'ok' }).expect(201);
  await t.http.post(`/loans/${loanId}/disbursement`).set(t.as(teller)).send({ amount }).expect(201);
}

export const application = (loanId: string, amount = 5_000_000) => ({
  loanId,
  borrowerId: BORROWER,
  branchId: BRANCH,
  purpose: 'seed and fertiliser',
  sector: 'grain',
  agricultural: true,
  security: 'guaranteed',
  amount,
  termMonths: 12,
  repayment: 'equal_principal',
});

export const terms = (amount = 5_000_000) => ({ amount, termMonths: 12, annualRateBps: 600 });

/** Takes a loan through the steps named, by the branch's usual people. */
export async function advance(
  t: TestApp,
  loanId: string,
  until: 'applied' | 'investigated' | 'examined' | 'approved' | 'active',
  amount = 5_000_000,
) {
  const steps = ['applied', 'investigated', 'examined', 'approved', 'active'];
  const upTo = steps.indexOf(until);
  await t.http.post('/loans').set(t.as('ana')).send(application(loanId, amount)).expect(201);
  if (upTo >= 1)
    await t.http
      .post(`/loans/${loanId}/investigation`)
      .set(t.as('ana'))
      .send({ recommendation: 'approve', findings: 'income verified', riskPoints: [], proposedTerms: terms(amount) })
      .expect(201);
  if (upTo >= 2)
    await t.http
      .post(`/loans/${loanId}/examination`)
      .set(t.as('bo'))
      .send({ opinion: 'pass', comments: 'complete', riskPoints: [] })
      .expect(201);
  if (upTo >= 3)
    await t.http
      .post(`/loans/${loanId}/approval`)
      .set(t.as('cy'))
      .send({ decision: 'approve', terms: terms(amount), comments: 'ok' })
      .expect(201);
  if (upTo >= 4) await t.http.post(`/loans/${loanId}/disbursement`).set(t.as('dan')).send({ amount }).expect(201);
}

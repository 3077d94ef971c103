import { DEFAULT_WARNING_RULES } from '@loanflow/domain';
import { applied, approved, at, disbursedMonthly, examined, investigated } from '@loanflow/domain/testing/loan-fixtures';
import { openSqlite } from '@loanflow/event-store';
import { openSqliteReadModels, ReadModelDb } from '@loanflow/storage';
import { InstalmentRow } from '../loans/projection';
import { PROJECTIONS } from '../projections';
import { createTable, upsertRows } from '../tables';
import { AnyEvent, given, history } from '../testing/given';
import { RiskLoanRow, riskProjection } from './projection';
import { borrowerRisk, riskFacts } from './queries';

const spec = (name: string) => PROJECTIONS.flatMap((p) => p.tables.map((t) => t.table)).find((t) => t.name === name)!;

/** The fixture loan as the risk projection keeps it once paid out, under another id and borrower. */
const paidOut = given(
  riskProjection,
  history(
    [applied, investigated, examined, approved, disbursedMonthly].map((e): [string, AnyEvent] => ['loan-L', e]),
    { times: () => ({ occurredAt: at, recordedAt: at }) },
  ),
).row<RiskLoanRow>('rm_risk_loans', 'L')!;
const riskLoan = (loanId: string, borrowerId: string): RiskLoanRow => ({ ...paidOut, loan_id: loanId, borrower_id: borrowerId });

const instalment = (loanId: string, n: number, dueDate: string, settledOn: string | null): InstalmentRow => ({
  loan_id: loanId,
  n,
  due_date: dueDate,
  principal: 100_000,
  interest: 5_000,
  principal_paid: settledOn ? 100_000 : 0,
  interest_paid: settledOn ? 5_000 : 0,
  settled_on: settledOn,
  paid_by_month: null,
});

/**
 * Days past due as of a date read from the instalments: open ones and ones settled after the date
 * both count, for the whole portfolio (end of day) and for named borrowers (warnings, one file).
 */
describe('risk queries: days past due at a date', () => {
  let db: ReadModelDb;

  beforeAll(async () => {
    db = await openSqliteReadModels(openSqlite(':memory:'));
    for (const p of PROJECTIONS) for (const { table } of p.tables) await createTable(db, table);
    await upsertRows(db, spec('rm_risk_loans'), [riskLoan('L-1', 'B-1'), riskLoan('L-2', 'B-2'), riskLoan('L-3', 'B-3')]);
    await upsertRows(db, spec('rm_instalments'), [
      // Due 04-02, paid on 04-17: late on 04-07, not on 04-22.
      instalment('L-1', 1, '2026-04-02', '2026-04-17'),
      instalment('L-1', 2, '2026-05-02', null),
      // Paid on its day.
      instalment('L-2', 1, '2026-04-02', '2026-04-02'),
      instalment('L-2', 2, '2026-05-02', null),
      // Never paid: late from 04-02 on.
      instalment('L-3', 1, '2026-04-02', null),
      instalment('L-3', 2, '2026-05-02', null),
    ]);
  });
  afterAll(() => db.destroy());

  const days = async (asOf: string) =>
    Object.fromEntries((await riskFacts(db, DEFAULT_WARNING_RULES, asOf)).map((r) => [r.loanId, r.facts.daysPastDue]));

  it('for the whole portfolio, counts an instalment settled after the date as unpaid then', async () => {
    expect(await days('2026-04-07')).toEqual({ 'L-1': 5, 'L-2': 0, 'L-3': 5 });
    expect(await days('2026-04-22')).toEqual({ 'L-1': 0, 'L-2': 0, 'L-3': 20 });
    // The oldest unpaid instalment counts: L-3's first, not its second.
    expect(await days('2026-05-07')).toEqual({ 'L-1': 5, 'L-2': 5, 'L-3': 35 });
  });

  it('for named borrowers, the same from their own loans', async () => {
    const level = async (borrowerId: string, asOf: string) => (await borrowerRisk(db, DEFAULT_WARNING_RULES, borrowerId, asOf)).level;
    // Late on 04-07 (5 days: yellow), brought up to date by 04-22 (green).
    expect(await level('B-1', '2026-04-07')).toBe('yellow');
    expect(await level('B-1', '2026-04-22')).toBe('green');
    expect(await level('B-2', '2026-04-07')).toBe('green');
  });
});

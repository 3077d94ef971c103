import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Category, DEFAULT_MONEY_RULES } from '@loanflow/domain';
import { active, at } from '@loanflow/domain/testing/loan-fixtures';
import { openSqlite, SqliteEventStore, systemClock } from '@loanflow/event-store';
import { openSqliteReadModels, ReadModelDb } from '@loanflow/storage';
import { loansProjection } from '../loans/projection';
import { ProjectionRunner } from '../runner';
import { AnyEvent } from '../testing/given';
import { provisionsReport } from './provisions';

const rates = DEFAULT_MONEY_RULES.provisionRates;

/** The fixture's loan (12,000.00 paid out on 2026-03-02) as loan `loanId` at `branchId`. */
const lent = (loanId: string, branchId: string): AnyEvent[] =>
  active.map((e) => ({ type: e.type, data: { ...e.data, loanId, ...(e.type === 'LoanApplied' ? { branchId } : {}) } }));
const repaid = (loanId: string, principal: number, paidOn: string): AnyEvent => ({
  type: 'RepaymentReceived',
  data: {
    loanId,
    receivedBy: 'dan',
    amount: principal,
    paidOn,
    interest: 0,
    principal,
    allocations: [{ n: 1, interest: 0, principal }],
    at,
  },
});
const classified = (loanId: string, category: Category, asOf: string): AnyEvent => ({
  type: 'LoanClassified',
  data: { loanId, category, previous: 'normal', daysPastDue: 0, floor: 'normal', asOf, classifiedBy: 'ines', reason: 'r', at },
});

const zero = { loans: 0, balance: 0, general: 0, specific: 0, provision: 0 };
/** A category's figures at the default rates: 1% general plus the category's specific rate. */
const row = (category: Category, loans: number, balance: number, general: number, specific: number) => ({
  category,
  loans,
  balance,
  general,
  specific,
  provision: general + specific,
});
/** The five categories, zero but for those given. */
const byCategory = (...given: ReturnType<typeof row>[]) =>
  (['normal', 'special_mention', 'substandard', 'doubtful', 'loss'] as const).map(
    (c) => given.find((g) => g.category === c) ?? { category: c, ...zero },
  );

/**
 * Five loans of 12,000.00, all paid out on 2026-03-02:
 *   A  BR-01  1,000.00 repaid on 04-02; special mention as of 03-25 (recorded after the payment, as
 *             end of day catching up records it), substandard as of 04-02 (recorded after both)
 *   B  BR-01  never changes: normal
 *   E  BR-01  loss as of 03-31, written off on 04-01
 *   C  BR-02  doubtful as of 03-10
 *   D  BR-02  repaid in full on 03-15 and closed
 */
describe('provisionsReport on SQLite', () => {
  let dir: string;
  let store: SqliteEventStore;
  let db: ReadModelDb;
  let commands = 0;
  const append = (loanId: string, ...events: AnyEvent[]) =>
    store.append(
      `loan-${loanId}`,
      events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown> })),
      {
        expectedVersion: 'any',
        metadata: { actorId: 'x', commandId: `cmd-${++commands}`, correlationId: 'c', causationId: null, occurredAt: at },
      },
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loanflow-provisions-'));
    const path = join(dir, 'loanflow.db');
    store = new SqliteEventStore(openSqlite(path), { clock: systemClock });
    for (const [id, branch] of [
      ['A', 'BR-01'],
      ['B', 'BR-01'],
      ['E', 'BR-01'],
      ['C', 'BR-02'],
      ['D', 'BR-02'],
    ])
      await append(id, ...lent(id, branch));
    await append('C', classified('C', 'doubtful', '2026-03-10'));
    await append('D', repaid('D', 1_200_000, '2026-03-15'), { type: 'LoanClosed', data: { loanId: 'D', closedOn: '2026-03-15', at } });
    await append('A', repaid('A', 100_000, '2026-04-02'));
    await append('A', classified('A', 'special_mention', '2026-03-25'));
    await append('E', classified('E', 'loss', '2026-03-31'));
    await append('E', {
      type: 'LoanWrittenOff',
      data: { loanId: 'E', principal: 1_200_000, interest: 0, approvedBy: 'cy', reason: 'r', writtenOffOn: '2026-04-01', at },
    });
    await append('A', classified('A', 'substandard', '2026-04-02'));
    db = await openSqliteReadModels(openSqlite(path));
    await new ProjectionRunner(store, db, [loansProjection], { businessTimeZone: 'Asia/Shanghai', clock: systemClock }).catchUp();
  });

  afterAll(async () => {
    await db.destroy();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('before anything was paid out: no branch, zero totals', async () => {
    const r = await provisionsReport(db, { asOf: '2026-03-01' }, rates);
    expect(r).toEqual({ asOf: '2026-03-01', rates, branches: [], total: { byCategory: byCategory(), ...zero } });
  });

  it('as of 2026-03-31: each loan in its category that day, at its balance that day; D repaid, so gone', async () => {
    const r = await provisionsReport(db, { asOf: '2026-03-31' }, rates);
    // Every balance is 12,000.00: 1% general = 120.00; specific 2% = 240.00, 50% = 6,000.00, 100% = 12,000.00.
    expect(r.branches).toEqual([
      {
        branchId: 'BR-01',
        byCategory: byCategory(
          row('normal', 1, 1_200_000, 12_000, 0), // B
          // A: special mention as of 03-25, its 1,000.00 paid on 04-02 is not yet off the balance.
          row('special_mention', 1, 1_200_000, 12_000, 24_000),
          row('loss', 1, 1_200_000, 12_000, 1_200_000), // E, not yet written off
        ),
        loans: 3,
        balance: 3_600_000,
        general: 36_000,
        specific: 1_224_000, // 240.00 + 12,000.00
        provision: 1_260_000, // 360.00 + 12,240.00
      },
      {
        branchId: 'BR-02',
        byCategory: byCategory(row('doubtful', 1, 1_200_000, 12_000, 600_000)), // C
        loans: 1,
        balance: 1_200_000,
        general: 12_000,
        specific: 600_000,
        provision: 612_000,
      },
    ]);
    expect(r.total).toEqual({
      byCategory: byCategory(
        row('normal', 1, 1_200_000, 12_000, 0),
        row('special_mention', 1, 1_200_000, 12_000, 24_000),
        row('doubtful', 1, 1_200_000, 12_000, 600_000),
        row('loss', 1, 1_200_000, 12_000, 1_200_000),
      ),
      loans: 4,
      balance: 4_800_000,
      general: 48_000,
      specific: 1_824_000, // 240.00 + 6,000.00 + 12,000.00
      provision: 1_872_000, // 480.00 + 18,240.00
    });
  });

  it('as of 2026-04-02: A repaid 1,000.00 and substandard, E written off; one branch when asked', async () => {
    const r = await provisionsReport(db, { asOf: '2026-04-02', branchId: 'BR-01' }, rates);
    // A: 11,000.00 x 1% = 110.00, x 25% = 2,750.00.
    const branch = {
      branchId: 'BR-01',
      byCategory: byCategory(row('normal', 1, 1_200_000, 12_000, 0), row('substandard', 1, 1_100_000, 11_000, 275_000)),
      loans: 2,
      balance: 2_300_000,
      general: 23_000,
      specific: 275_000,
      provision: 298_000,
    };
    const { branchId: _, ...total } = branch;
    expect(r).toEqual({ asOf: '2026-04-02', rates, branches: [branch], total });
  });

  it('as of 2026-03-24: the category before the later classifications, the balance before the later payments', async () => {
    const r = await provisionsReport(db, { asOf: '2026-03-24' }, rates);
    expect(
      r.branches.map((b) => [b.branchId, b.byCategory.filter((c) => c.loans > 0).map((c) => [c.category, c.loans, c.balance])]),
    ).toEqual([
      ['BR-01', [['normal', 3, 3_600_000]]],
      ['BR-02', [['doubtful', 1, 1_200_000]]],
    ]);
  });
});

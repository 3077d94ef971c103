import { ADMIN, BORROWER, hire, lend, registerBorrower, startApp, TestApp } from './support/app';
import { cli } from './support/cli';

/**
 * The loan-loss provisions report over HTTP and from the CLI, on a hand-made portfolio whose every
 * figure is worked out below. All loans: 12 months at 6%, equal principal. Payments are made on the
 * day the loan is paid out, when no interest has accrued: every cent of them is principal.
 *
 *   L-1  BR-01  60,000.00  paid out 01-20; normal
 *   L-2  BR-01  40,000.00  paid out 01-05, 10,000.00 repaid the same day (30,000.00 left);
 *                          classified substandard by eve on 01-20
 *   L-5  BR-01   5,000.00  paid out 01-05 and repaid in full the same day: closed, no balance
 *   L-3  BR-02  20,000.00  paid out 01-05, never paid: its first instalment falls due on 02-05 and end of
 *                          day makes it special mention as of 02-06 (1 day past due)
 *   L-4  BR-02   8,000.01  paid out 01-05; classified doubtful by jo on 01-20
 *
 * Default rates (basis points of the balance): general 100 (1%) on every balance; specific: normal 0,
 * special mention 200 (2%), substandard 2,500 (25%), doubtful 5,000 (50%), loss 10,000 (100%).
 * Each provision is worked out on a category's whole balance and rounded half up to the cent.
 */
const at = (date: string) => `${date}T01:00:00.000Z`; // 09:00 in Asia/Shanghai

const CATEGORIES = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'] as const;
type Category = (typeof CATEGORIES)[number];
type Figures = { loans: number; balance: number; general: number; specific: number; provision: number };

/** The five categories, zero but for those given as [loans, balance, general, specific]. */
function byCategory(given: Partial<Record<Category, [number, number, number, number]>>) {
  return CATEGORIES.map((category) => {
    const [loans, balance, general, specific] = given[category] ?? [0, 0, 0, 0];
    return { category, loans, balance, general, specific, provision: general + specific };
  });
}
const totals = (loans: number, balance: number, general: number, specific: number): Figures => ({
  loans,
  balance,
  general,
  specific,
  provision: general + specific,
});

const DEFAULT_RATES = { general: 100, normal: 0, special_mention: 200, substandard: 2_500, doubtful: 5_000, loss: 10_000 };

describe('loan-loss provisions, over HTTP', () => {
  let t: TestApp;
  let closed = false;

  const BR1 = ['ana', 'bo', 'cy', 'dan'];
  const BR2 = ['fay', 'gus', 'hal', 'ivy'];

  const report = async (query: string, expected = 200) =>
    (await t.http.get(`/reports/provisions${query}`).set(t.as('bo')).expect(expected)).body;

  beforeAll(async () => {
    t = await startApp(at('2026-01-05'));
    await hire(t, 'BR-01', [
      ['ana', 'investigation'],
      ['bo', 'examination'],
      ['cy', 'approval', 10_000_000],
      ['dan', 'disbursement'],
      ['eve', 'inspection'],
    ]);
    await hire(t, 'BR-02', [
      ['fay', 'investigation'],
      ['gus', 'examination'],
      ['hal', 'approval', 10_000_000],
      ['ivy', 'disbursement'],
      ['jo', 'inspection'],
    ]);
    await registerBorrower(t, 'ana', { borrowerId: BORROWER, n: 100 });

    await lend(t, 'L-2', 'BR-01', BR1, 4_000_000);
    await t.http.post('/loans/L-2/repayments').set(t.as('dan')).send({ amount: 1_000_000 }).expect(201);
    await lend(t, 'L-5', 'BR-01', BR1, 500_000);
    await t.http.post('/loans/L-5/repayments').set(t.as('dan')).send({ amount: 500_000 }).expect(201);
    await lend(t, 'L-3', 'BR-02', BR2, 2_000_000);
    await lend(t, 'L-4', 'BR-02', BR2, 800_001);

    t.setNow(at('2026-01-20'));
    await lend(t, 'L-1', 'BR-01', BR1, 6_000_000);
    await t.http
      .post('/loans/L-2/classification')
      .set(t.as('eve'))
      .send({ category: 'substandard', reason: 'the shop lost its lease' })
      .expect(201);
    await t.http.post('/loans/L-4/classification').set(t.as('jo')).send({ category: 'doubtful', reason: 'the borrower left' }).expect(201);

    t.setNow(at('2026-02-07'));
    await t.http.post('/business-day/close').set(t.as(ADMIN, true)).send({ through: '2026-02-06' }).expect(200);
  });
  afterAll(async () => {
    if (!closed) await t.close();
  });

  it('the state of the loans the report stands on', async () => {
    const loans = (await t.http.get('/loans?pageSize=10').set(t.as('bo')).expect(200)).body.items as {
      loanId: string;
      status: string;
      category: string;
      principalOutstanding: number;
    }[];
    expect(loans.map((l) => [l.loanId, l.status, l.category, l.principalOutstanding]).sort()).toEqual([
      ['L-1', 'active', 'normal', 6_000_000],
      ['L-2', 'active', 'substandard', 3_000_000], // 40,000.00 - 10,000.00
      ['L-3', 'active', 'special_mention', 2_000_000],
      ['L-4', 'active', 'doubtful', 800_001],
      ['L-5', 'closed', 'normal', 0],
    ]);
  });

  it('today (2026-02-07): per branch and category the balance, the general and specific provisions, and the totals', async () => {
    expect(await report('')).toEqual({
      asOf: '2026-02-07',
      rates: DEFAULT_RATES,
      moneyRulesVersion: -1,
      branches: [
        {
          branchId: 'BR-01',
          byCategory: byCategory({
            // L-1: 60,000.00 x 1% = 600.00; no specific provision on a normal loan.
            normal: [1, 6_000_000, 60_000, 0],
            // L-2: 30,000.00 x 1% = 300.00; x 25% = 7,500.00.
            substandard: [1, 3_000_000, 30_000, 750_000],
          }),
          // L-5 was repaid: no balance, not counted.
          ...totals(2, 9_000_000, 90_000, 750_000), // provision 600.00 + 7,800.00 = 8,400.00
        },
        {
          branchId: 'BR-02',
          byCategory: byCategory({
            // L-3: 20,000.00 x 1% = 200.00; x 2% = 400.00.
            special_mention: [1, 2_000_000, 20_000, 40_000],
            // L-4: 8,000.01 x 1% = 80.0001 -> 80.00; x 50% = 4,000.005 -> 4,000.01 (half up).
            doubtful: [1, 800_001, 8_000, 400_001],
          }),
          ...totals(2, 2_800_001, 28_000, 440_001), // provision 600.00 + 4,080.01 = 4,680.01
        },
      ],
      total: {
        byCategory: byCategory({
          normal: [1, 6_000_000, 60_000, 0],
          special_mention: [1, 2_000_000, 20_000, 40_000],
          substandard: [1, 3_000_000, 30_000, 750_000],
          doubtful: [1, 800_001, 8_000, 400_001],
        }),
        // 118,000.01 balance; general 600.00 + 200.00 + 300.00 + 80.00 = 1,180.00;
        // specific 400.00 + 7,500.00 + 4,000.01 = 11,900.01; provision 13,080.01 (= 8,400.00 + 4,680.01).
        ...totals(4, 11_800_001, 118_000, 1_190_001),
      },
    });
  });

  it('as of a date before a classification, the category the loan had then', async () => {
    // 2026-02-05: L-3 is not yet past due (end of day made it special mention as of 02-06).
    const feb5 = await report('?asOf=2026-02-05&branchId=BR-02');
    expect(feb5.branches).toEqual([
      {
        branchId: 'BR-02',
        byCategory: byCategory({ normal: [1, 2_000_000, 20_000, 0], doubtful: [1, 800_001, 8_000, 400_001] }),
        ...totals(2, 2_800_001, 28_000, 400_001),
      },
    ]);
    // 2026-01-19: before eve and jo classified L-2 and L-4 and before L-1 was paid out: every balance normal.
    const jan19 = await report('?asOf=2026-01-19');
    expect(jan19.branches).toEqual([
      // L-2's 30,000.00 x 1% = 300.00.
      { branchId: 'BR-01', byCategory: byCategory({ normal: [1, 3_000_000, 30_000, 0] }), ...totals(1, 3_000_000, 30_000, 0) },
      // L-3 and L-4: 28,000.01 x 1% = 280.0001 -> 280.00.
      { branchId: 'BR-02', byCategory: byCategory({ normal: [2, 2_800_001, 28_000, 0] }), ...totals(2, 2_800_001, 28_000, 0) },
    ]);
    // 58,000.01 x 1% = 580.0001 -> 580.00.
    expect(jan19.total).toEqual({ byCategory: byCategory({ normal: [3, 5_800_001, 58_000, 0] }), ...totals(3, 5_800_001, 58_000, 0) });
    // Before anything was paid out: nothing.
    expect(await report('?asOf=2026-01-04')).toMatchObject({ asOf: '2026-01-04', branches: [], total: { ...totals(0, 0, 0, 0) } });
  });

  it('one branch when asked: the total is that branch’s', async () => {
    const body = await report('?branchId=BR-01');
    expect(body.branches.map((b: { branchId: string }) => b.branchId)).toEqual(['BR-01']);
    const { branchId: _, ...branch } = body.branches[0];
    expect(body.total).toEqual(branch);
    expect((await report('?branchId=BR-09')).branches).toEqual([]);
  });

  it('refuses a date in the future and a malformed one', async () => {
    const future = await report('?asOf=2026-02-08', 422);
    expect(future).toMatchObject({ status: 422, code: 'DATE_IN_FUTURE' });
    expect((await report('?asOf=2026-02-30', 400)).status).toBe(400);
    expect((await report('?branchId=BR%2001', 400)).status).toBe(400);
  });

  it('takes the rates in force: an administrator sets them and the report names them and their version', async () => {
    const rates = { general: 150, normal: 0, special_mention: 500, substandard: 3_000, doubtful: 6_000, loss: 10_000 };
    await t.http
      .put('/config/money-rules')
      .set(t.as(ADMIN, true))
      .send({ dayCount: 'ACT/360', penaltySurchargeBps: 5_000, provisionRates: rates })
      .expect(200);
    const body = await report('');
    expect(body).toMatchObject({ rates, moneyRulesVersion: 0 });
    expect(body.total).toEqual({
      byCategory: byCategory({
        // 60,000.00 x 1.5% = 900.00.
        normal: [1, 6_000_000, 90_000, 0],
        // 20,000.00 x 1.5% = 300.00; x 5% = 1,000.00.
        special_mention: [1, 2_000_000, 30_000, 100_000],
        // 30,000.00 x 1.5% = 450.00; x 30% = 9,000.00.
        substandard: [1, 3_000_000, 45_000, 900_000],
        // 8,000.01 x 1.5% = 120.00015 -> 120.00; x 60% = 4,800.006 -> 4,800.01.
        doubtful: [1, 800_001, 12_000, 480_001],
      }),
      // general 900.00 + 300.00 + 450.00 + 120.00 = 1,770.00; specific 1,000.00 + 9,000.00 + 4,800.01 = 14,800.01.
      ...totals(4, 11_800_001, 177_000, 1_480_001),
    });
  });

  it('the CLI prints the same report, as CSV a row per branch and category, each branch’s totals and the whole’s', async () => {
    const { eventStore, sqlitePath, databaseUrl, jwtSecret } = t.config;
    // The CLI opens the log the service wrote, once the service is gone.
    await t.close();
    closed = true;
    const env = { EVENT_STORE: eventStore, SQLITE_PATH: sqlitePath, DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret };
    const { code, out } = await cli(['report', 'provisions', '--as-of', '2026-02-07', '--branch', 'BR-02', '--format', 'csv'], env);
    expect(code).toBe(0);
    // The rates an administrator set in the test before: general 1.5%, special mention 5%, doubtful 60%.
    expect(out.join('\n').split('\n')).toEqual([
      'branchId,category,loans,balance,general,specific,provision',
      'BR-02,normal,0,0,0,0,0',
      'BR-02,special_mention,1,2000000,30000,100000,130000',
      'BR-02,substandard,0,0,0,0,0',
      'BR-02,doubtful,1,800001,12000,480001,492001',
      'BR-02,loss,0,0,0,0,0',
      'BR-02,all,2,2800001,42000,580001,622001',
      'TOTAL,normal,0,0,0,0,0',
      'TOTAL,special_mention,1,2000000,30000,100000,130000',
      'TOTAL,substandard,0,0,0,0,0',
      'TOTAL,doubtful,1,800001,12000,480001,492001',
      'TOTAL,loss,0,0,0,0,0',
      'TOTAL,all,2,2800001,42000,580001,622001',
    ]);
    const json = await cli(['report', 'provisions', '--as-of', '2026-02-05'], env);
    expect(JSON.parse(json.out.join('\n'))).toMatchObject({
      asOf: '2026-02-05',
      moneyRulesVersion: 0,
      branches: [{ branchId: 'BR-01' }, { branchId: 'BR-02' }],
    });
    await expect(cli(['report', 'provisions', '--as-of', '2999-01-01'], env)).rejects.toMatchObject({ code: 'DATE_IN_FUTURE' });
  });
});

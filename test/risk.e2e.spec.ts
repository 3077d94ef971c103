import { addDays, DEFAULT_WARNING_RULES } from '@loanflow/domain';
import { EndOfDayResult, EndOfDayService, ProjectionService } from '@loanflow/projections';
import { Storage } from '@loanflow/storage';
import { STORAGE } from '../apps/api/src/common/tokens';
import { runReadModelCommand } from '../apps/cli/src/read-models';
import { dumpReadModels } from './support/read-models';
import { ADMIN, hire, registerBorrower, startApp, TestApp } from './support/app';

/**
 * Risk management over HTTP on a small portfolio whose every figure is worked out by hand below.
 * All loans: 12 months, 6% a year, equal principal, paid out on 2026-01-05, so instalment k falls
 * due on the 5th, k months later, with principal amount/12 and interest on the balance by the day
 * (ACT/360: balance x days / 6,000 in cents). A payment pays what is due that day.
 *
 *   loan  branch  borrower  officer  amount      risk points tagged (act)                                 what happens
 *   L-1   BR-01   B-1       ana      12,000.00   P-PURPOSE (investigation), P-GUARANTOR (examination)     never pays; substandard; written off 05-11
 *   L-2   BR-01   B-2       ana      24,000.00   P-PURPOSE, P-INCOME (investigation)                      never pays; substandard
 *   L-3   BR-02   B-3       fay      12,000.00   P-LEGACY (inv.), P-GUARANTOR, P-COLLATERAL (exam.)       pays 1-4 on time; guaranteed by B-2
 *   L-4   BR-02   B-4       fay       6,000.00   P-PURPOSE (inv.), P-COLLATERAL (exam.), P-GUARANTOR (appr.)  pays 1-3 on time, 4 late (05-12); guaranteed by B-2
 *   L-5   BR-01   B-1       ana      18,000.00   P-INCOME (investigation)                                 rejected at examination
 *
 * P-LEGACY is dropped from the catalogue after L-3 was tagged with it; P-DIVERT is catalogued and
 * never tagged. B-3 is rated 50 on the scorecard (below the watch line of 60), the others 100.
 * Warning rules: the defaults, but a late payment is high from 95 days (not 91), and the
 * concentration limits are 20,000.00 for a borrower and 10,000.00 for a guarantor.
 * End of day runs as the nightly job does: each time the clock moves to a later day, every day up
 * to the one before is closed first, at 00:30 that morning, so each day is judged on the log as it
 * stood that night (from 01-05, the first day of business, to 05-12).
 */
const at = (date: string) => `${date}T01:00:00.000Z`; // 09:00 in Asia/Shanghai
/** 00:30 in Asia/Shanghai on `date`, when the nightly job closes the day before. */
const night = (date: string) => `${addDays(date, -1)}T16:30:00.000Z`;

const CATALOGUE = [
  { code: 'P-PURPOSE', stage: 'investigation', description: 'purpose of the loan not verified on site' },
  { code: 'P-INCOME', stage: 'investigation', description: 'income overstated' },
  { code: 'P-GUARANTOR', stage: 'examination', description: 'guarantor over-committed' },
  { code: 'P-COLLATERAL', stage: 'examination', description: 'collateral over-valued' },
  { code: 'P-DIVERT', stage: 'post_loan', description: 'funds diverted from the stated purpose' },
];
const LEGACY = { code: 'P-LEGACY', stage: 'investigation', description: 'an old-system code' };

/** Five factors, one per dimension, 20% each: a value of 2 earns 100 points, 1 earns 50. */
const SCORECARD = {
  factors: ['financial_situation', 'repayment_ability', 'repayment_willingness', 'credit_history', 'past_performance'].map(
    (dimension, i) => ({
      code: `f${i + 1}`,
      dimension,
      description: dimension,
      weight: 20,
      bands: [
        { from: 0, points: 0 },
        { from: 1, points: 50 },
        { from: 2, points: 100 },
      ],
    }),
  ),
  grades: [
    { grade: 'A', minScore: 60, maxAmount: 5_000_000, maxTermMonths: 24, minRateBps: 400, maxRateBps: 900 },
    { grade: 'C', minScore: 0, maxAmount: 5_000_000, maxTermMonths: 24, minRateBps: 400, maxRateBps: 900 },
  ],
};
const rated = (value: number) => Object.fromEntries(SCORECARD.factors.map((f) => [f.code, value]));

describe('risk management: the risk board, the warnings and end of day, over HTTP', () => {
  let t: TestApp;
  const admin = () => t.as(ADMIN, true);

  const borrower = (by: string, borrowerId: string, n: number) =>
    registerBorrower(t, by, { borrowerId, n, name: `Household ${borrowerId}` });

  interface Lending {
    branchId: string;
    borrowerId: string;
    people: [investigator: string, examiner: string, approver: string, teller: string];
    amount: number;
    score: number;
    points: { investigation?: string[]; examination?: string[]; approval?: string[] };
    examination?: 'pass' | 'reject';
  }

  async function lend(loanId: string, l: Lending) {
    const [investigator, examiner, approver, teller] = l.people;
    const terms = { amount: l.amount, termMonths: 12, annualRateBps: 600 };
    await t.http
      .post('/loans')
      .set(t.as(investigator))
      .send({
        loanId,
        borrowerId: l.borrowerId,
        branchId: l.branchId,
        purpose: 'seed and fertiliser',
        sector: 'grain',
        agricultural: true,
        security: 'guaranteed',
        amount: l.amount,
        termMonths: 12,
        repayment: 'equal_principal',
      })
      .expect(201);
    await t.http
      .post(`/loans/${loanId}/investigation`)
      .set(t.as(investigator))
      .send({
        recommendation: 'approve',
        findings: 'f',
        riskPoints: l.points.investigation ?? [],
        proposedTerms: terms,
        rating: rated(l.score / 50),
      })
      .expect(201);
    await t.http
      .post(`/loans/${loanId}/examination`)
      .set(t.as(examiner))
      .send({ opinion: l.examination ?? 'pass', comments: 'c', riskPoints: l.points.examination ?? [] })
      .expect(201);
    if (l.examination === 'reject') return;
    await t.http
      .post(`/loans/${loanId}/approval`)
      .set(t.as(approver))
      .send({ decision: 'approve', terms, comments: 'ok', riskPoints: l.points.approval ?? [] })
      .expect(201);
    await t.http.post(`/loans/${loanId}/disbursement`).set(t.as(teller)).send({ amount: l.amount }).expect(201);
  }

  /** Every day the nightly job closed, in the order it closed them. */
  const closed: EndOfDayResult[] = [];
  let today = '2026-01-05';
  /**
   * The clock moves to 09:00 on `date`. When that is a later day, the nights in between came first:
   * at 00:30 that morning the nightly job closed every day up to the one before, as in production.
   */
  const moveTo = async (date: string) => {
    if (date > today) {
      t.setNow(night(date));
      closed.push(...(await t.app.get(EndOfDayService).closeThrough(addDays(date, -1))));
      today = date;
    }
    t.setNow(at(date));
  };
  /** Pays what is due on `date` (penalty and compound interest first when late); checks it came to `amount`. */
  const pay = async (loanId: string, teller: string, date: string, amount: number) => {
    await moveTo(date);
    const { payoff } = (await t.http.get(`/loans/${loanId}`).set(t.as(teller)).expect(200)).body;
    expect([loanId, date, payoff.due]).toEqual([loanId, date, amount]);
    await t.http.post(`/loans/${loanId}/repayments`).set(t.as(teller)).send({ amount }).expect(201);
  };
  const inspect = async (loanId: string, inspector: string, date: string, signals: string[]) => {
    await moveTo(date);
    await t.http
      .post(`/loans/${loanId}/inspections`)
      .set(t.as(inspector))
      .send({ findings: 'visited', riskPoints: [], signals })
      .expect(201);
  };
  const closedOn = (date: string) => closed.find((r) => r.date === date) ?? null;
  const firstEndOfDay = { result: null as unknown, again: null as unknown };
  const secondEndOfDay = { result: null as unknown };

  beforeAll(async () => {
    t = await startApp(at('2026-01-05'));
    await t.http
      .put('/config/risk-points')
      .set(admin())
      .send({ points: [...CATALOGUE, LEGACY] })
      .expect(200);
    await t.http.put('/config/scorecard').set(admin()).send(SCORECARD).expect(200);
    await t.http
      .put('/config/warning-rules')
      .set(admin())
      .send({
        ...DEFAULT_WARNING_RULES,
        latePayment: {
          ...DEFAULT_WARNING_RULES.latePayment,
          thresholds: [
            { days: 1, severity: 'low' },
            { days: 31, severity: 'medium' },
            { days: 95, severity: 'high' },
            { days: 181, severity: 'critical' },
          ],
        },
        borrowerConcentration: { ...DEFAULT_WARNING_RULES.borrowerConcentration, limit: 2_000_000 },
        guarantorConcentration: { ...DEFAULT_WARNING_RULES.guarantorConcentration, limit: 1_000_000 },
      })
      .expect(200);
    await hire(t, 'BR-01', [
      ['ana', 'investigation'],
      ['bo', 'examination'],
      ['cy', 'approval', 10_000_000],
      ['zed', 'approval', 10_000_000],
      ['dan', 'disbursement'],
      ['eve', 'inspection'],
    ]);
    await hire(t, 'BR-02', [
      ['fay', 'investigation'],
      ['gus', 'examination'],
      ['hal', 'approval', 10_000_000],
      ['ivy', 'disbursement'],
      ['ike', 'inspection'],
    ]);
    await borrower('ana', 'B-1', 101);
    await borrower('ana', 'B-2', 102);
    await borrower('fay', 'B-3', 103);
    await borrower('fay', 'B-4', 104);

    const br1: Lending['people'] = ['ana', 'bo', 'cy', 'dan'];
    const br2: Lending['people'] = ['fay', 'gus', 'hal', 'ivy'];
    await lend('L-1', {
      branchId: 'BR-01',
      borrowerId: 'B-1',
      people: br1,
      amount: 1_200_000,
      score: 100,
      points: { investigation: ['P-PURPOSE'], examination: ['P-GUARANTOR'] },
    });
    await lend('L-2', {
      branchId: 'BR-01',
      borrowerId: 'B-2',
      people: br1,
      amount: 2_400_000,
      score: 100,
      points: { investigation: ['P-PURPOSE', 'P-INCOME'] },
    });
    await lend('L-3', {
      branchId: 'BR-02',
      borrowerId: 'B-3',
      people: br2,
      amount: 1_200_000,
      score: 50,
      points: { investigation: ['P-LEGACY'], examination: ['P-GUARANTOR', 'P-COLLATERAL'] },
    });
    await lend('L-4', {
      branchId: 'BR-02',
      borrowerId: 'B-4',
      people: br2,
      amount: 600_000,
      score: 100,
      points: { investigation: ['P-PURPOSE'], examination: ['P-COLLATERAL'], approval: ['P-GUARANTOR'] },
    });
    await lend('L-5', {
      branchId: 'BR-01',
      borrowerId: 'B-1',
      people: br1,
      amount: 1_800_000,
      score: 100,
      points: { investigation: ['P-INCOME'] },
      examination: 'reject',
    });

    await moveTo('2026-01-06');
    // The old code goes out of the catalogue: L-3 keeps it, the board lists it as not catalogued.
    await t.http.put('/config/risk-points').set(admin()).send({ points: CATALOGUE }).expect(200);
    for (const [loanId, value] of [
      ['L-3', 600_000],
      ['L-4', 300_000],
    ] as const)
      await t.http.post(`/loans/${loanId}/guarantees`).set(t.as('fay')).send({ kind: 'guarantor', guarantorId: 'B-2', value }).expect(201);

    // L-3: 100,000 principal + interest of 31, 28, 31 and 30 days on 12,000, 11,000, 10,000 and 9,000:
    // 6,200, 5,133, 5,167, 4,500; L-4: 50,000 + the same on half the balance: 3,100, 2,567, 2,583, 2,250.
    await pay('L-3', 'ivy', '2026-02-05', 106_200);
    await pay('L-4', 'ivy', '2026-02-05', 53_100);
    await inspect('L-3', 'ike', '2026-03-01', []);
    await pay('L-3', 'ivy', '2026-03-05', 105_133);
    await pay('L-4', 'ivy', '2026-03-05', 52_567);
    await pay('L-3', 'ivy', '2026-04-05', 105_167);
    await pay('L-4', 'ivy', '2026-04-05', 52_583);
    await inspect('L-1', 'eve', '2026-04-20', ['the borrower left to work in the city']);
    await inspect('L-4', 'ike', '2026-04-20', []);
    await pay('L-3', 'ivy', '2026-05-05', 104_500);

    await moveTo('2026-05-11');
    firstEndOfDay.result = closedOn('2026-05-10');
    firstEndOfDay.again = await t.app.get(EndOfDayService).closeThrough('2026-05-10');

    // zed, who held none of the three powers on L-1, writes it off: 12,000.00 principal, the interest of
    // instalments 1-4 (6,200 + 5,133 + 5,167 + 4,500) and of 6 days of May on 8,000.00 (800), with the
    // penalty and compound interest on what fell behind.
    await t.http.post('/loans/L-1/write-off').set(t.as('zed')).send({ reason: 'the household left the village' }).expect(201);
    // L-4's fourth instalment a week late: 50,000 + 2,250, with 7 days of penalty interest at 9% on
    // 50,000 (87.50 -> 88) and compound interest on 2,250 (3.94 -> 4).
    await pay('L-4', 'ivy', '2026-05-12', 52_250 + 88 + 4);
    await inspect('L-3', 'ike', '2026-05-12', []);
    await moveTo('2026-05-13');
    secondEndOfDay.result = closed.filter((r) => r.date > '2026-05-10');
  });
  afterAll(() => t.close());

  describe('end of day', () => {
    // The nights on which end of day changed anything, worked out from the rules (levels as the rules
    // see them before the day's signals; a borrower is inspected every 90 days when green, 60 when
    // yellow, 30 when orange or red, counted from the last inspection or else the payout on 01-05):
    //   01-05 B-2 owes 24,000.00 > 20,000.00: L-2 borrower_concentration (medium) from its first night.
    //   01-06 B-2 vouched today for L-3 and L-4, whose principal is 12,000.00 + 6,000.00 = 18,000.00
    //         > 10,000.00: guarantor_concentration (medium) on both. An open signal makes B-2, B-3 and
    //         B-4 yellow from the next day (B-3 is yellow anyway, rated 50 < 60).
    //   02-06 L-1 and L-2 miss the 02-05 instalment: 1 day → special mention (2 classified), yellow,
    //         late_repayment low (≥ 1).
    //   03-07 L-1, L-2 and L-4 are yellow and not inspected for 61 days > 60: inspection_overdue (medium).
    //         (L-1 and L-2 are 30 days late: not yet orange, not yet medium.) L-3 was inspected on 03-01.
    //   03-08 L-1 and L-2 31 days late: the low late payment is resolved and a medium one raised (≥ 31).
    //   04-20 L-1 and L-4 inspected today: their overdue inspections no longer hold.
    //   05-01 L-3 (yellow) not inspected since 03-01, 61 days > 60: inspection_overdue.
    //   05-06 L-4 misses the 05-05 instalment: 1 day → special mention, late_repayment low.
    //   05-07 L-1 and L-2 91 days late → substandard (2 classified), red; B-2's own L-2 is non-performing:
    //         guarantor_non_performing (high) on L-3 and L-4, which makes B-3 and B-4 orange from 05-08.
    //   05-11 L-1 was written off today and is no longer reviewed; L-2 95 days late: the medium late
    //         payment is resolved and a high one raised (≥ 95).
    //   05-12 L-4 paid up today → back to normal (1 classified); its late payment was resolved by the
    //         payment itself. L-3 inspected today: its overdue inspection no longer holds.
    // Every other night finds the rules wanting what the loans have. Maturity reminders: none (all
    // the loans mature in January 2027).
    it('closes every day once, in order, from the first day of business to the day before the clock’s', () => {
      expect(closed.map((r) => r.date)).toEqual(
        Array.from({ length: 128 }, (_, i) => addDays('2026-01-05', i)), // 01-05 to 05-12
      );
      expect(closed.filter((r) => r.classified + r.signals + r.reminders > 0)).toEqual([
        { date: '2026-01-05', classified: 0, reminders: 0, signals: 1 },
        { date: '2026-01-06', classified: 0, reminders: 0, signals: 2 },
        { date: '2026-02-06', classified: 2, reminders: 0, signals: 2 },
        { date: '2026-03-07', classified: 0, reminders: 0, signals: 3 },
        { date: '2026-03-08', classified: 0, reminders: 0, signals: 2 },
        { date: '2026-04-20', classified: 0, reminders: 0, signals: 2 },
        { date: '2026-05-01', classified: 0, reminders: 0, signals: 1 },
        { date: '2026-05-06', classified: 1, reminders: 0, signals: 1 },
        { date: '2026-05-07', classified: 2, reminders: 0, signals: 2 },
        { date: '2026-05-11', classified: 0, reminders: 0, signals: 1 },
        { date: '2026-05-12', classified: 1, reminders: 0, signals: 1 },
      ]);
    });

    // On 2026-05-10 (closed at 00:30 on 05-11): L-1 and L-2 94 days late, substandard and with their
    // medium late payments since 03-08; L-4 5 days late, special mention and low since 05-06; the
    // guarantors' signals since 05-07; L-2's and L-3's overdue inspections open. Every decision was
    // made on an earlier night: nothing to classify, raise or resolve. Closing 05-10 again does nothing.
    it('a night on which the rules want what the loans already have changes nothing; closing the last day again does nothing', () => {
      expect(firstEndOfDay.result).toEqual({ date: '2026-05-10', classified: 0, reminders: 0, signals: 0 });
      expect(firstEndOfDay.again).toEqual([]);
    });

    // Closed through 05-12, a night at a time: on 05-11 L-2's late payment escalates to high (1 loan's
    // signals changed; L-1, written off that day, is not reviewed); on 05-12 L-4 is back to normal and
    // L-3's overdue inspection is resolved (L-4 wants what it has: the payment resolved its late payment).
    it('the next nights escalate a late payment, resolve what no longer holds, and leave the rest', () => {
      expect(secondEndOfDay.result).toEqual([
        { date: '2026-05-11', classified: 0, reminders: 0, signals: 1 },
        { date: '2026-05-12', classified: 1, reminders: 0, signals: 1 },
      ]);
    });

    it('records each signal on the loan: rule, severity, who raised it, when it was raised and resolved, and why', async () => {
      const loan = async (loanId: string) => (await t.http.get(`/loans/${loanId}`).set(t.as('bo')).expect(200)).body;
      const signals = async (loanId: string) =>
        (await loan(loanId)).signals.map(
          (s: { signalId: string; rule: string; severity: string; raisedBy: string; raisedOn: string; resolvedOn: string | null }) => [
            s.signalId,
            s.rule,
            s.severity,
            s.raisedBy,
            s.raisedOn,
            s.resolvedOn,
          ],
        );
      // The inspector's finding on 04-20 is S4; the write-off resolved L-1's open signals on 05-11.
      expect(await signals('L-1')).toEqual([
        ['S1', 'late_repayment', 'low', 'system', '2026-02-06', '2026-03-08'],
        ['S2', 'inspection_overdue', 'medium', 'system', '2026-03-07', '2026-04-20'],
        ['S3', 'late_repayment', 'medium', 'system', '2026-03-08', '2026-05-11'],
        ['S4', 'inspection_flagged', 'high', 'eve', '2026-04-20', '2026-05-11'],
      ]);
      // Never inspected: its overdue inspection stays open.
      expect(await signals('L-2')).toEqual([
        ['S1', 'borrower_concentration', 'medium', 'system', '2026-01-05', null],
        ['S2', 'late_repayment', 'low', 'system', '2026-02-06', '2026-03-08'],
        ['S3', 'inspection_overdue', 'medium', 'system', '2026-03-07', null],
        ['S4', 'late_repayment', 'medium', 'system', '2026-03-08', '2026-05-11'],
        ['S5', 'late_repayment', 'high', 'system', '2026-05-11', null],
      ]);
      expect(await signals('L-3')).toEqual([
        ['S1', 'guarantor_concentration', 'medium', 'system', '2026-01-06', null],
        ['S2', 'inspection_overdue', 'medium', 'system', '2026-05-01', '2026-05-12'],
        ['S3', 'guarantor_non_performing', 'high', 'system', '2026-05-07', null],
      ]);
      // Paid on 05-12: the payment that brought it up to date resolved the late payment.
      expect(await signals('L-4')).toEqual([
        ['S1', 'guarantor_concentration', 'medium', 'system', '2026-01-06', null],
        ['S2', 'inspection_overdue', 'medium', 'system', '2026-03-07', '2026-04-20'],
        ['S3', 'late_repayment', 'low', 'system', '2026-05-06', '2026-05-12'],
        ['S4', 'guarantor_non_performing', 'high', 'system', '2026-05-07', null],
      ]);
      const resolution = async (loanId: string, signalId: string) => {
        const s = (await loan(loanId)).signals.find((x: { signalId: string }) => x.signalId === signalId);
        return [s.resolution, s.evidence];
      };
      // Each signal keeps the evidence of the night it was raised.
      expect(await resolution('L-2', 'S2')).toEqual([
        'now medium: 31 days past due on 2026-03-08 (threshold 31)',
        '1 days past due on 2026-02-06 (threshold 1)',
      ]);
      expect(await resolution('L-2', 'S4')).toEqual([
        'now high: 95 days past due on 2026-05-11 (threshold 95)',
        '31 days past due on 2026-03-08 (threshold 31)',
      ]);
      expect(await resolution('L-3', 'S2')).toEqual([
        'no longer holds on 2026-05-12',
        'not inspected for 61 days; a yellow borrower is inspected every 60 days',
      ]);
      expect(await resolution('L-4', 'S2')).toEqual([
        'no longer holds on 2026-04-20',
        'not inspected for 61 days; a yellow borrower is inspected every 60 days',
      ]);
      expect(await resolution('L-4', 'S3')).toEqual(['brought up to date on 2026-05-12', '1 days past due on 2026-05-06 (threshold 1)']);
    });
  });

  describe('GET /reports/warnings', () => {
    it('lists every signal open at the date, gravest first then oldest, with the borrower’s level', async () => {
      const r = await t.http.get('/reports/warnings?asOf=2026-05-12').set(t.as('bo')).expect(200);
      // Levels on 05-12: B-2 red (L-2 non-performing, 96 days); B-3 and B-4 orange (a high signal open).
      // The high ones: the guarantors' signals of 05-07, then L-2's late payment of 05-11; the medium
      // ones: B-2's concentration (01-05), B-2's guarantees (01-06), L-2's overdue inspection (03-07).
      expect(
        r.body.warnings.map((w: { loanId: string; signalId: string; severity: string; level: string }) => [
          w.loanId,
          w.signalId,
          w.severity,
          w.level,
        ]),
      ).toEqual([
        ['L-3', 'S3', 'high', 'orange'],
        ['L-4', 'S4', 'high', 'orange'],
        ['L-2', 'S5', 'high', 'red'],
        ['L-2', 'S1', 'medium', 'red'],
        ['L-3', 'S1', 'medium', 'orange'],
        ['L-4', 'S1', 'medium', 'orange'],
        ['L-2', 'S3', 'medium', 'red'],
      ]);
      expect(r.body).toMatchObject({
        asOf: '2026-05-12',
        branchId: null,
        officerId: null,
        level: null,
        byLevel: { green: 0, yellow: 0, orange: 4, red: 3 },
        bySeverity: { low: 0, medium: 4, high: 3, critical: 0 },
      });
      // The evidence is the night's it was raised (95 days on 05-11); the days past due are 05-12's.
      expect(r.body.warnings[2]).toEqual({
        loanId: 'L-2',
        signalId: 'S5',
        borrowerId: 'B-2',
        branchId: 'BR-01',
        officerId: 'ana',
        rule: 'late_repayment',
        severity: 'high',
        evidence: '95 days past due on 2026-05-11 (threshold 95)',
        action: 'early_recovery',
        raisedBy: 'system',
        raisedOn: '2026-05-11',
        level: 'red',
        daysPastDue: 96,
        principalOutstanding: 2_400_000,
        category: 'substandard',
      });
      // Raised on 01-06, when B-2's guarantees covered all of L-3's and L-4's principal: 12,000.00 + 6,000.00.
      expect(r.body.warnings.find((w: { loanId: string; signalId: string }) => w.loanId === 'L-3' && w.signalId === 'S1')).toMatchObject({
        evidence: 'guarantor B-2 guarantees 18,000.00, above the 10,000.00 limit',
        action: 'add_guarantee',
        officerId: 'fay',
        raisedOn: '2026-01-06',
      });
      expect(r.body.warnings.find((w: { loanId: string; signalId: string }) => w.loanId === 'L-3' && w.signalId === 'S3')).toMatchObject({
        evidence: "guarantor B-2's own loan L-2 is non-performing",
      });
    });

    it('as of an earlier date: the signals open then, the inspector’s finding and those resolved since among them', async () => {
      const r = await t.http.get('/reports/warnings?asOf=2026-05-10').set(t.as('bo')).expect(200);
      // L-1 is written off now and B-1 has no active loan: the level is that of L-1 itself (non-performing: red).
      // L-4 was 5 days late on 05-10 with a high signal open: orange.
      // B-3 had its overdue inspection (medium, since 05-01) and a high signal open: orange.
      // Resolved since: L-1's two (the write-off, 05-11), L-2's medium late payment (escalated 05-11),
      // L-3's overdue inspection and L-4's late payment (05-12).
      expect(
        r.body.warnings.map((w: { loanId: string; signalId: string; rule: string; level: string }) => [
          w.loanId,
          w.signalId,
          w.rule,
          w.level,
        ]),
      ).toEqual([
        ['L-1', 'S4', 'inspection_flagged', 'red'],
        ['L-3', 'S3', 'guarantor_non_performing', 'orange'],
        ['L-4', 'S4', 'guarantor_non_performing', 'orange'],
        ['L-2', 'S1', 'borrower_concentration', 'red'],
        ['L-3', 'S1', 'guarantor_concentration', 'orange'],
        ['L-4', 'S1', 'guarantor_concentration', 'orange'],
        ['L-2', 'S3', 'inspection_overdue', 'red'],
        ['L-1', 'S3', 'late_repayment', 'red'],
        ['L-2', 'S4', 'late_repayment', 'red'],
        ['L-3', 'S2', 'inspection_overdue', 'orange'],
        ['L-4', 'S3', 'late_repayment', 'orange'],
      ]);
      // Raised the night L-4 was 1 day late; 5 days late on 05-10.
      expect(r.body.warnings.at(-1)).toMatchObject({ daysPastDue: 5, evidence: '1 days past due on 2026-05-06 (threshold 1)' });
      // The first signal was raised the night of the payout: before that there was nothing to warn about.
      expect((await t.http.get('/reports/warnings?asOf=2026-01-04').set(t.as('bo')).expect(200)).body.warnings).toEqual([]);
      // The day before the inspector's finding: the nights' signals only.
      const before = await t.http.get('/reports/warnings?asOf=2026-04-19').set(t.as('bo')).expect(200);
      expect(before.body.warnings.map((w: { loanId: string; signalId: string }) => `${w.loanId} ${w.signalId}`)).toEqual([
        'L-2 S1',
        'L-3 S1',
        'L-4 S1',
        'L-1 S2',
        'L-2 S3',
        'L-4 S2',
        'L-1 S3',
        'L-2 S4',
      ]);
    });

    it('an account officer’s work list, by level, by branch', async () => {
      const fay = await t.http.get('/reports/warnings?asOf=2026-05-12&officerId=fay').set(t.as('fay')).expect(200);
      expect(fay.body.warnings.map((w: { loanId: string; signalId: string }) => `${w.loanId} ${w.signalId}`)).toEqual([
        'L-3 S3',
        'L-4 S4',
        'L-3 S1',
        'L-4 S1',
      ]);
      const red = await t.http.get('/reports/warnings?asOf=2026-05-12&level=red').set(t.as('bo')).expect(200);
      expect(red.body.warnings.map((w: { loanId: string; signalId: string }) => `${w.loanId} ${w.signalId}`)).toEqual([
        'L-2 S5',
        'L-2 S1',
        'L-2 S3',
      ]);
      expect(red.body).toMatchObject({ level: 'red', byLevel: { red: 3, orange: 0 } });
      const none = await t.http.get('/reports/warnings?asOf=2026-05-12&officerId=fay&level=red').set(t.as('bo')).expect(200);
      expect(none.body.warnings).toEqual([]);
      const br1 = await t.http.get('/reports/warnings?asOf=2026-05-12&branchId=BR-01').set(t.as('bo')).expect(200);
      expect(br1.body.warnings.map((w: { loanId: string }) => w.loanId)).toEqual(['L-2', 'L-2', 'L-2']);
    });

    it('refuses a bad filter with every field named, and anyone who is not staff', async () => {
      const bad = await t.http.get('/reports/warnings?level=purple&asOf=2026-13-01&officerId=a%20b').set(t.as('bo')).expect(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['asOf', 'level', 'officerId']);
      await t.http.get('/reports/warnings').expect(401);
      expect((await t.http.get('/reports/warnings').set(t.as('nobody')).expect(403)).body.code).toBe('NOT_STAFF');
    });
  });

  describe('GET /reports/risk-board', () => {
    // Per point, on 05-12 (exposure = principal paid out on the tagged loans; open = still owed on the active ones):
    //   P-PURPOSE    L-1, L-2, L-4: 3 paid out, L-1 (written off) and L-2 bad: occurrence 2/3;
    //                exposure 12,000 + 24,000 + 6,000 = 42,000.00, loss 12,000.00: loss rate 2/7; score 4/21;
    //                open 24,000 + 4,000 (L-4 after 4 instalments) = 28,000.00
    //   P-GUARANTOR  L-1, L-3, L-4: 1/3 bad; exposure 30,000.00, loss 12,000.00: 2/5; score 2/15; open 8,000 + 4,000
    //   P-INCOME     L-2, L-5 (never paid out): 1 of 1 bad; loss 0: score 0; open 24,000.00
    //   P-COLLATERAL L-3, L-4: none bad: score 0, occurrence 0; open 12,000.00
    //   P-LEGACY     L-3, no longer catalogued: score 0, occurrence 0; open 8,000.00
    //   P-DIVERT     never tagged: no rates
    // Ranked by score (4/21 > 2/15 > 0), then occurrence (P-INCOME's 1 first), then code (P-COLLATERAL < P-LEGACY), rates last.
    it('ranks the points by occurrence rate x loss rate, with the counts and sums behind each rate', async () => {
      const r = await t.http.get('/reports/risk-board?asOf=2026-05-12').set(t.as('bo')).expect(200);
      expect(r.body.points).toEqual([
        {
          rank: 1,
          code: 'P-PURPOSE',
          stage: 'investigation',
          description: 'purpose of the loan not verified on site',
          catalogued: true,
          loans: 3,
          disbursedLoans: 3,
          nonPerformingLoans: 2,
          occurrenceRate: 0.666667,
          exposure: 4_200_000,
          loss: 1_200_000,
          lossRate: 0.285714,
          score: 0.190476,
          openExposure: 2_800_000,
        },
        {
          rank: 2,
          code: 'P-GUARANTOR',
          stage: 'examination',
          description: 'guarantor over-committed',
          catalogued: true,
          loans: 3,
          disbursedLoans: 3,
          nonPerformingLoans: 1,
          occurrenceRate: 0.333333,
          exposure: 3_000_000,
          loss: 1_200_000,
          lossRate: 0.4,
          score: 0.133333,
          openExposure: 1_200_000,
        },
        {
          rank: 3,
          code: 'P-INCOME',
          stage: 'investigation',
          description: 'income overstated',
          catalogued: true,
          loans: 2,
          disbursedLoans: 1,
          nonPerformingLoans: 1,
          occurrenceRate: 1,
          exposure: 2_400_000,
          loss: 0,
          lossRate: 0,
          score: 0,
          openExposure: 2_400_000,
        },
        {
          rank: 4,
          code: 'P-COLLATERAL',
          stage: 'examination',
          description: 'collateral over-valued',
          catalogued: true,
          loans: 2,
          disbursedLoans: 2,
          nonPerformingLoans: 0,
          occurrenceRate: 0,
          exposure: 1_800_000,
          loss: 0,
          lossRate: 0,
          score: 0,
          openExposure: 1_200_000,
        },
        {
          rank: 5,
          code: 'P-LEGACY',
          stage: null,
          description: null,
          catalogued: false,
          loans: 1,
          disbursedLoans: 1,
          nonPerformingLoans: 0,
          occurrenceRate: 0,
          exposure: 1_200_000,
          loss: 0,
          lossRate: 0,
          score: 0,
          openExposure: 800_000,
        },
        {
          rank: 6,
          code: 'P-DIVERT',
          stage: 'post_loan',
          description: 'funds diverted from the stated purpose',
          catalogued: true,
          loans: 0,
          disbursedLoans: 0,
          nonPerformingLoans: 0,
          occurrenceRate: null,
          exposure: 0,
          loss: 0,
          lossRate: null,
          score: null,
          openExposure: 0,
        },
      ]);
      const list = await t.http.get('/reports/warnings?asOf=2026-05-12').set(t.as('bo')).expect(200);
      expect(r.body.warnings).toEqual({
        open: 7,
        byLevel: { green: 0, yellow: 0, orange: 4, red: 3 },
        bySeverity: { low: 0, medium: 4, high: 3, critical: 0 },
        top: list.body.warnings,
      });
      expect(r.body).toMatchObject({ asOf: '2026-05-12', branchId: null });
    });

    // BR-02 holds L-3 and L-4, neither bad: every score 0 (by code), and the points none of them carry last.
    it('for one branch', async () => {
      const r = await t.http.get('/reports/risk-board?asOf=2026-05-12&branchId=BR-02').set(t.as('bo')).expect(200);
      expect(
        r.body.points.map((p: Record<string, unknown>) => [p.code, p.loans, p.nonPerformingLoans, p.exposure, p.score, p.openExposure]),
      ).toEqual([
        ['P-COLLATERAL', 2, 0, 1_800_000, 0, 1_200_000],
        ['P-GUARANTOR', 2, 0, 1_800_000, 0, 1_200_000],
        ['P-LEGACY', 1, 0, 1_200_000, 0, 800_000],
        ['P-PURPOSE', 1, 0, 600_000, 0, 400_000],
        ['P-DIVERT', 0, 0, 0, null, 0],
        ['P-INCOME', 0, 0, 0, null, 0],
      ]);
      expect(r.body.warnings).toMatchObject({ open: 4, byLevel: { orange: 4, red: 0 }, bySeverity: { high: 2, medium: 2 } });
      expect((await t.http.get('/reports/risk-board?branchId=no%20such').set(t.as('bo')).expect(400)).body.code).toBe('VALIDATION_FAILED');
    });
  });

  it('the assessment counts the written-off loan: out of the non-performing balance, into written off', async () => {
    // Paid out in January: 12,000 + 24,000 + 12,000 + 6,000 = 54,000.00; L-2's 24,000.00 non-performing,
    // L-1's 12,000.00 written off: (24,000 + 12,000) / 54,000 = 2/3.
    const r = await t.http.get('/reports/performance?from=2026-01-01&to=2026-01-31&groupBy=branch').set(t.as('bo')).expect(200);
    expect(r.body.total).toMatchObject({
      newLoans: 4,
      disbursed: 5_400_000,
      nonPerformingLoans: 1,
      nonPerformingBalance: 2_400_000,
      writtenOff: 1_200_000,
      nplRate: 0.666667,
    });
    expect(
      r.body.accountability.map((l: { loanId: string; writtenOff: number; principalOutstanding: number }) => [
        l.loanId,
        l.writtenOff,
        l.principalOutstanding,
      ]),
    ).toEqual([
      ['L-1', 1_200_000, 0],
      ['L-2', 0, 2_400_000],
    ]);
  });

  it('the CLI prints the board and the warnings, as JSON or CSV', async () => {
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
    const env =
      t.config.eventStore === 'postgres'
        ? { EVENT_STORE: 'postgres', DATABASE_URL: t.config.databaseUrl, JWT_SECRET: 'x' }
        : { SQLITE_PATH: t.config.sqlitePath, JWT_SECRET: 'x' };
    expect(await runReadModelCommand('report', ['risk-board', '--as-of', '2026-05-12', '--format', 'csv'], io, env)).toBe(0);
    const csv = lines.join('\n').split('\n');
    expect(csv[0]).toBe(
      'rank,code,stage,description,catalogued,loans,disbursedLoans,nonPerformingLoans,occurrenceRate,exposure,loss,lossRate,score,openExposure',
    );
    expect(csv[1]).toBe(
      '1,P-PURPOSE,investigation,purpose of the loan not verified on site,true,3,3,2,0.666667,4200000,1200000,0.285714,0.190476,2800000',
    );
    expect(csv).toHaveLength(7);
    lines.length = 0;
    expect(
      await runReadModelCommand('report', ['warnings', '--as-of', '2026-05-12', '--officer', 'fay', '--level', 'orange'], io, env),
    ).toBe(0);
    expect(JSON.parse(lines.join('\n')).warnings).toHaveLength(4);
    lines.length = 0;
    expect(await runReadModelCommand('report', ['warnings', '--level', 'purple'], io, env)).toBe(2);
    expect(lines).toEqual(['--level is one of green, yellow, orange, red, not purple']);
  });

  it('rebuilds from position 0 to exactly the tables it kept live', async () => {
    const runner = t.app.get(ProjectionService).runner;
    const dump = () => dumpReadModels(t.app.get<Storage>(STORAGE).readModels, runner.projections);
    await runner.catchUp();
    const live = await dump();
    // L-1 4 signals, L-2 5, L-3 3, L-4 4.
    expect(live.rm_signals).toHaveLength(16);
    expect(live.rm_guarantees).toHaveLength(2);
    // L-1 2 points, L-2 2, L-3 3, L-4 3, L-5 1.
    expect(live.rm_risk_point_loans).toHaveLength(11);
    await runner.rebuild(['risk', 'loans']);
    expect(await dump()).toEqual(live);
  });
});

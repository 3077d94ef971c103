import { JwtService } from '@nestjs/jwt';
import { EventStore } from '@loanflow/event-store';
import { EndOfDayService, ProjectionRunner, ProjectionService, PROJECTIONS } from '@loanflow/projections';
import { Storage } from '@loanflow/storage';
import { EVENT_STORE, STORAGE } from '../apps/api/src/common/tokens';
import { dumpReadModels } from './support/read-models';
import { ADMIN, BORROWER, hire, lend, registerBorrower, SECRET, startApp, TestApp } from './support/app';

/**
 * The read models over HTTP on a small portfolio whose every figure is worked out by hand below.
 * All loans: 12 months, 6% a year, equal principal, paid out on 2026-01-05, so instalment k falls
 * due on the 5th, k months later, with principal amount/12 and interest on the balance by the day,
 * ACT/360 (balance x 6% x days / 360: January's 31 days on 12,000.00 are 62.00, February's 28 on
 * 11,000.00 are 51.33, March's 31 on 10,000.00 are 51.67, April's 30 on 9,000.00 are 45.00).
 *
 *   L-1  BR-01  12,000.00  agricultural, guaranteed  pays instalments 1-4 on their due dates
 *   L-2  BR-01  24,000.00  not agricultural, credit   never pays
 *   L-3  BR-02  12,000.00  agricultural, mortgage     pays instalment 1 late, on 2026-03-20, with
 *                                                     the penalty interest and instalment 2's
 *                                                     interest due by then, then stops
 *   L-9  BR-01  imported history in which ana investigated and approved (approved, never paid out)
 */
const at = (date: string) => `${date}T01:00:00.000Z`; // 09:00 in Asia/Shanghai

describe('read models and reports, over HTTP', () => {
  let t: TestApp;
  const admin = () => t.as(ADMIN, true);
  const auditor = () => ({
    Authorization: `Bearer ${new JwtService().sign({ sub: 'aud', auditor: true }, { secret: SECRET, expiresIn: 3600 })}`,
  });

  /** Pays what is due on `date`, less any principal left to fall behind; returns the amount paid. */
  const pay = async (loanId: string, teller: string, date: string, principalLeftDue = 0) => {
    t.setNow(at(date));
    const { payoff } = (await t.http.get(`/loans/${loanId}`).set(t.as(teller)).expect(200)).body;
    const amount = payoff.due - principalLeftDue;
    await t.http.post(`/loans/${loanId}/repayments`).set(t.as(teller)).send({ amount }).expect(201);
    return amount;
  };

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
    ]);
    await registerBorrower(t, 'ana', { borrowerId: BORROWER, n: 100 });
    await lend(t, 'L-1', 'BR-01', ['ana', 'bo', 'cy', 'dan'], 1_200_000, { security: 'guaranteed' });
    await lend(t, 'L-2', 'BR-01', ['ana', 'bo', 'cy', 'dan'], 2_400_000, { agricultural: false, security: 'credit' });
    await lend(t, 'L-3', 'BR-02', ['fay', 'gus', 'hal', 'ivy'], 1_200_000, { security: 'mortgage' });
    // A refused attempt: the investigator of L-1 tries to approve it.
    await t.http
      .post('/loans/L-1/approval')
      .set(t.as('ana'))
      .send({ decision: 'approve', terms: { amount: 1_200_000, termMonths: 12, annualRateBps: 600 }, comments: 'x' })
      .expect(403);

    // 1,000.00 + 62.00 on the due date.
    expect(await pay('L-1', 'dan', '2026-02-05')).toBe(106_200);
    t.setNow(at('2026-03-01'));
    await t.http
      .post('/loans/L-1/inspections')
      .set(t.as('eve'))
      .send({ findings: 'crops planted', riskPoints: [], signals: [] })
      .expect(201);
    expect(await pay('L-1', 'dan', '2026-03-05')).toBe(105_133);
    // L-3 on 2026-03-20: instalment 1 (1,000.00 + 62.00), instalment 2's interest (51.33), and at
    // 9% a year the penalty on 1,000.00 overdue since 02-05 (28 days: 7.00) and on 2,000.00 since
    // 03-05 (15 days: 7.50), and the compound interest on 62.00 for 28 days (0.434 -> 0.43) and on
    // 113.33 for 15 days (0.425 -> 0.42): 1,000.00 + 62.00 + 51.33 + 14.50 + 0.85 = 1,128.68.
    // Instalment 2's 1,000.00 of principal stays unpaid.
    expect(await pay('L-3', 'ivy', '2026-03-20', 100_000)).toBe(112_868);
    expect(await pay('L-1', 'dan', '2026-04-05')).toBe(105_167);
    expect(await pay('L-1', 'dan', '2026-05-05')).toBe(104_500);

    // Imported from an older system: ana applied, investigated and then approved L-9 herself.
    const store = t.app.get<EventStore>(EVENT_STORE);
    const meta = (actorId: string, n: number) => ({
      actorId,
      commandId: `import-L-9-${n}`,
      correlationId: 'import',
      causationId: null,
      occurredAt: at('2026-01-06'),
    });
    const terms = { amount: 500_000, termMonths: 12, annualRateBps: 600 };
    const history = [
      [
        'ana',
        'LoanApplied',
        {
          loanId: 'L-9',
          borrowerId: BORROWER,
          branchId: 'BR-01',
          officerId: 'ana',
          purpose: 'p',
          sector: 'grain',
          agricultural: true,
          security: 'credit',
          amount: 500_000,
          termMonths: 12,
          repayment: 'bullet',
          appliedOn: '2026-01-06',
          at: at('2026-01-06'),
        },
      ],
      [
        'ana',
        'InvestigationCompleted',
        {
          loanId: 'L-9',
          investigatorId: 'ana',
          recommendation: 'approve',
          findings: 'f',
          riskPoints: [],
          proposedTerms: terms,
          at: at('2026-01-06'),
        },
      ],
      [
        'bo',
        'ExaminationCompleted',
        { loanId: 'L-9', examinerId: 'bo', opinion: 'pass', comments: 'c', riskPoints: [], at: at('2026-01-06') },
      ],
      ['ana', 'LoanApproved', { loanId: 'L-9', approverId: 'ana', terms, comments: 'c', approvedOn: '2026-01-06', at: at('2026-01-06') }],
    ] as const;
    for (const [n, [actor, type, data]] of history.entries())
      await store.append('loan-L-9', [{ type, data: data as unknown as Record<string, unknown> }], {
        expectedVersion: n - 1,
        metadata: meta(actor, n),
      });

    await t.http
      .put('/config/structure-targets')
      .set(admin())
      .send({
        targets: [
          { dimension: 'purpose', bucket: 'agricultural', minShareBps: 6000 },
          { dimension: 'security', bucket: 'credit', maxShareBps: 4000 },
        ],
      })
      .expect(200);
    await t.http.put('/config/policy-settings').set(admin()).send({ rotationTenureMonths: 3, inspectionIntervalDays: 90 }).expect(200);

    t.setNow(at('2026-05-11'));
    const endOfDay = t.app.get(EndOfDayService);
    const closed = await endOfDay.closeThrough('2026-05-10');
    // No day had been closed: every day from the log's first (2026-01-05) to 05-10 is, in order.
    expect(closed).toHaveLength(126);
    expect([closed[0].date, closed[125].date]).toEqual(['2026-01-05', '2026-05-10']);
    // L-2 and L-3 fall behind on 02-05 (special mention the next day) and L-2 passes 90 days on 05-07
    // (substandard); the warnings follow the rules day by day (default rules: the borrower is red once
    // L-2 is non-performing, inspected every 30 days).
    expect(closed.filter((d) => d.classified + d.signals + d.reminders > 0)).toEqual([
      { date: '2026-02-06', classified: 2, signals: 2, reminders: 0 },
      { date: '2026-03-07', classified: 0, signals: 2, reminders: 0 },
      { date: '2026-03-08', classified: 0, signals: 2, reminders: 0 },
      { date: '2026-03-20', classified: 0, signals: 1, reminders: 0 },
      { date: '2026-04-01', classified: 0, signals: 1, reminders: 0 },
      { date: '2026-04-05', classified: 0, signals: 1, reminders: 0 },
      { date: '2026-05-07', classified: 1, signals: 1, reminders: 0 },
    ]);
    // The last closed day again is a no-op; an earlier one, or a day not over, is refused.
    expect(await endOfDay.closeThrough('2026-05-10')).toEqual([]);
    await expect(endOfDay.closeThrough('2026-05-09')).rejects.toMatchObject({ code: 'DAY_ALREADY_CLOSED' });
    await expect(endOfDay.closeThrough('2026-05-11')).rejects.toMatchObject({ code: 'DAY_NOT_OVER' });
  });
  afterAll(() => t.close());

  it('lists loans by status, branch, officer, category, maturity month and id prefix, a page at a time', async () => {
    const all = await t.http.get('/loans').set(t.as('bo')).expect(200);
    expect(all.body).toMatchObject({ total: 4, page: 1, pageSize: 50 });
    const active = await t.http.get('/loans?status=active&branchId=BR-01').set(t.as('bo')).expect(200);
    expect(active.body.items.map((l: { loanId: string }) => l.loanId).sort()).toEqual(['L-1', 'L-2']);
    const npl = await t.http.get('/loans?category=substandard').set(t.as('bo')).expect(200);
    expect(npl.body.items).toEqual([
      expect.objectContaining({
        loanId: 'L-2',
        category: 'substandard',
        // As classified: on 05-07, 91 days past due.
        classifiedOn: '2026-05-07',
        daysPastDue: 91,
        principalOutstanding: 2_400_000,
        officerId: 'ana',
      }),
    ]);
    expect(
      (await t.http.get('/loans?officerId=fay').set(t.as('bo')).expect(200)).body.items.map((l: { loanId: string }) => l.loanId),
    ).toEqual(['L-3']);
    expect((await t.http.get('/loans?maturing=2027-01&pageSize=2&page=2').set(t.as('bo')).expect(200)).body).toMatchObject({
      total: 3,
      page: 2,
      items: [expect.anything()],
    });
    // Search: loans whose id, or whose borrower's id, begins with the text, as written.
    const found = async (search: string) =>
      (
        await t.http
          .get(`/loans?search=${encodeURIComponent(search)}`)
          .set(t.as('bo'))
          .expect(200)
      ).body.items
        .map((l: { loanId: string }) => l.loanId)
        .sort();
    expect(await found('L-9')).toEqual(['L-9']);
    expect(await found('L-')).toEqual(['L-1', 'L-2', 'L-3', 'L-9']);
    expect(await found('B-10')).toEqual(['L-1', 'L-2', 'L-3', 'L-9']);
    expect(await found('l-9')).toEqual([]);
    expect(await found('L_9')).toEqual([]);
    expect((await t.http.get('/loans?search=L-%25').set(t.as('bo')).expect(400)).body.errors[0].field).toBe('search');
    const bad = await t.http.get('/loans?category=bad&maturing=2027-13&pageSize=0').set(t.as('bo')).expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['category', 'maturing', 'pageSize']);
    await t.http.get('/loans').expect(401);
    expect((await t.http.get('/loans').set(t.as('nobody')).expect(403)).body.code).toBe('NOT_STAFF');
  });

  it('lists the month maturing per branch and officer, and what was overdue at a date', async () => {
    const now = await t.http.get('/reports/maturities?month=2027-01&asOf=2026-05-10').set(t.as('bo')).expect(200);
    expect(now.body.branches).toEqual([
      {
        branchId: 'BR-01',
        loans: 2,
        principalOutstanding: 800_000 + 2_400_000,
        remindersIssuedOn: null,
        officers: [
          {
            officerId: 'ana',
            principalOutstanding: 3_200_000,
            loans: [
              {
                loanId: 'L-1',
                borrowerId: BORROWER,
                maturityDate: '2027-01-05',
                principalOutstanding: 800_000,
                interestOutstanding: 39_383 - 21_000,
                category: 'normal',
              },
              {
                loanId: 'L-2',
                borrowerId: BORROWER,
                maturityDate: '2027-01-05',
                principalOutstanding: 2_400_000,
                interestOutstanding: 78_767,
                category: 'substandard',
              },
            ],
          },
        ],
      },
      {
        branchId: 'BR-02',
        loans: 1,
        principalOutstanding: 1_100_000,
        remindersIssuedOn: null,
        officers: [
          {
            officerId: 'fay',
            principalOutstanding: 1_100_000,
            loans: [
              {
                loanId: 'L-3',
                borrowerId: BORROWER,
                maturityDate: '2027-01-05',
                principalOutstanding: 1_100_000,
                interestOutstanding: 39_383 - 6_200 - 5_133,
                category: 'special_mention',
              },
            ],
          },
        ],
      },
    ]);
    // Interest over the term, balance x days / 6,000 in cents: 12,000.00 pays 6,200 + 5,133 + 5,167 +
    // 4,500 + 4,133 + 3,500 + 3,100 + 2,583 + 2,000 + 1,550 + 1,000 + 517 = 39,383; 24,000.00 pays
    // 12,400 + 10,267 + 10,333 + 9,000 + 8,267 + 7,000 + 6,200 + 5,167 + 4,000 + 3,100 + 2,000 + 1,033 = 78,767
    // (each instalment rounded once). L-1 has paid 6,200 + 5,133 + 5,167 + 4,500 = 21,000 of it.
    expect(now.body.overdue).toEqual([
      {
        loanId: 'L-2',
        borrowerId: BORROWER,
        branchId: 'BR-01',
        officerId: 'ana',
        daysPastDue: 94,
        oldestDueDate: '2026-02-05',
        principalOverdue: 800_000,
        interestOverdue: 12_400 + 10_267 + 10_333 + 9_000,
        principalOutstanding: 2_400_000,
        category: 'substandard',
      },
      {
        loanId: 'L-3',
        borrowerId: BORROWER,
        branchId: 'BR-02',
        officerId: 'fay',
        daysPastDue: 66,
        oldestDueDate: '2026-03-05',
        principalOverdue: 300_000,
        interestOverdue: 5_167 + 4_500,
        principalOutstanding: 1_100_000,
        category: 'special_mention',
      },
    ]);
    // On 2026-03-10, L-3's first instalment was not yet paid (it was on 03-20): both were 33 days late.
    const then = await t.http.get('/reports/maturities?month=2027-01&asOf=2026-03-10&branchId=BR-02').set(t.as('bo')).expect(200);
    expect(then.body.branches.map((b: { branchId: string }) => b.branchId)).toEqual(['BR-02']);
    expect(then.body.overdue).toEqual([
      expect.objectContaining({ loanId: 'L-3', daysPastDue: 33, principalOverdue: 200_000, interestOverdue: 6_200 + 5_133 }),
    ]);
    await t.http.get('/reports/maturities').set(t.as('bo')).expect(400);
  });

  describe('performance', () => {
    // Due from 2026-01-01 to 03-31: instalments 1 and 2 of each loan.
    //   principal 200,000 (L-1) + 400,000 (L-2) + 200,000 (L-3) = 800,000; repaid by 03-31: 200,000 + 0 + 100,000
    //   interest 11,333 + 22,667 + 11,333 = 45,333; collected by 03-31: 11,333 + 0 + 11,333 (L-3 paid
    //   instalment 2's interest with instalment 1 on 03-20)
    //   disbursed 4,800,000, of which L-2's 2,400,000 is substandard now
    it('per branch, with the total and the accountability list', async () => {
      const r = await t.http.get('/reports/performance?from=2026-01-01&to=2026-03-31&groupBy=branch').set(t.as('bo')).expect(200);
      expect(r.body.total).toEqual({
        instalmentsDue: 6,
        principalDue: 800_000,
        principalRecovered: 300_000,
        recoveryRate: 0.375,
        interestDue: 45_333,
        interestCollected: 22_666,
        interestRecoveryRate: 0.499989,
        newLoans: 3,
        disbursed: 4_800_000,
        nonPerformingLoans: 1,
        nonPerformingBalance: 2_400_000,
        writtenOff: 0,
        recoveredAfterWriteOff: 0,
        nplRate: 0.5,
      });
      expect(r.body.rows).toEqual([
        expect.objectContaining({
          branchId: 'BR-01',
          principalDue: 600_000,
          principalRecovered: 200_000,
          recoveryRate: 0.333333,
          interestDue: 34_000,
          interestCollected: 11_333,
          interestRecoveryRate: 0.333324,
          newLoans: 2,
          disbursed: 3_600_000,
          nonPerformingBalance: 2_400_000,
          nplRate: 0.666667,
        }),
        expect.objectContaining({
          branchId: 'BR-02',
          principalDue: 200_000,
          principalRecovered: 100_000,
          recoveryRate: 0.5,
          interestDue: 11_333,
          interestCollected: 11_333,
          interestRecoveryRate: 1,
          newLoans: 1,
          disbursed: 1_200_000,
          nonPerformingBalance: 0,
          nplRate: 0,
        }),
      ]);
      expect(r.body.accountability).toEqual([
        {
          loanId: 'L-2',
          borrowerId: BORROWER,
          branchId: 'BR-01',
          disbursedOn: '2026-01-05',
          disbursed: 2_400_000,
          principalOutstanding: 2_400_000,
          category: 'substandard',
          writtenOff: 0,
          recovered: 0,
          investigatedBy: ['ana'],
          examinedBy: ['bo'],
          approvedBy: ['cy'],
          disbursedBy: ['dan'],
          dissent: [],
        },
      ]);
    });

    it('per officer, in each post they acted in', async () => {
      const r = await t.http.get('/reports/performance?from=2026-01-01&to=2026-03-31&groupBy=officer').set(t.as('bo')).expect(200);
      const row = (staffId: string, post: string) =>
        r.body.rows.find((x: { staffId: string; post: string }) => x.staffId === staffId && x.post === post);
      expect(r.body.rows).toHaveLength(8);
      for (const [id, post] of [
        ['ana', 'investigation'],
        ['bo', 'examination'],
        ['cy', 'approval'],
        ['dan', 'disbursement'],
      ])
        expect(row(id, post)).toMatchObject({ principalDue: 600_000, principalRecovered: 200_000, newLoans: 2, nplRate: 0.666667 });
      expect(row('hal', 'approval')).toMatchObject({ recoveryRate: 0.5, interestRecoveryRate: 1, nplRate: 0 });
      // A period with nothing due and nothing paid out has no rates, not zero rates.
      const empty = await t.http.get('/reports/performance?from=2025-01-01&to=2025-12-31').set(t.as('bo')).expect(200);
      expect(empty.body.total).toMatchObject({ principalDue: 0, recoveryRate: null, interestRecoveryRate: null, nplRate: null });
      expect((await t.http.get('/reports/performance?from=2026-03-31&to=2026-01-01').set(t.as('bo')).expect(400)).body.code).toBe(
        'INVALID_PERIOD',
      );
    });
  });

  it('shows the credit structure against the targets, naming each breach', async () => {
    const r = await t.http.get('/reports/portfolio').set(t.as('bo')).expect(200);
    // Active balance: 800,000 (L-1) + 2,400,000 (L-2) + 1,100,000 (L-3) = 4,300,000.
    expect(r.body).toMatchObject({ loans: 3, balance: 4_300_000 });
    expect(r.body.dimensions.purpose).toEqual([
      { bucket: 'non_agricultural', loans: 1, balance: 2_400_000, shareBps: 5581, breach: null },
      { bucket: 'agricultural', loans: 2, balance: 1_900_000, shareBps: 4419, minShareBps: 6000, breach: 'below_min' },
    ]);
    expect(r.body.dimensions.security.map((b: { bucket: string; shareBps: number }) => [b.bucket, b.shareBps])).toEqual([
      ['credit', 5581],
      ['mortgage', 2558],
      ['guaranteed', 1860],
    ]);
    expect(r.body.dimensions.term).toEqual([{ bucket: 'short', loans: 3, balance: 4_300_000, shareBps: 10_000, breach: null }]);
    expect(r.body.breaches).toEqual([
      {
        dimension: 'purpose',
        bucket: 'agricultural',
        shareBps: 4419,
        minShareBps: 6000,
        breach: 'below_min',
        description: 'purpose agricultural is 44.2% of the balance, below the 60.0% minimum',
      },
      {
        dimension: 'security',
        bucket: 'credit',
        shareBps: 5581,
        maxShareBps: 4000,
        breach: 'above_max',
        description: 'security credit is 55.8% of the balance, above the 40.0% maximum',
      },
    ]);
  });

  it('finds past violations, refused attempts, overdue rotations and overdue inspections, for auditors only', async () => {
    expect((await t.http.get('/compliance/violations').set(t.as('bo')).expect(403)).body.code).toBe('AUDITORS_ONLY');
    const r = await t.http.get('/compliance/violations?asOf=2026-05-10').set(auditor()).expect(200);
    // Refused: ana approving L-1, 'nobody' listing loans, bo reading compliance (the tests above run first).
    // Tenure 3 months from 2026-01-05: all nine posts; inspection interval 90 days: L-2 and L-3 (L-1 was inspected on 03-01).
    expect(r.body.counts).toEqual({ policy_violation: 1, refused_attempt: 3, rotation_overdue: 9, inspection_overdue: 2 });
    const violation = r.body.findings.find((f: { kind: string }) => f.kind === 'policy_violation');
    const history = await t.http.get('/loans/L-9/history').set(auditor()).expect(200);
    const positions = history.body.events.map((e: { globalPosition: number }) => e.globalPosition);
    expect(violation).toEqual({
      kind: 'policy_violation',
      severity: 'critical',
      code: 'SOD_THREE_POWERS',
      people: ['ana'],
      loanId: 'L-9',
      positions: [positions[3], positions[0], positions[1]],
      at: at('2026-01-06'),
      detail: expect.stringContaining('ana already acted on it in investigation'),
    });
    const ana = await t.http.get('/compliance/violations?asOf=2026-05-10&staffId=ana&kind=refused_attempt').set(auditor()).expect(200);
    expect(ana.body.findings).toEqual([
      expect.objectContaining({ kind: 'refused_attempt', code: 'SOD_THREE_POWERS', people: ['ana'], loanId: 'L-1' }),
    ]);
    const late = await t.http.get('/compliance/violations?asOf=2026-05-10&kind=inspection_overdue').set(auditor()).expect(200);
    expect(late.body.findings.map((f: { loanId: string }) => f.loanId)).toEqual(['L-2', 'L-3']);
  });

  it('rebuilds from position 0 to exactly the tables it kept live', async () => {
    const runner = t.app.get(ProjectionService).runner;
    const dump = () => dumpReadModels(t.app.get<Storage>(STORAGE).readModels, runner.projections);
    await t.app.get(ProjectionService).ready();
    const health = await t.http.get('/health').expect(200);
    const head = health.body.eventStore.headPosition;
    expect(health.body.projections).toEqual({
      active: true,
      lastError: null,
      checkpoints: {
        loans: { checkpoint: head, lag: 0 },
        compliance: { checkpoint: head, lag: 0 },
        risk: { checkpoint: head, lag: 0 },
      },
      reactions: { checkpoint: head, lag: 0 },
    });
    // Metrics are for administrators and auditors (a scraper uses METRICS_PORT): 401 without a token, 403 for staff.
    await t.http.get('/metrics').expect(401);
    expect((await t.http.get('/metrics').set(t.as('bo')).expect(403)).body.code).toBe('AUDITORS_ONLY');
    const metrics = (await t.http.get('/metrics').set(auditor()).expect(200)).text;
    expect(metrics).toContain('loanflow_reactions_lag_events 0');
    expect(metrics).toContain('loanflow_follower_stopped{follower="loans",position=""} 0');
    const live = await dump();
    expect(live.rm_loans).toHaveLength(4);
    await runner.rebuild();
    expect(await dump()).toEqual(live);
    // With room for three rows, nearly every row read back is let go and read again from the database.
    const storage = t.app.get<Storage>(STORAGE);
    const narrow = new ProjectionRunner(storage.eventStore, storage.readModels, PROJECTIONS, {
      businessTimeZone: 'Asia/Shanghai',
      clock: storage.clock,
      cachedRows: 3,
      batchSize: 7,
    });
    await narrow.rebuild();
    expect(await dump()).toEqual(live);
  });
});

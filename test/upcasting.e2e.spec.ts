import { EventStore } from '@loanflow/event-store';
import { toKafkaRecord } from '@loanflow/messaging';
import { EVENT_STORE } from '../apps/api/src/common/tokens';
import { BORROWER, BRANCH, staffBranch, startApp, TestApp } from './support/app';
import { recomputedHash } from './support/kafka';

/**
 * A log recorded before interest accrued by the day: its LoanDisbursed has schema version 1 and
 * none of the interest terms. The app reads it through the upcaster (the decisions, the read
 * models), while the log, its history and its chain keep it as it was recorded.
 */
describe('events recorded in an older shape', () => {
  let t: TestApp;
  let store: EventStore;
  const at = '2026-01-10T02:00:00.000Z';

  beforeAll(async () => {
    t = await startApp('2026-01-10T02:00:00.000Z');
    await staffBranch(t);
    store = t.app.get<EventStore>(EVENT_STORE);
    const terms = { amount: 1_000_000, termMonths: 2, annualRateBps: 720 };
    // As the version before this one recorded them: a bullet loan with a month's interest (6,000) per instalment.
    const recorded: [string, string, Record<string, unknown>, number][] = [
      [
        'ana',
        'LoanApplied',
        {
          loanId: 'L-OLD',
          borrowerId: BORROWER,
          branchId: BRANCH,
          officerId: 'ana',
          purpose: 'seed',
          sector: 'grain',
          agricultural: true,
          security: 'credit',
          amount: 1_000_000,
          termMonths: 2,
          repayment: 'bullet',
          appliedOn: '2026-01-10',
          at,
        },
        1,
      ],
      [
        'ana',
        'InvestigationCompleted',
        { loanId: 'L-OLD', investigatorId: 'ana', recommendation: 'approve', findings: 'f', riskPoints: [], proposedTerms: terms, at },
        1,
      ],
      ['bo', 'ExaminationCompleted', { loanId: 'L-OLD', examinerId: 'bo', opinion: 'pass', comments: 'c', riskPoints: [], at }, 1],
      ['cy', 'LoanApproved', { loanId: 'L-OLD', approverId: 'cy', terms, comments: 'c', approvedOn: '2026-01-10', at }, 1],
      [
        'dan',
        'LoanDisbursed',
        {
          loanId: 'L-OLD',
          disbursedBy: 'dan',
          amount: 1_000_000,
          disbursedOn: '2026-01-10',
          annualRateBps: 720,
          termMonths: 2,
          repayment: 'bullet',
          maturityDate: '2026-03-10',
          schedule: [
            { n: 1, dueDate: '2026-02-10', principal: 0, interest: 6_000 },
            { n: 2, dueDate: '2026-03-10', principal: 1_000_000, interest: 6_000 },
          ],
          at,
        },
        1,
      ],
    ];
    for (const [n, [actorId, type, data, schemaVersion]] of recorded.entries())
      await store.append('loan-L-OLD', [{ type, data, schemaVersion }], {
        expectedVersion: n - 1,
        metadata: { actorId, commandId: `old-${n}`, correlationId: 'import', causationId: null, occurredAt: at },
      });
  });
  afterAll(() => t.close());

  it('decides and reports on it in the current shape, and keeps it as recorded', async () => {
    t.setNow('2026-02-10T02:00:00.000Z');
    const loan = (await t.http.get('/loans/L-OLD').set(t.as('ana')).expect(200)).body;
    expect(loan.accrual.terms).toEqual({
      annualRateBps: 720,
      dayCount: '30/360',
      penaltySurchargeBps: null,
      earlyRepayment: 'shorten_term',
    });
    // The recorded first instalment's 6,000 is due; no penalty interest on these loans.
    expect(loan.payoff).toMatchObject({ interestDue: 6_000, penalty: 0, payoff: 1_006_000 });
    await t.http.post('/loans/L-OLD/repayments').set(t.as('dan')).send({ amount: 6_000 }).expect(201);
    const listed = (await t.http.get('/loans?search=L-OLD').set(t.as('ana')).expect(200)).body;
    expect(listed.items).toEqual([expect.objectContaining({ loanId: 'L-OLD', interestOutstanding: 6_000 })]);
    const history = (await t.http.get('/loans/L-OLD/history').set(t.as('ana')).expect(200)).body;
    expect(history.chain.valid).toBe(true);
    expect(history.events.map((e: { type: string; schemaVersion: number }) => `${e.type} v${e.schemaVersion}`)).toEqual([
      'LoanApplied v1',
      'InvestigationCompleted v1',
      'ExaminationCompleted v1',
      'LoanApproved v1',
      'LoanDisbursed v1',
      'RepaymentReceived v1',
    ]);
    expect(history.events[4].data).not.toHaveProperty('dayCount');
  });

  it('publishes it in the current shape, with the form it was recorded in, whose hash still recomputes from the record alone', async () => {
    const [recorded] = (await store.readStream('loan-L-OLD')).filter((e) => e.type === 'LoanDisbursed');
    const record = toKafkaRecord(recorded, { source: '/loanflow', topicPrefix: 'loanflow' });
    const h = record.headers;
    expect(h.ce_type).toBe('loanflow.loan.LoanDisbursed.v2');
    expect(JSON.parse(record.value)).toMatchObject({ dayCount: '30/360', penaltySurchargeBps: null, earlyRepayment: 'shorten_term' });
    expect(h.ce_recordedversion).toBe('1');
    expect(JSON.parse(h.ce_recordeddata)).toEqual(recorded.data);
    expect(recomputedHash(h, record.value)).toBe(h.ce_eventhash);
    // A record in the current shape carries neither header.
    const [applied] = await store.readStream('loan-L-OLD');
    expect(Object.keys(toKafkaRecord(applied, { source: '/loanflow', topicPrefix: 'loanflow' }).headers)).not.toContain('ce_recordeddata');
  });

  it('records what it decides now in the current shape', async () => {
    await t.http
      .post('/loans')
      .set(t.as('ana'))
      .send({
        loanId: 'L-NEW',
        borrowerId: BORROWER,
        branchId: BRANCH,
        purpose: 'seed',
        sector: 'grain',
        agricultural: true,
        security: 'credit',
        amount: 500_000,
        termMonths: 6,
        repayment: 'bullet',
      })
      .expect(201);
    const terms = { amount: 500_000, termMonths: 6, annualRateBps: 720 };
    await t.http
      .post('/loans/L-NEW/investigation')
      .set(t.as('ana'))
      .send({ recommendation: 'approve', findings: 'f', riskPoints: [], proposedTerms: terms })
      .expect(201);
    await t.http.post('/loans/L-NEW/examination').set(t.as('bo')).send({ opinion: 'pass', comments: 'c', riskPoints: [] }).expect(201);
    await t.http.post('/loans/L-NEW/approval').set(t.as('cy')).send({ decision: 'approve', terms, comments: 'c' }).expect(201);
    await t.http.post('/loans/L-NEW/disbursement').set(t.as('dan')).send({ amount: 500_000 }).expect(201);
    const disbursed = (await store.readStream('loan-L-NEW')).find((e) => e.type === 'LoanDisbursed')!;
    expect(disbursed.schemaVersion).toBe(2);
    expect(disbursed.data).toMatchObject({
      dayCount: 'ACT/360',
      penaltySurchargeBps: 5_000,
      earlyRepayment: 'shorten_term',
      moneyRulesVersion: -1,
    });
  });
});

import { application, BORROWER, BRANCH, startApp, staffBranch, terms, TestApp } from './support/app';

describe('a loan from application to closure, over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp('2026-03-02T09:00:00.000Z');
    await staffBranch(t);
  });
  afterAll(() => t.close());

  it('applies, investigates, examines, approves, disburses, inspects, is repaid and closes', async () => {
    const applied = await t.http.post('/loans').set(t.as('ana')).send(application('L-1')).expect(201);
    expect(applied.body).toEqual({ id: 'L-1', version: 0 });
    expect(applied.headers.etag).toBe('"0"');

    await t.http
      .post('/loans/L-1/investigation')
      .set(t.as('ana'))
      .send({ recommendation: 'approve', findings: 'income verified', riskPoints: ['guarantor-over-committed'], proposedTerms: terms() })
      .expect(201, { id: 'L-1', version: 1 });
    await t.http.post('/loans/L-1/examination').set(t.as('bo')).send({ opinion: 'pass', comments: 'complete', riskPoints: [] }).expect(201);
    t.setNow('2026-03-02T10:00:00.000Z');
    await t.http
      .post('/loans/L-1/approval')
      .set(t.as('cy'))
      .send({ decision: 'approve', terms: terms(), comments: 'within plan' })
      .expect(201, { id: 'L-1', version: 3 });

    t.setNow('2026-03-03T09:00:00.000Z');
    await t.http.post('/loans/L-1/disbursement').set(t.as('dan')).send({ amount: 5_000_000 }).expect(201);
    const active = await t.http.get('/loans/L-1').set(t.as('eve')).expect(200);
    expect(active.headers.etag).toBe('"4"');
    expect(active.body).toMatchObject({
      loanId: 'L-1',
      status: 'active',
      borrowerId: BORROWER,
      branchId: BRANCH,
      version: 4,
      actors: { investigation: ['ana'], examination: ['bo'], approval: ['cy'], disbursement: ['dan'], inspection: [] },
      disbursement: { amount: 5_000_000, disbursedOn: '2026-03-03', maturityDate: '2027-03-03' },
      outstanding: { principal: 5_000_000 },
    });
    // Equal principal: 50,000.00 / 12 = 4,166.66 a month, the last 4,166.74; first interest by the day,
    // ACT/360: 31 days on 50,000.00 at 6% = 258.333, 258.33.
    expect(active.body.schedule[0]).toMatchObject({ n: 1, dueDate: '2026-04-03', principal: 416_666, interest: 25_833 });
    expect(active.body.accrual.terms).toEqual({
      annualRateBps: 600,
      dayCount: 'ACT/360',
      penaltySurchargeBps: 5_000,
      earlyRepayment: 'shorten_term',
    });
    expect(active.body.schedule[11]).toMatchObject({ n: 12, dueDate: '2027-03-03', principal: 416_674 });

    t.setNow('2026-04-03T08:00:00.000Z');
    await t.http
      .post('/loans/L-1/inspections')
      .set(t.as('eve'))
      .send({ findings: 'crop planted as stated', riskPoints: [], signals: [] })
      .expect(201);

    // What paying off would cost, item by item: on its due date the first instalment is all that is due.
    const due = await t.http.get('/loans/L-1').query({ on: '2026-04-03' }).set(t.as('ana')).expect(200);
    expect(due.body.payoff).toEqual({
      on: '2026-04-03',
      penalty: 0,
      compound: 0,
      interestDue: 25_833,
      principalDue: 416_666,
      interestAccrued: 0,
      principalNotDue: 4_583_334,
      due: 442_499,
      payoff: 5_025_833,
    });
    // Paid off the day it was paid out, the loan would have cost its principal alone.
    expect((await t.http.get('/loans/L-1').query({ on: '2026-03-03' }).set(t.as('ana')).expect(200)).body.payoff.payoff).toBe(5_000_000);
    const future = await t.http.get('/loans/L-1').query({ on: '2026-04-04' }).set(t.as('ana')).expect(422);
    expect(future.body.code).toBe('DATE_IN_FUTURE');

    // Interest due first, then principal due.
    await t.http.post('/loans/L-1/repayments').set(t.as('dan')).send({ amount: 30_000, paidOn: '2026-04-03' }).expect(201);
    const partly = await t.http.get('/loans/L-1').set(t.as('ana')).expect(200);
    expect(partly.body.repaid).toEqual({ interest: 25_833, principal: 4_167, penalty: 0, compound: 0 });
    expect(partly.body.schedule[0]).toMatchObject({ interestPaid: 25_833, principalPaid: 4_167 });
    const before = await t.http.get('/loans/L-1').query({ on: '2026-04-02' }).set(t.as('ana')).expect(422);
    expect(before.body.code).toBe('DATE_BEFORE_LAST_PAYMENT');

    const owed = partly.body.payoff.payoff;
    expect(owed).toBe(5_000_000 - 4_167);
    await t.http
      .post('/loans/L-1/repayments')
      .set(t.as('dan'))
      .send({ amount: owed + 1 })
      .expect(422);
    await t.http.post('/loans/L-1/repayments').set(t.as('dan')).send({ amount: owed }).expect(201);
    const closed = await t.http.get('/loans/L-1').set(t.as('ana')).expect(200);
    expect(closed.body).toMatchObject({ status: 'closed', closedOn: '2026-04-03', outstanding: { principal: 0, interest: 0 } });
    expect(closed.body.repaid.principal).toBe(5_000_000);
  });

  it('shows the loan as it was at an earlier instant with asOf', async () => {
    const then = await t.http.get('/loans/L-1').query({ asOf: '2026-03-02T12:00:00Z' }).set(t.as('ana')).expect(200);
    expect(then.body).toMatchObject({ status: 'approved', version: 3, asOf: '2026-03-02T12:00:00Z', disbursement: null });
    expect(then.headers.etag).toBe('"3"');
    await t.http.get('/loans/L-1').query({ asOf: '2026-03-01T00:00:00Z' }).set(t.as('ana')).expect(404);
    const bad = await t.http.get('/loans/L-1').query({ asOf: 'yesterday' }).set(t.as('ana')).expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'asOf' })]);
  });

  it('gives auditors every event with its actor, times and hashes, and an intact chain', async () => {
    const history = await t.http.get('/loans/L-1/history').set(t.as('eve')).expect(200);
    expect(history.body.chain).toEqual({ valid: true, events: history.body.events.length, breaks: [] });
    expect(history.body.events.map((e: { type: string; actorId: string }) => [e.type, e.actorId])).toEqual([
      ['LoanApplied', 'ana'],
      ['InvestigationCompleted', 'ana'],
      ['ExaminationCompleted', 'bo'],
      ['LoanApproved', 'cy'],
      ['LoanDisbursed', 'dan'],
      ['InspectionRecorded', 'eve'],
      ['RepaymentReceived', 'dan'],
      ['RepaymentReceived', 'dan'],
      ['LoanClosed', 'dan'],
    ]);
    const [first, second] = history.body.events;
    expect(first.prevHash).toBe('0'.repeat(64));
    expect(second.prevHash).toBe(first.hash);
    expect(first).toMatchObject({ version: 0, occurredAt: '2026-03-02T09:00:00.000Z', recordedAt: '2026-03-02T09:00:00.000Z' });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ends a loan declined by its investigator, and one sent back by its examiner goes round again', async () => {
    await t.http.post('/loans').set(t.as('ana')).send(application('L-2')).expect(201);
    await t.http
      .post('/loans/L-2/investigation')
      .set(t.as('ana'))
      .send({ recommendation: 'decline', findings: 'no repayment source', riskPoints: [] })
      .expect(201);
    expect((await t.http.get('/loans/L-2').set(t.as('ana'))).body).toMatchObject({
      status: 'rejected',
      rejection: { stage: 'investigation', by: 'ana' },
    });

    await t.http.post('/loans').set(t.as('ana')).send(application('L-3')).expect(201);
    const investigate = { recommendation: 'approve', findings: 'ok', riskPoints: [], proposedTerms: terms() };
    await t.http.post('/loans/L-3/investigation').set(t.as('ana')).send(investigate).expect(201);
    await t.http
      .post('/loans/L-3/examination')
      .set(t.as('bo'))
      .send({ opinion: 'return', comments: 'verify the guarantor', riskPoints: [] })
      .expect(201);
    expect((await t.http.get('/loans/L-3').set(t.as('ana'))).body.status).toBe('applied');
    await t.http.post('/loans/L-3/investigation').set(t.as('ana')).send(investigate).expect(201);
    await t.http
      .post('/loans/L-3/examination')
      .set(t.as('bo'))
      .send({ opinion: 'reject', comments: 'guarantor insolvent', riskPoints: [] })
      .expect(201);
    expect((await t.http.get('/loans/L-3').set(t.as('ana'))).body).toMatchObject({
      status: 'rejected',
      rejection: { stage: 'examination', by: 'bo' },
    });
  });

  it("dates business acts by the cooperative's calendar, not UTC's", async () => {
    await t.http.post('/loans').set(t.as('ana')).send(application('L-tz')).expect(201);
    await t.http
      .post('/loans/L-tz/investigation')
      .set(t.as('ana'))
      .send({ recommendation: 'approve', findings: 'ok', riskPoints: [], proposedTerms: terms() })
      .expect(201);
    await t.http.post('/loans/L-tz/examination').set(t.as('bo')).send({ opinion: 'pass', comments: 'ok', riskPoints: [] }).expect(201);
    await t.http.post('/loans/L-tz/approval').set(t.as('cy')).send({ decision: 'approve', terms: terms(), comments: 'ok' }).expect(201);
    // 20:00 UTC on 3 April is already 4 April, 04:00, in Beijing.
    t.setNow('2026-04-03T20:00:00.000Z');
    await t.http.post('/loans/L-tz/disbursement').set(t.as('dan')).send({ amount: 5_000_000 }).expect(201);
    await t.http.post('/loans/L-tz/repayments').set(t.as('dan')).send({ amount: 100, paidOn: '2026-04-04' }).expect(201);
    const future = await t.http.post('/loans/L-tz/repayments').set(t.as('dan')).send({ amount: 100, paidOn: '2026-04-05' }).expect(422);
    expect(future.body.detail).toBe('paidOn 2026-04-05 is after today (2026-04-04)');
    expect((await t.http.get('/loans/L-tz').set(t.as('dan'))).body.disbursement.disbursedOn).toBe('2026-04-04');
  });

  it('shows auditors a broken chain when the log file was tampered with behind the service', async () => {
    await t.tamper({
      sqlite: `UPDATE events SET data = json_set(data, '$.findings', 'all fine') WHERE stream_id = 'loan-L-3' AND stream_version = 1`,
      postgres: `UPDATE events SET data = jsonb_set(data::jsonb, '{findings}', '"all fine"')::json WHERE stream_id = 'loan-L-3' AND stream_version = 1`,
    });
    await t.tamper({ sqlite: `DELETE FROM events WHERE stream_id = 'loan-L-2' AND stream_version = 2` });
    const edited = await t.http.get('/loans/L-3/history').set(t.as('eve')).expect(200);
    expect(edited.body.chain).toMatchObject({
      valid: false,
      breaks: [expect.objectContaining({ problem: 'hash_mismatch', streamVersion: 1 })],
    });
    const truncated = await t.http.get('/loans/L-2/history').set(t.as('eve')).expect(200);
    expect(truncated.body.chain).toMatchObject({
      valid: false,
      breaks: [expect.objectContaining({ problem: 'head_mismatch', streamId: 'loan-L-2' })],
    });
  });

  it('generates a loan id when the client gives none, and answers /health and /docs without a token', async () => {
    const { loanId: _, ...withoutId } = application('unused');
    const created = await t.http.post('/loans').set(t.as('ana')).send(withoutId).expect(201);
    expect(created.body.id).toMatch(/^L-[0-9a-f-]{36}$/);
    expect((await t.http.get('/health').expect(200)).body).toMatchObject({ status: 'ok' });
    const docs = await t.http.get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/loans', '/loans/{id}/approval', '/staff/{id}/posts']));
  });
});

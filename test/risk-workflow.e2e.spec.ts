import { EventStore } from '@loanflow/event-store';
import { EVENT_STORE } from '../apps/api/src/common/tokens';
import { ADMIN, application, BORROWER, BRANCH, hire, registerBorrower, startApp, staffBranch, terms, TestApp } from './support/app';
import { GRADE_A_VALUES, GRADE_AA_VALUES, TEST_SCORECARD } from '@loanflow/domain/testing/scorecard';

/**
 * The risk side of the workflow through the real routes: the scorecard bounding approval, the
 * committee above every single approver's limit, the risk-point catalogue, and the actions on a
 * loan at risk under separation of duties.
 */

describe('risk management over HTTP', () => {
  let t: TestApp;
  let store: EventStore;
  const admin = () => t.as(ADMIN, true);
  const head = async () => store.headPosition();

  beforeAll(async () => {
    t = await startApp('2026-03-02T09:00:00.000Z');
    store = t.app.get(EVENT_STORE);
    await staffBranch(t);
    await registerBorrower(t, 'ana', { borrowerId: 'B-200', n: 200, name: 'Liu household', village: 'Xishan', sector: 'tea' });
  });
  afterAll(() => t.close());

  it('a scorecard set by an administrator rates the borrower at investigation and bounds the approval', async () => {
    const bad = await t.http
      .put('/config/scorecard')
      .set(admin())
      .send({ ...TEST_SCORECARD, factors: TEST_SCORECARD.factors.slice(1) })
      .expect(422);
    expect(bad.body.code).toBe('WEIGHTS_NOT_100');
    await t.http.put('/config/scorecard').set(t.as('cy')).send(TEST_SCORECARD).expect(403);
    await t.http.put('/config/scorecard').set(admin()).send(TEST_SCORECARD).expect(200);
    expect((await t.http.get('/config/scorecard').set(t.as('ana')).expect(200)).body).toMatchObject({
      scorecardVersion: 1,
      changedBy: ADMIN,
    });

    await t.http.post('/loans').set(t.as('ana')).send(application('L-R1', 5_000_000)).expect(201);
    const unrated = await t.http
      .post('/loans/L-R1/investigation')
      .set(t.as('ana'))
      .send({ recommendation: 'approve', findings: 'f', riskPoints: [], proposedTerms: terms(5_000_000) })
      .expect(422);
    expect(unrated.body.code).toBe('RATING_REQUIRED');
    await t.http
      .post('/loans/L-R1/investigation')
      .set(t.as('ana'))
      .send({ recommendation: 'approve', findings: 'f', riskPoints: [], proposedTerms: terms(5_000_000), rating: GRADE_A_VALUES })
      .expect(201);
    const loan = (await t.http.get('/loans/L-R1').set(t.as('ana')).expect(200)).body;
    expect(loan.rating).toMatchObject({ scorecardVersion: 1, score: 71, grade: 'A' });
    // The rating reaches the borrower's file by the system's reaction to the investigation.
    const file = (await t.http.get(`/borrowers/${BORROWER}`).set(t.as('ana')).expect(200)).body;
    expect(file.ratings).toEqual([
      expect.objectContaining({ loanId: 'L-R1', rating: expect.objectContaining({ grade: 'A', score: 71 }), ratedBy: 'ana' }),
    ]);

    await t.http.post('/loans/L-R1/examination').set(t.as('bo')).send({ opinion: 'pass', comments: 'ok', riskPoints: [] }).expect(201);
    const before = await head();
    for (const [overrides, code] of [
      [{ termMonths: 25 }, 'ABOVE_RATING_TERM'],
      [{ annualRateBps: 450 }, 'RATE_OUTSIDE_BAND'],
    ] as const) {
      const res = await t.http
        .post('/loans/L-R1/approval')
        .set(t.as('cy'))
        .send({ decision: 'approve', terms: { ...terms(5_000_000), ...overrides }, comments: 'c' })
        .expect(422);
      expect(res.body.code).toBe(code);
    }
    expect(await head()).toBe(before);
    const approved = await t.http
      .post('/loans/L-R1/approval')
      .set(t.as('cy'))
      .send({ decision: 'approve', terms: terms(5_000_000), comments: 'c' })
      .expect(201);
    const events = await store.readStream('loan-L-R1');
    expect(events.find((e) => e.type === 'LoanApproved')!.data).toMatchObject({ scorecardVersion: 1 });
    expect(approved.body.version).toBe(events.length - 1);
  });

  it('a loan above every approver’s limit: refused at examination without enough approvers, then decided by a committee', async () => {
    // Rated AA (score 100: 500,000.00 allowed), 150,000.00 is above cy's 100,000.00, the branch's only approver.
    await t.http.post('/loans').set(t.as('ana')).send(application('L-C1', 15_000_000)).expect(201);
    await t.http
      .post('/loans/L-C1/investigation')
      .set(t.as('ana'))
      .send({ recommendation: 'approve', findings: 'f', riskPoints: [], proposedTerms: terms(15_000_000), rating: GRADE_AA_VALUES })
      .expect(201);
    const length = async () => (await store.readStream('loan-L-C1')).length;
    const before = await length();
    const refused = await t.http
      .post('/loans/L-C1/examination')
      .set(t.as('bo'))
      .send({ opinion: 'pass', comments: 'ok', riskPoints: [] })
      .expect(422);
    expect(refused.body).toMatchObject({ code: 'NO_ELIGIBLE_APPROVER', detail: expect.stringContaining('a committee needs 3') });
    expect(await length()).toBe(before);

    await hire(t, BRANCH, [
      ['di', 'approval', 1_000_000],
      ['ed', 'approval', 1_000_000],
    ]);
    await t.http.post('/loans/L-C1/examination').set(t.as('bo')).send({ opinion: 'pass', comments: 'ok', riskPoints: [] }).expect(201);
    const vote = (by: string) =>
      t.http
        .post('/loans/L-C1/approval')
        .set(t.as(by))
        .send({ decision: 'approve', terms: terms(15_000_000), comments: `${by} agrees` });
    await vote('cy').expect(201);
    expect((await vote('cy').expect(409)).body.code).toBe('DUPLICATE_VOTE');
    expect((await t.http.get('/loans/L-C1').set(t.as('cy')).expect(200)).body).toMatchObject({
      status: 'examined',
      committee: { votes: [{ approverId: 'cy', vote: 'approve' }] },
    });
    await vote('di').expect(201);
    const types = (await store.readStream('loan-L-C1')).map((e) => e.type);
    expect(types.slice(-3)).toEqual(['ApprovalVoteCast', 'ApprovalVoteCast', 'LoanApproved']);
    const approved = (await store.readStream('loan-L-C1')).find((e) => e.type === 'LoanApproved')!;
    expect(approved.data).toMatchObject({ approverId: 'di', committee: { size: 3, majority: 2, approvers: ['cy', 'di'] } });
    expect((await vote('ed').expect(409)).body.code).toBe('WRONG_LOAN_STATE');
  });

  it('acts tag only catalogued risk points; a flagged inspection raises a signal that the actions resolve, under separation of duties', async () => {
    await t.http
      .put('/config/risk-points')
      .set(admin())
      .send({
        points: [
          { code: 'purpose-unverified', stage: 'investigation', description: 'the stated purpose was not checked on site' },
          { code: 'livestock-sold', stage: 'post_loan', description: 'pledged livestock sold without consent' },
        ],
      })
      .expect(200);
    await t.http.post('/loans/L-R1/disbursement').set(t.as('dan')).send({ amount: 5_000_000 }).expect(201);
    const unknown = await t.http
      .post('/loans/L-R1/inspections')
      .set(t.as('eve'))
      .send({ findings: 'f', riskPoints: ['made-up'], signals: [] })
      .expect(422);
    expect(unknown.body.code).toBe('UNKNOWN_RISK_POINT');
    // The policy answers first: someone without the post learns nothing about the catalogue.
    const unposted = await t.http
      .post('/loans/L-R1/inspections')
      .set(t.as('ana'))
      .send({ findings: 'f', riskPoints: ['made-up'], signals: [] })
      .expect(403);
    expect(unposted.body.code).toBe('NO_POST');
    await t.http
      .post('/loans/L-R1/inspections')
      .set(t.as('eve'))
      .send({ findings: 'cattle gone', riskPoints: ['livestock-sold'], signals: ['pledged cattle sold'] })
      .expect(201);
    let loan = (await t.http.get('/loans/L-R1').set(t.as('eve')).expect(200)).body;
    expect(loan.signals).toEqual([
      expect.objectContaining({ signalId: 'S1', rule: 'inspection_flagged', severity: 'high', action: 'preservation', resolvedOn: null }),
    ]);
    expect(loan.riskPoints).toEqual(['livestock-sold']);
    // An open inspection finding makes the borrower orange.
    expect((await t.http.get(`/borrowers/${BORROWER}`).set(t.as('ana')).expect(200)).body.riskLevel).toBe('orange');

    const unregistered = await t.http
      .post('/loans/L-R1/guarantees')
      .set(t.as('ana'))
      .send({ kind: 'guarantor', guarantorId: 'B-999', value: 2_000_000 })
      .expect(422);
    expect(unregistered.body.code).toBe('GUARANTOR_NOT_REGISTERED');
    const guarantor = { kind: 'guarantor', guarantorId: 'B-200', value: 2_000_000 };
    expect((await t.http.post('/loans/L-R1/guarantees').set(t.as('eve')).send(guarantor).expect(403)).body.code).toBe('NO_POST');
    // Adding security is an act of the investigation power: the loan's examiner may not, whatever post they hold.
    await t.http.delete('/staff/bo/posts/examination').set(admin()).expect(200);
    await t.http.post('/staff/bo/posts').set(admin()).send({ post: 'investigation', branchId: BRANCH }).expect(201);
    expect((await t.http.post('/loans/L-R1/guarantees').set(t.as('bo')).send(guarantor).expect(403)).body.code).toBe('SOD_THREE_POWERS');
    await t.http
      .post('/loans/L-R1/guarantees')
      .set(t.as('ana'))
      .send({ kind: 'guarantor', guarantorId: 'B-200', value: 2_000_000, resolves: ['S1'] })
      .expect(201);
    loan = (await t.http.get('/loans/L-R1').set(t.as('eve')).expect(200)).body;
    expect(loan.signals[0]).toMatchObject({ resolvedOn: '2026-03-02', resolution: 'guarantee added by ana' });
    expect(loan.guarantees).toEqual([{ kind: 'guarantor', guarantorId: 'B-200', value: 2_000_000, addedBy: 'ana', addedOn: '2026-03-02' }]);
    // Both files show the guarantee: securing the borrower's loan, given by the guarantor. Nothing open: green.
    const guarantee = { loanId: 'L-R1', borrowerId: BORROWER, kind: 'guarantor', guarantorId: 'B-200', value: 2_000_000 };
    const borrowerFile = (await t.http.get(`/borrowers/${BORROWER}`).set(t.as('ana')).expect(200)).body;
    expect(borrowerFile).toMatchObject({ riskLevel: 'green', guarantees: { securing: [expect.objectContaining(guarantee)], given: [] } });
    const guarantorFile = (await t.http.get('/borrowers/B-200').set(t.as('ana')).expect(200)).body;
    expect(guarantorFile).toMatchObject({ riskLevel: null, guarantees: { securing: [], given: [expect.objectContaining(guarantee)] } });

    await t.http.post('/loans/L-R1/early-recovery').set(t.as('eve')).send({ dueOn: '2026-06-30', reason: 'collateral sold' }).expect(201);
    const same = await t.http.post('/loans/L-R1/extension').set(t.as('cy')).send({ months: 6, reason: 'harvest late' }).expect(403);
    expect(same.body).toMatchObject({ code: 'EXTENSION_SAME_APPROVER', detail: expect.stringContaining('cy acted on it in approval') });
    await t.http.post('/loans/L-R1/extension').set(t.as('di')).send({ months: 6, reason: 'harvest late' }).expect(201);
    expect((await t.http.get('/loans/L-R1').set(t.as('eve')).expect(200)).body.disbursement.maturityDate).toBe('2027-09-02');

    const byExtender = await t.http.post('/loans/L-R1/write-off').set(t.as('di')).send({ reason: 'r' }).expect(403);
    expect(byExtender.body.code).toBe('WRITE_OFF_NOT_INDEPENDENT');
    const performing = await t.http.post('/loans/L-R1/write-off').set(t.as('ed')).send({ reason: 'r' }).expect(409);
    expect(performing.body.code).toBe('NOT_NON_PERFORMING');
    await t.http.post('/loans/L-R1/classification').set(t.as('eve')).send({ category: 'loss', reason: 'borrower absconded' }).expect(201);
    await t.http.post('/loans/L-R1/write-off').set(t.as('ed')).send({ reason: 'borrower absconded; recovery exhausted' }).expect(201);
    loan = (await t.http.get('/loans/L-R1').set(t.as('eve')).expect(200)).body;
    expect(loan).toMatchObject({
      status: 'written_off',
      writtenOff: { principal: 5_000_000, approvedBy: 'ed' },
      outstanding: { principal: 0, interest: 0 },
    });
    const listed = (await t.http.get('/loans?status=written_off').set(t.as('eve')).expect(200)).body;
    expect(listed.items.map((l: { loanId: string }) => l.loanId)).toEqual(['L-R1']);
  });

  it('every configuration change is an event: GET /config/history names who changed what, and when', async () => {
    const { events } = (await t.http.get('/config/history').set(t.as('ana')).expect(200)).body;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['ScorecardSet', 'RiskPointsSet']);
    expect(events[0]).toMatchObject({ stream: 'config-scorecard', changedBy: ADMIN, at: '2026-03-02T09:00:00.000Z', data: { version: 1 } });
  });
});

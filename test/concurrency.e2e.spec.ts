import { EventStore } from '@loanflow/event-store';
import { EVENT_STORE } from '../apps/api/src/common/tokens';
import { advance, application, startApp, staffBranch, terms, TestApp } from './support/app';

describe('concurrent and repeated commands', () => {
  let t: TestApp;
  const approvers = Array.from({ length: 20 }, (_, i) => `ap${i + 1}`);
  const store = () => t.app.get<EventStore>(EVENT_STORE);
  const types = async (loanId: string) => (await store().readStream(`loan-${loanId}`)).map((e) => e.type);

  beforeAll(async () => {
    t = await startApp();
    await staffBranch(t, approvers);
  });
  afterAll(() => t.close());

  it('20 eligible approvers approve one examined loan at once: exactly one 201, the rest 409, one LoanApproved', async () => {
    await advance(t, 'L-race', 'examined');
    const answers = await Promise.all(
      approvers.map((id) =>
        t.http
          .post('/loans/L-race/approval')
          .set(t.as(id))
          .send({ decision: 'approve', terms: terms(), comments: `by ${id}` }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const a of answers.filter((x) => x.status === 409)) expect(['WRONG_LOAN_STATE', 'CONCURRENT_WRITE']).toContain(a.body.code);
    expect((await types('L-race')).filter((x) => x === 'LoanApproved')).toHaveLength(1);
  });

  it('the same command twice with one Idempotency-Key gives the same answer and one event', async () => {
    const first = await t.http.post('/loans').set(t.as('ana')).set('Idempotency-Key', 'apply-1').send(application('L-idem')).expect(201);
    const again = await t.http.post('/loans').set(t.as('ana')).set('Idempotency-Key', 'apply-1').send(application('L-idem')).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(await types('L-idem')).toEqual(['LoanApplied']);
  });

  it('a retried command still gets its first answer after the loan moved on', async () => {
    const investigate = { recommendation: 'approve', findings: 'ok', riskPoints: [], proposedTerms: terms() };
    const first = await t.http
      .post('/loans/L-idem/investigation')
      .set(t.as('ana'))
      .set('Idempotency-Key', 'inv-1')
      .send(investigate)
      .expect(201);
    await t.http.post('/loans/L-idem/examination').set(t.as('bo')).send({ opinion: 'pass', comments: 'ok', riskPoints: [] }).expect(201);
    const retried = await t.http
      .post('/loans/L-idem/investigation')
      .set(t.as('ana'))
      .set('Idempotency-Key', 'inv-1')
      .send(investigate)
      .expect(201);
    expect(retried.body).toEqual(first.body);
    expect(await types('L-idem')).toEqual(['LoanApplied', 'InvestigationCompleted', 'ExaminationCompleted']);
  });

  it('a generated loan id is the same on the retry', async () => {
    const { loanId: _, ...noId } = application('x');
    const first = await t.http.post('/loans').set(t.as('ana')).set('Idempotency-Key', 'apply-gen').send(noId).expect(201);
    const again = await t.http.post('/loans').set(t.as('ana')).set('Idempotency-Key', 'apply-gen').send(noId).expect(201);
    expect(again.body).toEqual(first.body);
  });

  it('the same key with another body answers 422 and appends nothing; keys are per person', async () => {
    const head = (await t.http.get('/health')).body.eventStore.headPosition;
    const res = await t.http
      .post('/loans')
      .set(t.as('ana'))
      .set('Idempotency-Key', 'apply-1')
      .send({ ...application('L-idem'), amount: 4_000_000 })
      .expect(422);
    expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await t.http.get('/health')).body.eventStore.headPosition).toBe(head);
    await t.http
      .post('/loans/L-idem/approval')
      .set(t.as('cy'))
      .set('Idempotency-Key', 'apply-1')
      .send({ decision: 'approve', terms: terms(), comments: 'ok' })
      .expect(201);
  });

  it('concurrent retries of one keyed command append once', async () => {
    await advance(t, 'L-twice', 'approved');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.http.post('/loans/L-twice/disbursement').set(t.as('dan')).set('Idempotency-Key', 'pay-1').send({ amount: 5_000_000 }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect((await types('L-twice')).filter((x) => x === 'LoanDisbursed')).toHaveLength(1);
  });
});

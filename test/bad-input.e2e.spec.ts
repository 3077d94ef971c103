import { JwtService } from '@nestjs/jwt';
import { advance, application, SECRET, startApp, staffBranch, terms, TestApp } from './support/app';

describe('bad input and faults answer problem+json and append nothing', () => {
  let t: TestApp;
  const head = async () => (await t.http.get('/health')).body.eventStore.headPosition as number;

  beforeAll(async () => {
    t = await startApp();
    await staffBranch(t);
  });
  afterAll(() => t.close());

  it('400 names every bad field, unknown fields included, nested ones by path', async () => {
    const before = await head();
    const res = await t.http
      .post('/loans')
      .set(t.as('ana'))
      .send({ ...application('L-bad'), amount: 12.5, termMonths: 0, security: 'hope', colour: 'red', agricultural: 'yes' })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      type: 'urn:loanflow:problem:validation-failed',
      instance: '/loans',
    });
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'agricultural',
      'amount',
      'colour',
      'security',
      'termMonths',
    ]);

    await t.http.post('/loans').set(t.as('ana')).send(application('L-ok')).expect(201);
    const nested = await t.http
      .post('/loans/L-ok/investigation')
      .set(t.as('ana'))
      .send({
        recommendation: 'approve',
        findings: 'x',
        riskPoints: [1],
        proposedTerms: { amount: -1, termMonths: 12, annualRateBps: 600, extra: 1 },
      })
      .expect(400);
    expect(nested.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'proposedTerms.amount',
      'proposedTerms.extra',
      'riskPoints',
    ]);
    const missing = await t.http
      .post('/loans/L-ok/investigation')
      .set(t.as('ana'))
      .send({ recommendation: 'approve', findings: 'x', riskPoints: [] })
      .expect(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'proposedTerms' })]);
    await t.http.post('/loans/L-ok/disbursement').set(t.as('dan')).send({ amount: 1, disbursedOn: '2026-02-30' }).expect(400);
    expect(await head()).toBe(before + 1);
  });

  it('400 for a body that is not JSON, an empty body and a bad id in the path', async () => {
    const before = await head();
    const res = await t.http.post('/loans').set(t.as('ana')).set('Content-Type', 'application/json').send('{"loanId": ').expect(400);
    expect(res.body).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
    const empty = await t.http.post('/loans').set(t.as('ana')).send({}).expect(400);
    expect(empty.body.errors.length).toBeGreaterThanOrEqual(8);
    await t.http
      .post('/loans/has%20space/examination')
      .set(t.as('bo'))
      .send({ opinion: 'pass', comments: 'x', riskPoints: [] })
      .expect(400);
    const huge = await t.http
      .post('/loans')
      .set(t.as('ana'))
      .send({ ...application('L-huge'), purpose: 'x'.repeat(300_000) })
      .expect(413);
    expect(huge.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(huge.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await head()).toBe(before);
  });

  it('401 without a token, with a forged, expired or exp-less token', async () => {
    const jwt = new JwtService();
    const expect401 = async (header?: string) => {
      const req = t.http.post('/loans');
      const res = await (header ? req.set('Authorization', header) : req).send(application('L-x')).expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    };
    await expect401();
    await expect401('Basic YW5hOmFuYQ==');
    await expect401(`Bearer ${jwt.sign({ sub: 'ana' }, { secret: 'another-secret', expiresIn: 60 })}`);
    await expect401(`Bearer ${jwt.sign({ sub: 'ana', exp: Math.floor(Date.now() / 1000) - 10 }, { secret: SECRET })}`);
    await expect401(`Bearer ${jwt.sign({ sub: 'ana' }, { secret: SECRET })}`);
    await expect401(`Bearer ${jwt.sign({ admin: true }, { secret: SECRET, expiresIn: 60 })}`);
    await t.http.get('/loans/L-ok').expect(401);
  });

  it('404 for an unknown loan and an unknown route', async () => {
    const res = await t.http
      .post('/loans/L-none/examination')
      .set(t.as('bo'))
      .send({ opinion: 'pass', comments: 'x', riskPoints: [] })
      .expect(404);
    expect(res.body.code).toBe('LOAN_NOT_FOUND');
    expect((await t.http.get('/loans/L-none').set(t.as('bo')).expect(404)).body.code).toBe('LOAN_NOT_FOUND');
    expect((await t.http.get('/nowhere').set(t.as('bo')).expect(404)).body.code).toBe('NOT_FOUND');
  });

  it('409 for the wrong state: approving a loan that was not examined, applying twice', async () => {
    await advance(t, 'L-409', 'investigated');
    const before = await head();
    const res = await t.http
      .post('/loans/L-409/approval')
      .set(t.as('cy'))
      .send({ decision: 'approve', terms: terms(), comments: 'x' })
      .expect(409);
    expect(res.body).toMatchObject({ code: 'WRONG_LOAN_STATE', detail: expect.stringContaining('investigated, not examined') });
    expect((await t.http.post('/loans').set(t.as('ana')).send(application('L-409')).expect(409)).body.code).toBe('LOAN_EXISTS');
    expect(await head()).toBe(before);
  });

  it('412 when If-Match names another version; the ETag value passes', async () => {
    await advance(t, 'L-412', 'investigated');
    const { headers } = await t.http.get('/loans/L-412').set(t.as('bo')).expect(200);
    expect(headers.etag).toBe('"1"');
    const exam = { opinion: 'pass', comments: 'fine', riskPoints: [] };
    const stale = await t.http.post('/loans/L-412/examination').set(t.as('bo')).set('If-Match', '"0"').send(exam).expect(412);
    expect(stale.body).toMatchObject({ code: 'VERSION_MISMATCH', currentVersion: 1 });
    await t.http.post('/loans/L-412/examination').set(t.as('bo')).set('If-Match', 'soon').send(exam).expect(400);
    const ok = await t.http.post('/loans/L-412/examination').set(t.as('bo')).set('If-Match', headers.etag).send(exam).expect(201);
    expect(ok.headers.etag).toBe('"2"');
  });

  it('422 for business rules: above the proposal, dates in the future or before approval, unknown borrower', async () => {
    await advance(t, 'L-422', 'examined');
    const before = await head();
    const above = await t.http
      .post('/loans/L-422/approval')
      .set(t.as('cy'))
      .send({ decision: 'approve', terms: terms(6_000_000), comments: 'x' })
      .expect(422);
    expect(above.body).toMatchObject({ code: 'AMOUNT_ABOVE_PROPOSAL', detail: expect.stringContaining('60,000.00') });
    await t.http.post('/loans/L-422/approval').set(t.as('cy')).send({ decision: 'approve', terms: terms(), comments: 'x' }).expect(201);
    const future = await t.http
      .post('/loans/L-422/disbursement')
      .set(t.as('dan'))
      .send({ amount: 5_000_000, disbursedOn: '2026-03-03' })
      .expect(422);
    expect(future.body.code).toBe('DATE_IN_FUTURE');
    const early = await t.http
      .post('/loans/L-422/disbursement')
      .set(t.as('dan'))
      .send({ amount: 5_000_000, disbursedOn: '2026-03-01' })
      .expect(422);
    expect(early.body.code).toBe('DATE_BEFORE_APPROVAL');
    const tooMuch = await t.http.post('/loans/L-422/disbursement').set(t.as('dan')).send({ amount: 5_000_001 }).expect(422);
    expect(tooMuch.body.code).toBe('ABOVE_APPROVED_AMOUNT');
    const stranger = await t.http
      .post('/loans')
      .set(t.as('ana'))
      .send({ ...application('L-422b'), borrowerId: 'B-none' })
      .expect(422);
    expect(stranger.body.code).toBe('BORROWER_NOT_REGISTERED');
    expect(await head()).toBe(before + 1);
  });
});

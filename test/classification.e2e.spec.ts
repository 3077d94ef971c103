import { EventStore } from '@loanflow/event-store';
import { AccessAuditLog } from '@loanflow/storage';
import { ACCESS_AUDIT, EVENT_STORE } from '../apps/api/src/common/tokens';
import { loadPolicySettings, loadStructureTargets } from '@loanflow/projections';
import { ADMIN, advance, startApp, staffBranch, TestApp } from './support/app';

describe('loan classification and configuration, over HTTP', () => {
  let t: TestApp;
  const admin = () => t.as(ADMIN, true);

  beforeAll(async () => {
    t = await startApp('2026-03-02T09:00:00.000Z');
    await staffBranch(t);
    // Paid out on 2026-03-02: the first instalment falls due on 2026-04-02.
    await advance(t, 'L-1', 'active');
  });
  afterAll(() => t.close());

  describe('POST /loans/:id/classification', () => {
    it('lets the inspector classify worse than the floor, with a reason, recorded in the history', async () => {
      await t.http
        .post('/loans/L-1/classification')
        .set(t.as('eve'))
        .send({ category: 'substandard', reason: 'the borrower lost the harvest to flooding' })
        .expect(201, { id: 'L-1', version: 5 });
      const loan = await t.http.get('/loans/L-1').set(t.as('eve')).expect(200);
      expect(loan.body).toMatchObject({
        category: 'substandard',
        manualCategory: 'substandard',
        classification: { category: 'substandard', asOf: '2026-03-02', daysPastDue: 0, by: 'eve' },
        actors: { inspection: ['eve'] },
      });
      const history = await t.http.get('/loans/L-1/history').set(t.as('eve')).expect(200);
      expect(history.body.events[5]).toMatchObject({
        type: 'LoanClassified',
        actorId: 'eve',
        data: {
          loanId: 'L-1',
          category: 'substandard',
          previous: 'normal',
          floor: 'normal',
          classifiedBy: 'eve',
          reason: 'the borrower lost the harvest to flooding',
        },
      });
    });

    it('refuses better than the days-past-due floor with 422 BETTER_THAN_FLOOR, appending nothing', async () => {
      t.setNow('2026-04-10T02:00:00.000Z');
      const refused = await t.http
        .post('/loans/L-1/classification')
        .set(t.as('eve'))
        .send({ category: 'normal', reason: 'the borrower promised to pay' })
        .expect(422);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 422, code: 'BETTER_THAN_FLOOR', detail: expect.stringContaining('8 days past due') });
      // Down to the floor is allowed.
      await t.http
        .post('/loans/L-1/classification')
        .set(t.as('eve'))
        .send({ category: 'special_mention', reason: 'flood insurance paid out' })
        .expect(201, { id: 'L-1', version: 6 });
      expect((await t.http.get('/loans/L-1').set(t.as('eve')).expect(200)).body.version).toBe(6);
    });

    it('answers 409 NO_CHANGE for the category the loan already has', async () => {
      const same = await t.http
        .post('/loans/L-1/classification')
        .set(t.as('eve'))
        .send({ category: 'special_mention', reason: 'again' })
        .expect(409);
      expect(same.body.code).toBe('NO_CHANGE');
    });

    it('refuses a person without the inspection post with 403', async () => {
      const refused = await t.http
        .post('/loans/L-1/classification')
        .set(t.as('dan'))
        .send({ category: 'doubtful', reason: 'late' })
        .expect(403);
      expect(refused.body).toMatchObject({ code: 'NO_POST', detail: expect.stringContaining('may not classify loan L-1') });
      await t.http.post('/loans/L-1/classification').set(admin()).send({ category: 'doubtful', reason: 'late' }).expect(403);
      const denials = await t.app.get<AccessAuditLog>(ACCESS_AUDIT).list({ resourceId: 'L-1' });
      expect(denials.filter((d) => d.actorId === 'dan')).toEqual([
        expect.objectContaining({ action: 'classify', resourceType: 'Loan', resourceId: 'L-1', ruleCode: 'NO_POST' }),
      ]);
    });

    it('answers 400 naming the field for a missing reason or an unknown category', async () => {
      const missing = await t.http.post('/loans/L-1/classification').set(t.as('eve')).send({ category: 'doubtful' }).expect(400);
      expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
      const blank = await t.http.post('/loans/L-1/classification').set(t.as('eve')).send({ category: 'doubtful', reason: '' }).expect(400);
      expect(blank.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
      const unknown = await t.http.post('/loans/L-1/classification').set(t.as('eve')).send({ category: 'bad', reason: 'r' }).expect(400);
      expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'category' })]);
      expect((await t.http.get('/loans/L-1').set(t.as('eve')).expect(200)).body.version).toBe(6);
    });
  });

  describe('/config', () => {
    const targets = [
      { dimension: 'purpose', bucket: 'agricultural', minShareBps: 6000 },
      { dimension: 'security', bucket: 'credit', maxShareBps: 3000 },
    ];

    it('answers the defaults before anything is set', async () => {
      expect((await t.http.get('/config/structure-targets').set(t.as('ana')).expect(200)).body).toEqual({ targets: [], version: -1 });
      expect((await t.http.get('/config/policy-settings').set(t.as('ana')).expect(200)).body).toEqual({
        rotationTenureMonths: 36,
        inspectionIntervalDays: 90,
        committeeSize: 3,
        committeeMajority: 2,
        version: -1,
      });
    });

    it('lets an administrator set them, and everyone read them back with who changed them', async () => {
      await t.http.put('/config/structure-targets').set(admin()).send({ targets }).expect(200, { id: 'structure-targets', version: 0 });
      await t.http
        .put('/config/policy-settings')
        .set(admin())
        .send({ rotationTenureMonths: 24, inspectionIntervalDays: 60, committeeSize: 5, committeeMajority: 3 })
        .expect(200, { id: 'policy-settings', version: 0 });
      const read = await t.http.get('/config/structure-targets').set(t.as('bo')).expect(200);
      expect(read.body).toEqual({ targets, version: 0, changedBy: ADMIN, changedAt: '2026-04-10T02:00:00.000Z' });
      expect(read.headers.etag).toBe('"0"');
      expect((await t.http.get('/config/policy-settings').set(admin()).expect(200)).body).toEqual({
        rotationTenureMonths: 24,
        inspectionIntervalDays: 60,
        committeeSize: 5,
        committeeMajority: 3,
        version: 0,
        changedBy: ADMIN,
        changedAt: '2026-04-10T02:00:00.000Z',
      });
      const store = t.app.get<EventStore>(EVENT_STORE);
      expect(await loadStructureTargets(store)).toMatchObject({ targets, version: 0 });
      expect(await loadPolicySettings(store)).toMatchObject({ rotationTenureMonths: 24, version: 0 });
    });

    it('refuses anyone but an administrator with 403 ADMIN_ONLY', async () => {
      const refused = await t.http.put('/config/structure-targets').set(t.as('cy')).send({ targets: [] }).expect(403);
      expect(refused.body).toMatchObject({
        code: 'ADMIN_ONLY',
        detail: expect.stringContaining('only administrators manage configuration'),
      });
      await t.http.put('/config/policy-settings').set(t.as('ana')).send({ rotationTenureMonths: 1, inspectionIntervalDays: 1 }).expect(403);
      await t.http.get('/config/structure-targets').expect(401);
      const denials = await t.app.get<AccessAuditLog>(ACCESS_AUDIT).list({ resourceId: 'structure-targets' });
      expect(denials.filter((d) => d.actorId === 'cy')).toEqual([
        expect.objectContaining({ action: 'configure', resourceType: 'Config', resourceId: 'structure-targets', ruleCode: 'ADMIN_ONLY' }),
      ]);
    });

    it('answers 400 for malformed targets and settings, 422 for targets that contradict themselves, appending nothing', async () => {
      const malformed = await t.http
        .put('/config/structure-targets')
        .set(admin())
        .send({ targets: [{ dimension: 'colour', bucket: 'red', minShareBps: 20_000, extra: 1 }] })
        .expect(400);
      expect(malformed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'targets.0.dimension',
        'targets.0.extra',
        'targets.0.minShareBps',
      ]);
      await t.http.put('/config/structure-targets').set(admin()).send({}).expect(400);
      await t.http.put('/config/policy-settings').set(admin()).send({ rotationTenureMonths: 0, inspectionIntervalDays: 90 }).expect(400);
      const minAboveMax = await t.http
        .put('/config/structure-targets')
        .set(admin())
        .send({ targets: [{ dimension: 'term', bucket: 'long', minShareBps: 3000, maxShareBps: 1000 }] })
        .expect(422);
      expect(minAboveMax.body.code).toBe('TARGET_MIN_ABOVE_MAX');
      const duplicate = await t.http
        .put('/config/structure-targets')
        .set(admin())
        .send({ targets: [targets[0], { ...targets[0], minShareBps: 5000 }] })
        .expect(422);
      expect(duplicate.body.code).toBe('DUPLICATE_TARGET');
      const unknownBucket = await t.http
        .put('/config/structure-targets')
        .set(admin())
        .send({ targets: [{ dimension: 'size', bucket: 'huge', maxShareBps: 1000 }] })
        .expect(422);
      expect(unknownBucket.body.code).toBe('UNKNOWN_BUCKET');
      expect((await t.http.get('/config/structure-targets').set(t.as('ana')).expect(200)).body.version).toBe(0);
    });
  });
});

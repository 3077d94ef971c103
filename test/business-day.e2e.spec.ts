import { EventStore } from '@loanflow/event-store';
import { EndOfDayService } from '@loanflow/projections';
import { EVENT_STORE } from '../apps/api/src/common/tokens';
import { ADMIN, advance, application, hire, BRANCH, startApp, staffBranch, terms, TestApp } from './support/app';

/**
 * The business day is the cooperative's: one reading of the date in BUSINESS_TIME_ZONE (here
 * Asia/Shanghai, UTC+8) everywhere, and days closed one at a time, in order, each once it is over.
 */
describe('the business day', () => {
  const admin = (t: TestApp) => t.as(ADMIN, true);

  describe('one reading of the date, across midnight in Shanghai', () => {
    let t: TestApp;
    // 23:59 on 2 March in Shanghai.
    beforeAll(async () => {
      t = await startApp('2026-03-02T15:59:00.000Z');
      await staffBranch(t);
    });
    afterAll(() => t.close());

    it('dates an act at 00:01 in Shanghai (16:01 UTC the day before) on the new day, everywhere', async () => {
      await advance(t, 'L-mid', 'approved');
      expect((await t.http.get('/loans/L-mid').set(t.as('bo')).expect(200)).body.approvedOn).toBe('2026-03-02');
      t.setNow('2026-03-02T16:01:00.000Z');
      await t.http.post('/loans/L-mid/disbursement').set(t.as('dan')).send({ amount: 5_000_000 }).expect(201);
      await t.http.post('/loans/L-mid/inspections').set(t.as('eve')).send({ findings: 'visited', riskPoints: [], signals: [] }).expect(201);
      const loan = (await t.http.get('/loans/L-mid').set(t.as('bo')).expect(200)).body;
      expect(loan.disbursement).toMatchObject({ disbursedOn: '2026-03-03' });
      // The read models: the loan list's inspection date is the Shanghai date, not the UTC one.
      const [row] = (await t.http.get('/loans?search=L-mid').set(t.as('bo')).expect(200)).body.items;
      expect(row).toMatchObject({ disbursedOn: '2026-03-03', lastInspectedOn: '2026-03-03' });
      expect((await t.http.get('/me').set(t.as('bo')).expect(200)).body).toMatchObject({ today: '2026-03-03' });
      expect((await t.http.get('/business-day').set(t.as('bo')).expect(200)).body).toMatchObject({
        timeZone: 'Asia/Shanghai',
        today: '2026-03-03',
      });
      // A disbursement dated the UTC day, one day before the business day, is in the past, not today.
      await advance(t, 'L-mid2', 'approved');
      const tomorrow = await t.http
        .post('/loans/L-mid2/disbursement')
        .set(t.as('dan'))
        .send({ amount: 5_000_000, disbursedOn: '2026-03-04' });
      expect(tomorrow.body.code).toBe('DATE_IN_FUTURE');
    });
  });

  describe('end of day', () => {
    let t: TestApp;
    const status = async () => (await t.http.get('/business-day').set(t.as('bo')).expect(200)).body;
    const close = (body: object = {}) => t.http.post('/business-day/close').set(admin(t)).send(body);

    beforeAll(async () => {
      // 10:00 on Monday 2 March in Shanghai.
      t = await startApp('2026-03-02T02:00:00.000Z');
      await staffBranch(t, ['zed']);
      await advance(t, 'L-1', 'active');
      // A three-month loan, maturing on 2 June: the first business day of June reminds its officer.
      await t.http
        .post('/loans')
        .set(t.as('ana'))
        .send({ ...application('L-short'), termMonths: 3 })
        .expect(201);
      await t.http
        .post('/loans/L-short/investigation')
        .set(t.as('ana'))
        .send({ recommendation: 'approve', findings: 'ok', riskPoints: [], proposedTerms: { ...terms(), termMonths: 3 } })
        .expect(201);
      await t.http.post('/loans/L-short/examination').set(t.as('bo')).send({ opinion: 'pass', comments: 'ok', riskPoints: [] }).expect(201);
      await t.http
        .post('/loans/L-short/approval')
        .set(t.as('cy'))
        .send({ decision: 'approve', terms: { ...terms(), termMonths: 3 }, comments: 'ok' })
        .expect(201);
      await t.http.post('/loans/L-short/disbursement').set(t.as('dan')).send({ amount: 5_000_000 }).expect(201);
    });
    afterAll(() => t.close());

    it('shows what is closed and what is open; closes the three nights missed in order, each once, never a day not over', async () => {
      // Nobody closed a day; three nights pass with the service down: 2, 3 and 4 March are over.
      t.setNow('2026-03-05T01:00:00.000Z');
      expect(await status()).toEqual({
        timeZone: 'Asia/Shanghai',
        today: '2026-03-05',
        lastClosed: null,
        open: { from: '2026-03-02', to: '2026-03-04', days: 3 },
      });
      expect((await t.http.post('/business-day/close').set(t.as('bo')).send({}).expect(403)).body.code).toBe('ADMIN_ONLY');
      expect((await close({ through: '2026-03-05' }).expect(422)).body.code).toBe('DAY_NOT_OVER');
      expect((await close({ through: '2026-03-09' }).expect(422)).body.code).toBe('DAY_NOT_OVER');
      const closed = (await close().expect(200)).body;
      expect(closed.closed.map((d: { date: string }) => d.date)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
      expect(closed).toMatchObject({ lastClosed: '2026-03-04', open: null });
      const log = await t.app.get<EventStore>(EVENT_STORE).readStream('day-closings');
      expect(log.map((e) => [e.streamVersion, (e.data as { date: string }).date])).toEqual([
        [0, '2026-03-02'],
        [1, '2026-03-03'],
        [2, '2026-03-04'],
      ]);
      expect(log.every((e) => e.metadata.actorId === 'system')).toBe(true);
      // The last closed day again: nothing; an earlier one: refused.
      expect((await close({ through: '2026-03-04' }).expect(200)).body.closed).toEqual([]);
      expect((await close({ through: '2026-03-03' }).expect(409)).body.code).toBe('DAY_ALREADY_CLOSED');
      expect((await t.app.get<EventStore>(EVENT_STORE).readStream('day-closings')).length).toBe(3);
    });

    it('catches up a missed first business day of a month: its maturity reminders still go out, dated that day', async () => {
      t.setNow('2026-06-03T01:00:00.000Z');
      const closed = (await close().expect(200)).body.closed as { date: string; reminders: number }[];
      expect(closed[0].date).toBe('2026-03-05');
      expect(closed.at(-1)!.date).toBe('2026-06-02');
      // Monday 1 June is the first business day of June: the branch is reminded of L-short, due on the 2nd.
      expect(closed.filter((d) => d.reminders > 0)).toEqual([expect.objectContaining({ date: '2026-06-01', reminders: 1 })]);
      const reminders = await t.app.get<EventStore>(EVENT_STORE).readStream(`branch-${BRANCH}`);
      expect(reminders.map((e) => (e.data as { month: string; issuedOn: string }).issuedOn)).toContain('2026-06-01');
    });

    it('reports refuse what has not happened yet, and say up to which closed day a current period is counted', async () => {
      const future = await t.http.get('/reports/performance?from=2026-07-01&to=2026-07-31').set(t.as('bo')).expect(422);
      expect(future.body.code).toBe('PERIOD_IN_FUTURE');
      const current = (await t.http.get('/reports/performance?from=2026-06-01&to=2026-06-30').set(t.as('bo')).expect(200)).body;
      expect(current).toMatchObject({ current: true, countedThrough: '2026-06-02' });
      const past = (await t.http.get('/reports/performance?from=2026-03-01&to=2026-03-31').set(t.as('bo')).expect(200)).body;
      expect(past).toMatchObject({ current: false, countedThrough: '2026-03-31' });
      for (const path of [
        '/reports/risk-board?asOf=2026-06-04',
        '/reports/warnings?asOf=2026-06-04',
        '/reports/maturities?month=2026-06&asOf=2026-06-04',
      ])
        expect((await t.http.get(path).set(t.as('bo')).expect(422)).body.code).toBe('DATE_IN_FUTURE');
      // A maturity month ahead is what reminders are for: allowed.
      await t.http.get('/reports/maturities?month=2026-09').set(t.as('bo')).expect(200);
    });

    it('takes a written-off loan out of the overdue lists from the day it is written off', async () => {
      const overdue = async (asOf: string) =>
        (await t.http.get(`/reports/maturities?month=2026-06&asOf=${asOf}`).set(t.as('bo')).expect(200)).body.overdue.map(
          (o: { loanId: string }) => o.loanId,
        );
      expect(await overdue('2026-06-03')).toContain('L-1');
      await t.http
        .post('/loans/L-1/classification')
        .set(t.as('eve'))
        .send({ category: 'doubtful', reason: 'the household left' })
        .expect(201);
      await t.http.post('/loans/L-1/write-off').set(t.as('zed')).send({ reason: 'no one to recover from' }).expect(201);
      expect(await overdue('2026-06-03')).not.toContain('L-1');
      expect(await overdue('2026-06-02')).toContain('L-1');
    });
  });

  it('writes nothing to an empty log: before anything happened there is no day to close', async () => {
    const t = await startApp('2026-03-05T01:00:00.000Z', undefined, { endOfDay: 'scheduled' });
    try {
      await t.app.get(EndOfDayService).closeThrough('2026-03-04');
      expect((await t.http.get('/business-day').set(t.as(ADMIN, true)).expect(200)).body).toMatchObject({ lastClosed: null, open: null });
      expect(await t.app.get<EventStore>(EVENT_STORE).headPosition()).toBe(-1);
    } finally {
      await t.close();
    }
  });

  it('closes the days missed at start, by itself, when end of day is scheduled', async () => {
    const first = await startApp('2026-03-02T02:00:00.000Z');
    await hire(first, BRANCH, [['ana', 'investigation']]);
    await first.close();
    // The service comes back on the 5th: the 2nd, 3rd and 4th are closed without anyone asking.
    const t = await startApp('2026-03-05T01:00:00.000Z', first.config, { endOfDay: 'scheduled' });
    try {
      let lastClosed: string | null = null;
      for (let i = 0; i < 100 && lastClosed !== '2026-03-04'; i++) {
        lastClosed = (await t.http.get('/business-day').set(t.as('ana')).expect(200)).body.lastClosed;
        if (lastClosed !== '2026-03-04') await new Promise((r) => setTimeout(r, 50));
      }
      expect(lastClosed).toBe('2026-03-04');
      const days = await t.app.get<EventStore>(EVENT_STORE).readStream('day-closings');
      expect(days.map((e) => (e.data as { date: string }).date)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
    } finally {
      await t.close();
    }
  });
});

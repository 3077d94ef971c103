import { JwtService } from '@nestjs/jwt';
import { EventStore } from '@loanflow/event-store';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { serveMetrics } from '../apps/api/src/app';
import { EVENT_STORE } from '../apps/api/src/common/tokens';
import { advance, SECRET, startApp, staffBranch, TestApp } from './support/app';

/**
 * Liveness and readiness: a projection that stops on an event makes the service not ready, loudly,
 * in every answer that needs it; tokens that are too long-lived or from the future are refused;
 * metrics need a token or a port of their own; the embedded log's files are its owner's alone.
 */
describe('readiness, tokens, metrics and files', () => {
  describe('a projection forced to fail', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp();
      await staffBranch(t);
      await advance(t, 'L-1', 'approved');
    });
    afterAll(() => t.close());

    it('turns /health to 503 naming the projection, the position and the error; /metrics shows it; live stays 200', async () => {
      expect((await t.http.get('/health').expect(200)).body.status).toBe('ok');
      // Written behind the command loop's back, as an import gone wrong would: a disbursement without its schedule.
      const store = t.app.get<EventStore>(EVENT_STORE);
      const { lastPosition } = await store.append('loan-L-1', [{ type: 'LoanDisbursed', data: { loanId: 'L-1', amount: 1 } }], {
        expectedVersion: 3,
        metadata: {
          actorId: 'import',
          commandId: 'bad-import',
          correlationId: 'import',
          causationId: null,
          occurredAt: '2026-03-02T09:00:00.000Z',
        },
      });
      let health = await t.http.get('/health');
      for (let i = 0; i < 100 && health.status === 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        health = await t.http.get('/health');
      }
      expect(health.status).toBe(503);
      expect(health.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(health.headers['retry-after']).toBe('30');
      expect(health.body).toMatchObject({
        code: 'NOT_READY',
        detail: expect.stringMatching(new RegExp(`^loans stopped at position ${lastPosition} \\(LoanDisbursed\\) since .+: .+`)),
        failures: [expect.objectContaining({ name: 'loans', position: lastPosition, eventType: 'LoanDisbursed' })],
      });
      expect((await t.http.get('/health/ready').expect(503)).body.code).toBe('NOT_READY');
      await t.http.get('/health/live').expect(200);
      const auditor = `Bearer ${new JwtService().sign({ sub: 'aud', auditor: true }, { secret: SECRET, expiresIn: 600 })}`;
      const metrics = (await t.http.get('/metrics').set('Authorization', auditor).expect(200)).text;
      expect(metrics).toContain(`loanflow_follower_stopped{follower="loans",position="${lastPosition}"} 1`);
      expect(metrics).toContain('loanflow_follower_stopped{follower="risk",position=""} 0');
      // What reads the read models says so, instead of answering from rows that stopped.
      const list = await t.http.get('/loans').set(t.as('bo')).expect(503);
      expect(list.body).toMatchObject({ code: 'NOT_READY', follower: 'loans', position: lastPosition });
      // What does not need them goes on: the log still takes acts.
      await advance(t, 'L-2', 'investigated');
    });
  });

  describe('tokens', () => {
    let t: TestApp;
    const jwt = new JwtService();
    beforeAll(async () => {
      t = await startApp();
      await staffBranch(t);
    });
    afterAll(() => t.close());
    const answer = (token: string) => t.http.get('/loans').set('Authorization', `Bearer ${token}`);
    const now = () => Math.floor(Date.now() / 1000);

    it('refuses a token issued in the future or valid for longer than the maximum lifetime (12 h by default)', async () => {
      await answer(jwt.sign({ sub: 'bo' }, { secret: SECRET, expiresIn: 12 * 3600 })).expect(200);
      await answer(jwt.sign({ sub: 'bo', iat: now() + 30, exp: now() + 3600 }, { secret: SECRET })).expect(200);
      const future = await answer(jwt.sign({ sub: 'bo', iat: now() + 365 * 86_400, exp: now() + 366 * 86_400 }, { secret: SECRET })).expect(
        401,
      );
      expect(future.body.detail).toMatch(/issued in the future/);
      const century = await answer(jwt.sign({ sub: 'bo' }, { secret: SECRET, expiresIn: 100 * 365 * 86_400 })).expect(401);
      expect(century.body.detail).toMatch(/valid for longer than 12 hours/);
      await answer(jwt.sign({ sub: 'bo' }, { secret: SECRET, expiresIn: 12 * 3600 + 60 })).expect(401);
      // Without iat, the lifetime is counted from now.
      await answer(jwt.sign({ sub: 'bo', exp: now() + 13 * 3600 }, { secret: SECRET, noTimestamp: true })).expect(401);
      await answer(jwt.sign({ sub: 'bo', exp: now() + 3600 }, { secret: SECRET, noTimestamp: true })).expect(200);
    });

    it('refuses a subject that is no id, a token both administrator and auditor, and critical header parameters; takes any case of "Bearer"', async () => {
      for (const sub of ['[2Jcleared', 'S-0101', 'ad min', 'adm‮', 'x'.repeat(65)])
        expect((await answer(jwt.sign({ sub }, { secret: SECRET, expiresIn: 600 })).expect(401)).body.detail).toMatch(
          /subject \(sub\) is no id/,
        );
      const both = await answer(jwt.sign({ sub: 'aa1', admin: true, auditor: true }, { secret: SECRET, expiresIn: 600 })).expect(401);
      expect(both.body.detail).toMatch(/administrator's or an auditor's, never both/);
      const crit = jwt.sign({ sub: 'bo' }, { secret: SECRET, expiresIn: 600, header: { alg: 'HS256', crit: ['x'] } as never });
      await answer(crit).expect(401);
      await t.http
        .get('/loans')
        .set('Authorization', `bearer ${jwt.sign({ sub: 'bo' }, { secret: SECRET, expiresIn: 600 })}`)
        .expect(200);
    });
  });

  describe('metrics and files', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp();
      await staffBranch(t);
    });
    afterAll(() => t.close());

    it('serves metrics without a token only on a port of its own; on the api port only to administrators and auditors', async () => {
      await t.http.get('/metrics').expect(401);
      expect((await t.http.get('/metrics').set(t.as('bo')).expect(403)).body.code).toBe('AUDITORS_ONLY');
      await t.http.get('/metrics').set(t.as('root', true)).expect(200);
      const server = await serveMetrics(t.app, { port: 0, host: '127.0.0.1' });
      try {
        const { port } = server.address() as { port: number };
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('loanflow_event_log_head_position');
        expect((await fetch(`http://127.0.0.1:${port}/loans`)).status).toBe(404);
      } finally {
        server.close();
      }
    });

    it('keeps the embedded log, its WAL and shared memory readable by their owner only', async () => {
      if (t.config.eventStore !== 'sqlite') return;
      const db = t.config.sqlitePath;
      for (const file of [db, `${db}-wal`, `${db}-shm`]) expect([file, statSync(file).mode & 0o777]).toEqual([file, 0o600]);
      expect(statSync(dirname(db)).mode & 0o777).toBe(0o700);
    });
  });
});

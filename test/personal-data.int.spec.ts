import { residentIdFor, socialCreditCodeFor } from '@loanflow/domain/borrower/sample-identities';
import { EventStore, verifyLog } from '@loanflow/event-store';
import { AGGREGATES, isPublished, topicOf } from '@loanflow/messaging';
import { Storage } from '@loanflow/storage';
import { EVENT_STORE, STORAGE } from '../apps/api/src/common/tokens';
import { ADMIN, advance, registerBorrower, staffBranch, startApp, testConfig } from './support/app';
import { consumeAll, freshTopicPrefix, recomputedHash, relayingTo } from './support/kafka';

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Borrowers registered, their statements recorded, one of them erased, a loan lent: every record
 * on every topic is read back from a real broker. None carries an identity number, a name or a
 * statement's figure; each one's hash is recomputed from the record alone; the erased person can
 * no longer be read, and every chain still verifies.
 */
describe('personal data never reach Kafka in clear', () => {
  it('scans every record on every topic', async () => {
    const prefix = freshTopicPrefix();
    const t = await startApp('2026-03-02T09:00:00.000Z', testConfig({ kafka: relayingTo(prefix, '/coop-9') }));
    try {
      await staffBranch(t);
      const people = [
        { borrowerId: 'B-ZHANG', n: 31, name: '张三 household' },
        { borrowerId: 'B-LIU', n: 32, name: '刘梅 household' },
      ];
      for (const p of people) await registerBorrower(t, 'ana', p);
      await t.http
        .post('/borrowers')
        .set(t.as('ana'))
        .send({
          borrowerId: 'B-MILL',
          name: '东山米厂 Dongshan rice mill',
          kind: 'business',
          village: 'Dongshan',
          sector: 'processing',
          identityNumber: socialCreditCodeFor(9),
        })
        .expect(201);
      const figures = { income: 73_194_502, assets: 468_213_977, liabilities: 29_871_345, cashFlow: -6_543_219 };
      for (const id of ['B-ZHANG', 'B-LIU', 'B-MILL'])
        await t.http
          .post(`/borrowers/${id}/financial-statements`)
          .set(t.as('ana'))
          .send({ asOf: '2025-12-31', ...figures })
          .expect(201);
      await advance(t, 'L-1', 'active');
      await t.http.post('/borrowers/B-LIU/erasure').set(t.as(ADMIN, true)).send({ reason: 'asked on 2026-03-01; no loan' }).expect(201);

      const store = t.app.get<EventStore>(EVENT_STORE);
      const log = await store.readAll(0, 100_000);
      const published = log.filter((e) => isPublished(e.streamId));
      await until('the relay published the log', async () => (await t.http.get('/health')).body.relay.lag === 0);
      const records = await consumeAll(
        AGGREGATES.map((a) => topicOf(a, prefix)),
        (got) => new Set(got.map((r) => r.headers.ce_id)).size >= published.length,
      );
      expect(new Set(records.map((r) => r.headers.ce_id)).size).toBe(published.length);
      expect(records.filter((r) => r.topic.endsWith('.borrower.events')).map((r) => r.headers.ce_type)).toEqual(
        expect.arrayContaining([
          'loanflow.borrower.BorrowerRegistered.v2',
          'loanflow.borrower.FinancialStatementRecorded.v2',
          'loanflow.borrower.PersonalDataErased.v1',
        ]),
      );

      const clear = [
        ...[100, 31, 32].map(residentIdFor),
        socialCreditCodeFor(9),
        'Wang household',
        '张三',
        '刘梅',
        '东山米厂',
        'rice mill',
        ...Object.values(figures).map((v) => String(Math.abs(v))),
      ];
      for (const r of records) {
        const text = `${r.key} ${r.value} ${JSON.stringify(r.headers)}`;
        for (const datum of clear)
          expect({ record: r.headers.ce_id, leaks: text.includes(datum) ? datum : null }).toEqual({ record: r.headers.ce_id, leaks: null });
        expect(recomputedHash(r.headers, r.value)).toBe(r.headers.ce_eventhash);
      }
      // Each stream's records chain on Kafka as in the log.
      const last = new Map<string, string>();
      for (const r of records) {
        if (last.has(r.key)) expect(r.headers.ce_prevhash).toBe(last.get(r.key));
        last.set(r.key, r.headers.ce_eventhash);
      }

      // The erased person is unreadable; the log still verifies end to end.
      const personalData = t.app.get<Storage>(STORAGE).personalData;
      const [registered] = await store.readStream('borrower-B-LIU');
      expect(await personalData.open('B-LIU', registered.data.personal as { ref: string; digest: string })).toBeNull();
      expect((await t.http.get('/borrowers/B-LIU').set(t.as('eve')).expect(200)).body).toMatchObject({
        name: null,
        identityNumber: null,
        personalData: 'erased',
      });
      expect((await t.http.get('/borrowers/B-ZHANG').set(t.as('eve')).expect(200)).body).toMatchObject({
        name: '张三 household',
        statements: [figures].map((f) => expect.objectContaining(f)),
      });
      expect(await verifyLog(store)).toMatchObject({ valid: true, breaks: [] });
    } finally {
      await t.close();
    }
  });
});

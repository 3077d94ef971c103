import { residentIdFor, socialCreditCodeFor } from '@loanflow/domain/borrower/sample-identities';
import { EventStore } from '@loanflow/event-store';
import { AccessAuditLog, Storage } from '@loanflow/storage';
import { ACCESS_AUDIT, EVENT_STORE, STORAGE } from '../apps/api/src/common/tokens';
import { ADMIN, advance, BORROWER, startApp, staffBranch, TestApp } from './support/app';

const household = (borrowerId: string, identityNumber: string) => ({
  borrowerId,
  name: 'Li household',
  kind: 'household',
  village: 'Dongshan',
  sector: 'grain',
  identityNumber,
});
const statement = (asOf: string) => ({ asOf, income: 12_000_000, assets: 30_000_000, liabilities: 5_000_000, cashFlow: -150_000 });

describe('the borrower risk file, over HTTP', () => {
  let t: TestApp;
  const store = () => t.app.get<EventStore>(EVENT_STORE);
  beforeAll(async () => {
    t = await startApp('2026-03-02T09:00:00.000Z');
    await staffBranch(t);
  });
  afterAll(() => t.close());

  describe('registration', () => {
    it('registers a household under a resident identity number and a business under its unified social credit code', async () => {
      await t.http.post('/borrowers').set(t.as('ana')).send(household('B-1', '11010519491231002X')).expect(201, { id: 'B-1', version: 0 });
      await t.http
        .post('/borrowers')
        .set(t.as('ana'))
        .send({ ...household('B-2', '91350100M000100Y43'), name: 'Dongshan rice mill', kind: 'business' })
        .expect(201, { id: 'B-2', version: 0 });
      const [registered] = await store().readStream('borrower-B-2');
      expect(registered).toMatchObject({ schemaVersion: 2, data: { kind: 'business', registeredBy: 'ana' } });
      // Who the borrower is stays out of the log: a reference, a keyed digest and the identity number's keyed hash.
      expect(registered.data).toEqual({
        borrowerId: 'B-2',
        kind: 'business',
        village: 'Dongshan',
        sector: 'grain',
        identityKey: expect.stringMatching(/^[0-9a-f]{64}$/),
        personal: { ref: expect.any(String), digest: expect.stringMatching(/^[0-9a-f]{64}$/) },
        registeredBy: 'ana',
        at: '2026-03-02T09:00:00.000Z',
      });
      const everything = JSON.stringify(await store().readAll(0, 10_000));
      for (const clear of ['91350100M000100Y43', '11010519491231002X', 'Dongshan rice mill', 'Li household'])
        expect(everything).not.toContain(clear);
    });

    it('refuses a second borrower under an identity number already registered: 409 IDENTITY_NUMBER_TAKEN, nothing recorded', async () => {
      const res = await t.http.post('/borrowers').set(t.as('ana')).send(household('B-1bis', '11010519491231002X')).expect(409);
      expect(res.body).toMatchObject({ code: 'IDENTITY_NUMBER_TAKEN', detail: expect.stringContaining("already borrower B-1's") });
      expect(await store().readStream('borrower-B-1bis')).toEqual([]);
    });

    it('refuses an invalid identity number with 422 IDENTITY_NUMBER_INVALID, saying what is wrong, and records nothing', async () => {
      const cases: [string, object, RegExp][] = [
        ['B-bad-1', household('B-bad-1', '110105194912310021'), /the check character is 1, the first 17 digits give X/],
        ['B-bad-2', household('B-bad-2', socialCreditCodeFor(3)), /resident identity number is 17 digits and a check character/],
        [
          'B-bad-3',
          { ...household('B-bad-3', residentIdFor(3)), kind: 'business' },
          /^unified social credit code \d{17}[\dX]: the check character/,
        ],
        ['B-bad-7', { ...household('B-bad-7', '91350100m000100Y43'), kind: 'business' }, /unified social credit code is 18 digits/],
        ['B-bad-4', { ...household('B-bad-4', '91350100M000100Y44'), kind: 'business' }, /the first 17 give 3/],
      ];
      for (const [id, body, detail] of cases) {
        const res = await t.http.post('/borrowers').set(t.as('ana')).send(body).expect(422);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ status: 422, code: 'IDENTITY_NUMBER_INVALID', detail: expect.stringMatching(detail) });
        expect(await store().readStream(`borrower-${id}`)).toEqual([]);
      }
      // Born tomorrow, by the cooperative's calendar.
      const first17 = '11010520260303002';
      const born = await t.http
        .post('/borrowers')
        .set(t.as('ana'))
        .send(household('B-bad-5', first17 + residentCheck(first17)))
        .expect(422);
      expect(born.body.detail).toContain('the date of birth 2026-03-03 is after today (2026-03-02)');
    });

    it('requires the identity number: 400 without it', async () => {
      const { identityNumber: _, ...without } = household('B-bad-6', residentIdFor(6));
      const res = await t.http.post('/borrowers').set(t.as('ana')).send(without).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'identityNumber' })] });
    });
  });

  describe('financial statements', () => {
    it('records statements by date for the investigation post: 201 with the new version', async () => {
      await t.http
        .post('/borrowers/B-1/financial-statements')
        .set(t.as('ana'))
        .send(statement('2025-12-31'))
        .expect(201, { id: 'B-1', version: 1 });
      await t.http
        .post('/borrowers/B-1/financial-statements')
        .set(t.as('ana'))
        .send(statement('2024-12-31'))
        .expect(201, { id: 'B-1', version: 2 });
    });

    it('refuses a second statement at a date (409), one dated after today (422), and an unknown borrower (404)', async () => {
      const twice = await t.http.post('/borrowers/B-1/financial-statements').set(t.as('ana')).send(statement('2025-12-31')).expect(409);
      expect(twice.body).toMatchObject({
        code: 'STATEMENT_EXISTS',
        detail: 'borrower B-1 already has a financial statement as of 2025-12-31',
      });
      const future = await t.http.post('/borrowers/B-1/financial-statements').set(t.as('ana')).send(statement('2026-03-03')).expect(422);
      expect(future.body.code).toBe('DATE_IN_FUTURE');
      const unknown = await t.http.post('/borrowers/B-404/financial-statements').set(t.as('ana')).send(statement('2025-12-31')).expect(404);
      expect(unknown.body.code).toBe('BORROWER_NOT_FOUND');
    });

    it('refuses staff without the investigation post with 403, and writes the refusal to the access audit', async () => {
      const res = await t.http.post('/borrowers/B-1/financial-statements').set(t.as('bo')).send(statement('2023-12-31')).expect(403);
      expect(res.body).toMatchObject({ status: 403, code: 'NO_POST' });
      await t.http.post('/borrowers/B-1/financial-statements').set(t.as(ADMIN, true)).send(statement('2023-12-31')).expect(403);
      expect(await t.app.get<AccessAuditLog>(ACCESS_AUDIT).list({ resourceId: 'B-1' })).toEqual([
        expect.objectContaining({ actorId: 'bo', action: 'register', resourceType: 'Borrower', ruleCode: 'NO_POST' }),
        expect.objectContaining({ actorId: ADMIN, action: 'register', resourceType: 'Borrower', ruleCode: 'ADMIN_SEPARATION' }),
      ]);
      expect((await store().readStream('borrower-B-1')).map((e) => e.type)).toEqual([
        'BorrowerRegistered',
        'FinancialStatementRecorded',
        'FinancialStatementRecorded',
      ]);
    });

    it('refuses negative income, fractions of a cent and unknown fields with 400', async () => {
      for (const body of [
        { ...statement('2023-12-31'), income: -1 },
        { ...statement('2023-12-31'), cashFlow: 0.5 },
        { ...statement('2023-12-31'), asOf: '2023-02-30' },
        { ...statement('2023-12-31'), equity: 1 },
      ])
        expect((await t.http.post('/borrowers/B-1/financial-statements').set(t.as('ana')).send(body).expect(400)).body.code).toBe(
          'VALIDATION_FAILED',
        );
    });
  });

  describe('the file', () => {
    beforeAll(async () => {
      await advance(t, 'L-1', 'active', 2_000_000);
      await advance(t, 'L-2', 'applied', 1_000_000);
    });

    it('shows who the borrower is, their statements by date, their ratings and their loans from the read model', async () => {
      await t.http.post(`/borrowers/${BORROWER}/financial-statements`).set(t.as('ana')).send(statement('2025-12-31')).expect(201);
      const res = await t.http.get(`/borrowers/${BORROWER}`).set(t.as('eve')).expect(200);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toEqual({
        borrowerId: BORROWER,
        name: 'Wang household',
        kind: 'household',
        village: 'Dongshan',
        sector: 'grain',
        identityNumber: residentIdFor(100),
        registeredBy: 'ana',
        registeredAt: '2026-03-02T09:00:00.000Z',
        personalData: 'available',
        statements: [{ ...statement('2025-12-31'), recordedBy: 'ana', at: '2026-03-02T09:00:00.000Z' }],
        ratings: [],
        latestRating: null,
        creditHistory: [
          expect.objectContaining({
            loanId: 'L-1',
            status: 'active',
            branchId: 'BR-01',
            requestedAmount: 2_000_000,
            approvedAmount: 2_000_000,
            disbursedAmount: 2_000_000,
            principalOutstanding: 2_000_000,
            category: 'normal',
            appliedOn: '2026-03-02',
            disbursedOn: '2026-03-02',
            maturityDate: '2027-03-02',
            closedOn: null,
          }),
          expect.objectContaining({ loanId: 'L-2', status: 'applied', requestedAmount: 1_000_000, disbursedAmount: null }),
        ],
        guarantees: { securing: [], given: [] },
        // An active loan, current, unrated, no signal.
        riskLevel: 'green',
        version: 1,
      });
    });

    it('keeps statements in date order, whatever order they came in', async () => {
      const res = await t.http.get('/borrowers/B-1').set(t.as('ana')).expect(200);
      expect(res.body.statements.map((s: { asOf: string }) => s.asOf)).toEqual(['2024-12-31', '2025-12-31']);
      expect(res.body).toMatchObject({ identityNumber: '11010519491231002X', creditHistory: [], version: 2 });
    });

    it('is 404 BORROWER_NOT_FOUND for a borrower nobody registered', async () => {
      const res = await t.http.get('/borrowers/B-404').set(t.as('ana')).expect(404);
      expect(res.body).toMatchObject({ code: 'BORROWER_NOT_FOUND', detail: 'borrower B-404 is not registered' });
      await t.http.get('/borrowers/B-404/history').set(t.as('ana')).expect(404);
    });

    it('is refused to someone who is not staff', async () => {
      expect((await t.http.get('/borrowers/B-1').set(t.as('stranger')).expect(403)).body.code).toBe('NOT_STAFF');
    });
  });

  describe('history', () => {
    it('gives every event of the borrower with its actor, times and hashes, and an intact chain', async () => {
      const res = await t.http.get('/borrowers/B-1/history').set(t.as('eve')).expect(200);
      expect(res.body).toMatchObject({ borrowerId: 'B-1', version: 2, chain: { valid: true, events: 3, breaks: [] } });
      expect(res.body.events.map((e: { type: string; actorId: string; version: number }) => [e.version, e.type, e.actorId])).toEqual([
        [0, 'BorrowerRegistered', 'ana'],
        [1, 'FinancialStatementRecorded', 'ana'],
        [2, 'FinancialStatementRecorded', 'ana'],
      ]);
      const [first, second] = res.body.events;
      expect(first).toMatchObject({ occurredAt: '2026-03-02T09:00:00.000Z', recordedAt: '2026-03-02T09:00:00.000Z', schemaVersion: 2 });
      expect(first.prevHash).toBe('0'.repeat(64));
      expect(second.prevHash).toBe(first.hash);
      // The auditors' history shows what the log holds: the statement's date and a sealed reference, never the figures.
      expect(second.data).toEqual({
        borrowerId: 'B-1',
        asOf: '2025-12-31',
        personal: { ref: expect.any(String), digest: expect.stringMatching(/^[0-9a-f]{64}$/) },
        recordedBy: 'ana',
        at: '2026-03-02T09:00:00.000Z',
      });
    });

    it('shows a broken chain when someone edits the log behind the service', async () => {
      await t.tamper({
        sqlite: `UPDATE events SET data = json_set(data, '$.asOf', '2025-12-30') WHERE stream_id = 'borrower-B-1' AND stream_version = 1`,
        postgres: `UPDATE events SET data = jsonb_set(data::jsonb, '{asOf}', '"2025-12-30"')::json WHERE stream_id = 'borrower-B-1' AND stream_version = 1`,
      });
      const res = await t.http.get('/borrowers/B-1/history').set(t.as('eve')).expect(200);
      expect(res.body.chain).toMatchObject({
        valid: false,
        breaks: [expect.objectContaining({ problem: 'hash_mismatch', streamVersion: 1 })],
      });
    });
  });

  describe('personal data', () => {
    const personalData = () => t.app.get<Storage>(STORAGE).personalData;

    it("audits every read of a borrower's personal data: who, whose, when and by which route; administrators and auditors list them", async () => {
      await t.http.get('/borrowers/B-2').set(t.as('eve')).expect(200);
      const res = await t.http.get('/borrowers/B-2/personal-data-reads').set(t.as(ADMIN, true)).expect(200);
      expect(res.body.reads).toContainEqual({
        id: expect.any(Number),
        at: expect.any(String),
        actorId: 'eve',
        subjectId: 'B-2',
        purpose: 'GET /borrowers/B-2',
      });
      // A page at a time: the newest read is never hidden behind a limit.
      for (let i = 0; i < 3; i++) await t.http.get('/borrowers/B-2').set(t.as('ana')).expect(200);
      const first = await t.http.get('/borrowers/B-2/personal-data-reads?limit=2').set(t.as(ADMIN, true)).expect(200);
      expect(first.body.reads).toHaveLength(2);
      const rest = await t.http.get(`/borrowers/B-2/personal-data-reads?after=${first.body.next}`).set(t.as(ADMIN, true)).expect(200);
      expect(rest.body.next).toBeNull();
      expect([...first.body.reads, ...rest.body.reads].map((r: { actorId: string }) => r.actorId)).toEqual(['eve', 'ana', 'ana', 'ana']);
      expect((await t.http.get('/borrowers/B-2/personal-data-reads').set(t.as('eve')).expect(403)).body.code).toBeDefined();
    });

    it('never hands over a record swapped behind the service: the digest the log keeps catches it', async () => {
      const [registered] = await store().readStream('borrower-B-2');
      const other = (await store().readStream('borrower-B-1'))[0].data.personal as { ref: string };
      // Someone with database access points B-2's record at B-1's content.
      const db = t.app.get<Storage>(STORAGE).readModels;
      const ref = (registered.data.personal as { ref: string }).ref;
      const [mine, theirs] = await Promise.all(
        [ref, other.ref].map((r) => db.selectFrom('personal_records').selectAll().where('ref', '=', r).executeTakeFirstOrThrow()),
      );
      await db.updateTable('personal_records').set({ sealed: theirs.sealed }).where('ref', '=', ref).execute();
      await expect(personalData().open('B-2', registered.data.personal as { ref: string; digest: string })).rejects.toThrow(
        /does not match/,
      );
      const swapped = await t.http.get('/borrowers/B-2').set(t.as('eve')).expect(500);
      expect(swapped.body).toMatchObject({ code: 'PERSONAL_DATA_TAMPERED', detail: expect.stringContaining('does not match') });
      expect(JSON.stringify(swapped.body)).not.toContain('Li household');
      await db.updateTable('personal_records').set({ sealed: mine.sealed }).where('ref', '=', ref).execute();
      // A key removed behind the service is no erasure: the file says so, and no new key replaces it.
      const key = await db.selectFrom('personal_keys').selectAll().where('subject_id', '=', 'B-2').executeTakeFirstOrThrow();
      await db.deleteFrom('personal_keys').where('subject_id', '=', 'B-2').execute();
      expect((await t.http.get('/borrowers/B-2').set(t.as('eve')).expect(500)).body.code).toBe('PERSONAL_DATA_TAMPERED');
      expect(
        (await t.http.post('/borrowers/B-2/financial-statements').set(t.as('ana')).send(statement('2025-06-30')).expect(500)).body.code,
      ).toBe('PERSONAL_DATA_TAMPERED');
      expect(await db.selectFrom('personal_keys').selectAll().where('subject_id', '=', 'B-2').execute()).toEqual([]);
      await db.insertInto('personal_keys').values(key).execute();
      expect(await personalData().open('B-2', registered.data.personal as { ref: string; digest: string })).toEqual({
        name: 'Dongshan rice mill',
        identityNumber: '91350100M000100Y43',
      });
    });

    it('erases a borrower with no open loan: the erasure is on record, the key and records are gone, the chain still verifies', async () => {
      await t.http.post('/borrowers/B-1/financial-statements').set(t.as('ana')).send(statement('2026-01-31')).expect(201);
      const before = (await store().readStream('borrower-B-1')).map((e) => e.hash);
      await t.http
        .post('/borrowers/B-1/erasure')
        .set(t.as(ADMIN, true))
        .send({ reason: 'the borrower asked on 2026-03-01; no loan' })
        .expect(201);
      const events = await store().readStream('borrower-B-1');
      expect(events.map((e) => e.hash).slice(0, before.length)).toEqual(before);
      expect(events.at(-1)).toMatchObject({
        type: 'PersonalDataErased',
        data: { borrowerId: 'B-1', reason: 'the borrower asked on 2026-03-01; no loan', erasedBy: ADMIN },
      });
      const erasedAt = async () =>
        (
          await t.app
            .get<Storage>(STORAGE)
            .readModels.selectFrom('personal_keys')
            .select('erased_at')
            .where('subject_id', '=', 'B-1')
            .executeTakeFirstOrThrow()
        ).erased_at;
      const first = await erasedAt();
      t.setNow('2026-03-02T10:00:00.000Z');
      const file = await t.http.get('/borrowers/B-1').set(t.as('ana')).expect(200);
      // A read that finds the erasure on record destroys the key again if it is still there, and keeps the first erasure's time.
      expect(await erasedAt()).toBe(first);
      t.setNow('2026-03-02T09:00:00.000Z');
      expect(file.body).toMatchObject({ name: null, identityNumber: null, personalData: 'erased', statements: [], kind: 'household' });
      expect(await personalData().open('B-1', events[0].data.personal as { ref: string; digest: string })).toBeNull();
      const db = t.app.get<Storage>(STORAGE).readModels;
      expect(await db.selectFrom('personal_records').selectAll().where('subject_id', '=', 'B-1').execute()).toEqual([]);
      // The chain still verifies over the references and digests the log keeps: the erasure breaks nothing
      // (the one break is the statement edited behind the service in the history test above).
      const chain = (await t.http.get('/borrowers/B-1/history').set(t.as('eve')).expect(200)).body.chain;
      expect(chain.breaks).toEqual([expect.objectContaining({ problem: 'hash_mismatch', streamVersion: 1 })]);
      expect(chain.events).toBe(events.length);
      // Nothing more is kept of the person.
      const again = await t.http.post('/borrowers/B-1/financial-statements').set(t.as('ana')).send(statement('2026-02-28')).expect(409);
      expect(again.body.code).toBe('PERSONAL_DATA_ERASED');
      expect((await t.http.post('/borrowers/B-1/erasure').set(t.as(ADMIN, true)).send({ reason: 'again' }).expect(409)).body.code).toBe(
        'PERSONAL_DATA_ERASED',
      );
      // No new loan stands on an erased file.
      const loan = await t.http
        .post('/loans')
        .set(t.as('ana'))
        .send({
          loanId: 'L-ERASED',
          borrowerId: 'B-1',
          branchId: 'BR-01',
          purpose: 'seed',
          sector: 'grain',
          agricultural: true,
          security: 'credit',
          amount: 100_000,
          termMonths: 6,
          repayment: 'bullet',
        })
        .expect(409);
      expect(loan.body.code).toBe('PERSONAL_DATA_ERASED');
      // The number is free again, and nothing answers whose it was: the same person may open a new file.
      await t.http.post('/borrowers').set(t.as('ana')).send(household('B-1-again', '11010519491231002X')).expect(201);
      expect(JSON.stringify((await t.http.get('/borrowers/B-1-again').set(t.as('ana')).expect(200)).body)).not.toContain('"B-1"');
    });

    it('ERASURE_NOT_ALLOWED while a loan of the borrower is open; only administrators erase', async () => {
      const res = await t.http.post(`/borrowers/${BORROWER}/erasure`).set(t.as(ADMIN, true)).send({ reason: 'asked' }).expect(409);
      expect(res.body).toMatchObject({ code: 'ERASURE_NOT_ALLOWED', detail: expect.stringContaining('L-1 (active)') });
      expect((await t.http.post('/borrowers/B-2/erasure').set(t.as('ana')).send({ reason: 'asked' }).expect(403)).body.code).toBeDefined();
      expect((await store().readStream('borrower-B-2')).map((e) => e.type)).toEqual(['BorrowerRegistered']);
    });
  });

  describe('GET /config/history', () => {
    it('lists every configuration change, oldest first, with who made it and when', async () => {
      const before = await t.http.get('/config/history').set(t.as('ana')).expect(200);
      expect(before.body).toEqual({ events: [] });

      t.setNow('2026-03-05T10:00:00.000Z');
      const {
        version: _,
        changedBy: __,
        changedAt: ___,
        ...settings
      } = (await t.http.get('/config/policy-settings').set(t.as('ana'))).body;
      await t.http
        .put('/config/policy-settings')
        .set(t.as(ADMIN, true))
        .send({ ...settings, rotationTenureMonths: 24 })
        .expect(200);
      t.setNow('2026-03-06T10:00:00.000Z');
      await t.http
        .put('/config/structure-targets')
        .set(t.as(ADMIN, true))
        .send({ targets: [{ dimension: 'purpose', bucket: 'agricultural', minShareBps: 6000 }] })
        .expect(200);

      const res = await t.http.get('/config/history').set(t.as('eve')).expect(200);
      expect(res.body.events).toEqual([
        {
          stream: 'config-policy-settings',
          version: 0,
          type: 'PolicySettingsSet',
          changedBy: ADMIN,
          at: '2026-03-05T10:00:00.000Z',
          data: expect.objectContaining({ rotationTenureMonths: 24, by: ADMIN, at: '2026-03-05T10:00:00.000Z' }),
        },
        {
          stream: 'config-structure-targets',
          version: 0,
          type: 'StructureTargetsSet',
          changedBy: ADMIN,
          at: '2026-03-06T10:00:00.000Z',
          data: {
            targets: [{ dimension: 'purpose', bucket: 'agricultural', minShareBps: 6000 }],
            by: ADMIN,
            at: '2026-03-06T10:00:00.000Z',
          },
        },
      ]);
    });

    it('is refused to someone who is not staff', async () => {
      expect((await t.http.get('/config/history').set(t.as('stranger')).expect(403)).body.code).toBe('NOT_STAFF');
    });
  });
});

/** The GB 11643 check character, worked out here from the standard's formula. */
function residentCheck(first17: string): string {
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * (2 ** (17 - i) % 11), 0);
  const value = (12 - (sum % 11)) % 11;
  return value === 10 ? 'X' : String(value);
}

import { residentIdFor } from '@loanflow/domain/borrower/sample-identities';
import { EventToAppend, NO_STREAM, openSqlite, RecordedEvent, SqliteEventStore, systemClock } from '@loanflow/event-store';
import { legacyIdentityStream, openStorage, Storage } from '@loanflow/storage';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STORAGE } from '../apps/api/src/common/tokens';
import { PERSONAL_DATA_KEY, startApp, staffBranch, testConfig } from './support/app';
import { cli } from './support/cli';

/**
 * A log recorded before personal data left it: the name, identity number and statement figures in
 * clear, the identity number's reservation named by an unkeyed digest. The app refuses it; the
 * migrate step seals it into a new log the app runs on.
 */
describe('migrate-log --seal-personal-data: a log recorded with personal data in clear', () => {
  const at = '2025-06-02T02:00:00.000Z';
  const number = residentIdFor(7);
  const meta = (commandId: string, actorId = 'ana') => ({
    actorId,
    commandId,
    correlationId: commandId,
    causationId: null,
    occurredAt: at,
  });
  let dir: string;
  let oldPath: string;
  let before: RecordedEvent[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loanflow-seal-'));
    oldPath = join(dir, 'old', 'loanflow.db');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'old'));
    const store = new SqliteEventStore(openSqlite(oldPath), { clock: () => new Date(at) });
    const v1 = (type: string, data: Record<string, unknown>): EventToAppend => ({ type, data, schemaVersion: 1 });
    await store.append('staff-zed', [v1('StaffRegistered', { staffId: 'zed', name: 'Zed', branchId: 'BR-01', at })], {
      expectedVersion: NO_STREAM,
      metadata: meta('s', 'root'),
    });
    await store.append(
      'borrower-B-OLD',
      [
        v1('BorrowerRegistered', {
          borrowerId: 'B-OLD',
          name: '李四 household',
          kind: 'household',
          village: 'Xishan',
          sector: 'grain',
          identityNumber: number,
          registeredBy: 'ana',
          at,
        }),
      ],
      {
        expectedVersion: NO_STREAM,
        metadata: meta('r'),
        alongside: [
          {
            streamId: legacyIdentityStream(number),
            events: [v1('IdentityNumberReserved', { borrowerId: 'B-OLD', at })],
            expectedVersion: NO_STREAM,
          },
        ],
      },
    );
    await store.append(
      'borrower-B-OLD',
      [
        v1('FinancialStatementRecorded', {
          borrowerId: 'B-OLD',
          asOf: '2024-12-31',
          income: 12_345_678,
          assets: 87_654_321,
          liabilities: 1_357_913,
          cashFlow: -246_802,
          recordedBy: 'ana',
          at,
        }),
      ],
      { expectedVersion: 0, metadata: meta('f') },
    );
    before = await store.readAll(0, 100);
    await store.close();
  });

  const CLEAR = [number, '李四', '12345678', '87654321', '1357913', '246802'];

  it('is refused by the app, naming the step that seals it', async () => {
    await expect(openStorage(testConfig({ sqlitePath: oldPath }), { clock: systemClock })).rejects.toThrow(
      /holds borrowers' personal data in clear \(BorrowerRegistered at position 1\).*migrate-log .*--seal-personal-data/,
    );
    // A plain copy would carry them along: it is refused the same way.
    await expect(
      cli(['migrate-log', '--from', `sqlite:${oldPath}`, '--to', `sqlite:${join(dir, 'plain.db')}`], { PERSONAL_DATA_KEY }),
    ).rejects.toThrow(/personal data in clear/);
  });

  it('seals them into a new log: no personal datum in clear, every chain verified, untouched streams keep their hashes', async () => {
    const newPath = join(dir, 'new', 'loanflow.db');
    const run = await cli(['migrate-log', '--from', `sqlite:${oldPath}`, '--to', `sqlite:${newPath}`, '--seal-personal-data'], {
      PERSONAL_DATA_KEY,
    });
    expect(run.out).toEqual([
      'copied 4 events, 0 refused attempts and 0 sealed personal-data rows',
      'sealed personal data: 3 records rewritten (listed with their new hashes in log_rewrites)',
      'target verified: 4 events, every chain intact',
    ]);
    expect(run.code).toBe(0);

    const storage: Storage = await openStorage(testConfig({ sqlitePath: newPath }), { clock: systemClock });
    try {
      const after = await storage.eventStore.readAll(0, 100);
      const text = JSON.stringify(after);
      for (const clear of CLEAR) expect(text).not.toContain(clear);
      expect(after.map((e) => [e.globalPosition, e.eventId, e.type, e.schemaVersion])).toEqual([
        [0, before[0].eventId, 'StaffRegistered', 1],
        [1, before[1].eventId, 'BorrowerRegistered', 2],
        [2, before[2].eventId, 'IdentityNumberReserved', 1],
        [3, before[3].eventId, 'FinancialStatementRecorded', 2],
      ]);
      // The staff stream was not touched: same record, same hash.
      expect(after[0]).toEqual(before[0]);
      // The reservation is named by the keyed hash the app now looks under.
      expect(after[2].streamId).toBe(`identity-${storage.personalData.identityKey(number)}`);
      expect(after[3].prevHash).toBe(after[1].hash);
      const rewrites = await storage.readModels.selectFrom('log_rewrites').selectAll().orderBy('global_position').execute();
      expect(rewrites.map((r) => [Number(r.global_position), r.event_id, r.reason, r.stream_id, r.hash])).toEqual([
        [1, before[1].eventId, 'personal data sealed', 'borrower-B-OLD', after[1].hash],
        [2, before[2].eventId, 'reservation renamed', after[2].streamId, after[2].hash],
        [3, before[3].eventId, 'personal data sealed', 'borrower-B-OLD', after[3].hash],
      ]);
      // Nothing computed over the data in clear is kept: no old hash or old reservation name to test a guess against.
      expect(JSON.stringify(rewrites)).not.toContain(before[1].hash);
      expect(JSON.stringify(rewrites)).not.toContain(before[2].streamId);
    } finally {
      await storage.close();
    }

    // The app runs on the new log: the borrower's file reads as it was, and the number is still taken.
    const t = await startApp('2026-03-02T09:00:00.000Z', testConfig({ sqlitePath: newPath }));
    try {
      await staffBranch(t);
      const file = await t.http.get('/borrowers/B-OLD').set(t.as('eve')).expect(200);
      expect(file.body).toMatchObject({
        name: '李四 household',
        identityNumber: number,
        personalData: 'available',
        statements: [{ asOf: '2024-12-31', income: 12_345_678, assets: 87_654_321, liabilities: 1_357_913, cashFlow: -246_802 }],
      });
      const twin = await t.http
        .post('/borrowers')
        .set(t.as('ana'))
        .send({ borrowerId: 'B-TWIN', name: '李四', kind: 'household', village: 'Xishan', sector: 'grain', identityNumber: number })
        .expect(409);
      expect(twin.body.code).toBe('IDENTITY_NUMBER_TAKEN');
      expect((await t.http.get('/borrowers/B-OLD/history').set(t.as('eve')).expect(200)).body.chain).toMatchObject({ valid: true });
      expect(await t.app.get<Storage>(STORAGE).personalData.reads('B-OLD')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('runs with the source’s own key when none is given, and refuses a target that keeps another', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', 'personal-data-key'), `${'ab'.repeat(32)}\n`);
    await expect(
      cli(['migrate-log', '--from', `sqlite:${oldPath}`, '--to', `sqlite:${join(dir, 'other', 'x.db')}`, '--seal-personal-data'], {}),
    ).rejects.toThrow(/holds another personal-data key/);
    const own = await cli(
      ['migrate-log', '--from', `sqlite:${oldPath}`, '--to', `sqlite:${join(dir, 'own', 'x.db')}`, '--seal-personal-data'],
      {},
    );
    expect(own.code).toBe(0);
  });

  it('reserves a number registered without a reservation, and names files that share one', async () => {
    const path = join(dir, 'loose', 'loanflow.db');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'loose'));
    const store = new SqliteEventStore(openSqlite(path), { clock: () => new Date(at) });
    const register = (borrowerId: string, identityNumber: string) =>
      store.append(
        `borrower-${borrowerId}`,
        [
          {
            type: 'BorrowerRegistered',
            schemaVersion: 1,
            data: {
              borrowerId,
              name: borrowerId,
              kind: 'household',
              village: 'Xishan',
              sector: 'grain',
              identityNumber,
              registeredBy: 'ana',
              at,
            },
          },
        ],
        { expectedVersion: NO_STREAM, metadata: meta(borrowerId) },
      );
    // A version that kept no reservations: two files of one person, and one alone.
    await register('B-DUP1', residentIdFor(11));
    await register('B-DUP2', residentIdFor(11));
    await register('B-LONE', residentIdFor(12));
    await store.close();
    const newPath = join(dir, 'loose-new', 'loanflow.db');
    const run = await cli(['migrate-log', '--from', `sqlite:${path}`, '--to', `sqlite:${newPath}`, '--seal-personal-data'], {
      PERSONAL_DATA_KEY,
    });
    expect(run.out).toEqual(
      expect.arrayContaining([
        'reserved 2 identity numbers registered without a reservation',
        'WARNING borrowers B-DUP1, B-DUP2 were registered under one identity number: one person, one file; merge or correct them',
        'target verified: 5 events, every chain intact',
      ]),
    );
    expect(run.code).toBe(0);
    const t = await startApp('2026-03-02T09:00:00.000Z', testConfig({ sqlitePath: newPath }));
    try {
      await staffBranch(t);
      for (const n of [11, 12]) {
        const again = await t.http
          .post('/borrowers')
          .set(t.as('ana'))
          .send({
            borrowerId: `B-NEW-${n}`,
            name: 'x',
            kind: 'household',
            village: 'Xishan',
            sector: 'grain',
            identityNumber: residentIdFor(n),
          })
          .expect(409);
        expect(again.body.code).toBe('IDENTITY_NUMBER_TAKEN');
      }
    } finally {
      await t.close();
    }
  });

  it('a copy continued after an erasure in the source erases in the target too', async () => {
    const source = await startApp('2026-03-02T09:00:00.000Z', testConfig());
    await staffBranch(source);
    await source.close();
    const from = `sqlite:${source.config.sqlitePath}`;
    const to = `sqlite:${join(dir, 'resumed', 'loanflow.db')}`;
    expect((await cli(['migrate-log', '--from', from, '--to', to], { PERSONAL_DATA_KEY })).code).toBe(0);
    const again = await startApp('2026-03-02T10:00:00.000Z', source.config);
    await again.http.post('/borrowers/B-100/erasure').set(again.as('root', true)).send({ reason: 'asked; no loan' }).expect(201);
    await again.close();
    expect((await cli(['migrate-log', '--from', from, '--to', to], { PERSONAL_DATA_KEY })).code).toBe(0);
    const target = await openStorage(testConfig({ sqlitePath: join(dir, 'resumed', 'loanflow.db') }), { clock: systemClock });
    try {
      const [registered] = await target.eventStore.readStream('borrower-B-100');
      expect(await target.personalData.open('B-100', registered.data.personal as { ref: string; digest: string })).toBeNull();
      expect(await target.readModels.selectFrom('personal_records').selectAll().where('subject_id', '=', 'B-100').execute()).toEqual([]);
    } finally {
      await target.close();
    }
  });
});

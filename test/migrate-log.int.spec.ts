import { openPostgres, openSqlite, PostgresEventStore, RecordedEvent, SqliteEventStore, systemClock } from '@loanflow/event-store';
import { advance, PERSONAL_DATA_KEY, startApp, staffBranch, terms, testConfig } from './support/app';
import { cli } from './support/cli';
import { freshSchema } from './support/postgres';

async function everything(store: { readAll(from: number, limit: number): Promise<RecordedEvent[]>; close(): Promise<void> }) {
  const events = await store.readAll(0, 1_000_000);
  await store.close();
  return events;
}

describe('migrate-log: an embedded SQLite log moved into PostgreSQL', () => {
  it('keeps every id, version, position, time and hash, the command records and the refusals, and the app runs on the copy', async () => {
    const embedded = await startApp('2026-03-02T09:00:00.000Z', testConfig());
    await staffBranch(embedded);
    await advance(embedded, 'L-1', 'active');
    await advance(embedded, 'L-2', 'examined');
    await embedded.http
      .post('/loans/L-2/approval')
      .set(embedded.as('ana'))
      .send({ decision: 'reject', comments: 'mine to refuse' })
      .expect(403);
    const idempotent = await embedded.http
      .post('/loans/L-2/approval')
      .set(embedded.as('cy'))
      .set('Idempotency-Key', 'approve-L-2')
      .send({ decision: 'approve', terms: terms(5_000_000), comments: 'ok' })
      .expect(201);
    await embedded.close();
    const from = `sqlite:${embedded.config.sqlitePath}`;
    const { url } = await freshSchema('migrate');

    const first = await cli(['migrate-log', '--from', from, '--to', url], { PERSONAL_DATA_KEY });
    expect(first.err.at(-1)).toMatch(/^copied \d+ events \(source head \d+\)$/);
    expect(first.out).toEqual([
      expect.stringMatching(/^copied (\d+) events, 1 refused attempts and \d+ sealed personal-data rows$/),
      expect.stringMatching(/^target verified: \d+ events, every chain intact$/),
    ]);
    expect(first.code).toBe(0);

    const source = await everything(new SqliteEventStore(openSqlite(embedded.config.sqlitePath), { clock: systemClock }));
    const copy = await everything(new PostgresEventStore(await openPostgres(url), { clock: systemClock }));
    expect(copy).toEqual(source);
    // The borrower's key and their sealed name and number: two rows.
    expect(first.out[0]).toBe(`copied ${source.length} events, 1 refused attempts and 2 sealed personal-data rows`);

    const again = await cli(['migrate-log', '--from', from, '--to', url], { PERSONAL_DATA_KEY });
    expect(again.out[0]).toBe(
      `copied 0 events (continuing at position ${source.length}), 0 refused attempts and 2 sealed personal-data rows`,
    );
    expect(again.code).toBe(0);

    const onPostgres = { EVENT_STORE: 'postgres', DATABASE_URL: url };
    expect((await cli(['verify'], onPostgres)).out).toEqual([`verified ${source.length} events: every chain is intact`]);
    expect((await cli(['denials', '--loan', 'L-2'], onPostgres)).out[0]).toMatch(/ana +approve +Loan L-2 +SOD_THREE_POWERS/);

    const moved = await startApp('2026-03-03T09:00:00.000Z', testConfig({ eventStore: 'postgres', databaseUrl: url }));
    const replay = await moved.http
      .post('/loans/L-2/approval')
      .set(moved.as('cy'))
      .set('Idempotency-Key', 'approve-L-2')
      .send({ decision: 'approve', terms: terms(5_000_000), comments: 'ok' })
      .expect(201);
    expect(replay.body).toEqual(idempotent.body);
    const history = await moved.http.get('/loans/L-1/history').set(moved.as('eve')).expect(200);
    expect(history.body.chain).toMatchObject({ valid: true, events: 5 });
    await moved.http.post('/loans/L-2/disbursement').set(moved.as('dan')).send({ amount: 5_000_000 }).expect(201);
    await moved.close();
  });

  it('refuses a target that holds another log, and a source that does not exist', async () => {
    const one = await startApp('2026-03-02T09:00:00.000Z', testConfig());
    await staffBranch(one);
    await one.close();
    const other = await startApp('2026-03-02T09:00:00.000Z', testConfig());
    await staffBranch(other);
    await other.close();
    const { url } = await freshSchema('migrate');
    expect((await cli(['migrate-log', '--from', `sqlite:${one.config.sqlitePath}`, '--to', url], { PERSONAL_DATA_KEY })).code).toBe(0);
    await expect(cli(['migrate-log', '--from', `sqlite:${other.config.sqlitePath}`, '--to', url], { PERSONAL_DATA_KEY })).rejects.toThrow(
      /already holds a different log/,
    );
    await expect(cli(['migrate-log', '--from', 'sqlite:/nowhere/x.db', '--to', url], {})).rejects.toThrow(/no event log at/);
    await expect(cli(['migrate-log', '--from', 'mysql://x', '--to', url], {})).rejects.toThrow(/use sqlite:<path> or postgres:/);
  });
});

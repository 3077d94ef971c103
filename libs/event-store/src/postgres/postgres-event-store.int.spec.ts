import { systemClock } from '../clock';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { freshSchema } from '../../../../test/support/postgres';
import { eventStoreContract } from '../contract.spec-suite';
import { EventStore, RecordedEvent, WrongExpectedVersion } from '../event-store.port';
import { verifyLog } from '../verify';
import { openPostgres } from './postgres-database';
import { PostgresEventStore } from './postgres-event-store';

eventStoreContract(
  'postgres',
  async () => new PostgresEventStore(await openPostgres((await freshSchema('contract')).url), { clock: systemClock }),
);

const meta = () => ({
  actorId: 'ana',
  commandId: randomUUID(),
  correlationId: randomUUID(),
  causationId: null,
  occurredAt: '2026-03-01T08:00:00.000Z',
});

describe('postgres store specifics', () => {
  it('migrates once: a second start on the same schema keeps the log', async () => {
    const { url } = await freshSchema('reopen');
    const first = new PostgresEventStore(await openPostgres(url), { clock: systemClock });
    await first.append('s-1', [{ type: 'A', data: { text: 'nul \u0000 and 中文' } }], { expectedVersion: -1, metadata: meta() });
    await first.close();
    const [a, b] = await Promise.all([openPostgres(url), openPostgres(url)]);
    await b.end();
    const again = new PostgresEventStore(a, { clock: systemClock });
    const [event] = await again.readStream('s-1');
    expect(event.data).toEqual({ text: 'nul \u0000 and 中文' });
    expect(await verifyLog(again)).toMatchObject({ valid: true, events: 1 });
    await again.close();
  });

  it('a follower never skips an event while 8 writers commit with random delays inside their transactions', async () => {
    const { url, schema } = await freshSchema('order');
    const WRITERS = 8;
    const PER_WRITER = 2_000;
    const IN_FLIGHT = 20;
    const writers: EventStore[] = [];
    for (let w = 0; w < WRITERS; w++) writers.push(new PostgresEventStore(await openPostgres(url, { max: 2 }), { clock: systemClock }));
    // The delay runs inside every writing transaction, after it has taken its positions and before it commits.
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`
      CREATE FUNCTION ${schema}.random_delay() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN PERFORM pg_sleep(random() * 0.004); RETURN NULL; END $$;
      CREATE TRIGGER random_delay BEFORE INSERT ON ${schema}.events FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.random_delay();`);
    await admin.end();

    const follower = new PostgresEventStore(await openPostgres(url, { max: 1 }), { clock: systemClock });
    const seen: RecordedEvent[] = [];
    const total = WRITERS * PER_WRITER;
    const following = (async () => {
      while (seen.length < total) {
        const next = seen.length === 0 ? 0 : seen[seen.length - 1].globalPosition + 1;
        const batch = await follower.readAll(next, 500);
        seen.push(...batch);
        if (batch.length === 0) await follower.waitForEvents(next - 1, 1_000);
      }
    })();

    await Promise.all(
      writers.map(async (store, w) => {
        let sent = 0;
        const client = async () => {
          while (sent < PER_WRITER) {
            const n = sent++;
            await store.append(`loan-${w}-${n % 50}`, [{ type: 'Tick', data: { w, n } }], { expectedVersion: 'any', metadata: meta() });
          }
        };
        await Promise.all(Array.from({ length: IN_FLIGHT }, client));
      }),
    );
    await following;

    const final: RecordedEvent[] = [];
    for (let from = 0; ; from += 5_000) {
      const batch = await follower.readAll(from, 5_000);
      final.push(...batch);
      if (batch.length < 5_000) break;
    }
    expect(final).toHaveLength(total);
    expect(seen.map((e) => e.eventId)).toEqual(final.map((e) => e.eventId));
    expect(final.map((e) => e.globalPosition)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(total);
    expect(await verifyLog(follower)).toMatchObject({ valid: true, events: total });
    // Recording times never go backwards along the log, whichever writer took its time first.
    const times = final.map((e) => e.metadata.recordedAt);
    expect(times.filter((t, i) => i > 0 && t < times[i - 1])).toEqual([]);
    await Promise.all([...writers, follower].map((s) => s.close()));
  });

  it('appends in one statement on a head it knows, and never on one another process moved', async () => {
    const { url } = await freshSchema('assumed');
    const poolA = await openPostgres(url);
    const a = new PostgresEventStore(poolA, { clock: systemClock });
    const b = new PostgresEventStore(await openPostgres(url), { clock: systemClock });
    await a.append('loan-1', [{ type: 'A', data: { n: 0 } }], { expectedVersion: -1, metadata: meta() });

    // Decided on what it read: one round trip, no transaction of its own to begin and commit.
    await a.readStream('loan-1');
    const queries: string[] = [];
    const query = poolA.query.bind(poolA);
    const connect = poolA.connect.bind(poolA);
    poolA.query = ((text: string, ...rest: unknown[]) => (
      queries.push(text),
      (query as (...x: unknown[]) => unknown)(text, ...rest)
    )) as typeof poolA.query;
    // A transaction of the store's own takes a client (no callback); the pool's own query takes one with a callback.
    poolA.connect = ((...args: unknown[]) => {
      if (args.length === 0) queries.push('connect');
      return (connect as (...x: unknown[]) => unknown)(...args);
    }) as typeof poolA.connect;
    await a.append('loan-1', [{ type: 'A', data: { n: 1 } }], { expectedVersion: 0, metadata: meta() });
    expect(queries).toEqual([expect.stringContaining('loanflow_append')]);
    poolA.query = query;
    poolA.connect = connect;

    // Another process moves the stream behind A's back: what A remembers is stale.
    await b.append('loan-1', [{ type: 'B', data: { n: 2 } }], { expectedVersion: 1, metadata: meta() });
    await expect(a.append('loan-1', [{ type: 'A', data: { n: 3 } }], { expectedVersion: 1, metadata: meta() })).rejects.toBeInstanceOf(
      WrongExpectedVersion,
    );
    await a.append('loan-1', [{ type: 'A', data: { n: 3 } }], { expectedVersion: 2, metadata: meta() });
    await b.append('loan-1', [{ type: 'B', data: { n: 4 } }], { expectedVersion: 'any', metadata: meta() });
    // 'any' on a stale head: the database refuses the assumption and the full path chains on the real head.
    await a.append('loan-1', [{ type: 'A', data: { n: 5 } }], { expectedVersion: 'any', metadata: meta() });
    // A command seen before answers its first answer, whichever path first recorded it.
    const again = meta();
    const first = await a.append('loan-2', [{ type: 'A', data: {} }], { expectedVersion: -1, metadata: again });
    expect(await b.append('loan-2', [{ type: 'A', data: {} }], { expectedVersion: -1, metadata: again })).toMatchObject({
      duplicate: true,
      lastPosition: first.lastPosition,
    });
    expect(await a.append('loan-2', [{ type: 'A', data: {} }], { expectedVersion: -1, metadata: again })).toMatchObject({
      duplicate: true,
      lastPosition: first.lastPosition,
    });

    const events = await b.readStream('loan-1');
    expect(events.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(events.map((e) => e.globalPosition)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await verifyLog(b)).toMatchObject({ valid: true, events: 7 });
    await Promise.all([a.close(), b.close()]);
  });
});

import { openSqlite, RecordedEvent, SqliteEventStore, systemClock } from '@loanflow/event-store';
import { openSqliteReadModels, sqliteHandleOf } from '@loanflow/storage';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FollowerFailed } from './failure';
import { checkpointName, Projection } from './projection';
import { untyped } from './queries';
import { KeyFilter, ProjectionRunner, RowCache } from './runner';

/** A log in a new directory: `streams` streams, the i-th holding events of the types `types(i)`. */
async function logOf(streams: number, types: (i: number) => string[]): Promise<{ dir: string; store: SqliteEventStore }> {
  const dir = mkdtempSync(join(tmpdir(), 'loanflow-runner-'));
  const store = new SqliteEventStore(openSqlite(join(dir, 'log.db')), { clock: systemClock });
  for (let i = 0; i < streams; i++)
    await store.append(
      `s-${i}`,
      types(i).map((type) => ({ type, data: {} })),
      {
        expectedVersion: -1,
        metadata: { actorId: 'x', commandId: `c${i}`, correlationId: 'c', causationId: null, occurredAt: '2026-03-02T09:00:00.000Z' },
      },
    );
  return { dir, store };
}

/** A projection counting events in `rm_<name>`, one row per key, after `look` has seen each. */
const counter = (name: string, keyOf: (event: RecordedEvent) => string, look: (event: RecordedEvent) => void): Projection => ({
  name,
  version: 1,
  tables: [
    {
      table: { name: `rm_${name}`, columns: { id: 'text', n: 'integer' }, primaryKey: ['id'], keyOf: (r) => r.id as string },
      keys: (event) => [keyOf(event)],
      evolve: (row, event, key) => {
        look(event);
        return { id: key, n: ((row?.n as number) ?? 0) + 1 };
      },
    },
  ],
});

/** A projection that cannot apply an event stops exactly there, named, with everything before it stored; it never skips it. */
describe('the projection runner, on an event it cannot apply', () => {
  const counting = counter(
    'counting',
    () => 'all',
    (event) => {
      if (event.type === 'Poison') throw new Error(`cannot count ${event.type}`);
    },
  );

  it('throws FollowerFailed naming the projection, the position and the event; stores what came before; stays there', async () => {
    const { dir, store } = await logOf(10, (i) => [i === 6 ? 'Poison' : 'Counted']);
    const db = await openSqliteReadModels(openSqlite(join(dir, 'log.db')));
    const runner = new ProjectionRunner(store, db, [counting], { businessTimeZone: 'Asia/Shanghai', batchSize: 100, clock: systemClock });
    await expect(runner.catchUp()).rejects.toEqual(new FollowerFailed('counting', 6, 'Poison', 'cannot count Poison'));
    const stored = async () => [
      Number(
        (await db.selectFrom('checkpoints').select('position').where('name', '=', checkpointName(counting)).executeTakeFirst())?.position,
      ),
      await untyped(db).selectFrom('rm_counting').selectAll().execute(),
    ];
    // The six events before it are in; the runner did not step over the poison to the three after.
    expect(await stored()).toEqual([5, [{ id: 'all', n: 6 }]]);
    await expect(runner.catchUp()).rejects.toBeInstanceOf(FollowerFailed);
    expect(await stored()).toEqual([5, [{ id: 'all', n: 6 }]]);
    // Its writes commit without waiting for the disk, and leave the connection as durable as they found it.
    expect(sqliteHandleOf(db)!.pragma('synchronous', { simple: true })).toBe(2);
    await store.close();
    await db.destroy();
  });
});

describe('the row cache of the projection runner', () => {
  it('filters keys without ever missing one it was given, and rarely claims one it was not', () => {
    const filter = new KeyFilter(1_000);
    // Many layers: the first holds 1,000 keys, each next one twice as many.
    for (let i = 0; i < 100_000; i++) filter.add(`L-${i}|${i % 12}`);
    let missed = 0;
    for (let i = 0; i < 100_000; i++) if (!filter.mayHave(`L-${i}|${i % 12}`)) missed++;
    expect(missed).toBe(0);
    let claimed = 0;
    for (let i = 0; i < 50_000; i++) if (filter.mayHave(`X-${i}|${i % 12}`)) claimed++;
    expect(claimed).toBeLessThan(1_000);
  });

  it('keeps rows used since the last turn, and knows which keys an emptied table cannot hold', () => {
    const cache = new RowCache(4);
    cache.reset('t', true);
    cache.reset('u', false);
    cache.set('t', 'a', { id: 'a' });
    cache.set('t', 'b', { id: 'b' });
    cache.set('u', 'x', { id: 'x' });
    expect(cache.get('t', 'z')).toBeNull(); // complete: absent
    expect(cache.get('u', 'z')).toBeUndefined(); // unknown: ask the database
    cache.trim(); // three young rows, more than half of four: they become old
    cache.set('t', 'c', { id: 'c' });
    expect(cache.get('t', 'a')).toEqual({ id: 'a' }); // used again: young again
    cache.set('u', 'y', { id: 'y' });
    cache.trim(); // b and x were not used since: let go
    expect(cache.size).toBe(3); // old a, c, y
    expect(cache.get('t', 'b')).toBeUndefined(); // let go, and it was given: ask the database
    expect(cache.get('t', 'never')).toBeNull(); // never given: surely absent
    expect(cache.get('u', 'x')).toBeUndefined();
  });
});

describe('the projection runner, catching up far behind', () => {
  /** A projection that spends about 60 µs on each event. */
  const busy = counter(
    'busy',
    (event) => String(event.globalPosition % 100),
    () => {
      const until = performance.now() + 0.06;
      while (performance.now() < until);
    },
  );

  it('lets the process answer between slices instead of holding it for the whole catch-up', async () => {
    const { dir, store } = await logOf(100, () => Array<string>(100).fill('Counted'));
    /** The longest the process went without running a 1 ms timer while the runner caught up, in ms. */
    const longestStall = async (sliceMs: number) => {
      const db = await openSqliteReadModels(openSqlite(join(dir, 'log.db')));
      const runner = new ProjectionRunner(store, db, [busy], { businessTimeZone: 'Asia/Shanghai', clock: systemClock, sliceMs });
      await runner.rebuild(); // warm: the measured run is the second
      let last = performance.now();
      let longest = 0;
      const timer = setInterval(() => {
        longest = Math.max(longest, performance.now() - last);
        last = performance.now();
      }, 1);
      expect(await runner.rebuild()).toBe(10_000);
      clearInterval(timer);
      longest = Math.max(longest, performance.now() - last);
      await db.destroy();
      return longest;
    };
    // About 0.6 s of work: in slices of 20 ms, never more than a slice and a batch's write at a time.
    expect(await longestStall(20)).toBeLessThan(150);
    expect(await longestStall(Infinity)).toBeGreaterThan(300);
    await store.close();
  });

  it('lets a request run its stages one after another, not one stage per slice', async () => {
    const { dir, store } = await logOf(100, () => Array<string>(100).fill('Counted'));
    const db = await openSqliteReadModels(openSqlite(join(dir, 'log.db')));
    const runner = new ProjectionRunner(store, db, [busy], { businessTimeZone: 'Asia/Shanghai', clock: systemClock, sliceMs: 20 });
    await runner.rebuild(); // warm: the measured run is the second
    /** A request as the loop sees it: twenty stages of half a millisecond, each in a turn of its own (a socket read, a commit's turn). */
    const request = async () => {
      const started = performance.now();
      for (let stage = 0; stage < 20; stage++) {
        await new Promise((resolve) => setImmediate(resolve));
        const until = performance.now() + 0.5;
        while (performance.now() < until);
      }
      return performance.now() - started;
    };
    const rebuilt = runner.rebuild();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const took = await request();
    expect(await rebuilt).toBe(10_000);
    // One slice at most before the first stage, then the stages back to back (10 ms of work): a stage per 20 ms slice would take 400 ms.
    expect(took).toBeLessThan(100);
    await db.destroy();
    await store.close();
  });
});

/** Live, a write holds the process while it lasts: the runner writes once it has enough rows, whatever the batch. */
describe('the projection runner, with a bound on the rows of a write', () => {
  /** Two rows an event: its own, and one every event adds to. */
  const wide: Projection = {
    name: 'wide',
    version: 1,
    tables: [
      {
        table: { name: 'rm_wide', columns: { id: 'text', n: 'integer' }, primaryKey: ['id'], keyOf: (r) => r.id as string },
        keys: (event) => [`p${event.globalPosition}`, 'all'],
        evolve: (row, _event, key) => ({ id: key, n: ((row?.n as number) ?? 0) + 1 }),
      },
    ],
  };

  it('cuts a batch short once its rows reach the bound, reads on from there, and ends where a whole batch would', async () => {
    const { dir, store } = await logOf(50, () => ['Counted', 'Counted']);
    const db = await openSqliteReadModels(openSqlite(join(dir, 'log.db')));
    const written: number[] = [];
    const runner = new ProjectionRunner(store, db, [wide], {
      businessTimeZone: 'Asia/Shanghai',
      clock: systemClock,
      batchSize: 100,
      rowsPerWrite: 10,
      onProgress: ({ position }) => written.push(position),
    });
    expect(await runner.behind()).toBe(100);
    expect(await runner.catchUp()).toBe(100);
    // Nine events leave ten rows to write (nine of their own and the shared one): each write holds nine, the last one the rest.
    const sizes = written.map((p, i) => p - (i === 0 ? -1 : written[i - 1]));
    expect(sizes).toEqual([...Array<number>(11).fill(9), 1]);
    const rows = await untyped(db).selectFrom('rm_wide').selectAll().execute();
    expect(rows).toHaveLength(101);
    expect(rows.find((r) => r.id === 'all')).toMatchObject({ n: 100 });
    // A new runner on the same read models knows they are current once it has read their checkpoint.
    expect(await new ProjectionRunner(store, db, [wide], { businessTimeZone: 'Asia/Shanghai', clock: systemClock }).behind()).toBe(0);
    await db.destroy();
    await store.close();
  });
});

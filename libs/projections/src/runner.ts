import { businessDate } from '@loanflow/config';
import { upcast } from '@loanflow/domain';
import { Clock, EventStore, RecordedEvent } from '@loanflow/event-store';
import { Lease, ReadModelDb, sqliteHandleOf } from '@loanflow/storage';
import { FollowerFailed } from './failure';
import { checkpointName, Lookup, Projection, Row, TableSpec } from './projection';
import { untyped } from './queries';
import {
  AnyDb,
  changedColumns,
  createIndexes,
  createTable,
  deleteRows,
  deleteSql,
  dropTable,
  fromColumns,
  readTable,
  selectSql,
  statement,
  toColumns,
  upsertRows,
  updateSql,
  upsertSql,
} from './tables';

/** Another runner wrote this projection since this one last read it: reload and go on from there. */
export class CheckpointMoved extends Error {
  constructor(readonly projection: string) {
    super(`projection ${projection} was written by another runner`);
    this.name = 'CheckpointMoved';
  }
}

export interface Progress {
  /** Position of the last event processed and of the log's head when the run started. */
  position: number;
  head: number;
  events: number;
  seconds: number;
}

export interface RunnerOptions {
  /** The cooperative's time zone, in which an instant's business date is read. */
  businessTimeZone: string;
  /** When a checkpoint moved (`updated_at`): operations' time, never the read models' content. */
  clock: Clock;
  /** Events read and written per transaction. */
  batchSize?: number;
  /**
   * Rows kept in memory for the projections to read back, all tables together (default 100,000):
   * beyond it, rows not used lately are let go and read again from the database when needed, so
   * memory stays bounded whatever the size of the log (see `RowCache`).
   */
  cachedRows?: number;
  /**
   * The longest the runner applies events without letting the process do anything else, in ms
   * (default 2): catching up a million events, the same process still answers its requests.
   */
  sliceMs?: number;
  /**
   * Rows a batch may leave to write before it is cut short and written (unbounded by default).
   * The write is one synchronous transaction on SQLite, at 10 to 30 µs a row (the more with the
   * tables' indexes in place): live, a bound keeps it from holding the process for long, whatever
   * a batch of events happens to change.
   */
  rowsPerWrite?: number;
  onProgress?: (progress: Progress) => void;
  /** Held while following the log live, so a second worker stands by instead of competing. */
  lease?: Lease;
  /** Runs after each catch-up of the live loop, under the same lease: the system's reactions to events. */
  afterCatchUp?: () => Promise<unknown>;
  /** Told after each round of the live loop: the error it stopped on, or null when it caught up. */
  onOutcome?: (error: unknown) => Promise<void>;
}

/** A row the cache does not hold, on a database that can only be read asynchronously: load it, then apply the event again. */
class RowMissing {
  constructor(
    readonly spec: TableSpec,
    readonly key: string,
  ) {}
}

/** Reads one row by its key (the primary key's values joined by `|`) where the database answers at once; null when absent. */
type RowReader = (spec: TableSpec, key: string) => Row | null;

/**
 * The keys a table has been given since it was empty, as a layered Bloom filter (about 12 bits a
 * key, a new layer twice as large when one fills): a key it has not seen is surely absent from the
 * table, so a new row costs no read. A key it has seen may be absent (rarely): the database answers.
 */
export class KeyFilter {
  private readonly layers: { bits: Int32Array; mask: number; keys: number; room: number }[] = [];

  constructor(private readonly firstRoom = 1 << 16) {
    this.grow();
  }

  private grow(): void {
    const room = this.firstRoom << this.layers.length;
    // A power of two bits, at least 12 per key.
    const size = 2 ** Math.ceil(Math.log2(room * 12));
    this.layers.push({ bits: new Int32Array(size / 32), mask: size - 1, keys: 0, room });
  }

  /** Two 32-bit FNV-1a hashes of the key, with different offsets; probe i is h1 + i·h2. */
  private static hashes(key: string): [number, number] {
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ 0x5bd1e995;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    b ^= b >>> 15;
    return [a >>> 0, (b | 1) >>> 0];
  }

  add(key: string): void {
    let layer = this.layers[this.layers.length - 1];
    if (layer.keys >= layer.room) {
      this.grow();
      layer = this.layers[this.layers.length - 1];
    }
    const [h1, h2] = KeyFilter.hashes(key);
    for (let i = 0; i < 7; i++) {
      const bit = (h1 + Math.imul(i, h2)) & layer.mask;
      layer.bits[bit >>> 5] |= 1 << (bit & 31);
    }
    layer.keys++;
  }

  mayHave(key: string): boolean {
    const [h1, h2] = KeyFilter.hashes(key);
    next: for (const layer of this.layers) {
      for (let i = 0; i < 7; i++) {
        const bit = (h1 + Math.imul(i, h2)) & layer.mask;
        if ((layer.bits[bit >>> 5] & (1 << (bit & 31))) === 0) continue next;
      }
      return true;
    }
    return false;
  }
}

/**
 * One table's cached rows in two generations (rows used since the last turn, and those of the turn
 * before), and what is known of the rest: all of it (complete), or the keys it may hold (filter).
 */
interface Generations {
  young: Map<string, Row | null>;
  old: Map<string, Row | null>;
  complete: boolean;
  filter: KeyFilter | null;
}

/**
 * The rows projections read back, for every projection of a runner, bounded. Rows are kept in two
 * generations: a row used is kept in the young one; once the young rows of all tables reach half
 * the capacity (checked after each batch is written, when no row waits to be written) the old
 * generation is let go and the young one becomes old. A row let go is read again from the database
 * when asked for. `null` marks a row known to be absent. A table none of whose rows was ever let
 * go since it was emptied or read whole is complete: a key it does not hold is absent.
 */
export class RowCache {
  private readonly tables = new Map<string, Generations>();

  constructor(readonly capacity: number) {}

  private of(table: string): Generations {
    let g = this.tables.get(table);
    if (!g) this.tables.set(table, (g = { young: new Map(), old: new Map(), complete: false, filter: null }));
    return g;
  }

  get size(): number {
    let n = 0;
    for (const g of this.tables.values()) n += g.young.size + g.old.size;
    return n;
  }

  /** The row, null when known absent, undefined when unknown. */
  get(table: string, key: string): Row | null | undefined {
    const g = this.of(table);
    let row = g.young.get(key);
    if (row !== undefined) return row;
    row = g.old.get(key);
    if (row !== undefined) {
      g.young.set(key, row);
      return row;
    }
    return g.complete || (g.filter && !g.filter.mayHave(key)) ? null : undefined;
  }

  set(table: string, key: string, row: Row | null): void {
    const g = this.of(table);
    // A key is filtered once, when a row first stands under it (a row known absent is no row).
    if (row && g.filter && !(g.young.get(key) ?? g.old.get(key))) g.filter.add(key);
    g.young.set(key, row);
  }

  /** Forgets a table's rows; `complete` when it is empty (or about to be read whole): then every key given from now on is filtered. */
  reset(table: string, complete: boolean): void {
    this.tables.set(table, { young: new Map(), old: new Map(), complete, filter: complete ? new KeyFilter() : null });
  }

  /** Lets the old generation go when the young one is full: call only when no row is waiting to be written. */
  trim(): void {
    let young = 0;
    for (const g of this.tables.values()) young += g.young.size;
    if (young <= this.capacity / 2) return;
    for (const g of this.tables.values()) {
      if (g.old.size > 0) g.complete = false;
      g.old = g.young;
      g.young = new Map();
    }
  }
}

/** The values of a table's primary key from a row key (`|`-joined: ids never hold `|`). */
function primaryKeyOf(spec: TableSpec, key: string): unknown[] {
  const parts = spec.primaryKey.length === 1 ? [key] : key.split('|');
  if (parts.length !== spec.primaryKey.length) throw new Error(`${spec.name}: key ${key} does not name its primary key`);
  return spec.primaryKey.map((column, i) =>
    spec.columns[column] === 'text' || spec.columns[column] === 'json' ? parts[i] : Number(parts[i]),
  );
}

/** A turn of the event loop this short found nothing to do but the runner's own continuation. */
const IDLE_TURN_MS = 0.2;

/** One projection: its rows as the batch changed them (through the shared cache), and what the batch changed. */
class Tracked {
  checkpoint = -1;
  /** Position of the last event applied in memory, ahead of `checkpoint` until the batch is written. */
  applied = -1;
  /** Tables whose rows the projection reads back, by name. */
  readonly kept = new Map<string, TableSpec>();
  /**
   * What the batch changed, per table and key: for a kept table the row as it was before the batch
   * (the new one is in the cache); for an append-only table the row written.
   */
  readonly changed = new Map<string, Map<string, Row | null>>();
  readonly lookup: Lookup;
  /** What the event being applied changed in kept tables, to be undone when it must wait for a row. */
  private undo: { table: string; key: string; row: Row | null; recorded: boolean }[] = [];

  constructor(
    readonly projection: Projection,
    timeZone: string,
    private readonly cache: RowCache,
    private readonly read: RowReader | null,
  ) {
    for (const { table } of projection.tables) if (!table.appendOnly) this.kept.set(table.name, table);
    this.lookup = {
      get: <R extends Row>(table: string, key: string) => {
        const spec = this.kept.get(table);
        if (!spec) throw new Error(`projection ${projection.name} keeps no table ${table} in memory`);
        return this.row(spec, key) as R | null;
      },
      businessDate: (instant) => businessDate(new Date(instant), timeZone),
    };
  }

  get specs(): TableSpec[] {
    return this.projection.tables.map((t) => t.table);
  }

  /** The row as it stands after every event applied; read from the database when the cache lets it go. */
  row(spec: TableSpec, key: string): Row | null {
    const cached = this.cache.get(spec.name, key);
    if (cached !== undefined) return cached;
    if (!this.read) throw new RowMissing(spec, key);
    const row = this.read(spec, key);
    this.cache.set(spec.name, key, row);
    return row;
  }

  /** Applies the event; a RowMissing leaves nothing of it applied. */
  apply(event: RecordedEvent): void {
    if (event.globalPosition <= this.applied) return;
    this.undo.length = 0;
    try {
      this.evolve(event);
    } catch (error) {
      if (error instanceof RowMissing) {
        for (let i = this.undo.length - 1; i >= 0; i--) {
          const { table, key, row, recorded } = this.undo[i];
          this.cache.set(table, key, row);
          if (recorded) this.changed.get(table)!.delete(key);
        }
        throw error;
      }
      throw FollowerFailed.of(this.projection.name, event, error);
    }
    this.applied = event.globalPosition;
  }

  private evolve(event: RecordedEvent): void {
    for (const { table, keys, evolve } of this.projection.tables) {
      const touched = keys(event, this.lookup);
      if (touched.length === 0) continue;
      const kept = !table.appendOnly;
      let changes = this.changed.get(table.name);
      if (!changes) this.changed.set(table.name, (changes = new Map()));
      for (const key of touched) {
        const before = kept ? this.row(table, key) : null;
        const after = evolve(before, event, key, this.lookup);
        if (after === before) continue;
        if (kept) {
          const recorded = !changes.has(key);
          if (recorded) changes.set(key, before);
          if (!this.read) this.undo.push({ table: table.name, key, row: before, recorded });
          this.cache.set(table.name, key, after);
        } else changes.set(key, after);
      }
    }
  }
}

/**
 * Feeds projections from the global log. Each batch is read once for all of them and written
 * in one transaction together with their checkpoints, so rows and checkpoint never disagree
 * (effectively once). A checkpoint is advanced only from the value this runner last read: a
 * second runner (a rebuild from the CLI, a second worker) is detected, never double-applied.
 * Rows a projection reads back are cached by the runner, bounded; see `RowCache` and `TableSpec.appendOnly`.
 */
export class ProjectionRunner {
  private readonly tracked: Tracked[];
  private readonly cache: RowCache;
  /** The read-model database, untyped: projection tables are named at run time. */
  private readonly rm: AnyDb;
  private readonly batchSize: number;
  private readonly sliceMs: number;
  private readonly rowsPerWrite: number;
  private loaded = false;
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  lastError: string | null = null;
  /** The projection whose rows the current write is storing: the one a refused write is blamed on. */
  private writing: string | null = null;
  /** Projections being rebuilt: their secondary indexes wait until the rows are in. */
  private readonly rebuilding = new Set<Tracked>();

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadModelDb,
    projections: readonly Projection[],
    private readonly options: RunnerOptions,
  ) {
    this.cache = new RowCache(options.cachedRows ?? 100_000);
    const sqlite = sqliteHandleOf(db);
    // SQLite answers at once; elsewhere a missing row is loaded between events (see `RowMissing`).
    const read: RowReader | null = sqlite
      ? (spec, key) => {
          const stored = statement(sqlite, selectSql(spec)).get(primaryKeyOf(spec, key)) as Row | undefined;
          return stored ? fromColumns(spec, stored) : null;
        }
      : null;
    this.tracked = projections.map((p) => new Tracked(p, options.businessTimeZone, this.cache, read));
    this.rm = untyped(db);
    this.batchSize = options.batchSize ?? 2_000;
    this.sliceMs = options.sliceMs ?? 2;
    this.rowsPerWrite = options.rowsPerWrite ?? Infinity;
  }

  get projections(): Projection[] {
    return this.tracked.map((t) => t.projection);
  }

  /** The lowest checkpoint: every projection has written every event up to it. */
  get position(): number {
    return Math.min(...this.tracked.map((t) => t.checkpoint));
  }

  checkpoints(): Record<string, number> {
    return Object.fromEntries(this.tracked.map((t) => [t.projection.name, t.checkpoint]));
  }

  /** Creates missing tables and indexes, touching no row: a process that only queries can answer before any runner ran. */
  async ensureTables(): Promise<void> {
    for (const t of this.tracked)
      for (const spec of t.specs) {
        await createTable(this.rm, spec);
        await createIndexes(this.rm, spec);
      }
  }

  /** One at a time: catch-ups asked for by queries, the live loop and rebuilds never interleave. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Creates what is missing; a projection without a checkpoint (new, or a new version) starts from empty tables. */
  private async load(): Promise<void> {
    const db = this.rm;
    for (const t of this.tracked) {
      if ((await this.storedCheckpoint(t)) === null) await this.resetTables(t);
      if (!this.rebuilding.has(t)) for (const spec of t.specs) await createIndexes(db, spec);
      await this.reload(t);
    }
    this.loaded = true;
  }

  private async storedCheckpoint(t: Tracked): Promise<number | null> {
    const row = await this.rm
      .selectFrom('checkpoints')
      .select('position')
      .where('name', '=', checkpointName(t.projection))
      .executeTakeFirst();
    return row ? Number(row.position) : null;
  }

  private async resetTables(t: Tracked): Promise<void> {
    await this.rm.transaction().execute(async (trx) => {
      for (const spec of t.specs) {
        await dropTable(trx, spec);
        await createTable(trx, spec);
      }
      await trx.deleteFrom('checkpoints').where('name', 'like', `projection:${t.projection.name}:%`).execute();
    });
  }

  /** Takes the stored truth again: the checkpoint, and each kept table read whole when it fits a share of the cache. */
  private async reload(t: Tracked): Promise<void> {
    t.checkpoint = t.applied = (await this.storedCheckpoint(t)) ?? -1;
    t.changed.clear();
    const share = Math.floor(this.cache.capacity / 4);
    for (const spec of t.kept.values()) {
      const rows = await readTable(this.rm, spec, share + 1);
      this.cache.reset(spec.name, rows.length <= share);
      if (rows.length <= share) for (const r of rows) this.cache.set(spec.name, spec.keyOf(r), r);
    }
    this.cache.trim();
  }

  /**
   * Reads, applies and writes one batch; the number of events written (0 at the head; fewer than
   * read when the rows to write reached `rowsPerWrite`). An event a projection
   * cannot apply or store stops it there: it throws FollowerFailed naming the projection and the
   * event (a batch whose write fails is retried one event at a time to find which).
   */
  private async step(batchSize = this.batchSize): Promise<number> {
    if (!this.loaded) await this.load();
    const from = this.position + 1;
    const events = await this.store.readAll(from, batchSize);
    if (events.length === 0) return 0;
    let applied = 0;
    try {
      let slice = performance.now();
      while (applied < events.length) {
        // Time to let the process answer: what is applied waits in memory, the write comes at the batch's end.
        if (performance.now() - slice > this.sliceMs) {
          await this.giveWay();
          slice = performance.now();
        }
        const event = upcast(events[applied]);
        for (const t of this.tracked)
          for (;;)
            try {
              t.apply(event);
              break;
            } catch (error) {
              if (!(error instanceof RowMissing)) throw error;
              const [row] = await readTable(this.rm, error.spec, 1, primaryKeyOf(error.spec, error.key));
              this.cache.set(error.spec.name, error.key, row ?? null);
            }
        applied += 1;
        // Enough to write: the events after it are read again by the next step.
        if (this.rowsToWrite() >= this.rowsPerWrite) break;
      }
      await this.write();
      this.cache.trim();
    } catch (error) {
      // The rows in memory ran ahead of what is stored: take the stored truth again.
      for (const t of this.tracked) await this.reload(t);
      if (error instanceof CheckpointMoved) return events.length;
      // One event at a time, the events before the one at fault are stored, and it is named.
      if (events.length > 1) {
        for (let i = 0; i < events.length && (await this.step(1)) > 0; i++);
        return events.length;
      }
      if (error instanceof FollowerFailed) throw error;
      throw FollowerFailed.of(this.writing ?? 'projections', events[0], error);
    }
    return applied;
  }

  /**
   * Lets the process answer first: turns of the event loop go by until one finds nothing else to do
   * (a request's stages run one after another meanwhile), or for five slices at most, so that under
   * a steady load the runner still gets one slice in six.
   */
  private async giveWay(): Promise<void> {
    const started = performance.now();
    for (;;) {
      const turn = performance.now();
      await new Promise((resolve) => setImmediate(resolve));
      const now = performance.now();
      if (now - turn < IDLE_TURN_MS || now - started > this.sliceMs * 5) return;
    }
  }

  /** Rows the events applied since the last write have changed, in every projection. */
  private rowsToWrite(): number {
    if (this.rowsPerWrite === Infinity) return 0;
    let rows = 0;
    for (const t of this.tracked) for (const changes of t.changed.values()) rows += changes.size;
    return rows;
  }

  private async write(): Promise<void> {
    const dirty = this.tracked.filter((t) => t.applied > t.checkpoint);
    this.writing = null;
    if (dirty.length === 0) return;
    const writes = dirty.map((t) => ({
      t,
      name: checkpointName(t.projection),
      tables: t.specs.flatMap((spec) => {
        const changes = t.changed.get(spec.name);
        if (!changes || changes.size === 0) return [];
        const upserts: Row[] = [];
        /** Kept rows that were stored before the batch and still are: [as stored, as now]. */
        const updates: [Row, Row][] = [];
        const deletes: Row[] = [];
        const kept = t.kept.has(spec.name);
        for (const [key, change] of changes) {
          const after = kept ? t.row(spec, key) : change;
          if (after && kept && change) updates.push([change, after]);
          else if (after) upserts.push(after);
          else if (change) deletes.push(change);
        }
        return [{ spec, upserts, updates, deletes }];
      }),
    }));
    const now = this.options.clock().toISOString();
    const sqlite = sqliteHandleOf(this.db);
    if (sqlite) {
      const write = sqlite.transaction(() => {
        for (const { t, name, tables } of writes) {
          this.writing = t.projection.name;
          const moved =
            t.checkpoint < 0
              ? statement(
                  sqlite,
                  'insert into checkpoints (name, position, updated_at) values (?, ?, ?) on conflict (name) do nothing',
                ).run(name, t.applied, now)
              : statement(sqlite, 'update checkpoints set position = ?, updated_at = ? where name = ? and position = ?').run(
                  t.applied,
                  now,
                  name,
                  t.checkpoint,
                );
          if (moved.changes !== 1) throw new CheckpointMoved(t.projection.name);
          for (const { spec, upserts, updates, deletes } of tables) {
            const remove = statement(sqlite, deleteSql(spec));
            for (const row of deletes) remove.run(spec.primaryKey.map((c) => row[c]));
            const upsert = statement(sqlite, upsertSql(spec));
            for (const row of upserts) upsert.run(toColumns(spec, row));
            // A stored row: only the columns that changed, so the indexes on the others are left alone.
            for (const [before, after] of updates) {
              const columns = changedColumns(spec, before, after);
              if (columns.length === 0) continue;
              const values = toColumns(spec, after);
              // Not where the batch found it: the whole row, as any other.
              if (statement(sqlite, updateSql(spec, columns)).run(values).changes !== 1) upsert.run(values);
            }
          }
        }
      });
      // One synchronous transaction of prepared statements: nothing else in this process runs meanwhile.
      // It commits without waiting for the disk (synchronous=NORMAL, for this transaction only): read
      // models are derived, their rows and checkpoint commit together, and the WAL is one file in
      // order, so the log's next commit (synchronous=FULL) makes this one durable too. A power cut
      // before that leaves the read models at an earlier checkpoint, from which they follow the log again.
      const synchronous = sqlite.pragma('synchronous', { simple: true }) as number;
      sqlite.pragma('synchronous = NORMAL');
      try {
        write.immediate();
      } finally {
        sqlite.pragma(`synchronous = ${synchronous}`);
      }
    } else {
      await this.rm.transaction().execute(async (trx) => {
        for (const { t, name, tables } of writes) {
          this.writing = t.projection.name;
          const moved =
            t.checkpoint < 0
              ? await trx
                  .insertInto('checkpoints')
                  .values({ name, position: t.applied, updated_at: now })
                  .onConflict((c) => c.column('name').doNothing())
                  .executeTakeFirst()
              : await trx
                  .updateTable('checkpoints')
                  .set({ position: t.applied, updated_at: now })
                  .where('name', '=', name)
                  .where('position', '=', t.checkpoint)
                  .executeTakeFirst();
          if (Number('numUpdatedRows' in moved ? moved.numUpdatedRows : (moved.numInsertedOrUpdatedRows ?? 0)) !== 1)
            throw new CheckpointMoved(t.projection.name);
          for (const { spec, upserts, updates, deletes } of tables) {
            await deleteRows(trx, spec, deletes);
            await upsertRows(trx, spec, [...upserts, ...updates.map(([, after]) => after)]);
          }
        }
      });
    }
    for (const t of dirty) {
      t.checkpoint = t.applied;
      t.changed.clear();
    }
  }

  /** How many events the stored read models lack to reach the log's head (their checkpoints are read first). */
  async behind(): Promise<number> {
    await this.serial(async () => {
      if (!this.loaded) await this.load();
    });
    return (await this.store.headPosition()) - this.position;
  }

  /** Processes everything up to the log's head as it is now; resolves with the events processed. */
  catchUp(): Promise<number> {
    return this.serial(async () => {
      const head = await this.store.headPosition();
      const started = Date.now();
      let events = 0;
      if (!this.loaded) await this.load();
      while (this.position < head) {
        const n = await this.step();
        if (n === 0) break;
        events += n;
        this.options.onProgress?.({ position: this.position, head, events, seconds: (Date.now() - started) / 1000 });
      }
      return events;
    });
  }

  /** Drops the named projections' tables and checkpoints and replays them from position 0. */
  async rebuild(names?: readonly string[]): Promise<number> {
    const rebuilt = this.tracked.filter((t) => !names || names.includes(t.projection.name));
    await this.serial(async () => {
      // Reset before loading: reading back rows about to be dropped would be wasted.
      for (const t of rebuilt) this.rebuilding.add(t);
      for (const t of rebuilt) await this.resetTables(t);
      if (!this.loaded) await this.load();
      else for (const t of rebuilt) await this.reload(t);
    });
    try {
      return await this.catchUp();
    } finally {
      await this.serial(async () => {
        for (const t of rebuilt) for (const spec of t.specs) await createIndexes(this.rm, spec);
        for (const t of rebuilt) this.rebuilding.delete(t);
      });
    }
  }

  /** Follows the log until `stop`. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = (async () => {
      let backoff = 100;
      while (!this.stopping) {
        try {
          const lease = this.options.lease;
          if (lease && !lease.held && !(await lease.acquire())) {
            await this.pause(2_000);
            continue;
          }
          await this.catchUp();
          await this.options.afterCatchUp?.();
          this.lastError = null;
          await this.options.onOutcome?.(null);
          backoff = 100;
          if (this.stopping) break;
          await Promise.race([this.store.waitForEvents(this.position, 1_000), new Promise<void>((r) => (this.wake = r))]);
        } catch (error) {
          this.lastError = (error as Error).message;
          await this.options.onOutcome?.(error).catch(() => undefined);
          await this.pause(backoff);
          backoff = Math.min(backoff * 2, 30_000);
        }
      }
    })();
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = null;
    await this.queue;
    await this.options.lease?.release();
  }
}

import { businessDate } from '@loanflow/config';
import { upcast } from '@loanflow/domain';
import { Clock, EventStore, RecordedEvent } from '@loanflow/event-store';
import { Lease, ReadModelDb, sqliteHandleOf } from '@loanflow/storage';
import { FollowerFailed } from './failure';
import { checkpointName, Lookup, Projection, Row, TableSpec } from './projection';
import { untyped } from './queries';
import {
  AnyDb,
  createIndexes,
  createTable,
  deleteRows,
  deleteSql,
  dropTable,
  readTable,
  statement,
  toColumns,
  upsertRows,
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
  onProgress?: (progress: Progress) => void;
  /** Held while following the log live, so a second worker stands by instead of competing. */
  lease?: Lease;
  /** Runs after each catch-up of the live loop, under the same lease: the system's reactions to events. */
  afterCatchUp?: () => Promise<unknown>;
  /** Told after each round of the live loop: the error it stopped on, or null when it caught up. */
  onOutcome?: (error: unknown) => Promise<void>;
}

/** One projection's rows in memory, and what the current batch changed. */
class Tracked {
  checkpoint = -1;
  /** Position of the last event applied in memory, ahead of `checkpoint` until the batch is written. */
  applied = -1;
  readonly rows = new Map<string, Map<string, Row>>();
  /**
   * What the batch changed, per table and key: for a table kept in memory the row as it was before
   * the batch (the new one is in `rows`); for an append-only table the row written.
   */
  readonly changed = new Map<string, Map<string, Row | null>>();
  readonly lookup: Lookup;

  constructor(
    readonly projection: Projection,
    timeZone: string,
  ) {
    this.lookup = {
      get: <R extends Row>(table: string, key: string) => {
        const rows = this.rows.get(table);
        if (!rows) throw new Error(`projection ${projection.name} keeps no table ${table} in memory`);
        return (rows.get(key) as R | undefined) ?? null;
      },
      businessDate: (instant) => businessDate(new Date(instant), timeZone),
    };
  }

  get specs(): TableSpec[] {
    return this.projection.tables.map((t) => t.table);
  }

  apply(event: RecordedEvent): void {
    if (event.globalPosition <= this.applied) return;
    try {
      this.evolve(event);
    } catch (error) {
      throw FollowerFailed.of(this.projection.name, event, error);
    }
    this.applied = event.globalPosition;
  }

  private evolve(event: RecordedEvent): void {
    for (const { table, keys, evolve } of this.projection.tables) {
      const touched = keys(event, this.lookup);
      if (touched.length === 0) continue;
      const rows = this.rows.get(table.name);
      let changes = this.changed.get(table.name);
      if (!changes) this.changed.set(table.name, (changes = new Map()));
      for (const key of touched) {
        const before = rows?.get(key) ?? null;
        const after = evolve(before, event, key, this.lookup);
        if (after === before) continue;
        if (rows) {
          if (!changes.has(key)) changes.set(key, before);
          if (after) rows.set(key, after);
          else rows.delete(key);
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
 * Rows a projection reads back are kept in memory by the runner; see `TableSpec.appendOnly`.
 */
export class ProjectionRunner {
  private readonly tracked: Tracked[];
  /** The read-model database, untyped: projection tables are named at run time. */
  private readonly rm: AnyDb;
  private readonly batchSize: number;
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
    this.tracked = projections.map((p) => new Tracked(p, options.businessTimeZone));
    this.rm = untyped(db);
    this.batchSize = options.batchSize ?? 2_000;
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

  private async reload(t: Tracked): Promise<void> {
    const db = this.rm;
    t.checkpoint = t.applied = (await this.storedCheckpoint(t)) ?? -1;
    t.rows.clear();
    t.changed.clear();
    for (const spec of t.specs) {
      if (spec.appendOnly) continue;
      const rows = new Map<string, Row>();
      for (const r of await readTable(db, spec)) rows.set(spec.keyOf(r), r);
      t.rows.set(spec.name, rows);
    }
  }

  /**
   * Reads and applies one batch; the number of events read (0 at the head). An event a projection
   * cannot apply or store stops it there: it throws FollowerFailed naming the projection and the
   * event (a batch whose write fails is retried one event at a time to find which).
   */
  private async step(batchSize = this.batchSize): Promise<number> {
    if (!this.loaded) await this.load();
    const from = this.position + 1;
    const events = await this.store.readAll(from, batchSize);
    if (events.length === 0) return 0;
    try {
      for (const recorded of events) {
        const event = upcast(recorded);
        for (const t of this.tracked) t.apply(event);
      }
      await this.write();
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
    return events.length;
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
        const deletes: Row[] = [];
        const rows = t.rows.get(spec.name);
        for (const [key, change] of changes) {
          const after = rows ? (rows.get(key) ?? null) : change;
          if (after) upserts.push(after);
          else if (change) deletes.push(change);
        }
        return [{ spec, upserts, deletes }];
      }),
    }));
    const now = this.options.clock().toISOString();
    const sqlite = sqliteHandleOf(this.db);
    if (sqlite) {
      // One synchronous transaction of prepared statements: nothing else in this process runs meanwhile.
      sqlite
        .transaction(() => {
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
            for (const { spec, upserts, deletes } of tables) {
              const remove = statement(sqlite, deleteSql(spec));
              for (const row of deletes) remove.run(spec.primaryKey.map((c) => row[c]));
              const upsert = statement(sqlite, upsertSql(spec));
              for (const row of upserts) upsert.run(toColumns(spec, row));
            }
          }
        })
        .immediate();
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
          for (const { spec, upserts, deletes } of tables) {
            await deleteRows(trx, spec, deletes);
            await upsertRows(trx, spec, upserts);
          }
        }
      });
    }
    for (const t of dirty) {
      t.checkpoint = t.applied;
      t.changed.clear();
    }
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

import { EventStore, RecordedEvent } from '@loanflow/event-store';
import { Lease, ReadModelDb } from '@loanflow/storage';
import { sql } from 'kysely';
import { checkpointName, Lookup, Projection, Row, TableSpec } from './projection';
import { AnyDb, createTable, deleteRows, dropTable, isSqlite, readTable, upsertRows } from './tables';

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
  /** Events read and written per transaction. */
  batchSize?: number;
  onProgress?: (progress: Progress) => void;
  /** Held while following the log live, so a second worker stands by instead of competing. */
  lease?: Lease;
}

/** One projection's rows in memory, and what the current batch changed. */
class Tracked {
  checkpoint = -1;
  /** Position of the last event applied in memory, ahead of `checkpoint` until the batch is written. */
  applied = -1;
  readonly rows = new Map<string, Map<string, Row>>();
  readonly changed = new Map<string, Map<string, { before: Row | null; after: Row | null }>>();
  readonly lookup: Lookup;

  constructor(readonly projection: Projection) {
    this.lookup = {
      get: <R extends Row>(table: string, key: string) => {
        const rows = this.rows.get(table);
        if (!rows) throw new Error(`projection ${projection.name} keeps no table ${table} in memory`);
        return (rows.get(key) as R | undefined) ?? null;
      },
    };
  }

  get specs(): TableSpec[] {
    return this.projection.tables.map((t) => t.table);
  }

  apply(event: RecordedEvent): void {
    if (event.globalPosition <= this.applied) return;
    for (const { table, keys, evolve } of this.projection.tables) {
      const touched = keys(event);
      if (touched.length === 0) continue;
      const rows = this.rows.get(table.name);
      let changes = this.changed.get(table.name);
      if (!changes) this.changed.set(table.name, (changes = new Map()));
      for (const key of touched) {
        const before = rows?.get(key) ?? null;
        const after = evolve(before, event, key, this.lookup);
        if (after === before) continue;
        if (rows) {
          if (after) rows.set(key, after);
          else rows.delete(key);
        }
        const earlier = changes.get(key);
        changes.set(key, { before: earlier ? earlier.before : before, after });
      }
    }
    this.applied = event.globalPosition;
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
  private readonly batchSize: number;
  private loaded = false;
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  lastError: string | null = null;
  /** True while another process holds the lease and this runner waits. */
  standby = false;

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadModelDb,
    projections: readonly Projection[],
    private readonly options: RunnerOptions = {},
  ) {
    this.tracked = projections.map((p) => new Tracked(p));
    this.batchSize = options.batchSize ?? 2_000;
  }

  private get anyDb(): AnyDb {
    return this.db as unknown as AnyDb;
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

  /** One at a time: catch-ups asked for by queries, the live loop and rebuilds never interleave. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Creates what is missing; a projection without a checkpoint (new, or a new version) starts from empty tables. */
  private async load(): Promise<void> {
    const db = this.anyDb;
    for (const t of this.tracked) {
      const row = await db.selectFrom('checkpoints').select('position').where('name', '=', checkpointName(t.projection)).executeTakeFirst();
      if (!row) await this.resetTables(t);
      await this.reload(t);
    }
    this.loaded = true;
  }

  private async resetTables(t: Tracked): Promise<void> {
    await this.anyDb.transaction().execute(async (trx) => {
      for (const spec of t.specs) {
        await dropTable(trx, spec);
        await createTable(trx, spec);
      }
      await trx.deleteFrom('checkpoints').where('name', 'like', `projection:${t.projection.name}:%`).execute();
    });
  }

  private async reload(t: Tracked): Promise<void> {
    const db = this.anyDb;
    const row = await db.selectFrom('checkpoints').select('position').where('name', '=', checkpointName(t.projection)).executeTakeFirst();
    t.checkpoint = t.applied = row ? Number(row.position) : -1;
    t.rows.clear();
    t.changed.clear();
    for (const spec of t.specs) {
      if (spec.appendOnly) continue;
      const rows = new Map<string, Row>();
      for (const r of await readTable(db, spec)) rows.set(spec.keyOf(r), r);
      t.rows.set(spec.name, rows);
    }
  }

  /** Reads and applies one batch; the number of events read (0 at the head). */
  private async step(batchSize = this.batchSize): Promise<number> {
    if (!this.loaded) await this.load();
    const from = this.position + 1;
    const events = await this.store.readAll(from, batchSize);
    if (events.length === 0) return 0;
    for (const event of events) for (const t of this.tracked) t.apply(event);
    try {
      await this.write();
    } catch (error) {
      // The rows in memory ran ahead of what is stored: take the stored truth again.
      for (const t of this.tracked) await this.reload(t);
      if (!(error instanceof CheckpointMoved)) throw error;
    }
    return events.length;
  }

  private async write(): Promise<void> {
    const dirty = this.tracked.filter((t) => t.applied > t.checkpoint);
    if (dirty.length === 0) return;
    const run = async (trx: AnyDb) => {
      for (const t of dirty) {
        const name = checkpointName(t.projection);
        // First statement is a write: on SQLite the transaction takes the write lock at once.
        const moved =
          t.checkpoint < 0
            ? await trx
                .insertInto('checkpoints')
                .values({ name, position: t.applied, updated_at: new Date().toISOString() })
                .onConflict((c) => c.column('name').doNothing())
                .executeTakeFirst()
            : await trx
                .updateTable('checkpoints')
                .set({ position: t.applied, updated_at: new Date().toISOString() })
                .where('name', '=', name)
                .where('position', '=', t.checkpoint)
                .executeTakeFirst();
        if (Number('numUpdatedRows' in moved ? moved.numUpdatedRows : (moved.numInsertedOrUpdatedRows ?? 0)) !== 1)
          throw new CheckpointMoved(t.projection.name);
        for (const spec of t.specs) {
          const changes = t.changed.get(spec.name);
          if (!changes || changes.size === 0) continue;
          const upserts: Row[] = [];
          const deletes: Row[] = [];
          for (const { before, after } of changes.values()) {
            if (after) upserts.push(after);
            else if (before) deletes.push(before);
          }
          await deleteRows(trx, spec, deletes);
          await upsertRows(trx, spec, upserts);
        }
      }
    };
    await this.transaction(run);
    for (const t of dirty) {
      t.checkpoint = t.applied;
      t.changed.clear();
    }
  }

  private async transaction(work: (trx: AnyDb) => Promise<void>): Promise<void> {
    const db = this.anyDb;
    if (!isSqlite(db)) return db.transaction().execute(work);
    // Kysely begins SQLite transactions deferred; IMMEDIATE takes the write lock up front, so the
    // event store's writer (another connection) is waited for instead of failing the upgrade.
    await db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        await work(conn);
        await sql`commit`.execute(conn);
      } catch (error) {
        await sql`rollback`.execute(conn);
        throw error;
      }
    });
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
  rebuild(names?: readonly string[]): Promise<number> {
    return this.serial(async () => {
      if (!this.loaded) await this.load();
      for (const t of this.tracked) {
        if (names && !names.includes(t.projection.name)) continue;
        await this.resetTables(t);
        await this.reload(t);
      }
      return 0;
    }).then(() => this.catchUp());
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
            this.standby = true;
            await this.pause(2_000);
            continue;
          }
          this.standby = false;
          await this.catchUp();
          this.lastError = null;
          backoff = 100;
          if (this.stopping) break;
          await Promise.race([this.store.waitForEvents(this.position, 1_000), new Promise<void>((r) => (this.wake = r))]);
        } catch (error) {
          this.lastError = (error as Error).message;
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

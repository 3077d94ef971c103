import type Database from 'better-sqlite3';
import { AppendWaiters } from '../append-waiters';
import { AppendRequest, continuedHeads, GroupCommitter, keysOf, planBatch, replayResult, StoreOptions } from '../append-batch';
import {
  AppendOptions,
  AppendResult,
  CommandRecord,
  EventStore,
  EventToAppend,
  LogCopy,
  RecordedEvent,
  StreamHead,
} from '../event-store.port';
import { DEFAULT_GROUP_COMMIT_MAX_BATCH } from '@loanflow/config';
import { CommandRow, toCommand } from '../rows';

/**
 * The events table's columns under the names a recorded event has, so a read builds one object
 * per event and only parses its two JSON columns in place.
 */
const RECORDED = `event_id AS eventId, stream_id AS streamId, stream_version AS streamVersion, global_position AS globalPosition,
  type, schema_version AS schemaVersion, data, metadata, prev_hash AS prevHash, hash`;

interface StoredEvent extends Omit<RecordedEvent, 'data' | 'metadata'> {
  data: string | RecordedEvent['data'];
  metadata: string | RecordedEvent['metadata'];
}

function recorded(rows: StoredEvent[]): RecordedEvent[] {
  for (const r of rows) {
    r.data = JSON.parse(r.data as string);
    r.metadata = JSON.parse(r.metadata as string);
  }
  return rows as RecordedEvent[];
}

/** How often a waiting reader looks for commits made by another process on the same file. */
const POLL_MS = 200;

/**
 * The embedded event store on one SQLite file. Each batch of appends runs in one IMMEDIATE
 * transaction, so the next global position is taken under the write lock and positions stay
 * gapless in commit order; group commit pays one fsync for every append waiting in the batch.
 */
export class SqliteEventStore implements EventStore, LogCopy {
  private readonly waiters: AppendWaiters;
  private readonly sql;
  private readonly commitBatch;
  private readonly importBatch;
  private readonly committer: GroupCommitter<AppendRequest, AppendResult>;
  private readonly clock: () => Date;

  constructor(
    private readonly db: Database.Database,
    options: StoreOptions,
  ) {
    this.clock = options.clock;
    this.waiters = new AppendWaiters(() => this.headPosition(), POLL_MS);
    this.sql = {
      stream: db.prepare<[string, number]>(
        `SELECT ${RECORDED} FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version`,
      ),
      streamRange: db.prepare<[string, number, number]>(
        `SELECT ${RECORDED} FROM events WHERE stream_id = ? AND stream_version BETWEEN ? AND ? ORDER BY stream_version`,
      ),
      all: db.prepare<[number, number]>(`SELECT ${RECORDED} FROM events WHERE global_position >= ? ORDER BY global_position LIMIT ?`),
      head: db.prepare('SELECT COALESCE(MAX(global_position), -1) AS head FROM events').pluck(),
      streamHead: db.prepare<[string]>('SELECT stream_id AS streamId, version, hash FROM streams WHERE stream_id = ?'),
      streamHeads: db.prepare('SELECT stream_id AS streamId, version, hash FROM streams ORDER BY stream_id'),
      command: db.prepare<[string]>('SELECT * FROM commands WHERE command_id = ?'),
      commandsOf: db.prepare<[string]>('SELECT * FROM commands WHERE command_id IN (SELECT value FROM json_each(?))'),
      headsOf: db.prepare<[string]>(
        'SELECT stream_id AS streamId, version, hash FROM streams WHERE stream_id IN (SELECT value FROM json_each(?))',
      ),
      commandsIn: db.prepare<[number, number]>(
        'SELECT * FROM commands WHERE last_position BETWEEN ? AND ? ORDER BY last_position, command_id',
      ),
      insertEvent: db.prepare(
        `INSERT INTO events (global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      upsertStream: db.prepare(
        `INSERT INTO streams (stream_id, version, hash) VALUES (?, ?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, hash = excluded.hash`,
      ),
      insertCommand: db.prepare(
        `INSERT INTO commands (command_id, stream_id, fingerprint, first_version, last_version, last_position) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
    };
    this.commitBatch = db.transaction(this.commitTx);
    this.importBatch = db.transaction(this.importTx);
    this.committer = new GroupCommitter(
      async (batch) => this.commitBatch.immediate(batch),
      options.maxBatch ?? DEFAULT_GROUP_COMMIT_MAX_BATCH,
    );
  }

  private readonly commitTx = (requests: AppendRequest[]): (AppendResult | Error)[] => {
    const { commandIds, streamIds } = keysOf(requests);
    // One lookup per table for the whole batch: statements, not fsyncs, are what a grouped commit spends its time on.
    const commands = this.sql.commandsOf.all(JSON.stringify(commandIds)) as CommandRow[];
    const heads = this.sql.headsOf.all(JSON.stringify(streamIds)) as StreamHead[];
    const plan = planBatch(requests, {
      commands: new Map(commands.map((r) => [r.command_id, toCommand(r)])),
      heads: new Map(heads.map((h) => [h.streamId, h])),
      nextPosition: (this.sql.head.get() as number) + 1,
      recordedAt: this.clock().toISOString(),
    });
    this.write(plan.events, plan.heads, plan.commands);
    return plan.outcomes.map((o) => {
      if ('refused' in o) return o.refused;
      if ('result' in o) return o.result;
      const { streamId, firstVersion, lastVersion } = o.replay;
      return replayResult(o.replay, recorded(this.sql.streamRange.all(streamId, firstVersion, lastVersion) as StoredEvent[]));
    });
  };

  async append(streamId: string, events: EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    const result = await this.committer.submit({ streamId, events, options });
    if (!result.duplicate) this.waiters.notify(result.lastPosition);
    return result;
  }

  async readStream(streamId: string, fromVersion = 0): Promise<RecordedEvent[]> {
    return recorded(this.sql.stream.all(streamId, fromVersion) as StoredEvent[]);
  }

  async readAll(fromPosition: number, limit: number): Promise<RecordedEvent[]> {
    return recorded(this.sql.all.all(fromPosition, limit) as StoredEvent[]);
  }

  async headPosition(): Promise<number> {
    return this.sql.head.get() as number;
  }

  waitForEvents(afterPosition: number, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(afterPosition, timeoutMs);
  }

  async findCommand(commandId: string): Promise<CommandRecord | null> {
    const row = this.sql.command.get(commandId) as CommandRow | undefined;
    return row ? toCommand(row) : null;
  }

  async streamHeads(): Promise<StreamHead[]> {
    return this.sql.streamHeads.all() as StreamHead[];
  }

  async streamHead(streamId: string): Promise<StreamHead | null> {
    return (this.sql.streamHead.get(streamId) as StreamHead | undefined) ?? null;
  }

  /**
   * Each row by its own prepared statement: in process there is no round trip to save, and a row
   * bound directly costs less than one JSON text of the batch that SQLite would parse again.
   */
  private write(events: RecordedEvent[], heads: StreamHead[], commands: CommandRecord[]): void {
    const { insertEvent, upsertStream, insertCommand } = this.sql;
    for (const e of events)
      insertEvent.run(
        e.globalPosition,
        e.eventId,
        e.streamId,
        e.streamVersion,
        e.type,
        e.schemaVersion,
        JSON.stringify(e.data),
        JSON.stringify(e.metadata),
        e.prevHash,
        e.hash,
      );
    for (const h of heads) upsertStream.run(h.streamId, h.version, h.hash);
    for (const c of commands) insertCommand.run(c.commandId, c.streamId, c.fingerprint, c.firstVersion, c.lastVersion, c.lastPosition);
  }

  private readonly importTx = (events: RecordedEvent[], commands: CommandRecord[]): void => {
    const known = new Map<string, StreamHead>();
    for (const id of new Set(events.map((e) => e.streamId))) {
      const head = this.sql.streamHead.get(id) as StreamHead | undefined;
      if (head) known.set(id, head);
    }
    this.write(events, continuedHeads(this.sql.head.get() as number, known, events), commands);
  };

  async commandsIn(fromPosition: number, toPosition: number): Promise<CommandRecord[]> {
    return (this.sql.commandsIn.all(fromPosition, toPosition) as CommandRow[]).map(toCommand);
  }

  async importRecorded(events: RecordedEvent[], commands: CommandRecord[]): Promise<void> {
    if (events.length > 0) this.importBatch.immediate(events, commands);
  }

  async close(): Promise<void> {
    this.waiters.close();
    if (this.db.open) this.db.close();
  }
}

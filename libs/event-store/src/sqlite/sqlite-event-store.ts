import type Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import {
  AppendRequest,
  continuedHeads,
  DEFAULT_MAX_BATCH,
  GroupCommitter,
  keysOf,
  planBatch,
  replayResult,
  StoreOptions,
} from '../append-batch';
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

interface EventRow {
  global_position: number;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  prev_hash: string;
  hash: string;
}

interface CommandRow {
  command_id: string;
  stream_id: string;
  fingerprint: string | null;
  first_version: number;
  last_version: number;
  last_position: number;
}

const toEvent = (r: EventRow): RecordedEvent => ({
  eventId: r.event_id,
  streamId: r.stream_id,
  streamVersion: r.stream_version,
  globalPosition: r.global_position,
  type: r.type,
  schemaVersion: r.schema_version,
  data: JSON.parse(r.data),
  metadata: JSON.parse(r.metadata),
  prevHash: r.prev_hash,
  hash: r.hash,
});

const toCommand = (r: CommandRow): CommandRecord => ({
  commandId: r.command_id,
  streamId: r.stream_id,
  fingerprint: r.fingerprint,
  firstVersion: r.first_version,
  lastVersion: r.last_version,
  lastPosition: r.last_position,
});

/** How often a waiting reader looks for commits made by another process on the same file. */
const POLL_MS = 200;

/**
 * The embedded event store on one SQLite file. Each batch of appends runs in one IMMEDIATE
 * transaction, so the next global position is taken under the write lock and positions stay
 * gapless in commit order; group commit pays one fsync for every append waiting in the batch.
 */
export class SqliteEventStore implements EventStore, LogCopy {
  private readonly appended = new EventEmitter();
  private readonly sql;
  private readonly commitBatch;
  private readonly importBatch;
  private readonly committer: GroupCommitter<AppendRequest, AppendResult>;
  private readonly clock: () => Date;

  constructor(
    private readonly db: Database.Database,
    options: StoreOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.appended.setMaxListeners(0);
    this.sql = {
      stream: db.prepare<[string, number]>('SELECT * FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version'),
      streamRange: db.prepare<[string, number, number]>(
        'SELECT * FROM events WHERE stream_id = ? AND stream_version BETWEEN ? AND ? ORDER BY stream_version',
      ),
      all: db.prepare<[number, number]>('SELECT * FROM events WHERE global_position >= ? ORDER BY global_position LIMIT ?'),
      head: db.prepare('SELECT COALESCE(MAX(global_position), -1) AS head FROM events').pluck(),
      streamHead: db.prepare<[string]>('SELECT stream_id AS streamId, version, hash FROM streams WHERE stream_id = ?'),
      streamHeads: db.prepare('SELECT stream_id AS streamId, version, hash FROM streams ORDER BY stream_id'),
      command: db.prepare<[string]>('SELECT * FROM commands WHERE command_id = ?'),
      commandsIn: db.prepare<[number, number]>(
        'SELECT * FROM commands WHERE last_position BETWEEN ? AND ? ORDER BY last_position, command_id',
      ),
      insertEvent: db.prepare(
        `INSERT INTO events (global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, prev_hash, hash)
         VALUES (@globalPosition, @eventId, @streamId, @streamVersion, @type, @schemaVersion, @data, @metadata, @prevHash, @hash)`,
      ),
      upsertStream: db.prepare(
        `INSERT INTO streams (stream_id, version, hash) VALUES (@streamId, @version, @hash)
         ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, hash = excluded.hash`,
      ),
      insertCommand: db.prepare(
        `INSERT INTO commands (command_id, stream_id, fingerprint, first_version, last_version, last_position)
         VALUES (@commandId, @streamId, @fingerprint, @firstVersion, @lastVersion, @lastPosition)`,
      ),
    };
    this.commitBatch = db.transaction(this.commitTx);
    this.importBatch = db.transaction(this.importTx);
    this.committer = new GroupCommitter(async (batch) => this.commitBatch.immediate(batch), options.maxBatch ?? DEFAULT_MAX_BATCH);
  }

  private readonly commitTx = (requests: AppendRequest[]): (AppendResult | Error)[] => {
    const { commandIds, streamIds } = keysOf(requests);
    const commands = new Map<string, CommandRecord>();
    for (const id of commandIds) {
      const row = this.sql.command.get(id) as CommandRow | undefined;
      if (row) commands.set(id, toCommand(row));
    }
    const heads = new Map<string, { version: number; hash: string }>();
    for (const id of streamIds) {
      const head = this.sql.streamHead.get(id) as StreamHead | undefined;
      if (head) heads.set(id, head);
    }
    const plan = planBatch(requests, {
      commands,
      heads,
      nextPosition: (this.sql.head.get() as number) + 1,
      recordedAt: this.clock().toISOString(),
    });
    for (const e of plan.events) this.sql.insertEvent.run({ ...e, data: JSON.stringify(e.data), metadata: JSON.stringify(e.metadata) });
    for (const h of plan.heads) this.sql.upsertStream.run(h);
    for (const c of plan.commands) this.sql.insertCommand.run(c);
    return plan.outcomes.map((o) => {
      if ('refused' in o) return o.refused;
      if ('result' in o) return o.result;
      const { streamId, firstVersion, lastVersion } = o.replay;
      return replayResult(o.replay, (this.sql.streamRange.all(streamId, firstVersion, lastVersion) as EventRow[]).map(toEvent));
    });
  };

  async append(streamId: string, events: EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    const result = await this.committer.submit({ streamId, events, options });
    if (!result.duplicate) this.appended.emit('appended', result.lastPosition);
    return result;
  }

  async readStream(streamId: string, fromVersion = 0): Promise<RecordedEvent[]> {
    return (this.sql.stream.all(streamId, fromVersion) as EventRow[]).map(toEvent);
  }

  async readAll(fromPosition: number, limit: number): Promise<RecordedEvent[]> {
    return (this.sql.all.all(fromPosition, limit) as EventRow[]).map(toEvent);
  }

  async headPosition(): Promise<number> {
    return this.sql.head.get() as number;
  }

  async waitForEvents(afterPosition: number, timeoutMs: number): Promise<boolean> {
    if ((await this.headPosition()) > afterPosition) return true;
    return new Promise((resolve) => {
      const done = (found: boolean) => {
        clearTimeout(timer);
        clearInterval(poll);
        this.appended.off('appended', onAppend);
        resolve(found);
      };
      const onAppend = (position: number) => position > afterPosition && done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      const poll = setInterval(() => (this.sql.head.get() as number) > afterPosition && done(true), POLL_MS);
      this.appended.on('appended', onAppend);
    });
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

  private readonly importTx = (events: RecordedEvent[], commands: CommandRecord[]): void => {
    const known = new Map<string, StreamHead>();
    for (const id of new Set(events.map((e) => e.streamId))) {
      const head = this.sql.streamHead.get(id) as StreamHead | undefined;
      if (head) known.set(id, head);
    }
    const heads = continuedHeads(this.sql.head.get() as number, known, events);
    for (const e of events) this.sql.insertEvent.run({ ...e, data: JSON.stringify(e.data), metadata: JSON.stringify(e.metadata) });
    for (const h of heads) this.sql.upsertStream.run(h);
    for (const c of commands) this.sql.insertCommand.run(c);
  };

  async commandsIn(fromPosition: number, toPosition: number): Promise<CommandRecord[]> {
    return (this.sql.commandsIn.all(fromPosition, toPosition) as CommandRow[]).map(toCommand);
  }

  async importRecorded(events: RecordedEvent[], commands: CommandRecord[]): Promise<void> {
    if (events.length > 0) this.importBatch.immediate(events, commands);
  }

  async close(): Promise<void> {
    this.appended.removeAllListeners();
    if (this.db.open) this.db.close();
  }
}

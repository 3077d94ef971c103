import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  AppendOptions,
  AppendResult,
  CommandIdReused,
  CommandRecord,
  EventStore,
  EventToAppend,
  RecordedEvent,
  StreamHead,
  WrongExpectedVersion,
} from '../event-store.port';
import { eventHash, GENESIS_HASH } from '../hash-chain';

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
 * The embedded event store on one SQLite file. Appends run in an IMMEDIATE transaction, so the
 * next global position is taken under the write lock and positions stay gapless in commit order.
 */
export class SqliteEventStore implements EventStore {
  private readonly appended = new EventEmitter();
  private readonly sql;
  private readonly appendInTransaction;

  constructor(
    private readonly db: Database.Database,
    private readonly clock: () => Date = () => new Date(),
  ) {
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
      insertEvent: db.prepare(
        `INSERT INTO events (global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, prev_hash, hash)
         VALUES (@globalPosition, @eventId, @streamId, @streamVersion, @type, @schemaVersion, @data, @metadata, @prevHash, @hash)`,
      ),
      upsertStream: db.prepare(
        `INSERT INTO streams (stream_id, version, hash) VALUES (?, ?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, hash = excluded.hash`,
      ),
      insertCommand: db.prepare(
        'INSERT INTO commands (command_id, stream_id, fingerprint, first_version, last_version, last_position) VALUES (?, ?, ?, ?, ?, ?)',
      ),
    };
    this.appendInTransaction = db.transaction(this.appendTx);
  }

  private readonly appendTx = (streamId: string, events: EventToAppend[], options: AppendOptions): AppendResult => {
    const { metadata, expectedVersion, fingerprint } = options;
    const seen = this.sql.command.get(metadata.commandId) as CommandRow | undefined;
    if (seen) return this.replay(toCommand(seen), fingerprint);
    const head = this.sql.streamHead.get(streamId) as { version: number; hash: string } | undefined;
    const current = head?.version ?? -1;
    if (expectedVersion !== 'any' && expectedVersion !== current) throw new WrongExpectedVersion(streamId, expectedVersion, current);
    let prevHash = head?.hash ?? GENESIS_HASH;
    let position = (this.sql.head.get() as number) + 1;
    const recordedAt = this.clock().toISOString();
    const recorded: RecordedEvent[] = events.map((e, i) => {
      const base = {
        eventId: randomUUID(),
        streamId,
        streamVersion: current + 1 + i,
        type: e.type,
        schemaVersion: e.schemaVersion ?? 1,
        data: e.data,
        metadata: { ...metadata, recordedAt },
        prevHash,
      };
      const event: RecordedEvent = { ...base, globalPosition: position++, hash: eventHash(base) };
      prevHash = event.hash;
      return event;
    });
    for (const e of recorded) this.sql.insertEvent.run({ ...e, data: JSON.stringify(e.data), metadata: JSON.stringify(e.metadata) });
    const last = recorded[recorded.length - 1];
    this.sql.upsertStream.run(streamId, last.streamVersion, last.hash);
    this.sql.insertCommand.run(
      metadata.commandId,
      streamId,
      fingerprint ?? null,
      recorded[0].streamVersion,
      last.streamVersion,
      last.globalPosition,
    );
    return { streamId, events: recorded, lastVersion: last.streamVersion, lastPosition: last.globalPosition, duplicate: false };
  };

  private replay(command: CommandRecord, fingerprint: string | undefined): AppendResult {
    if ((command.fingerprint ?? undefined) !== fingerprint) throw new CommandIdReused(command.commandId);
    const events = (this.sql.streamRange.all(command.streamId, command.firstVersion, command.lastVersion) as EventRow[]).map(toEvent);
    return {
      streamId: command.streamId,
      events,
      lastVersion: command.lastVersion,
      lastPosition: command.lastPosition,
      duplicate: true,
    };
  }

  async append(streamId: string, events: EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const result = this.appendInTransaction.immediate(streamId, events, options);
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

  async close(): Promise<void> {
    this.appended.removeAllListeners();
    if (this.db.open) this.db.close();
  }
}

/**
 * The one port every event store adapter implements (SQLite embedded; PostgreSQL and
 * EventStoreDB in production). `contract.spec-suite.ts` is the behaviour they all share.
 */
export interface EventToAppend {
  type: string;
  data: Record<string, unknown>;
  schemaVersion?: number;
}

export interface EventMetadata {
  actorId: string;
  /** Idempotency key: a second append with the same commandId appends nothing. */
  commandId: string;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
}

export interface RecordedEvent {
  eventId: string;
  streamId: string;
  /** 0-based, gapless per stream. */
  streamVersion: number;
  /** 0-based, gapless, strictly increasing in commit order across all streams. */
  globalPosition: number;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata & { recordedAt: string };
  prevHash: string;
  hash: string;
}

/** The version of the stream's last event; -1 means the stream must not exist yet. */
export type ExpectedVersion = number | 'any';
export const NO_STREAM = -1;

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
  metadata: EventMetadata;
  /** What the command asked for (say a hash of its request); a reused commandId with another fingerprint is refused. */
  fingerprint?: string;
}

export interface AppendResult {
  streamId: string;
  events: RecordedEvent[];
  lastVersion: number;
  lastPosition: number;
  /** True when the commandId had been seen: nothing was appended, this is the first answer. */
  duplicate: boolean;
}

export interface CommandRecord {
  commandId: string;
  streamId: string;
  fingerprint: string | null;
  firstVersion: number;
  lastVersion: number;
  lastPosition: number;
}

export interface StreamHead {
  streamId: string;
  version: number;
  hash: string;
}

export interface EventStore {
  append(streamId: string, events: EventToAppend[], options: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, fromVersion?: number): Promise<RecordedEvent[]>;
  /** Events from `fromPosition` (inclusive) in global order, at most `limit`. */
  readAll(fromPosition: number, limit: number): Promise<RecordedEvent[]>;
  /** Position of the last event, -1 when the log is empty. */
  headPosition(): Promise<number>;
  /** Resolves true as soon as an event past `afterPosition` exists, false after `timeoutMs`. */
  waitForEvents(afterPosition: number, timeoutMs: number): Promise<boolean>;
  findCommand(commandId: string): Promise<CommandRecord | null>;
  /** Every stream's last version and hash as the store recorded them: verification compares. */
  streamHeads(): Promise<StreamHead[]>;
  /** One stream's recorded head, null when the stream does not exist. */
  streamHead(streamId: string): Promise<StreamHead | null>;
  close(): Promise<void>;
}

/** What `migrate-log` needs of a store it copies from or into, besides the port. */
export interface LogCopy {
  /** Command records whose last event lies between the positions (inclusive). */
  commandsIn(fromPosition: number, toPosition: number): Promise<CommandRecord[]>;
  /**
   * Writes events recorded by another store exactly as they are (ids, versions, positions, times,
   * hashes), with their command records, in one transaction. They must continue this log.
   */
  importRecorded(events: RecordedEvent[], commands: CommandRecord[]): Promise<void>;
}

export class WrongExpectedVersion extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at version ${actual}, not ${expected}`);
    this.name = 'WrongExpectedVersion';
  }
}

export class CommandIdReused extends Error {
  constructor(readonly commandId: string) {
    super(`command ${commandId} was already used for a different request`);
    this.name = 'CommandIdReused';
  }
}

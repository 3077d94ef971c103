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

/** A stream at a version: -1 means the stream did not exist. */
export interface StreamVersion {
  streamId: string;
  version: number;
}

/** Events for one more stream of the same append, with that stream's own expected version. */
export interface StreamAppend {
  streamId: string;
  events: EventToAppend[];
  expectedVersion: ExpectedVersion;
}

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
  metadata: EventMetadata;
  /** What the command asked for (say a hash of its request); a reused commandId with another fingerprint is refused. */
  fingerprint?: string;
  /**
   * Every other stream the decision read, at the version it read: nothing is appended unless each
   * one is still at that version when the append commits (else WrongExpectedVersion names it).
   */
  readSet?: readonly StreamVersion[];
  /** Events for other streams, written in the same transaction as the stream's, or none of them is. */
  alongside?: readonly StreamAppend[];
}

export interface AppendResult {
  streamId: string;
  /** The events recorded on the stream (not those written alongside it). */
  events: RecordedEvent[];
  lastVersion: number;
  /** Position of the append's last event, its alongside streams' included. */
  lastPosition: number;
  /** True when the commandId had been seen: nothing was appended, this is the first answer. */
  duplicate: boolean;
}

export interface CommandRecord {
  commandId: string;
  /** The stream the command was for; events it wrote alongside are not replayed. */
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

/** The stream, or a stream the decision read, is not at the version expected: decide again on what is there now. */
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

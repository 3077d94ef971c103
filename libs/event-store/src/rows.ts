import { CommandRecord, RecordedEvent } from './event-store.port';

/**
 * The events table as PostgreSQL gives it: BIGINTs as strings, JSON already parsed (the SQLite
 * adapter reads its rows under a recorded event's names instead).
 */
export interface EventRow {
  global_position: number | string;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: string | Record<string, unknown>;
  metadata: string | RecordedEvent['metadata'];
  prev_hash: string;
  hash: string;
}

export interface CommandRow {
  command_id: string;
  stream_id: string;
  fingerprint: string | null;
  first_version: number;
  last_version: number;
  last_position: number | string;
}

const json = <T>(value: string | T): T => (typeof value === 'string' ? JSON.parse(value) : value);

export const toEvent = (r: EventRow): RecordedEvent => ({
  eventId: r.event_id,
  streamId: r.stream_id,
  streamVersion: r.stream_version,
  globalPosition: Number(r.global_position),
  type: r.type,
  schemaVersion: r.schema_version,
  data: json(r.data),
  metadata: json(r.metadata),
  prevHash: r.prev_hash,
  hash: r.hash,
});

export const toCommand = (r: CommandRow): CommandRecord => ({
  commandId: r.command_id,
  streamId: r.stream_id,
  fingerprint: r.fingerprint,
  firstVersion: r.first_version,
  lastVersion: r.last_version,
  lastPosition: Number(r.last_position),
});

import { clearPersonalData, upcast } from '@loanflow/domain';
import { RecordedEvent } from '@loanflow/event-store';
import { CloudEvent, Kafka } from 'cloudevents';

/**
 * The aggregates whose events are published, each on a topic of its own. Every other stream in
 * the log (the registry's `identity-…` and `admin-…`) is internal and never leaves it.
 */
export const AGGREGATES = ['loan', 'borrower', 'staff', 'branch', 'day', 'config'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

/** `loan-L-1` → `loan`: the prefix before the first `-`, or '' for an id without one. */
const prefixOf = (streamId: string) => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? '' : streamId.slice(0, dash);
};

/** Whether the stream's events go to Kafka: its id starts with a published aggregate. */
export function isPublished(streamId: string): boolean {
  return (AGGREGATES as readonly string[]).includes(prefixOf(streamId));
}

/** `loan-L-1` → `loan`: a stream's id starts with its aggregate. */
export function aggregateOf(streamId: string): Aggregate {
  if (!isPublished(streamId)) throw new Error(`stream ${streamId} belongs to no published aggregate`);
  return prefixOf(streamId) as Aggregate;
}

export const topicOf = (aggregate: Aggregate, prefix: string) => `${prefix}.${aggregate}.events`;

export interface KafkaRecord {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  timestamp: string;
}

/**
 * One recorded event as a Kafka record in CloudEvents binary mode: the event's data is the
 * value, its envelope the `ce_*` headers. Extension attributes carry what lets a consumer check
 * order and integrity: global position, stream version, the hash chain and every other hashed
 * field (actor, command, correlation, causation, recording time, and for a record recorded in an
 * older schema version that version and its data as recorded), so the hash can be recomputed
 * from the record alone.
 */
export interface RecordOptions {
  source: string;
  topicPrefix: string;
}

export function toKafkaRecord(event: RecordedEvent, options: RecordOptions): KafkaRecord {
  const aggregate = aggregateOf(event.streamId);
  // The last gate before every consumer: personal data in clear never leave (a log recorded before
  // they were sealed out of it is refused at start; this holds even if one slipped past).
  const current = upcast(event);
  if (clearPersonalData(current.data) !== undefined)
    throw new Error(`${event.type} at position ${event.globalPosition} holds personal data in clear; seal the log before relaying it`);
  // Consumers get every event in its type's current shape; a record recorded in an older one also
  // carries that form as recorded, which its hash is over, so the hash still recomputes from the record alone.
  const older = current !== event;
  // Not re-validated here (strict=false): every attribute comes typed from the store, and the
  // integration tests parse and validate every record a consumer receives.
  const cloudEvent = new CloudEvent(
    {
      specversion: '1.0',
      id: event.eventId,
      // Consumers dispatch on the type, and a new schema version is a new type.
      type: `loanflow.${aggregate}.${event.type}.v${current.schemaVersion}`,
      source: options.source,
      subject: event.streamId,
      time: event.metadata.occurredAt,
      datacontenttype: 'application/json',
      data: current.data,
      partitionkey: event.streamId,
      globalposition: String(event.globalPosition),
      streamversion: String(event.streamVersion),
      eventhash: event.hash,
      prevhash: event.prevHash,
      recordedat: event.metadata.recordedAt,
      actorid: event.metadata.actorId,
      commandid: event.metadata.commandId,
      correlationid: event.metadata.correlationId,
      ...(event.metadata.causationId !== null ? { causationid: event.metadata.causationId } : {}),
      ...(older ? { recordedversion: String(event.schemaVersion), recordeddata: JSON.stringify(event.data) } : {}),
    },
    false,
  );
  const message = Kafka.binary(cloudEvent);
  // Attributes this event does not have come out as undefined headers; Kafka takes strings only.
  const headers: Record<string, string> = {};
  for (const name in message.headers) {
    const value = message.headers[name];
    if (value !== undefined) headers[name] = String(value);
  }
  return {
    topic: topicOf(aggregate, options.topicPrefix),
    key: event.streamId,
    value: JSON.stringify(message.value),
    headers,
    timestamp: message.timestamp!,
  };
}

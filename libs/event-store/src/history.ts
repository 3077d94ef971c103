import { ChainVerdict, verifyStream } from './hash-chain';
import { EventStore, RecordedEvent } from './event-store.port';

/** One event as auditors read it: who, when (said and recorded), under which command, and its place in the chain. */
export function historyEntry(e: RecordedEvent) {
  return {
    version: e.streamVersion,
    globalPosition: e.globalPosition,
    type: e.type,
    actorId: e.metadata.actorId,
    occurredAt: e.metadata.occurredAt,
    recordedAt: e.metadata.recordedAt,
    commandId: e.metadata.commandId,
    correlationId: e.metadata.correlationId,
    eventId: e.eventId,
    schemaVersion: e.schemaVersion,
    data: e.data,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/** Every event of a stream, and the verdict on its chain against the head the store recorded. */
export async function streamHistory(
  store: EventStore,
  streamId: string,
  events: RecordedEvent[],
): Promise<{ chain: ChainVerdict; events: ReturnType<typeof historyEntry>[] }> {
  return { chain: verifyStream(events, (await store.streamHead(streamId)) ?? undefined), events: events.map(historyEntry) };
}

import { Command, Decider, Event, fold, SYSTEM_CLASSIFIER } from '@loanflow/domain';
import { EventStore, EventToAppend, WrongExpectedVersion } from '@loanflow/event-store';

/** Why the system acts: the idempotency key of the act, and what it follows from. */
export interface SystemAct {
  commandId: string;
  correlationId: string;
  causationId: string | null;
}

/**
 * Load, decide, append as the system (end of day, reactions to events). The command id makes a
 * repeated act a no-op; a concurrent write to the stream is retried on the new state. Resolves
 * true when something new was appended.
 */
export async function decideAndAppendAsSystem<C extends Command, S, E extends Event>(
  store: EventStore,
  clock: () => Date,
  streamId: string,
  decider: Decider<C, S, E>,
  command: (now: string) => C,
  act: SystemAct,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const recorded = await store.readStream(streamId);
    const state = fold(
      decider,
      recorded.map((e) => ({ type: e.type, data: e.data }) as E),
    );
    const now = clock().toISOString();
    const events = decider.decide(command(now), state);
    if (events.length === 0) return false;
    try {
      const result = await store.append(streamId, events as unknown as EventToAppend[], {
        expectedVersion: recorded.length - 1,
        metadata: { actorId: SYSTEM_CLASSIFIER, ...act, occurredAt: now },
      });
      return !result.duplicate;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion) || attempt >= 3) throw error;
    }
  }
}

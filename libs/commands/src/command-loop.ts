import { businessDate } from '@loanflow/config';
import {
  clearPersonalData,
  currentSchemaVersion,
  Event,
  fold,
  Folding,
  PersonalRef,
  personalSubjectOf,
  requireStorableText,
  upcast,
} from '@loanflow/domain';
import { CommandIdReused, EventStore, EventToAppend, RecordedEvent, StreamAppend, WrongExpectedVersion } from '@loanflow/event-store';
import { randomUUID } from 'node:crypto';

/** Who acts and why, as the log records it: nothing of the transport the command came by. */
export interface Envelope {
  actorId: string;
  /** The idempotency key: a command id seen before answers its first answer and appends nothing. A new id when absent. */
  commandId?: string;
  correlationId: string;
  causationId?: string | null;
  /** What was asked for: a command id reused for something else is refused. */
  fingerprint?: string;
  /** The version of the stream the caller saw: any other is refused, whatever the command. */
  expectedVersion?: number;
}

export interface Loaded<S> {
  state: S;
  /** Version of the last event, -1 for a stream that does not exist. */
  version: number;
  events: RecordedEvent[];
}

/** Reads a stream folded to its state; the command loop's reader makes the append conditional on what it read. */
export interface StreamReader {
  read<S, E extends Event>(streamId: string, folding: Folding<S, E>): Promise<Loaded<S>>;
  /** The events of a stream, as the store's readStream gives them (configuration readers take this). */
  readStream(streamId: string): Promise<RecordedEvent[]>;
}

/** What a decision is made with, besides the state of its stream. */
export interface Decision extends StreamReader {
  /** The instant of the decision (ISO, UTC) and the cooperative's business date at that instant. */
  now: string;
  today: string;
  /** The log's head when the decision began: a read model the decision relies on must have caught up with it. */
  logPosition(): Promise<number>;
  /** Events for another stream, written in the same transaction; the stream must have been read in this decision. */
  alongside(streamId: string, events: Event[]): void;
}

/** The answer to an accepted command. */
export interface Accepted {
  streamId: string;
  /** The stream's version after the command (its version before, when nothing was appended). */
  version: number;
  /** False when the decision appended nothing, or the command id had been seen: its first answer. */
  appended: boolean;
}

/** The command's stream or a stream its decision read kept moving: every attempt decided on a state gone by the time it committed. */
export class ConcurrentWrite extends Error {
  constructor(
    readonly streamId: string,
    readonly moved: string,
    readonly attempts: number,
  ) {
    super(`${moved} changed while ${streamId} was being decided, ${attempts} times in a row`);
    this.name = 'ConcurrentWrite';
  }
}

/** The caller named a version of the stream (If-Match) that is not the one recorded. */
export class VersionMismatch extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`the caller expected version ${expected}; the stream is at version ${actual}`);
    this.name = 'VersionMismatch';
  }
}

export const DEFAULT_ATTEMPTS = 4;

/** Where personal data a decision hands over in clear are sealed before the append (the personal-data store). */
export interface PersonalDataSealer {
  seal(subjectId: string, clear: unknown): Promise<PersonalRef>;
  /** Removes a record the log will never refer to (its append was refused). */
  discard(subjectId: string, ref: PersonalRef): Promise<void>;
}

type Sealed = { subjectId: string; ref: PersonalRef };

/**
 * The events with every personal datum in clear replaced by the reference and digest the sealer
 * gives: the log never holds personal data in clear. Without a sealer such an event is refused.
 */
async function sealed<E extends Event>(events: readonly E[], sealer: PersonalDataSealer | null, made: Sealed[]): Promise<E[]> {
  return Promise.all(
    events.map(async (event) => {
      const data = event.data as Record<string, unknown>;
      const clear = clearPersonalData(data);
      if (clear === undefined) return event;
      if (!sealer)
        throw new Error(`${event.type} hands over personal data, and this command loop has no personal-data store to seal them in`);
      const subjectId = personalSubjectOf(data);
      const ref = await sealer.seal(subjectId, clear);
      made.push({ subjectId, ref });
      return { ...event, data: { ...data, personal: ref } };
    }),
  );
}

/** A reader of the store with no read set: for queries and policy checks outside a command. */
export function storeReader(store: Pick<EventStore, 'readStream'>): StreamReader {
  return {
    readStream: (streamId) => store.readStream(streamId),
    read: async (streamId, folding) => loaded(await store.readStream(streamId), folding),
  };
}

/** Domain events as the store records them: each with its type's current schema version. */
function recordable(events: readonly Event[]): EventToAppend[] {
  return events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, schemaVersion: currentSchemaVersion(e.type) }));
}

/** A stream's events folded to its state, in their current shapes, with the version of the last (-1 for none). */
export function loaded<S, E extends Event>(events: RecordedEvent[], folding: Folding<S, E>): Loaded<S> {
  const state = fold(
    folding,
    events.map((e) => {
      const { type, data } = upcast(e);
      return { type, data } as E;
    }),
  );
  return { state, version: events.length === 0 ? -1 : events[events.length - 1].streamVersion, events };
}

/**
 * The one command loop every writer runs (HTTP handlers, end of day, the system's reactions):
 * load the stream, decide with whatever else the decision reads, append. The append is
 * conditional on the stream and on every other stream the decision read being still at the
 * version read; when one moved, nothing is written and the loop decides again on the new state,
 * a bounded number of times, then gives up with ConcurrentWrite. A decision that appends nothing
 * writes nothing. Every event's text is checked before it can reach the log, and personal data
 * are sealed out of it once the decision stands; the store's refusal of the append removes them
 * again (a crash between the two leaves a record nothing refers to, under its subject's key).
 */
export class CommandLoop {
  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date,
    private readonly businessTimeZone: string,
    private readonly sealer: PersonalDataSealer | null = null,
    private readonly attempts = DEFAULT_ATTEMPTS,
  ) {}

  /** The first answer to a keyed command already recorded; null when it was not; CommandIdReused when the key named another request. */
  private async firstAnswer(envelope: Envelope): Promise<Accepted | null> {
    if (envelope.commandId === undefined) return null;
    const seen = await this.store.findCommand(envelope.commandId);
    if (!seen) return null;
    if ((seen.fingerprint ?? undefined) !== envelope.fingerprint) throw new CommandIdReused(seen.commandId);
    return { streamId: seen.streamId, version: seen.lastVersion, appended: false };
  }

  async run<S, E extends Event>(
    streamId: string,
    folding: Folding<S, E>,
    envelope: Envelope,
    decide: (state: S, decision: Decision) => E[] | Promise<E[]>,
  ): Promise<Accepted> {
    // Answered before any state check that would now fail: the first answer, or the key's misuse.
    const first = await this.firstAnswer(envelope);
    if (first) return first;
    const commandId = envelope.commandId ?? randomUUID();
    let moved = streamId;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      const own = loaded(await this.store.readStream(streamId), folding);
      if (envelope.expectedVersion !== undefined && envelope.expectedVersion !== own.version)
        throw new VersionMismatch(envelope.expectedVersion, own.version);
      const reads = new Map<string, number>();
      const writes = new Map<string, Event[]>();
      let head: Promise<number> | null = null;
      const readStream = async (id: string) => {
        if (id === streamId) return own.events;
        const events = await this.store.readStream(id);
        const version = events.length === 0 ? -1 : events[events.length - 1].streamVersion;
        // A stream read twice must not have moved in between: the decision would rest on two states.
        if (reads.has(id) && reads.get(id) !== version) throw new WrongExpectedVersion(id, reads.get(id)!, version);
        reads.set(id, version);
        return events;
      };
      const instant = this.clock();
      const decision: Decision = {
        now: instant.toISOString(),
        today: businessDate(instant, this.businessTimeZone),
        readStream,
        read: async (id, f) => loaded(await readStream(id), f),
        logPosition: () => (head ??= this.store.headPosition()),
        alongside: (id, events) => {
          if (!reads.has(id)) throw new Error(`a decision writes alongside only a stream it read, and it did not read ${id}`);
          writes.set(id, [...(writes.get(id) ?? []), ...events]);
        },
      };
      // Records sealed for this attempt: removed again when the store refuses its append.
      const made: Sealed[] = [];
      try {
        let decided: E[];
        try {
          decided = await decide(own.state, decision);
        } catch (refusal) {
          // The same keyed command, sent again while its first attempt committed, sees the state that
          // attempt left and may be refused by it: it answers the first answer instead.
          if (refusal instanceof WrongExpectedVersion) throw refusal;
          const answered = await this.firstAnswer(envelope);
          if (answered) return answered;
          throw refusal;
        }
        if (decided.length === 0 && writes.size === 0)
          return (await this.firstAnswer(envelope)) ?? { streamId, version: own.version, appended: false };
        requireStorableText([...decided, ...[...writes.values()].flat()]);
        // Sealed only once the decision stands: a refused command leaves nothing in the personal-data store.
        const events = await sealed(decided, this.sealer, made);
        const alongside: StreamAppend[] = await Promise.all(
          [...writes].map(async ([id, more]) => ({
            streamId: id,
            events: recordable(await sealed(more, this.sealer, made)),
            expectedVersion: reads.get(id)!,
          })),
        );
        const result = await this.store.append(streamId, recordable(events), {
          expectedVersion: own.version,
          fingerprint: envelope.fingerprint,
          readSet: [...reads].filter(([id]) => !writes.has(id)).map(([id, version]) => ({ streamId: id, version })),
          ...(alongside.length > 0 ? { alongside } : {}),
          metadata: {
            actorId: envelope.actorId,
            commandId,
            correlationId: envelope.correlationId,
            causationId: envelope.causationId ?? null,
            occurredAt: decision.now,
          },
        });
        return { streamId: result.streamId, version: result.lastVersion, appended: !result.duplicate };
      } catch (error) {
        // Only a refusal says nothing was written; after any other failure the append may have
        // committed, and its records must stay.
        if (error instanceof WrongExpectedVersion || error instanceof CommandIdReused)
          await Promise.all(made.map(({ subjectId, ref }) => this.sealer!.discard(subjectId, ref).catch(() => undefined)));
        if (!(error instanceof WrongExpectedVersion)) throw error;
        moved = error.streamId;
      }
    }
    throw new ConcurrentWrite(streamId, moved, this.attempts);
  }
}

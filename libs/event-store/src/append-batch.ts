import { Clock } from './clock';
import { randomBytes } from 'node:crypto';
import {
  AppendOptions,
  AppendResult,
  CommandIdReused,
  CommandRecord,
  EventToAppend,
  RecordedEvent,
  StreamAppend,
  StreamHead,
  WrongExpectedVersion,
} from './event-store.port';
import { eventHash, GENESIS_HASH } from './hash-chain';

/**
 * A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, then random bits.
 * New event ids land at the end of the store's unique index instead of on a random page of it,
 * so a batch of appends touches a few index pages, not one page per event.
 */
export function uuidV7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface StoreOptions {
  clock: Clock;
  /** Most appends one transaction takes (group commit); 1 commits each append on its own. Default: GROUP_COMMIT_MAX_BATCH's. */
  maxBatch?: number;
}

export interface AppendRequest {
  streamId: string;
  events: EventToAppend[];
  options: AppendOptions;
}

/** What the store holds for a batch's commands and streams, read inside the batch's transaction. */
export interface BatchStart {
  commands: Map<string, CommandRecord>;
  heads: Map<string, { version: number; hash: string }>;
  /** The global position the first new event takes. */
  nextPosition: number;
  recordedAt: string;
}

/** Per request, in request order: an answer now, a command seen before whose events the store reads back, or a refusal. */
export type PlannedOutcome = { result: AppendResult } | { replay: CommandRecord } | { refused: Error };

export interface BatchPlan {
  outcomes: PlannedOutcome[];
  /** Rows to insert, in global order. */
  events: RecordedEvent[];
  heads: StreamHead[];
  commands: CommandRecord[];
}

/**
 * Decides a whole batch of appends at once, as if they had arrived one after another: each keeps
 * its own expected-version checks (its stream, the streams it writes alongside and the streams its
 * decision read) against the heads the earlier ones in the batch left, its own idempotency check
 * and its own answer, and a refusal touches no other request. Pure, so every
 * durable adapter writes what this returns inside one transaction. Event ids are time-ordered
 * UUIDs unless `eventId` names them (an adapter whose resend must carry the same ids).
 */
export function planBatch(
  requests: AppendRequest[],
  start: BatchStart,
  eventId: (commandId: string, streamId: string, index: number) => string = () => uuidV7(),
): BatchPlan {
  const commands = new Map(start.commands);
  const heads = new Map(start.heads);
  const answeredInBatch = new Map<string, AppendResult>();
  const plan: BatchPlan = { outcomes: [], events: [], heads: [], commands: [] };
  let position = start.nextPosition;

  for (const { streamId, events, options } of requests) {
    const { metadata, expectedVersion, fingerprint } = options;
    const alongside = options.alongside ?? [];
    const writes: StreamAppend[] = [{ streamId, events, expectedVersion }, ...alongside];
    if (writes.some((w) => w.events.length === 0)) {
      plan.outcomes.push({ refused: new Error('append needs at least one event per stream') });
      continue;
    }
    if (new Set(writes.map((w) => w.streamId)).size !== writes.length) {
      plan.outcomes.push({ refused: new Error('an append names each stream it writes once') });
      continue;
    }
    const seen = commands.get(metadata.commandId);
    if (seen) {
      if ((seen.fingerprint ?? undefined) !== fingerprint) plan.outcomes.push({ refused: new CommandIdReused(seen.commandId) });
      else {
        const first = answeredInBatch.get(seen.commandId);
        plan.outcomes.push(first ? { result: { ...first, duplicate: true } } : { replay: seen });
      }
      continue;
    }
    const versionOf = (id: string) => heads.get(id)?.version ?? -1;
    const moved =
      writes.find((w) => w.expectedVersion !== 'any' && w.expectedVersion !== versionOf(w.streamId)) ??
      options.readSet?.find((r) => r.version !== versionOf(r.streamId));
    if (moved) {
      const expected = 'expectedVersion' in moved ? moved.expectedVersion : moved.version;
      plan.outcomes.push({ refused: new WrongExpectedVersion(moved.streamId, expected, versionOf(moved.streamId)) });
      continue;
    }
    const recordedBy = writes.map((w) => {
      const head = heads.get(w.streamId);
      const current = head?.version ?? -1;
      let prevHash = head?.hash ?? GENESIS_HASH;
      const recorded = w.events.map((e, i): RecordedEvent => {
        const base = {
          eventId: eventId(metadata.commandId, w.streamId, i),
          streamId: w.streamId,
          streamVersion: current + 1 + i,
          type: e.type,
          schemaVersion: e.schemaVersion ?? 1,
          data: e.data,
          metadata: { ...metadata, recordedAt: start.recordedAt },
          prevHash,
        };
        const event = { ...base, globalPosition: position++, hash: eventHash(base) };
        prevHash = event.hash;
        return event;
      });
      const last = recorded[recorded.length - 1];
      heads.set(w.streamId, { version: last.streamVersion, hash: last.hash });
      plan.events.push(...recorded);
      return recorded;
    });
    const own = recordedBy[0];
    const last = own[own.length - 1];
    const lastPosition = position - 1;
    const command: CommandRecord = {
      commandId: metadata.commandId,
      streamId,
      fingerprint: fingerprint ?? null,
      firstVersion: own[0].streamVersion,
      lastVersion: last.streamVersion,
      lastPosition,
    };
    const result: AppendResult = { streamId, events: own, lastVersion: last.streamVersion, lastPosition, duplicate: false };
    commands.set(command.commandId, command);
    answeredInBatch.set(command.commandId, result);
    plan.commands.push(command);
    plan.outcomes.push({ result });
  }

  const touched = new Set(plan.events.map((e) => e.streamId));
  plan.heads = [...touched].map((streamId) => ({ streamId, ...heads.get(streamId)! }));
  return plan;
}

/** The distinct command ids and stream ids a batch must look up before planning. */
export function keysOf(requests: AppendRequest[]): { commandIds: string[]; streamIds: string[] } {
  const streamIds = new Set<string>();
  for (const { streamId, options } of requests) {
    streamIds.add(streamId);
    for (const w of options.alongside ?? []) streamIds.add(w.streamId);
    for (const r of options.readSet ?? []) streamIds.add(r.streamId);
  }
  return { commandIds: [...new Set(requests.map((r) => r.options.metadata.commandId))], streamIds: [...streamIds] };
}

/** The answer a replayed command gets: its first result, read back from the store. */
export function replayResult(command: CommandRecord, events: RecordedEvent[]): AppendResult {
  return { streamId: command.streamId, events, lastVersion: command.lastVersion, lastPosition: command.lastPosition, duplicate: true };
}

/**
 * Group commit: requests that arrive while a commit is in flight wait and go together into the
 * next one, so a durable store pays one fsync for many commands. `flush` answers each request of
 * a batch on its own (a result or an error); if it throws, the whole batch failed and nothing of
 * it was written. With `maxBatch` 1 every request is its own transaction.
 */
export class GroupCommitter<Request, Result> {
  private queue: { request: Request; resolve: (r: Result) => void; reject: (e: unknown) => void }[] = [];
  private draining = false;

  constructor(
    private readonly flush: (batch: Request[]) => Promise<(Result | Error)[]>,
    private readonly maxBatch: number,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`a commit batch holds at least one request, not ${maxBatch}`);
  }

  submit(request: Request): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Start on the next turn so the requests of this turn (and arrived I/O) share the first commit.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.flush(batch.map((b) => b.request));
        batch.forEach((b, i) => {
          const outcome = outcomes[i];
          if (outcome instanceof Error) b.reject(outcome);
          else b.resolve(outcome);
        });
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.draining = false;
  }
}

/**
 * Checks that copied events continue the target log exactly (next position, next version and
 * previous hash of each stream) and returns the stream heads they leave.
 */
export function continuedHeads(head: number, known: Map<string, StreamHead>, events: RecordedEvent[]): StreamHead[] {
  const heads = new Map(known);
  let position = head;
  for (const e of events) {
    const before = heads.get(e.streamId);
    const expected = { position: position + 1, version: (before?.version ?? -1) + 1 };
    if (e.globalPosition !== expected.position || e.streamVersion !== expected.version || (before && before.hash !== e.prevHash)) {
      throw new Error(
        `event ${e.eventId} (${e.streamId}@${e.streamVersion}, position ${e.globalPosition}) does not continue the target log ` +
          `(next position ${expected.position}, next version ${expected.version})`,
      );
    }
    heads.set(e.streamId, { streamId: e.streamId, version: e.streamVersion, hash: e.hash });
    position = e.globalPosition;
  }
  return [...new Set(events.map((e) => e.streamId))].map((id) => heads.get(id)!);
}

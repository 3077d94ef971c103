import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type {
  AllStreamRecordedEvent,
  Direction,
  Position,
  ReadPosition,
  ReadStreamOptions,
  RecordedEvent as EsdbEvent,
} from '@eventstore/db-client';
import { createHash } from 'node:crypto';
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
import { AppendWaiters } from '../append-waiters';
import { eventHash, GENESIS_HASH } from '../hash-chain';

/** The part of the client this adapter uses. */
export type EsdbClient = Pick<EventStoreDBClient, 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

export interface EventStoreDbOptions {
  clock?: () => Date;
  /** Namespaces every stream name: port stream `loan-1` is stored as `${prefix}loan-1`. */
  prefix?: string;
}

/** What this adapter adds to an event's ESDB metadata, next to the port's metadata and recordedAt. */
interface Ledger {
  globalPosition: number;
  schemaVersion: number;
  prevHash: string;
  hash: string;
  /** The command's fingerprint and first version, so its record can be rebuilt from its last event. */
  fingerprint: string | null;
  firstVersion: number;
}

/** An event's ESDB metadata: the port's metadata with recordedAt, and the ledger (absent on anything not ours). */
type StoredMetadata = RecordedEvent['metadata'] & { loanflow?: Ledger };

interface Stored {
  event: RecordedEvent;
  /** The command record this event would close, were it its command's last event. */
  command: CommandRecord;
  esdb?: Position;
}

/** Handle on a catch-up subscription. */
export interface EventSubscription {
  /** Resolves after close(); rejects with the handler's error or the server's, the subscription then being dropped. */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

/** Command records live in `${prefix}${COMMAND_STREAM}<commandId>`, one small stream per command. */
const COMMAND_STREAM = '_command-';
/** Name-based (v5) event ids are drawn from this adapter's own namespace. */
const ID_NAMESPACE = 'f84691d5-8c84-449b-9920-3556353e2729';
/** $all is read in bounded pages: each gRPC read runs to its end, none is left open half read. */
const PAGE = 1_000;
const RESUME_POINTS = 32;
const POLL_MS = 200;

/** RFC 9562 UUID version 5: the same namespace and name give the same id on every run and machine. */
export function nameUuid(namespace: string, name: string): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name)
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const same = (a: Position, b: Position) => a.commit === b.commit && a.prepare === b.prepare;
const after = (a: Position, b: Position) => a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);

/**
 * The event log on EventStoreDB/KurrentDB, one ESDB stream per port stream.
 *
 * Global positions: the port wants 0-based, gapless positions across streams, which ESDB's $all
 * positions are not. So this adapter hands them out itself and stores each in its event's
 * metadata. It assumes it is the only writer of its log: one active writer process at a time, as
 * DESIGN.md §5 has one active worker behind a lease; several writing processes would hand out the
 * same positions. Within the process appends run one at a time (a promise chain), and sync() (run
 * by openEventStoreDb) takes the next position from the newest of our events, read backwards from $all.
 *
 * Command records and idempotency: an append writes its events first, then a `CommandRecorded`
 * event into the command's own stream (expected NO_STREAM, so there is only ever one). ESDB
 * cannot write two streams atomically; this is crash-safe because the events are the truth: every
 * event carries its commandId, fingerprint and first version, so a missing record can be rebuilt
 * from the command's last event. Appends being serial and every append first writing any record
 * still owed, only the newest command of the log can lack its record; sync() (at open, and before
 * the append after a write of unknown outcome) reads that newest event and owes its record if none
 * exists. Event ids are v5 UUIDs of the prefix, commandId and index: an append sent twice (say,
 * resent after a timeout) carries the same ids at the same expected revision, and ESDB's own
 * idempotent append writes it once.
 *
 * Reading: the 6.x client's readAll takes no server-side filter, so $all is read in pages and
 * filtered here (our events are those with our prefix and ledger metadata). readAll remembers
 * where in $all its last answers ended, so a follower reading on sequentially does not rescan;
 * streamHeads() walks the whole of $all, which is fine for a log of this size. Reading $all needs
 * a user allowed to (by default, an admin). subscribeFrom() is filtered on the server.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly waiters: AppendWaiters;
  private readonly prefix: string;
  private readonly clock: () => Date;
  /** Serialises appends: positions are handed out one append at a time. */
  private tail: Promise<unknown> = Promise.resolve();
  /** The next global position to hand out; undefined until synchronised with the server. */
  private next: number | undefined;
  /** The record of a command whose events are written but whose record is not yet. */
  private unrecorded: CommandRecord | null = null;
  /** The newest $all position a head scan has looked at, and our newest event at or before it. */
  private top: { esdb: Position; newest: Stored | null } | null = null;
  /** Our position -> an $all position after which every event from that position on lies. */
  private readonly resumePoints = new Map<number, Position>();

  constructor(
    private readonly client: EsdbClient,
    options: EventStoreDbOptions = {},
  ) {
    this.prefix = options.prefix ?? '';
    this.clock = options.clock ?? (() => new Date());
    this.waiters = new AppendWaiters(() => this.headPosition(), POLL_MS);
  }

  /** Finds the next position and any command record a crash left unwritten; openEventStoreDb calls it before handing out the store. */
  async sync(): Promise<number> {
    const newest = await this.newest();
    this.unrecorded = newest && !(await this.readCommand(newest.command.commandId)) ? newest.command : null;
    return (this.next = (newest?.event.globalPosition ?? -1) + 1);
  }

  async append(streamId: string, events: EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    if (streamId.startsWith(COMMAND_STREAM)) throw new Error(`stream names starting with ${COMMAND_STREAM} hold command records`);
    const run = this.tail.then(() => this.appendNow(streamId, events, options));
    this.tail = run.catch(() => undefined);
    const result = await run;
    if (!result.duplicate) this.waiters.notify(result.lastPosition);
    return result;
  }

  private async appendNow(streamId: string, events: EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    const { metadata, expectedVersion, fingerprint } = options;
    const position = this.next ?? (await this.sync());
    await this.writeUnrecorded();
    const seen = await this.findCommand(metadata.commandId);
    if (seen) return this.replay(seen, fingerprint);
    const [head] = await this.readStored(this.stream(streamId), { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    const current = head?.event.streamVersion ?? -1;
    if (expectedVersion !== 'any' && expectedVersion !== current) throw new WrongExpectedVersion(streamId, expectedVersion, current);
    const recordedAt = this.clock().toISOString();
    let prevHash = head?.event.hash ?? GENESIS_HASH;
    const recorded = events.map((e, i): RecordedEvent => {
      const base = {
        eventId: nameUuid(ID_NAMESPACE, `${this.prefix}${metadata.commandId}/${i}`),
        streamId,
        streamVersion: current + 1 + i,
        type: e.type,
        schemaVersion: e.schemaVersion ?? 1,
        data: e.data,
        metadata: { ...metadata, recordedAt },
        prevHash,
      };
      const event = { ...base, globalPosition: position + i, hash: eventHash(base) };
      prevHash = event.hash;
      return event;
    });
    const record: CommandRecord = {
      commandId: metadata.commandId,
      streamId,
      fingerprint: fingerprint ?? null,
      firstVersion: current + 1,
      lastVersion: current + events.length,
      lastPosition: position + events.length - 1,
    };
    const ledger = (e: RecordedEvent): Ledger => {
      const { globalPosition, schemaVersion, prevHash, hash } = e;
      return { globalPosition, schemaVersion, prevHash, hash, fingerprint: record.fingerprint, firstVersion: record.firstVersion };
    };
    try {
      // The revision just read is sent even for 'any': prevHash is only right if the stream is still there.
      await this.client.appendToStream(
        this.stream(streamId),
        recorded.map((e) => jsonEvent({ id: e.eventId, type: e.type, data: e.data, metadata: { ...e.metadata, loanflow: ledger(e) } })),
        { expectedRevision: current === -1 ? NO_STREAM : BigInt(current) },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError)
        throw new WrongExpectedVersion(streamId, expectedVersion, (await this.streamHead(streamId))?.version ?? -1);
      this.next = undefined; // written or not, the server knows: ask it again before the next append
      throw error;
    }
    this.next = position + events.length;
    this.unrecorded = record;
    await this.writeUnrecorded();
    return { streamId, events: recorded, lastVersion: record.lastVersion, lastPosition: record.lastPosition, duplicate: false };
  }

  private async writeUnrecorded(): Promise<void> {
    const record = this.unrecorded;
    if (!record) return;
    try {
      const id = nameUuid(ID_NAMESPACE, `${this.prefix}${record.commandId}/record`);
      await this.client.appendToStream(
        this.commandStream(record.commandId),
        jsonEvent({ id, type: 'CommandRecorded', data: { ...record } }),
        { expectedRevision: NO_STREAM },
      );
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error; // otherwise recorded already
    }
    this.unrecorded = null;
  }

  private async replay(command: CommandRecord, fingerprint: string | undefined): Promise<AppendResult> {
    if ((command.fingerprint ?? undefined) !== fingerprint) throw new CommandIdReused(command.commandId);
    const stored = await this.readStored(this.stream(command.streamId), {
      fromRevision: BigInt(command.firstVersion),
      maxCount: command.lastVersion - command.firstVersion + 1,
    });
    return {
      streamId: command.streamId,
      events: stored.map((s) => s.event),
      lastVersion: command.lastVersion,
      lastPosition: command.lastPosition,
      duplicate: true,
    };
  }

  async readStream(streamId: string, fromVersion = 0): Promise<RecordedEvent[]> {
    return (await this.readStored(this.stream(streamId), { fromRevision: BigInt(Math.max(0, fromVersion)) })).map((s) => s.event);
  }

  async readAll(fromPosition: number, limit: number): Promise<RecordedEvent[]> {
    const found: Stored[] = [];
    if (limit <= 0) return [];
    for await (const e of this.scanAll(FORWARDS, this.resumeFrom(fromPosition))) {
      const stored = this.decode(e);
      if (stored && stored.event.globalPosition >= fromPosition) found.push(stored);
      if (found.length === limit) break;
    }
    const last = found[found.length - 1];
    if (last?.esdb) this.remember(last.event.globalPosition + 1, last.esdb);
    return found.map((s) => s.event);
  }

  async headPosition(): Promise<number> {
    return (await this.newest())?.event.globalPosition ?? -1;
  }

  /** Wakes on this process's appends at once; another process's (this adapter has one writer) are polled for. */
  waitForEvents(afterPosition: number, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(afterPosition, timeoutMs);
  }

  /**
   * Delivers, in global order and one at a time (each handler awaited), every event of this log
   * from `position` on, then new ones as they are committed: a catch-up subscription to $all,
   * filtered on the server to our prefix. This is what the Kafka relay and the projections use,
   * `position` being their checkpoint (the last position they handled, plus one).
   */
  subscribeFrom(position: number, onEvent: (event: RecordedEvent) => Promise<void> | void): EventSubscription {
    const subscription = this.client.subscribeToAll({ fromPosition: this.resumeFrom(position), filter: this.filter() });
    let closing = false;
    const done = (async () => {
      try {
        for await (const { event } of subscription) {
          const stored = this.decode(event);
          if (stored && stored.event.globalPosition >= position) await onEvent(stored.event);
        }
      } catch (error) {
        if (closing) return;
        await subscription.unsubscribe();
        throw error;
      }
    })();
    return {
      done,
      close: async () => {
        closing = true;
        await subscription.unsubscribe();
        subscription.destroy();
        await done;
      },
    };
  }

  async findCommand(commandId: string): Promise<CommandRecord | null> {
    if (this.unrecorded?.commandId === commandId) return this.unrecorded;
    return this.readCommand(commandId);
  }

  async streamHeads(): Promise<StreamHead[]> {
    const streams = new Set<string>();
    for await (const e of this.scanAll(FORWARDS, START)) {
      const stored = this.decode(e);
      if (stored) streams.add(stored.event.streamId);
    }
    const heads = await Promise.all([...streams].sort().map((s) => this.streamHead(s)));
    return heads.filter((h): h is StreamHead => h !== null);
  }

  async streamHead(streamId: string): Promise<StreamHead | null> {
    const [last] = await this.readStored(this.stream(streamId), { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return last ? { streamId, version: last.event.streamVersion, hash: last.event.hash } : null;
  }

  async close(): Promise<void> {
    await this.tail;
    this.waiters.close();
    await this.client.dispose();
  }

  private stream(streamId: string): string {
    return `${this.prefix}${streamId}`;
  }

  private commandStream(commandId: string): string {
    return `${this.prefix}${COMMAND_STREAM}${commandId}`;
  }

  private filter() {
    return this.prefix ? streamNameFilter({ prefixes: [this.prefix] }) : excludeSystemEvents();
  }

  private async readEvents(stream: string, options: ReadStreamOptions): Promise<EsdbEvent[]> {
    const events: EsdbEvent[] = [];
    try {
      for await (const { event } of this.client.readStream(stream, options)) if (event) events.push(event);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  private async readStored(stream: string, options: ReadStreamOptions): Promise<Stored[]> {
    return (await this.readEvents(stream, options)).map((e) => this.decode(e)).filter((s): s is Stored => s !== null);
  }

  private async readCommand(commandId: string): Promise<CommandRecord | null> {
    const [record] = await this.readEvents(this.commandStream(commandId), { maxCount: 1 });
    return record ? (record.data as unknown as CommandRecord) : null;
  }

  /** One of our events, or null for anything else in $all (system events, other prefixes, command records). */
  private decode(e: EsdbEvent | undefined): Stored | null {
    if (!e?.isJson || !e.streamId.startsWith(this.prefix)) return null;
    const { loanflow: ledger, ...metadata } = (e.metadata ?? {}) as unknown as StoredMetadata;
    if (typeof ledger?.globalPosition !== 'number') return null;
    const event: RecordedEvent = {
      eventId: e.id,
      streamId: e.streamId.slice(this.prefix.length),
      streamVersion: Number(e.revision),
      globalPosition: ledger.globalPosition,
      type: e.type,
      schemaVersion: ledger.schemaVersion,
      data: e.data as Record<string, unknown>,
      metadata,
      prevHash: ledger.prevHash,
      hash: ledger.hash,
    };
    const command: CommandRecord = {
      commandId: metadata.commandId,
      streamId: event.streamId,
      fingerprint: ledger.fingerprint,
      firstVersion: ledger.firstVersion,
      lastVersion: event.streamVersion,
      lastPosition: event.globalPosition,
    };
    return { event, command, esdb: e.position };
  }

  /** Every event of $all from `from` in `direction`, read a page at a time. */
  private async *scanAll(direction: Direction, from: ReadPosition): AsyncGenerator<AllStreamRecordedEvent> {
    let fromPosition = from;
    for (let previous: Position | undefined; ;) {
      const page: AllStreamRecordedEvent[] = [];
      let count = 0;
      for await (const { event } of this.client.readAll({ fromPosition, direction, maxCount: PAGE })) {
        count++;
        if (event) page.push(event);
      }
      // A page may start with the event the previous one ended on.
      for (const e of page) if (!previous || !same(e.position, previous)) yield e;
      if (count < PAGE || page.length === 0) return;
      previous = page[page.length - 1].position;
      fromPosition = previous;
    }
  }

  /** Our newest event, reading $all backwards only down to the newest record the previous call saw. */
  private async newest(): Promise<Stored | null> {
    const seen = this.top;
    let newest = seen?.newest ?? null;
    let top: Position | undefined;
    for await (const e of this.scanAll(BACKWARDS, END)) {
      top ??= e.position;
      if (seen && !after(e.position, seen.esdb)) break;
      const stored = this.decode(e);
      if (stored) {
        newest = stored;
        break;
      }
    }
    if (top) this.top = { esdb: top, newest };
    return newest;
  }

  private resumeFrom(position: number): ReadPosition {
    let best: [number, Position] | undefined;
    for (const point of this.resumePoints) if (point[0] <= position && (!best || point[0] > best[0])) best = point;
    return best?.[1] ?? START;
  }

  private remember(position: number, esdb: Position): void {
    this.resumePoints.set(position, esdb);
    if (this.resumePoints.size > RESUME_POINTS) {
      const [oldest] = this.resumePoints.keys();
      this.resumePoints.delete(oldest);
    }
  }
}

/** Connects to EventStoreDB/KurrentDB (`esdb://host:2113?tls=false`) and finds where the log stands. */
export async function openEventStoreDb(url: string, options: EventStoreDbOptions = {}): Promise<EventStoreDbEventStore> {
  const store = new EventStoreDbEventStore(EventStoreDBClient.connectionString(url), options);
  try {
    await store.sync();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

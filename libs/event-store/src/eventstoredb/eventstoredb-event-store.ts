import { Clock } from '../clock';
import {
  AccessDeniedError,
  AppendConsistencyViolationError,
  BACKWARDS,
  DeadlineExceededError,
  END,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  NotLeaderError,
  START,
  STREAM_STATE,
  StreamNotFoundError,
  streamNameFilter,
  UnavailableError,
  UnsupportedError,
} from '@kurrent/kurrentdb-client';
import type {
  AllStreamRecordedEvent,
  AppendRecordInput,
  ConsistencyCheck,
  ConsistencyViolation,
  Direction,
  Position,
  ReadPosition,
  ReadStreamOptions,
  RecordedEvent as KurrentEvent,
} from '@kurrent/kurrentdb-client';
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  AppendOptions,
  AppendResult,
  CommandIdReused,
  CommandRecord,
  EventStore,
  EventToAppend,
  ExpectedVersion,
  RecordedEvent,
  StreamAppend,
  StreamHead,
  WrongExpectedVersion,
} from '../event-store.port';
import { AppendWaiters } from '../append-waiters';
import { planBatch } from '../append-batch';

/** The part of the client this adapter uses: a fake of it is all a unit spec needs. */
export type KurrentClient = Pick<KurrentDBClient, 'appendRecords' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

/**
 * The right to be the log's one writer. `PostgresLease` (libs/storage) is one: a session advisory
 * lock in the read models' PostgreSQL, passed on the moment its holder's connection ends.
 */
export interface WriterLease {
  /** Tries once; true when this process now holds the lease (or already did). */
  acquire(): Promise<boolean>;
  /** False once the lease is known to be lost. */
  readonly held: boolean;
  release(): Promise<void>;
}

export interface EventStoreDbOptions {
  clock: Clock;
  /** Namespaces every stream name: port stream `loan-1` is stored as `${prefix}loan-1`. */
  prefix?: string;
  /**
   * The writer lease. Without one this process takes the writer role whenever it needs it: only
   * the fence then stops an earlier writer, and two processes would take the role from each other.
   */
  lease?: WriterLease;
  /**
   * False opens the log to read only (verify, audit): no check of the server's append API, no
   * lease, no epoch, and every append refused. Default true.
   */
  writes?: boolean;
  /** How messages name the server: its URL without a password. */
  server?: string;
}

/** Another process is the log's writer (it holds the writer lease, or wrote a newer epoch): answer 503 and retry later. */
export class LogWriterElsewhere extends Error {
  constructor(detail = 'another process holds the log writer lease') {
    super(`${detail}: this process writes nothing to the KurrentDB log until it holds the lease again`);
    this.name = 'LogWriterElsewhere';
  }
}

/** The server is older than KurrentDB 26.1: no appendRecords, so no append conditional on the streams a decision read. */
export class AppendRecordsUnsupported extends Error {
  constructor(readonly server: string) {
    super(
      `KurrentDB at ${server} does not offer appendRecords with consistency checks (26.1 or later): loanflow cannot make ` +
        'an act conditional on the records it was decided on there; upgrade the server, or run the log on PostgreSQL',
    );
    this.name = 'AppendRecordsUnsupported';
  }
}

/** The store was opened with `writes: false`. */
export class LogOpenedReadOnly extends Error {
  constructor() {
    super('this process opened the KurrentDB log to read only (writes: false): it appends nothing');
    this.name = 'LogOpenedReadOnly';
  }
}

/** What this adapter adds to an event's metadata, next to the port's metadata and recordedAt. */
interface Ledger {
  globalPosition: number;
  schemaVersion: number;
  prevHash: string;
  hash: string;
}

/** An event's envelope: the port's metadata with recordedAt, and the ledger (absent on anything not ours). */
type StoredMetadata = RecordedEvent['metadata'] & { loanflow?: Ledger };

interface Stored {
  event: RecordedEvent;
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
/** `${prefix}${WRITER_STREAM}` holds one epoch event per taking over of the writer role: the fence. */
const WRITER_STREAM = '_writer';
/** The metadata property holding an event's envelope, as one JSON string (appendRecords takes string properties only). */
const ENVELOPE = 'loanflow';
/** Name-based (v5) event ids are drawn from this adapter's own namespace. */
const ID_NAMESPACE = 'f84691d5-8c84-449b-9920-3556353e2729';
/** $all is read in bounded pages: each read runs to its end, none is left open half read. */
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
const isReserved = (streamId: string) => streamId === WRITER_STREAM || streamId.startsWith(COMMAND_STREAM);
const stateOf = (version: number) => (version === -1 ? NO_STREAM : BigInt(version));
/** A violation's actual state as a port version: -1 when the stream does not exist (or was deleted). */
const versionOf = (state: ConsistencyViolation['actualState']) => (state === NO_STREAM || state < 0n ? -1 : Number(state));

/**
 * The envelope of an event: written by this adapter through appendRecords, it is one JSON string
 * property; written by its 6.x predecessor (appendToStream), it is the metadata itself.
 */
function envelopeOf(raw: unknown): StoredMetadata | null {
  if (!raw || typeof raw !== 'object' || raw instanceof Uint8Array || Array.isArray(raw)) return null;
  const properties = raw as Record<string, unknown>;
  const key = Object.keys(properties).find((k) => k.toLowerCase() === ENVELOPE);
  const value = key === undefined ? undefined : properties[key];
  if (typeof value !== 'string') return properties as unknown as StoredMetadata;
  try {
    return JSON.parse(value) as StoredMetadata;
  } catch {
    return null;
  }
}

/** No lease given: this process may always take the writer role, and only the fence stops an earlier writer. */
class OwnLease implements WriterLease {
  held = false;

  async acquire(): Promise<boolean> {
    return (this.held = true);
  }

  async release(): Promise<void> {
    this.held = false;
  }
}

/** What one consistency check of an append stands for, so a violation can be answered as the port says. */
type Checked = { kind: 'stream'; streamId: string; expected: ExpectedVersion } | { kind: 'command' } | { kind: 'fence' };

/**
 * The event log on KurrentDB 26.1 or later, one KurrentDB stream per port stream.
 *
 * Appends: one `appendRecords` request writes the stream's events, the events of its alongside
 * streams and the command's record (`_command-<commandId>`), all or nothing, under one
 * consistency check per stream: the stream and each alongside stream at the revision just read
 * (for 'any' too: prevHash is only right if the stream is still there), each stream the decision
 * read at the version it read (or absent), the command record absent, and the writer fence at
 * this process's epoch. A violated check writes nothing; it is answered as the port says
 * (WrongExpectedVersion naming the first stream that moved, the command's first answer, or
 * CommandIdReused), or, for the fence, LogWriterElsewhere.
 *
 * Global positions: the port wants 0-based, gapless positions across streams, which KurrentDB's
 * $all positions are not. So the adapter hands them out itself, in the order of planBatch
 * (the stream's events, then each alongside stream's), and stores each in its event's metadata.
 * Exactly one process may do so, enforced twice:
 * - the writer lease (a PostgreSQL advisory lock, `openStorage` gives it): a process appends only
 *   while it holds it; another process's appends throw LogWriterElsewhere;
 * - the fence: on taking the lease, before its first append, the process appends an epoch event
 *   to `${prefix}_writer`, then reads the next position from the newest of our events, and every
 *   append it makes checks `_writer` is still at its epoch. A process that lost the lease without
 *   noticing (its PostgreSQL connection dropped, it has not heard yet) fails that check as soon
 *   as the new holder has written its epoch, and the new holder read the log only after writing
 *   it, so no position is handed out twice. The fenced process releases its lease, forgets its
 *   next position and is not the writer until it acquires the lease again.
 * Within the process appends run one at a time (a promise chain).
 *
 * Idempotency: the command record is written in the append's own request, so a command with a
 * record has all its events and one without has none; a resend after a lost answer finds the
 * record (or fails its check) and gets the first answer. Event ids are v5 UUIDs of the prefix,
 * commandId, stream and index. After a request whose outcome is unknown (a timeout, a dropped
 * connection) the process writes a new epoch before its next append, as on taking over, so a
 * request the server still held cannot commit after positions were handed out again.
 *
 * Reading: $all is read in pages and filtered here (our events are those with our prefix and a
 * ledger; `_writer` and `_command-` streams are never log events). readAll remembers where in
 * $all its last answers ended, so a follower reading on sequentially does not rescan;
 * streamHeads() walks the whole of $all, which is fine for a log of this size. Reading $all needs
 * a user allowed to (by default, an admin). subscribeFrom() is filtered on the server. Events
 * written by the 6.x adapter (envelope as plain metadata) read as before.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly waiters: AppendWaiters;
  private readonly prefix: string;
  private readonly clock: () => Date;
  private readonly lease: WriterLease;
  private readonly writes: boolean;
  private readonly server: string;
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** Serialises appends: positions are handed out one append at a time. */
  private tail: Promise<unknown> = Promise.resolve();
  /** The next global position to hand out; undefined until synchronised with the server. */
  private next: number | undefined;
  /** The revision of this process's epoch event in `_writer` while it is the writer. */
  private fence: bigint | undefined;
  /** The newest $all position a head scan has looked at, and our newest event at or before it. */
  private top: { esdb: Position; newest: Stored | null } | null = null;
  /** Our position -> an $all position after which every event from that position on lies. */
  private readonly resumePoints = new Map<number, Position>();

  constructor(
    private readonly client: KurrentClient,
    options: EventStoreDbOptions,
  ) {
    this.prefix = options.prefix ?? '';
    this.clock = options.clock;
    this.lease = options.lease ?? new OwnLease();
    this.writes = options.writes ?? true;
    this.server = options.server ?? 'the configured server';
    this.waiters = new AppendWaiters(() => this.headPosition(), POLL_MS);
  }

  /**
   * Opening for writes: refuses a server without appendRecords, then tries to become the writer
   * (a process that does not get the lease stands by). Opening to read: finds the log's head.
   */
  async open(): Promise<void> {
    if (!this.writes) {
      await this.newest();
      return;
    }
    if (!(await this.offersAppendRecords())) throw new AppendRecordsUnsupported(this.server);
    await this.serially(async () => {
      try {
        await this.becomeWriter();
      } catch (error) {
        if (!(error instanceof LogWriterElsewhere)) throw error;
      }
    });
  }

  /** True when this process is the log's writer now (it holds the lease and its epoch is written). */
  get writing(): boolean {
    return this.fence !== undefined && this.lease.held;
  }

  /** Takes the next position from the newest of our events. */
  async sync(): Promise<number> {
    const newest = await this.newest();
    return (this.next = (newest?.event.globalPosition ?? -1) + 1);
  }

  async append(streamId: string, events: EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    const result = await this.serially(() => this.appendNow(streamId, events, options));
    if (!result.duplicate) this.waiters.notify(result.lastPosition);
    return result;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * An empty appendRecords request: a server without the method is told apart by the client
   * (UnsupportedError) before anything is sent; one with it refuses a request without records
   * (its AppendRecordsRequestValidator), so nothing is written either way.
   */
  private async offersAppendRecords(): Promise<boolean> {
    try {
      await this.client.appendRecords([], []);
      return true;
    } catch (error) {
      if (error instanceof UnsupportedError) return false;
      if (
        error instanceof UnavailableError ||
        error instanceof DeadlineExceededError ||
        error instanceof AccessDeniedError ||
        error instanceof NotLeaderError
      )
        throw error;
      return true;
    }
  }

  /** Returns the next position once this process is the writer; throws LogWriterElsewhere while another is. */
  private async becomeWriter(): Promise<number> {
    if (!this.writes) throw new LogOpenedReadOnly();
    if (this.fence !== undefined && !this.lease.held) this.fence = undefined;
    if (this.fence === undefined) {
      this.next = undefined;
      if (!(await this.lease.acquire())) throw new LogWriterElsewhere();
      this.fence = await this.writeEpoch();
    }
    return this.next ?? (await this.sync());
  }

  /** Appends this process's epoch to `_writer`, conditional on the epoch before it; its revision is the fence. */
  private async writeEpoch(): Promise<bigint> {
    const stream = this.stream(WRITER_STREAM);
    try {
      const [last] = await this.readEvents(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
      const expected = last ? last.revision : NO_STREAM;
      const epoch = jsonEvent({ id: randomUUID(), type: 'WriterEpoch', data: { holder: this.holder, at: this.clock().toISOString() } });
      const result = await this.client.appendRecords(
        [{ streamName: stream, record: epoch }],
        [{ type: STREAM_STATE, streamName: stream, expectedState: expected }],
      );
      return result.responses.find((r) => r.streamName === stream)?.revision ?? (last ? last.revision + 1n : 0n);
    } catch (error) {
      await this.lease.release();
      if (error instanceof UnsupportedError) throw new AppendRecordsUnsupported(this.server);
      if (error instanceof AppendConsistencyViolationError) throw new LogWriterElsewhere('another process wrote a writer epoch just now');
      throw error;
    }
  }

  /** Lost the writer role: forget the position and the lease, take them again (and re-read the log) before writing. */
  private async fenced(): Promise<void> {
    this.fence = undefined;
    this.next = undefined;
    await this.lease.release();
  }

  private async appendNow(streamId: string, events: EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    const { metadata, expectedVersion, fingerprint } = options;
    const writes: StreamAppend[] = [{ streamId, events, expectedVersion }, ...(options.alongside ?? [])];
    if (writes.some((w) => w.events.length === 0)) throw new Error('append needs at least one event per stream');
    if (new Set(writes.map((w) => w.streamId)).size !== writes.length) throw new Error('an append names each stream it writes once');
    for (const id of [...writes.map((w) => w.streamId), ...(options.readSet ?? []).map((r) => r.streamId)])
      if (isReserved(id)) throw new Error(`stream names ${WRITER_STREAM} and ${COMMAND_STREAM}… are the KurrentDB adapter's own`);

    const seen = await this.readCommand(metadata.commandId);
    if (seen) return this.replay(seen, fingerprint);
    const position = await this.becomeWriter();
    const fence = this.fence!;

    // The heads of the streams written: their versions are checked now and in the request, their hashes chain on.
    const heads = await Promise.all(writes.map((w) => this.streamHead(w.streamId)));
    const current = heads.map((h) => h?.version ?? -1);
    const written = new Set(writes.map((w) => w.streamId));
    // Streams only read are checked by the server, each once; a stream written is checked at the version just read.
    const readOnly = new Map<string, number>();
    for (const r of options.readSet ?? []) {
      if (written.has(r.streamId)) continue;
      const before = readOnly.get(r.streamId);
      if (before !== undefined && before !== r.version) {
        // Read at two versions: one of them is wrong whatever the stream holds.
        const actual = (await this.streamHead(r.streamId))?.version ?? -1;
        throw new WrongExpectedVersion(r.streamId, actual === before ? r.version : before, actual);
      }
      readOnly.set(r.streamId, r.version);
    }
    // Versions, positions and the hash chain exactly as the other adapters plan them; ids named, so a resend carries the same.
    const plan = planBatch(
      [{ streamId, events, options: { ...options, readSet: options.readSet?.filter((r) => written.has(r.streamId)) } }],
      {
        commands: new Map(),
        heads: new Map(heads.filter((h): h is StreamHead => h !== null).map((h) => [h.streamId, h])),
        nextPosition: position,
        recordedAt: this.clock().toISOString(),
      },
      (commandId, stream, i) => nameUuid(ID_NAMESPACE, `${this.prefix}${commandId}/${stream === streamId ? '' : `${stream}/`}${i}`),
    );
    const [outcome] = plan.outcomes;
    if ('refused' in outcome) throw outcome.refused;
    const { events: own, lastVersion } = (outcome as { result: AppendResult }).result;
    const [record] = plan.commands;
    const recorded = plan.events;

    const records: AppendRecordInput[] = recorded.map((e) => {
      const { globalPosition, schemaVersion, prevHash, hash } = e;
      const envelope: StoredMetadata = { ...e.metadata, loanflow: { globalPosition, schemaVersion, prevHash, hash } };
      return {
        streamName: this.stream(e.streamId),
        record: jsonEvent({ id: e.eventId, type: e.type, data: e.data, metadata: { [ENVELOPE]: JSON.stringify(envelope) } }),
      };
    });
    const commandStream = this.commandStream(record.commandId);
    records.push({
      streamName: commandStream,
      record: jsonEvent({
        id: nameUuid(ID_NAMESPACE, `${this.prefix}${record.commandId}/record`),
        type: 'CommandRecorded',
        data: { ...record },
      }),
    });
    const checked: Checked[] = [];
    const checks: ConsistencyCheck[] = [];
    const check = (streamName: string, expectedState: bigint | typeof NO_STREAM, what: Checked) => {
      checks.push({ type: STREAM_STATE, streamName, expectedState });
      checked.push(what);
    };
    writes.forEach((w, k) =>
      check(this.stream(w.streamId), stateOf(current[k]), { kind: 'stream', streamId: w.streamId, expected: w.expectedVersion }),
    );
    for (const [id, version] of readOnly) check(this.stream(id), stateOf(version), { kind: 'stream', streamId: id, expected: version });
    check(commandStream, NO_STREAM, { kind: 'command' });
    check(this.stream(WRITER_STREAM), fence, { kind: 'fence' });
    const names = new Map<string, string>();
    for (const { streamName } of checks) {
      const other = names.get(streamName.toLowerCase());
      if (other !== undefined) throw new Error(`KurrentDB takes the stream names ${other} and ${streamName} of one append for one stream`);
      names.set(streamName.toLowerCase(), streamName);
    }

    try {
      await this.client.appendRecords(records, checks);
    } catch (error) {
      if (error instanceof AppendConsistencyViolationError) return this.refused(error, checks, checked, record, fingerprint);
      if (error instanceof UnsupportedError) {
        await this.fenced();
        throw new AppendRecordsUnsupported(this.server);
      }
      // Written or not, the server knows, and a request given up on may still commit later. So before
      // the next append: a new epoch (the late request, if it comes after it, fails the fence), then
      // the position read again (the late request, if it came before, is seen).
      this.fence = undefined;
      this.next = undefined;
      throw error;
    }
    this.next = record.lastPosition + 1;
    return { streamId, events: own, lastVersion, lastPosition: record.lastPosition, duplicate: false };
  }

  /** Nothing was written: answers for the check that failed (a known command, the fence, then the first stream in order). */
  private async refused(
    error: AppendConsistencyViolationError,
    checks: ConsistencyCheck[],
    checked: Checked[],
    record: CommandRecord,
    fingerprint: string | undefined,
  ): Promise<AppendResult> {
    const indexOf = (v: ConsistencyViolation) => {
      const exact = checks.findIndex((c) => c.streamName === v.streamName);
      return exact >= 0 ? exact : checks.findIndex((c) => c.streamName.toLowerCase() === v.streamName.toLowerCase());
    };
    const violated = error.violations
      .map((v) => ({ v, at: indexOf(v) }))
      .filter(({ at }) => at >= 0)
      .sort((a, b) => a.at - b.at);
    const kinds = new Set(violated.map(({ at }) => checked[at].kind));
    if (kinds.has('fence')) await this.fenced();
    if (kinds.has('command')) {
      const seen = await this.readCommand(record.commandId);
      if (seen) return this.replay(seen, fingerprint);
    }
    if (kinds.has('fence')) throw new LogWriterElsewhere('another process took over the writer role (it wrote a newer writer epoch)');
    for (const { v, at } of violated) {
      const what = checked[at];
      if (what.kind === 'stream') throw new WrongExpectedVersion(what.streamId, what.expected, versionOf(v.actualState));
    }
    throw error;
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

  /** Wakes on this process's appends at once; another process's (after a takeover) are polled for. */
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
    this.fence = undefined;
    await this.lease.release().catch(() => undefined);
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

  private async readEvents(stream: string, options: ReadStreamOptions): Promise<KurrentEvent[]> {
    const events: KurrentEvent[] = [];
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

  /** One of our events, or null for anything else in $all (system events, other prefixes, command records, epochs). */
  private decode(e: KurrentEvent | undefined): Stored | null {
    if (!e?.isJson || !e.streamId.startsWith(this.prefix)) return null;
    const streamId = e.streamId.slice(this.prefix.length);
    if (isReserved(streamId)) return null;
    const envelope = envelopeOf(e.metadata);
    const ledger = envelope?.loanflow;
    if (!envelope || typeof ledger?.globalPosition !== 'number') return null;
    const { loanflow: _, ...metadata } = envelope;
    const event: RecordedEvent = {
      eventId: e.id,
      streamId,
      streamVersion: Number(e.revision),
      globalPosition: ledger.globalPosition,
      type: e.type,
      schemaVersion: ledger.schemaVersion,
      data: e.data as Record<string, unknown>,
      metadata,
      prevHash: ledger.prevHash,
      hash: ledger.hash,
    };
    return { event, esdb: e.position };
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

/** The URL for messages: its password, if any, replaced. */
const withoutPassword = (url: string) => url.replace(/(\/\/[^:/@]+):[^@/]*@/, '$1:***@');

/** Opens the log through a client already made (a unit spec's fake, say): see `open()`. */
export async function openEventStoreDbClient(client: KurrentClient, options: EventStoreDbOptions): Promise<EventStoreDbEventStore> {
  const store = new EventStoreDbEventStore(client, options);
  try {
    await store.open();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/**
 * Connects to KurrentDB (`kurrentdb://host:2113?tls=false`; `esdb://` works, with a deprecation
 * warning from the client) and opens the log: for writes (the default) only on 26.1 or later,
 * taking the writer role if the lease is free; with `writes: false` on any version, to read.
 */
export async function openEventStoreDb(url: string, options: EventStoreDbOptions): Promise<EventStoreDbEventStore> {
  return openEventStoreDbClient(KurrentDBClient.connectionString(url), { server: withoutPassword(url), ...options });
}

import {
  AppendConsistencyViolationError,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  StreamNotFoundError,
  UnsupportedError,
} from '@kurrent/kurrentdb-client';
import type {
  AllStreamRecordedEvent,
  AppendRecordInput,
  AppendRecordsResult,
  ConsistencyCheck,
  ReadAllOptions,
  ReadStreamOptions,
} from '@kurrent/kurrentdb-client';
import { KurrentClient, WriterLease } from './eventstoredb-event-store';

/**
 * Test support for the KurrentDB adapter, outside the build like every *.spec-suite.ts.
 *
 * FakeKurrent is an in-memory stand-in for the few client calls the adapter makes (appendRecords
 * with stream-state checks, readStream, readAll, dispose), written from the client's types and
 * KurrentDB's documented behaviour. It tests the adapter's own logic only (its checks, its answers
 * to violations, positions, hashes, the fence): it says nothing about a real server, which only
 * the contract in eventstoredb-event-store.int.spec.ts (EVENTSTORE_URL) exercises.
 */
export class FakeKurrent {
  /** False plays a server older than 26.1: the client refuses appendRecords before sending anything. */
  appendRecordsSupported = true;
  /** Runs inside appendRecords before the checks: another writer's work landing just before this request. */
  beforeAppend: (() => void) | undefined;
  /** Every appendRecords request the server received (the refused ones too). */
  readonly requests: { records: AppendRecordInput[]; checks: ConsistencyCheck[] }[] = [];
  disposed = false;
  private readonly all: AllStreamRecordedEvent[] = [];
  private readonly streams = new Map<string, AllStreamRecordedEvent[]>();

  get client(): KurrentClient {
    return this as unknown as KurrentClient;
  }

  /** Every event of $all, oldest first. */
  get log(): readonly AllStreamRecordedEvent[] {
    return this.all;
  }

  async appendRecords(records: AppendRecordInput[], checks: ConsistencyCheck[] = []): Promise<AppendRecordsResult> {
    if (!this.appendRecordsSupported) throw new UnsupportedError('appendRecords', '26.1');
    for (const { record } of records) {
      const m = record.metadata;
      if (
        m != null &&
        (typeof m !== 'object' || m instanceof Uint8Array || Array.isArray(m) || Object.values(m).some((v) => typeof v !== 'string'))
      )
        throw new Error('appendRecords requires metadata to be a plain object with string keys and string values.');
    }
    this.requests.push({ records, checks });
    // The server's request validator, as the real client reports it (an UnknownError).
    if (records.length === 0) throw new Error('Append records request must contain at least one record.');
    const named = new Set<string>();
    for (const c of checks) {
      if (named.has(c.streamName.toLowerCase())) throw new Error('Each stream can only appear once in consistency checks.');
      named.add(c.streamName.toLowerCase());
    }
    this.beforeAppend?.();
    const violations = checks.flatMap((c, checkIndex) => {
      const actual = this.revision(c.streamName);
      const e = c.expectedState;
      const ok = e === 'any' ? true : e === NO_STREAM ? actual === -1n : e === 'stream_exists' ? actual >= 0n : actual === e;
      if (ok) return [];
      const expectedState = e === NO_STREAM ? '-1' : e === 'any' ? '-2' : e === 'stream_exists' ? '-4' : e.toString();
      return [{ checkIndex, streamState: { stream: c.streamName, expectedState, actualState: actual.toString() } }];
    });
    if (violations.length > 0) throw new AppendConsistencyViolationError(undefined as never, { violationsList: violations });
    for (const { streamName, record } of records)
      this.write(
        streamName,
        record.id,
        record.type,
        record.data,
        record.metadata === undefined ? undefined : structuredClone(record.metadata),
      );
    const written = [...new Set(records.map((r) => r.streamName))];
    return {
      position: BigInt(this.all.length),
      responses: written.map((streamName) => ({ streamName, revision: this.revision(streamName) })),
    };
  }

  /** Writes an event as it is, as another client (the 6.x adapter, another application) would have. */
  write(streamName: string, id: string, type: string, data: unknown, metadata: unknown): void {
    const events = this.streams.get(streamName) ?? [];
    const at = BigInt(this.all.length + 1) * 100n;
    const event = {
      streamId: streamName,
      id,
      isJson: true,
      revision: BigInt(events.length),
      type,
      created: new Date(),
      data: structuredClone(data),
      metadata,
      position: { commit: at, prepare: at },
    } as AllStreamRecordedEvent;
    events.push(event);
    this.streams.set(streamName, events);
    this.all.push(event);
  }

  readStream(
    streamName: string,
    { fromRevision = START, direction = 'forwards', maxCount = Number.MAX_SAFE_INTEGER }: ReadStreamOptions = {},
  ) {
    const stream = this.streams.get(streamName);
    const backwards = direction === BACKWARDS;
    return (async function* () {
      if (!stream) throw new StreamNotFoundError(undefined, streamName);
      const from =
        fromRevision === START
          ? backwards
            ? -1
            : 0
          : fromRevision === END
            ? backwards
              ? stream.length - 1
              : stream.length
            : Number(fromRevision);
      const picked = backwards ? stream.slice(0, from + 1).reverse() : stream.slice(from);
      for (const event of picked.slice(0, Number(maxCount))) yield { event: structuredClone(event) };
    })();
  }

  readAll({ fromPosition = START, direction = 'forwards', maxCount = Number.MAX_SAFE_INTEGER }: ReadAllOptions = {}) {
    const all = this.all;
    const backwards = direction === BACKWARDS;
    return (async function* () {
      let picked: AllStreamRecordedEvent[];
      if (fromPosition === START) picked = backwards ? [] : all;
      else if (fromPosition === END) picked = backwards ? [...all].reverse() : [];
      else {
        const { commit } = fromPosition;
        picked = backwards ? all.filter((e) => e.position.commit <= commit).reverse() : all.filter((e) => e.position.commit >= commit);
      }
      for (const event of picked.slice(0, Number(maxCount))) yield { event: structuredClone(event) };
    })();
  }

  subscribeToAll(): never {
    throw new Error('the fake KurrentDB client does not subscribe');
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  /** A stream's revision, -1 when it does not exist. */
  revision(streamName: string): bigint {
    return BigInt((this.streams.get(streamName)?.length ?? 0) - 1);
  }
}

/**
 * A writer lease held in memory, on a lock its leases share. `drop()` plays the lock passing on
 * (the holder's PostgreSQL connection ended) without the holder noticing: its `held` stays true.
 */
export class MemoryLock {
  holder: MemoryLease | null = null;

  lease(): MemoryLease {
    return new MemoryLease(this);
  }

  drop(): void {
    this.holder = null;
  }
}

export class MemoryLease implements WriterLease {
  held = false;

  constructor(private readonly lock: MemoryLock) {}

  async acquire(): Promise<boolean> {
    if (this.held) return true;
    if (this.lock.holder && this.lock.holder !== this) return false;
    this.lock.holder = this;
    return (this.held = true);
  }

  async release(): Promise<void> {
    if (this.lock.holder === this) this.lock.holder = null;
    this.held = false;
  }
}

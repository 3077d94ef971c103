import { systemClock } from '../clock';
import { AppendConsistencyViolationError, DeadlineExceededError } from '@kurrent/kurrentdb-client';
import { randomUUID } from 'node:crypto';
import { eventStoreContract, testEvent, testMetadata } from '../contract.spec-suite';
import { CommandIdReused, NO_STREAM, RecordedEvent } from '../event-store.port';
import { eventHash, GENESIS_HASH } from '../hash-chain';
import { verifyLog } from '../verify';
import {
  AppendRecordsUnsupported,
  EventStoreDbEventStore,
  LogOpenedReadOnly,
  LogWriterElsewhere,
  openEventStoreDbClient,
} from './eventstoredb-event-store';
import { FakeKurrent, MemoryLock } from './kurrent-fake.spec-suite';

/**
 * The KurrentDB adapter's own logic on a fake of the client calls it makes (FakeKurrent): the
 * checks it sends, how it answers a violated check, positions and hashes, the writer fence, and
 * refusing a server without appendRecords. The fake is no KurrentDB: whether a real server
 * behaves as the fake does is for the contract in eventstoredb-event-store.int.spec.ts
 * (EVENTSTORE_URL), which this spec does not replace.
 */
const meta = testMetadata;
const ev = testEvent;

eventStoreContract('eventstoredb adapter on a fake KurrentDB client', () =>
  openEventStoreDbClient(new FakeKurrent().client, { clock: systemClock, prefix: 'p-' }),
);

describe('KurrentDB adapter on a fake client', () => {
  let fake: FakeKurrent;
  let stores: EventStoreDbEventStore[];
  const open = async (options: Partial<Parameters<typeof openEventStoreDbClient>[1]> = {}) => {
    const store = await openEventStoreDbClient(fake.client, { clock: systemClock, prefix: 'p-', ...options });
    stores.push(store);
    return store;
  };
  beforeEach(() => {
    fake = new FakeKurrent();
    stores = [];
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
  });

  it('sends one request: the events, then the command record, each stream checked once, the fence last', async () => {
    const store = await open();
    await store.append('staff-1', [ev('PostAssigned')], { expectedVersion: NO_STREAM, metadata: meta() });
    await store.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() });
    const metadata = meta();
    const result = await store.append('loan-1', [ev('Act'), ev('Acted')], {
      expectedVersion: 'any',
      metadata,
      fingerprint: 'f',
      readSet: [
        { streamId: 'staff-1', version: 0 },
        { streamId: 'staff-9', version: NO_STREAM },
        { streamId: 'loan-1', version: 0 },
      ],
      alongside: [{ streamId: 'ledger-1', events: [ev('Booked')], expectedVersion: NO_STREAM }],
    });
    const { records, checks } = fake.requests[fake.requests.length - 1];
    expect(records.map((r) => [r.streamName, r.record.type])).toEqual([
      ['p-loan-1', 'Act'],
      ['p-loan-1', 'Acted'],
      ['p-ledger-1', 'Booked'],
      [`p-_command-${metadata.commandId}`, 'CommandRecorded'],
    ]);
    expect(checks.map((c) => [c.streamName, c.expectedState])).toEqual([
      ['p-loan-1', 0n],
      ['p-ledger-1', 'no_stream'],
      ['p-staff-1', 0n],
      ['p-staff-9', 'no_stream'],
      [`p-_command-${metadata.commandId}`, 'no_stream'],
      ['p-_writer', 0n],
    ]);
    // appendRecords takes string properties only: the envelope travels as one JSON string.
    for (const { record } of records.slice(0, 3))
      expect(Object.values(record.metadata as object).every((v) => typeof v === 'string')).toBe(true);
    expect(result.events.map((e) => [e.streamId, e.streamVersion, e.globalPosition])).toEqual([
      ['loan-1', 1, 2],
      ['loan-1', 2, 3],
    ]);
    expect(result.lastPosition).toBe(4);
    expect(await store.findCommand(metadata.commandId)).toEqual({
      commandId: metadata.commandId,
      streamId: 'loan-1',
      fingerprint: 'f',
      firstVersion: 1,
      lastVersion: 2,
      lastPosition: 4,
    });
    const [booked] = await store.readStream('ledger-1');
    expect(booked).toMatchObject({ globalPosition: 4, streamVersion: 0, prevHash: GENESIS_HASH });
    expect(await verifyLog(store)).toMatchObject({ valid: true, events: 5 });
    // The epoch and the command records are no log events.
    expect((await store.streamHeads()).map((h) => h.streamId)).toEqual(['ledger-1', 'loan-1', 'staff-1']);
  });

  it('names the first stream in check order whose check failed, with its actual version, and writes nothing', async () => {
    const store = await open();
    await store.append('staff-1', [ev('PostAssigned')], { expectedVersion: NO_STREAM, metadata: meta() });
    await store.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() });
    const before = fake.log.length;
    // Between the adapter's read and its request, both streams move (written by something else).
    fake.beforeAppend = () => {
      fake.beforeAppend = undefined;
      fake.write('p-loan-1', randomUUID(), 'Other', {}, undefined);
      fake.write('p-staff-1', randomUUID(), 'Other', {}, undefined);
    };
    await expect(
      store.append('loan-1', [ev('Act')], { expectedVersion: 0, metadata: meta(), readSet: [{ streamId: 'staff-1', version: 0 }] }),
    ).rejects.toMatchObject({ name: 'WrongExpectedVersion', streamId: 'loan-1', expected: 0, actual: 1 });
    expect(fake.log.length).toBe(before + 2);
    // A stream read as absent that now exists; one read at a version that no longer exists reports -1.
    fake.write('p-staff-2', randomUUID(), 'Other', {}, undefined);
    await expect(
      store.append('loan-2', [ev('Act')], {
        expectedVersion: NO_STREAM,
        metadata: meta(),
        readSet: [
          { streamId: 'staff-3', version: 0 },
          { streamId: 'staff-2', version: NO_STREAM },
        ],
      }),
    ).rejects.toMatchObject({ name: 'WrongExpectedVersion', streamId: 'staff-3', expected: 0, actual: -1 });
    expect(await store.readStream('loan-2')).toEqual([]);
  });

  it('refuses a read set that names a written stream at another version before sending anything', async () => {
    const store = await open();
    await store.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() });
    const sent = fake.requests.length;
    await expect(
      store.append('loan-1', [ev('B')], {
        expectedVersion: 'any',
        metadata: meta(),
        readSet: [{ streamId: 'loan-1', version: NO_STREAM }],
      }),
    ).rejects.toMatchObject({ streamId: 'loan-1', expected: -1, actual: 0 });
    expect(fake.requests.length).toBe(sent);
  });

  it('answers a command recorded between its lookup and its request as the port says: first answer, or CommandIdReused', async () => {
    const store = await open();
    const metadata = meta();
    const first = await store.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata, fingerprint: 'f' });
    // Hide the record from the lookup once, so the request itself meets it.
    const hideOnce = (s: EventStoreDbEventStore) => {
      const own = s as unknown as { readCommand(id: string): Promise<unknown> };
      const real = own.readCommand.bind(s);
      own.readCommand = async (id: string) => {
        own.readCommand = real;
        return null;
      };
    };
    hideOnce(store);
    const again = await store.append('loan-1', [ev('A')], { expectedVersion: 0, metadata, fingerprint: 'f' });
    expect(again).toEqual({ ...first, duplicate: true });
    hideOnce(store);
    await expect(store.append('loan-1', [ev('A')], { expectedVersion: 0, metadata, fingerprint: 'g' })).rejects.toBeInstanceOf(
      CommandIdReused,
    );
    expect(await store.headPosition()).toBe(0);
  });

  it('fences a writer that lost its lease: its next append fails, writes nothing, and it stands by until it holds the lease again', async () => {
    const lock = new MemoryLock();
    const a = await open({ lease: lock.lease() });
    expect(a.writing).toBe(true);
    await a.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() });

    // A's PostgreSQL connection drops; A has not noticed. B takes the lease and writes its epoch.
    lock.drop();
    const b = await open({ lease: lock.lease() });
    expect(b.writing).toBe(true);
    const fromB = await b.append('loan-2', [ev('B')], { expectedVersion: NO_STREAM, metadata: meta() });
    expect(fromB.lastPosition).toBe(1);

    const before = fake.log.length;
    await expect(a.append('loan-1', [ev('Late')], { expectedVersion: 0, metadata: meta() })).rejects.toBeInstanceOf(LogWriterElsewhere);
    expect(fake.log.length).toBe(before);
    expect(a.writing).toBe(false);
    // A released what it thought it held; B's lease stands, so A refuses without sending anything.
    const sent = fake.requests.length;
    await expect(a.append('loan-1', [ev('Late')], { expectedVersion: 0, metadata: meta() })).rejects.toBeInstanceOf(LogWriterElsewhere);
    expect(fake.requests.length).toBe(sent);

    // B stops; A takes over, writes a newer epoch, and continues the positions where B left them.
    await b.close();
    stores.splice(stores.indexOf(b), 1);
    const fromA = await a.append('loan-1', [ev('Again')], { expectedVersion: 0, metadata: meta() });
    expect(fromA.events.map((e) => [e.streamVersion, e.globalPosition])).toEqual([[1, 2]]);
    expect(fake.revision('p-_writer')).toBe(2n);
    expect(await verifyLog(a)).toMatchObject({ valid: true, events: 3 });
  });

  it('after a request with no answer, writes a new epoch before the next append, so the request cannot land late', async () => {
    const store = await open();
    await store.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() });
    // The next request reaches the server, but its answer never comes back, and the server still holds it.
    const real = fake.appendRecords.bind(fake);
    let held: Parameters<FakeKurrent['appendRecords']> | undefined;
    fake.appendRecords = async (records, checks) => {
      fake.appendRecords = real;
      held = [records, checks];
      throw new DeadlineExceededError();
    };
    await expect(store.append('loan-2', [ev('B')], { expectedVersion: NO_STREAM, metadata: meta() })).rejects.toBeInstanceOf(
      DeadlineExceededError,
    );
    const next = await store.append('loan-3', [ev('C')], { expectedVersion: NO_STREAM, metadata: meta() });
    expect(next.lastPosition).toBe(1);
    expect(fake.revision('p-_writer')).toBe(1n);
    // The held request commits now: it names the old epoch, so it fails and position 1 stays loan-3's.
    await expect(real(...held!)).rejects.toBeInstanceOf(AppendConsistencyViolationError);
    expect(await verifyLog(store)).toMatchObject({ valid: true, events: 2 });
  });

  it('stands by when another process holds the lease at open, and takes over once it is free', async () => {
    const lock = new MemoryLock();
    const a = await open({ lease: lock.lease() });
    const b = await open({ lease: lock.lease() });
    expect([a.writing, b.writing]).toEqual([true, false]);
    await expect(b.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() })).rejects.toThrow(
      /another process holds the log writer lease/,
    );
    await a.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() });
    await a.close();
    stores.splice(stores.indexOf(a), 1);
    const taken = await b.append('loan-1', [ev('B')], { expectedVersion: 0, metadata: meta() });
    expect(taken.lastPosition).toBe(1);
  });

  it('refuses to open for writes on a server without appendRecords, naming the server, and reads there with writes: false', async () => {
    fake.appendRecordsSupported = false;
    // A log the 6.x adapter wrote: the envelope is the metadata itself.
    const legacy: RecordedEvent[] = [];
    for (const [i, streamId] of ['loan-1', 'loan-1', 'loan-2'].entries()) {
      const previous = [...legacy].reverse().find((e) => e.streamId === streamId);
      const base = {
        eventId: randomUUID(),
        streamId,
        streamVersion: previous ? previous.streamVersion + 1 : 0,
        type: 'LoanApplied',
        schemaVersion: 1,
        data: { n: i },
        metadata: { ...meta(), recordedAt: '2026-03-01T08:00:01.000Z' },
        prevHash: previous?.hash ?? GENESIS_HASH,
      };
      const event = { ...base, globalPosition: i, hash: eventHash(base) };
      legacy.push(event);
      const { globalPosition, schemaVersion, prevHash, hash } = event;
      fake.write(`p-${streamId}`, event.eventId, event.type, event.data, {
        ...event.metadata,
        loanflow: { globalPosition, schemaVersion, prevHash, hash, fingerprint: null, firstVersion: event.streamVersion },
      });
    }

    await expect(
      openEventStoreDbClient(fake.client, { clock: systemClock, prefix: 'p-', server: 'kurrentdb://kurrent:2113?tls=false' }),
    ).rejects.toThrow(new AppendRecordsUnsupported('kurrentdb://kurrent:2113?tls=false').message);
    expect(fake.disposed).toBe(true);
    expect(new AppendRecordsUnsupported('kurrentdb://kurrent:2113').message).toMatch(
      /^KurrentDB at kurrentdb:\/\/kurrent:2113 does not offer appendRecords with consistency checks \(26\.1 or later\)/,
    );

    const reader = await open({ writes: false });
    expect(await verifyLog(reader)).toMatchObject({ valid: true, events: 3 });
    expect(await reader.readStream('loan-1')).toEqual(legacy.slice(0, 2));
    expect(await reader.headPosition()).toBe(2);
    await expect(reader.append('loan-3', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() })).rejects.toBeInstanceOf(
      LogOpenedReadOnly,
    );
    expect(fake.requests).toEqual([]);
  });

  it('continues a log the 6.x adapter wrote: positions and hash chains go on', async () => {
    const base = {
      eventId: randomUUID(),
      streamId: 'loan-1',
      streamVersion: 0,
      type: 'LoanApplied',
      schemaVersion: 1,
      data: {},
      metadata: { ...meta(), recordedAt: '2026-03-01T08:00:01.000Z' },
      prevHash: GENESIS_HASH,
    };
    const old = { ...base, globalPosition: 0, hash: eventHash(base) };
    fake.write('p-loan-1', old.eventId, old.type, old.data, {
      ...old.metadata,
      loanflow: { globalPosition: 0, schemaVersion: 1, prevHash: GENESIS_HASH, hash: old.hash, fingerprint: null, firstVersion: 0 },
    });
    const store = await open();
    const next = await store.append('loan-1', [ev('B')], { expectedVersion: 0, metadata: meta() });
    expect(next.events[0]).toMatchObject({ streamVersion: 1, globalPosition: 1, prevHash: old.hash });
    expect(await verifyLog(store)).toMatchObject({ valid: true, events: 2 });
  });

  it("keeps the adapter's own stream names out of the port", async () => {
    const store = await open();
    await expect(store.append('_writer', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() })).rejects.toThrow(/adapter's own/);
    await expect(
      store.append('loan-1', [ev('A')], {
        expectedVersion: NO_STREAM,
        metadata: meta(),
        readSet: [{ streamId: '_command-x', version: 0 }],
      }),
    ).rejects.toThrow(/adapter's own/);
    await expect(
      store.append('loan-A', [ev('A')], {
        expectedVersion: NO_STREAM,
        metadata: meta(),
        alongside: [{ streamId: 'LOAN-a', events: [ev('B')], expectedVersion: NO_STREAM }],
      }),
    ).rejects.toThrow(/for one stream/);
    expect(await store.headPosition()).toBe(-1);
  });

  it('maps a violation reported for a deleted stream to -1', async () => {
    const store = await open();
    await store.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() });
    const real = fake.appendRecords.bind(fake);
    fake.appendRecords = async (records, checks) => {
      if (checks?.some((c) => c.streamName === 'p-staff-1')) {
        throw new AppendConsistencyViolationError(undefined as never, {
          violationsList: [{ checkIndex: 0, streamState: { stream: 'p-staff-1', expectedState: '0', actualState: '-5' } }],
        });
      }
      return real(records, checks);
    };
    await expect(
      store.append('loan-1', [ev('B')], { expectedVersion: 0, metadata: meta(), readSet: [{ streamId: 'staff-1', version: 0 }] }),
    ).rejects.toMatchObject({ name: 'WrongExpectedVersion', streamId: 'staff-1', expected: 0, actual: -1 });
  });
});

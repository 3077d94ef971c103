import { randomUUID } from 'node:crypto';
import { AppendOptions, CommandIdReused, EventStore, EventToAppend, NO_STREAM, WrongExpectedVersion } from './event-store.port';
import { GENESIS_HASH, verifyStream } from './hash-chain';
import { verifyLog } from './verify';

/** An append's metadata for a spec: a new command and correlation each time, unless given. */
export const testMetadata = (overrides: Partial<AppendOptions['metadata']> = {}): AppendOptions['metadata'] => ({
  actorId: 'ana',
  commandId: randomUUID(),
  correlationId: randomUUID(),
  causationId: null,
  occurredAt: '2026-03-01T08:00:00.000Z',
  ...overrides,
});

export const testEvent = (type: string, data: Record<string, unknown> = {}): EventToAppend => ({ type, data });

/**
 * The behaviour every EventStore adapter must show. An adapter's spec calls this with a factory
 * that returns a fresh, empty store; PostgreSQL and EventStoreDB run the very same cases.
 */
export function eventStoreContract(name: string, open: () => Promise<EventStore>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store?.close();
    });

    const meta = testMetadata;
    const ev = testEvent;

    it('appends to a new stream with gapless versions and positions', async () => {
      const a = await store.append('loan-1', [ev('A', { n: 1 }), ev('B', { n: 2 })], { expectedVersion: NO_STREAM, metadata: meta() });
      const b = await store.append('loan-2', [ev('C')], { expectedVersion: NO_STREAM, metadata: meta() });
      const c = await store.append('loan-1', [ev('D')], { expectedVersion: 1, metadata: meta() });
      expect(a.events.map((e) => [e.streamVersion, e.globalPosition])).toEqual([
        [0, 0],
        [1, 1],
      ]);
      expect(b.events.map((e) => [e.streamVersion, e.globalPosition])).toEqual([[0, 2]]);
      expect([c.lastVersion, c.lastPosition]).toEqual([2, 3]);
      expect((await store.readStream('loan-1')).map((e) => e.type)).toEqual(['A', 'B', 'D']);
      expect((await store.readStream('loan-1', 2)).map((e) => e.type)).toEqual(['D']);
      expect((await store.readAll(0, 100)).map((e) => e.globalPosition)).toEqual([0, 1, 2, 3]);
      expect((await store.readAll(1, 2)).map((e) => e.type)).toEqual(['B', 'C']);
      expect(await store.headPosition()).toBe(3);
    });

    it('keeps the envelope: ids, data, metadata with recordedAt, schema version', async () => {
      const metadata = meta({ causationId: 'cause-1' });
      const { events } = await store.append(
        'loan-1',
        [{ type: 'LoanApplied', data: { amount: 5_000_000, nested: { b: 1, a: [1, 2] } }, schemaVersion: 2 }],
        {
          expectedVersion: NO_STREAM,
          metadata,
        },
      );
      const [read] = await store.readStream('loan-1');
      expect(read).toEqual(events[0]);
      expect(read.eventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(read.schemaVersion).toBe(2);
      expect(read.data).toEqual({ amount: 5_000_000, nested: { b: 1, a: [1, 2] } });
      expect(read.metadata).toMatchObject(metadata);
      expect(Date.parse(read.metadata.recordedAt)).not.toBeNaN();
    });

    it('refuses a wrong expected version and appends nothing', async () => {
      await store.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() });
      await expect(store.append('loan-1', [ev('B')], { expectedVersion: NO_STREAM, metadata: meta() })).rejects.toBeInstanceOf(
        WrongExpectedVersion,
      );
      await expect(store.append('loan-1', [ev('B')], { expectedVersion: 5, metadata: meta() })).rejects.toMatchObject({
        actual: 0,
      });
      await expect(store.append('loan-9', [ev('B')], { expectedVersion: 0, metadata: meta() })).rejects.toBeInstanceOf(
        WrongExpectedVersion,
      );
      expect(await store.headPosition()).toBe(0);
      await store.append('loan-1', [ev('B')], { expectedVersion: 'any', metadata: meta() });
      expect(await store.headPosition()).toBe(1);
    });

    it('treats a known commandId as a no-op returning the first result', async () => {
      const metadata = meta();
      const first = await store.append('loan-1', [ev('A'), ev('B')], { expectedVersion: NO_STREAM, metadata, fingerprint: 'f1' });
      const again = await store.append('loan-1', [ev('A'), ev('B')], { expectedVersion: NO_STREAM, metadata, fingerprint: 'f1' });
      expect(again.duplicate).toBe(true);
      expect(again.events).toEqual(first.events);
      expect([again.lastVersion, again.lastPosition]).toEqual([first.lastVersion, first.lastPosition]);
      expect(await store.headPosition()).toBe(1);
      expect(await store.findCommand(metadata.commandId)).toMatchObject({ streamId: 'loan-1', lastVersion: 1, fingerprint: 'f1' });
      await expect(store.append('loan-1', [ev('C')], { expectedVersion: 1, metadata, fingerprint: 'other' })).rejects.toBeInstanceOf(
        CommandIdReused,
      );
      expect(await store.findCommand('never-seen')).toBeNull();
    });

    it('chains hashes per stream and verifies the whole log', async () => {
      await store.append('loan-1', [ev('A', { x: 1 }), ev('B')], { expectedVersion: NO_STREAM, metadata: meta() });
      await store.append('loan-2', [ev('C')], { expectedVersion: NO_STREAM, metadata: meta() });
      await store.append('loan-1', [ev('D')], { expectedVersion: 1, metadata: meta() });
      const loan1 = await store.readStream('loan-1');
      expect(loan1[0].prevHash).toBe(GENESIS_HASH);
      expect(loan1[1].prevHash).toBe(loan1[0].hash);
      expect(loan1[2].prevHash).toBe(loan1[1].hash);
      expect((await store.readStream('loan-2'))[0].prevHash).toBe(GENESIS_HASH);
      expect(verifyStream(loan1)).toMatchObject({ valid: true, events: 3 });
      expect(await verifyLog(store)).toMatchObject({ valid: true, events: 4, breaks: [] });
      expect(await store.streamHeads()).toEqual([
        { streamId: 'loan-1', version: 2, hash: loan1[2].hash },
        { streamId: 'loan-2', version: 0, hash: expect.any(String) },
      ]);
      expect(await store.streamHead('loan-1')).toEqual({ streamId: 'loan-1', version: 2, hash: loan1[2].hash });
      expect(await store.streamHead('loan-9')).toBeNull();
      expect(verifyStream(loan1.slice(0, 2), (await store.streamHead('loan-1'))!).breaks).toEqual([
        expect.objectContaining({ problem: 'head_mismatch', streamId: 'loan-1' }),
      ]);
      const forged = { ...loan1[1], data: { forged: true } };
      expect(verifyStream([loan1[0], forged, loan1[2]]).breaks).toEqual([
        expect.objectContaining({ problem: 'hash_mismatch', streamVersion: 1 }),
      ]);
    });

    it('serialises concurrent appends with the same expected version: exactly one wins', async () => {
      await store.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() });
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => store.append('loan-1', [ev('B')], { expectedVersion: 0, metadata: meta() })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof WrongExpectedVersion)).toHaveLength(9);
      expect((await store.readStream('loan-1')).length).toBe(2);
    });

    it('commits appends that arrive together in one batch, each with its own check and answer', async () => {
      await store.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() });
      const repeated = meta();
      const outcomes = await Promise.allSettled([
        store.append('loan-1', [ev('B')], { expectedVersion: 0, metadata: meta() }),
        store.append('loan-2', [ev('C')], { expectedVersion: 3, metadata: meta() }),
        store.append('loan-1', [ev('D')], { expectedVersion: 1, metadata: meta() }),
        store.append('loan-3', [ev('E'), ev('F')], { expectedVersion: NO_STREAM, metadata: repeated, fingerprint: 'e' }),
        store.append('loan-3', [ev('E'), ev('F')], { expectedVersion: NO_STREAM, metadata: repeated, fingerprint: 'e' }),
        store.append('loan-1', [ev('G')], { expectedVersion: 1, metadata: meta() }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
      const value = (i: number) => (outcomes[i] as PromiseFulfilledResult<Awaited<ReturnType<EventStore['append']>>>).value;
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ streamId: 'loan-2', actual: -1 });
      expect((outcomes[5] as PromiseRejectedResult).reason).toMatchObject({ streamId: 'loan-1', actual: 2 });
      expect([value(0).lastVersion, value(2).lastVersion]).toEqual([1, 2]);
      expect(value(4)).toEqual({ ...value(3), duplicate: true });
      expect((await store.readStream('loan-1')).map((e) => e.type)).toEqual(['A', 'B', 'D']);
      expect((await store.readAll(0, 100)).map((e) => e.globalPosition)).toEqual([0, 1, 2, 3, 4]);
      expect(await verifyLog(store)).toMatchObject({ valid: true, events: 5 });
    });

    it('appends only while every stream the decision read is still at the version it read', async () => {
      await store.append('staff-1', [ev('PostAssigned')], { expectedVersion: NO_STREAM, metadata: meta() });
      await store.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() });
      const act = (readSet: { streamId: string; version: number }[]) =>
        store.append('loan-1', [ev('Act')], { expectedVersion: 0, metadata: meta(), readSet });
      // Read before the post was revoked: the act is refused, naming the stream that moved, and nothing is written.
      await store.append('staff-1', [ev('PostRevoked')], { expectedVersion: 0, metadata: meta() });
      await expect(act([{ streamId: 'staff-1', version: 0 }])).rejects.toMatchObject({
        name: 'WrongExpectedVersion',
        streamId: 'staff-1',
        expected: 0,
        actual: 1,
      });
      // A stream read as absent must still be absent.
      await store.append('staff-2', [ev('StaffRegistered')], { expectedVersion: NO_STREAM, metadata: meta() });
      await expect(act([{ streamId: 'staff-2', version: NO_STREAM }])).rejects.toBeInstanceOf(WrongExpectedVersion);
      expect(await store.headPosition()).toBe(3);
      const done = await act([
        { streamId: 'staff-1', version: 1 },
        { streamId: 'staff-3', version: NO_STREAM },
      ]);
      expect([done.lastVersion, done.lastPosition]).toEqual([1, 4]);
    });

    it('checks a read set against the appends committed before it in the same batch', async () => {
      await store.append('staff-1', [ev('PostAssigned')], { expectedVersion: NO_STREAM, metadata: meta() });
      await store.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() });
      const [revoked, acted, other] = await Promise.allSettled([
        store.append('staff-1', [ev('PostRevoked')], { expectedVersion: 0, metadata: meta() }),
        store.append('loan-1', [ev('Act')], { expectedVersion: 0, metadata: meta(), readSet: [{ streamId: 'staff-1', version: 0 }] }),
        store.append('loan-2', [ev('Act')], {
          expectedVersion: NO_STREAM,
          metadata: meta(),
          readSet: [{ streamId: 'staff-1', version: 1 }],
        }),
      ]);
      expect([revoked.status, acted.status, other.status]).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((acted as PromiseRejectedResult).reason).toMatchObject({ streamId: 'staff-1', actual: 1 });
      expect((await store.readStream('loan-1')).map((e) => e.type)).toEqual(['A']);
    });

    it('writes the streams of one append together, or none of them', async () => {
      const firstMeta = meta();
      const reserve = (loanId: string, metadata = meta()) =>
        store.append(`borrower-${loanId}`, [ev('Registered', { id: loanId })], {
          expectedVersion: NO_STREAM,
          metadata,
          fingerprint: loanId,
          alongside: [{ streamId: 'identity-x', events: [ev('Reserved', { by: loanId })], expectedVersion: NO_STREAM }],
        });
      const first = await reserve('a', firstMeta);
      expect(first.events.map((e) => [e.streamId, e.streamVersion, e.globalPosition])).toEqual([['borrower-a', 0, 0]]);
      expect(first.lastPosition).toBe(1);
      const [reserved] = await store.readStream('identity-x');
      expect(reserved).toMatchObject({ globalPosition: 1, streamVersion: 0, prevHash: GENESIS_HASH, metadata: first.events[0].metadata });
      await expect(reserve('b')).rejects.toMatchObject({ name: 'WrongExpectedVersion', streamId: 'identity-x' });
      expect(await store.readStream('borrower-b')).toEqual([]);
      expect(await store.headPosition()).toBe(1);
      // The command again: its first answer, nothing written.
      const again = await reserve('a', firstMeta);
      expect(again).toEqual({ ...first, duplicate: true });
      await expect(
        store.append('loan-1', [ev('A')], {
          expectedVersion: NO_STREAM,
          metadata: meta(),
          alongside: [{ streamId: 'loan-1', events: [ev('B')], expectedVersion: NO_STREAM }],
        }),
      ).rejects.toThrow(/once/);
      expect(await verifyLog(store)).toMatchObject({ valid: true, events: 2 });
    });

    it('wakes a waiting reader when an event arrives, and times out when none does', async () => {
      expect(await store.waitForEvents(-1, 50)).toBe(false);
      const waiting = store.waitForEvents(-1, 5_000);
      await store.append('loan-1', [ev('A')], { expectedVersion: NO_STREAM, metadata: meta() });
      expect(await waiting).toBe(true);
      expect(await store.waitForEvents(-1, 10)).toBe(true);
      expect(await store.waitForEvents(0, 50)).toBe(false);
    });
  });
}

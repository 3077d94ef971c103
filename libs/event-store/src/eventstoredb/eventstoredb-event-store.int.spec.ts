import { systemClock } from '../clock';
import { randomUUID } from 'node:crypto';
import { eventStoreContract } from '../contract.spec-suite';
import { AppendOptions, NO_STREAM } from '../event-store.port';
import { verifyLog } from '../verify';
import { EventStoreDbEventStore, LogWriterElsewhere, openEventStoreDb } from './eventstoredb-event-store';
import { MemoryLock } from './kurrent-fake.spec-suite';

/**
 * The contract against a real KurrentDB 26.1 or later, e.g.
 * `docker run -p 2113:2113 docker.kurrent.io/kurrent-latest/kurrentdb:26.1 --insecure --run-projections=None` and
 * `EVENTSTORE_URL='kurrentdb://localhost:2113?tls=false'`. Each case gets a fresh prefix, so a fresh empty log.
 * Without a server the suite is reported as skipped, with its reason, never as passed.
 */
const url = process.env.EVENTSTORE_URL ?? '';
const title = url ? `KurrentDB at ${url}` : 'skipped: EVENTSTORE_URL is not set (no KurrentDB server here)';
if (!url) console.warn(`eventstoredb contract ${title}`);
let n = 0;
const freshPrefix = () => `t${Date.now()}-${n++}-`;

(url ? describe : describe.skip)(title, () => {
  eventStoreContract('eventstoredb', () => openEventStoreDb(url, { clock: systemClock, prefix: freshPrefix() }));

  describe('the writer fence', () => {
    const stores: EventStoreDbEventStore[] = [];
    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close();
    });
    const meta = (): AppendOptions['metadata'] => ({
      actorId: 'ana',
      commandId: randomUUID(),
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: '2026-03-01T08:00:00.000Z',
    });

    it('stops a writer that lost its lease: the one that took over wrote a newer epoch, so its next append fails and writes nothing', async () => {
      const prefix = freshPrefix();
      const lock = new MemoryLock();
      const first = await openEventStoreDb(url, { clock: systemClock, prefix, lease: lock.lease() });
      stores.push(first);
      await first.append('loan-1', [{ type: 'A', data: {} }], { expectedVersion: NO_STREAM, metadata: meta() });

      // The first process's lease passes on without it noticing (its PostgreSQL connection dropped); the second takes over.
      lock.drop();
      const second = await openEventStoreDb(url, { clock: systemClock, prefix, lease: lock.lease() });
      stores.push(second);
      expect(second.writing).toBe(true);
      const taken = await second.append('loan-2', [{ type: 'B', data: {} }], { expectedVersion: NO_STREAM, metadata: meta() });
      expect(taken.lastPosition).toBe(1);

      await expect(first.append('loan-1', [{ type: 'Late', data: {} }], { expectedVersion: 0, metadata: meta() })).rejects.toBeInstanceOf(
        LogWriterElsewhere,
      );
      expect(first.writing).toBe(false);
      expect((await second.readStream('loan-1')).map((e) => e.type)).toEqual(['A']);
      expect(await second.headPosition()).toBe(1);
      // While the second holds the lease, the first keeps refusing.
      await expect(first.append('loan-1', [{ type: 'Late', data: {} }], { expectedVersion: 0, metadata: meta() })).rejects.toBeInstanceOf(
        LogWriterElsewhere,
      );
      const next = await second.append('loan-1', [{ type: 'C', data: {} }], { expectedVersion: 0, metadata: meta() });
      expect(next.events.map((e) => [e.streamVersion, e.globalPosition])).toEqual([[1, 2]]);
      expect(await verifyLog(second)).toMatchObject({ valid: true, events: 3 });
    });
  });
});

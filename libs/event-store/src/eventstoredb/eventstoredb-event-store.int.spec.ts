import { eventStoreContract } from '../contract.spec-suite';
import { openEventStoreDb } from './eventstoredb-event-store';

/**
 * The contract against a real EventStoreDB/KurrentDB, e.g.
 * `docker run -p 2113:2113 eventstore/eventstore:24.10 --insecure --run-projections=None` and
 * `EVENTSTORE_URL='esdb://localhost:2113?tls=false'`. Each case gets a fresh prefix, so a fresh empty log.
 * Without a server the suite is reported as skipped, with its reason, never as passed.
 */
const url = process.env.EVENTSTORE_URL ?? '';
const title = url ? `EventStoreDB at ${url}` : 'skipped: EVENTSTORE_URL is not set (no KurrentDB server here)';
if (!url) console.warn(`eventstoredb contract ${title}`);
let n = 0;

(url ? describe : describe.skip)(title, () => {
  eventStoreContract('eventstoredb', () => openEventStoreDb(url, { prefix: `t${Date.now()}-${n++}-` }));
});

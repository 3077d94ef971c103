import { EventStore } from './event-store.port';
import { ChainVerdict, ChainVerifier } from './hash-chain';

/** Reads the whole log in batches and re-computes every stream's chain. */
export async function verifyLog(store: EventStore, batch = 5_000): Promise<ChainVerdict> {
  const verifier = new ChainVerifier('log');
  for (let from = 0; ;) {
    const events = await store.readAll(from, batch);
    events.forEach((e) => verifier.add(e));
    if (events.length < batch) break;
    from = events[events.length - 1].globalPosition + 1;
  }
  verifier.checkHeads(await store.streamHeads());
  return { valid: verifier.valid, events: verifier.count, breaks: verifier.breaks };
}

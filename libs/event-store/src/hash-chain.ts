import { createHash } from 'node:crypto';
import { RecordedEvent, StreamHead } from './event-store.port';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth and no white space: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * sha256(prevHash || canonical JSON of the event without its hash). The global position is
 * left out on purpose: it belongs to the store, so a log moved to another store keeps its hashes.
 */
export function eventHash(event: Omit<RecordedEvent, 'hash' | 'globalPosition'>): string {
  const { eventId, streamId, streamVersion, type, schemaVersion, data, metadata, prevHash } = event;
  const body = canonicalJson({ eventId, streamId, streamVersion, type, schemaVersion, data, metadata, prevHash });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

export type ChainProblem = 'hash_mismatch' | 'prev_hash_mismatch' | 'version_gap' | 'position_gap' | 'head_mismatch';

export interface ChainBreak {
  problem: ChainProblem;
  streamId: string;
  streamVersion: number;
  globalPosition: number | null;
  detail: string;
}

/**
 * Re-computes the chain over events fed in global order. Catches edited rows (hash), removed or
 * reordered rows (prevHash, version and position gaps) and removed tails (head mismatch).
 * Over the whole log positions must be consecutive; within one stream they need only increase.
 */
export class ChainVerifier {
  readonly breaks: ChainBreak[] = [];
  private readonly last = new Map<string, { version: number; hash: string }>();
  private lastPosition: number | null;
  count = 0;

  constructor(private readonly scope: 'log' | 'stream' = 'log') {
    this.lastPosition = scope === 'log' ? -1 : null;
  }

  add(e: RecordedEvent): void {
    this.count++;
    const report = (problem: ChainProblem, detail: string) =>
      this.breaks.push({ problem, streamId: e.streamId, streamVersion: e.streamVersion, globalPosition: e.globalPosition, detail });
    if (this.lastPosition !== null) {
      const ok = this.scope === 'log' ? e.globalPosition === this.lastPosition + 1 : e.globalPosition > this.lastPosition;
      if (!ok) report('position_gap', `global position ${e.globalPosition} follows ${this.lastPosition}`);
    }
    this.lastPosition = e.globalPosition;
    const previous = this.last.get(e.streamId) ?? { version: -1, hash: GENESIS_HASH };
    if (e.streamVersion !== previous.version + 1)
      report('version_gap', `expected version ${previous.version + 1}, found ${e.streamVersion}`);
    if (e.prevHash !== previous.hash) report('prev_hash_mismatch', 'prevHash does not match the hash of the event before it');
    if (eventHash(e) !== e.hash) report('hash_mismatch', 'content does not match its hash');
    this.last.set(e.streamId, { version: e.streamVersion, hash: e.hash });
  }

  /** Compares what was read with the heads the store recorded for each stream. */
  checkHeads(heads: Iterable<StreamHead>): void {
    for (const head of heads) {
      const seen = this.last.get(head.streamId);
      if (!seen || seen.version !== head.version || seen.hash !== head.hash)
        this.breaks.push({
          problem: 'head_mismatch',
          streamId: head.streamId,
          streamVersion: head.version,
          globalPosition: null,
          detail: `the store records version ${head.version} as the head, the log holds ${seen ? `up to ${seen.version}` : 'nothing'}`,
        });
    }
  }

  get valid(): boolean {
    return this.breaks.length === 0;
  }
}

export interface ChainVerdict {
  valid: boolean;
  events: number;
  breaks: ChainBreak[];
}

/** Verifies one stream read in version order: an auditor's view of a single loan. */
export function verifyStream(events: readonly RecordedEvent[], head?: StreamHead): ChainVerdict {
  const verifier = new ChainVerifier('stream');
  events.forEach((e) => verifier.add(e));
  if (head) verifier.checkHeads([head]);
  return { valid: verifier.valid, events: verifier.count, breaks: verifier.breaks };
}

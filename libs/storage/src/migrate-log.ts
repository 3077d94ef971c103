import { loadStorageConfig } from '@loanflow/config';
import { ChainVerdict, EventStore, LogCopy, systemClock, verifyLog } from '@loanflow/event-store';
import { existsSync } from 'node:fs';
import { openStorage, Storage } from './storage';

/** One end of a copy: a store opened as the app opens it, whose log can be copied out and in. */
type Endpoint = Storage & { eventStore: EventStore & LogCopy };

const canCopy = (storage: Storage): storage is Endpoint => 'importRecorded' in storage.eventStore && 'commandsIn' in storage.eventStore;

/** `sqlite:<path>` or a `postgres://` / `postgresql://` URL. */
export async function openEndpoint(spec: string, { mustExist }: { mustExist: boolean }): Promise<Endpoint> {
  let env: NodeJS.ProcessEnv;
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (!path) throw new Error('sqlite: needs a file path, as in sqlite:./data/loanflow.db');
    if (mustExist && !existsSync(path)) throw new Error(`no event log at ${path}`);
    env = { EVENT_STORE: 'sqlite', SQLITE_PATH: path };
  } else if (/^postgres(ql)?:\/\//.test(spec)) {
    env = { EVENT_STORE: 'postgres', DATABASE_URL: spec };
  } else {
    throw new Error(`cannot read "${spec}": use sqlite:<path> or postgres://user@host/database`);
  }
  const storage = await openStorage(loadStorageConfig(env), { clock: systemClock });
  if (canCopy(storage)) return storage;
  await storage.close();
  throw new Error(`the log at ${spec} cannot be copied`);
}

export interface MigrationReport {
  copied: number;
  resumedAt: number;
  denialsCopied: number;
  verdict: ChainVerdict;
  /** Empty when the target's stream heads and log head equal the source's. */
  differences: string[];
}

const BATCH = 2_000;

/**
 * Copies the whole log from one store to another, keeping event ids, stream versions, global
 * positions, times and hashes, with the command records that make appends idempotent and the
 * access-audit log. A target that already holds a prefix of the same log (an interrupted copy)
 * is continued; any other non-empty target is refused. Afterwards every chain of the target is
 * verified and its heads compared with the source's.
 */
export async function migrateLog(
  source: Endpoint,
  target: Endpoint,
  progress: (copied: number, head: number) => void = () => {},
): Promise<MigrationReport> {
  const sourceHead = await source.eventStore.headPosition();
  const targetHead = await target.eventStore.headPosition();
  if (targetHead >= 0) {
    const [mine] = await target.eventStore.readAll(targetHead, 1);
    const [theirs] = await source.eventStore.readAll(targetHead, 1);
    if (!theirs || theirs.eventId !== mine.eventId || theirs.hash !== mine.hash) {
      throw new Error(
        `the target already holds a different log (its event at position ${targetHead} is not the source's); use an empty target`,
      );
    }
  }
  let copied = 0;
  for (let from = targetHead + 1; from <= sourceHead;) {
    const events = await source.eventStore.readAll(from, BATCH);
    if (events.length === 0) break;
    const last = events[events.length - 1].globalPosition;
    await target.eventStore.importRecorded(events, await source.eventStore.commandsIn(from, last));
    copied += events.length;
    from = last + 1;
    progress(copied, sourceHead);
  }

  // Denials have no ids worth keeping, only their order: those already in the target are the source's first ones.
  let denialsCopied = 0;
  const [from, into] = [source.accessAudit, target.accessAudit];
  let skip = (await into.list({ limit: Number.MAX_SAFE_INTEGER })).length;
  for (let afterId = 0; ;) {
    const denials = await from.list({ afterId, limit: BATCH });
    for (const { id: _id, ...denial } of denials.slice(Math.min(skip, denials.length))) {
      await into.record(denial);
      denialsCopied++;
    }
    skip = Math.max(0, skip - denials.length);
    if (denials.length < BATCH) break;
    afterId = denials[denials.length - 1].id;
  }

  const verdict = await verifyLog(target.eventStore);
  const differences: string[] = [];
  const [sourceHeads, targetHeads] = await Promise.all([source.eventStore.streamHeads(), target.eventStore.streamHeads()]);
  const theirs = new Map(sourceHeads.map((h) => [h.streamId, h]));
  for (const h of targetHeads) {
    const s = theirs.get(h.streamId);
    if (!s) differences.push(`stream ${h.streamId} is not in the source`);
    else if (s.version !== h.version || s.hash !== h.hash)
      differences.push(`stream ${h.streamId} ends at v${h.version}, the source at v${s.version}`);
    theirs.delete(h.streamId);
  }
  for (const missing of theirs.keys()) differences.push(`stream ${missing} was not copied`);
  const head = await target.eventStore.headPosition();
  if (head !== sourceHead) differences.push(`the target's log ends at position ${head}, the source's at ${sourceHead}`);
  return { copied, resumedAt: targetHead + 1, denialsCopied, verdict, differences };
}

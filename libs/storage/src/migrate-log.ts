import { existsSync } from 'node:fs';
import {
  ChainVerdict,
  EventStore,
  LogCopy,
  openPostgres,
  openSqlite,
  PostgresEventStore,
  SqliteEventStore,
  verifyLog,
} from '@loanflow/event-store';
import { AccessAuditLog } from './access-audit';
import { openPostgresReadModels, openSqliteReadModels, ReadModelDb } from './read-model-db';

/** One end of a copy: the log and the access-audit log of one store. */
interface Endpoint {
  store: EventStore & LogCopy;
  readModels: ReadModelDb;
  close(): Promise<void>;
}

/** `sqlite:<path>` or a `postgres://` / `postgresql://` URL. */
export async function openEndpoint(spec: string, { mustExist }: { mustExist: boolean }): Promise<Endpoint> {
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (!path) throw new Error('sqlite: needs a file path, as in sqlite:./data/loanflow.db');
    if (mustExist && !existsSync(path)) throw new Error(`no event log at ${path}`);
    const store = new SqliteEventStore(openSqlite(path));
    const readModels = await openSqliteReadModels(openSqlite(path));
    return { store, readModels, close: async () => (await store.close(), await readModels.destroy()) };
  }
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const store = new PostgresEventStore(await openPostgres(spec));
    const readModels = await openPostgresReadModels(spec);
    return { store, readModels, close: async () => (await store.close(), await readModels.destroy()) };
  }
  throw new Error(`cannot read "${spec}": use sqlite:<path> or postgres://user@host/database`);
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
  const sourceHead = await source.store.headPosition();
  const targetHead = await target.store.headPosition();
  if (targetHead >= 0) {
    const [mine] = await target.store.readAll(targetHead, 1);
    const [theirs] = await source.store.readAll(targetHead, 1);
    if (!theirs || theirs.eventId !== mine.eventId || theirs.hash !== mine.hash) {
      throw new Error(
        `the target already holds a different log (its event at position ${targetHead} is not the source's); use an empty target`,
      );
    }
  }
  let copied = 0;
  for (let from = targetHead + 1; from <= sourceHead;) {
    const events = await source.store.readAll(from, BATCH);
    if (events.length === 0) break;
    const last = events[events.length - 1].globalPosition;
    await target.store.importRecorded(events, await source.store.commandsIn(from, last));
    copied += events.length;
    from = last + 1;
    progress(copied, sourceHead);
  }

  // Denials have no ids worth keeping, only their order: those already in the target are the source's first ones.
  let denialsCopied = 0;
  const from = new AccessAuditLog(source.readModels);
  const into = new AccessAuditLog(target.readModels);
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

  const verdict = await verifyLog(target.store);
  const differences: string[] = [];
  const [sourceHeads, targetHeads] = await Promise.all([source.store.streamHeads(), target.store.streamHeads()]);
  const theirs = new Map(sourceHeads.map((h) => [h.streamId, h]));
  for (const h of targetHeads) {
    const s = theirs.get(h.streamId);
    if (!s) differences.push(`stream ${h.streamId} is not in the source`);
    else if (s.version !== h.version || s.hash !== h.hash)
      differences.push(`stream ${h.streamId} ends at v${h.version}, the source at v${s.version}`);
    theirs.delete(h.streamId);
  }
  for (const missing of theirs.keys()) differences.push(`stream ${missing} was not copied`);
  const head = await target.store.headPosition();
  if (head !== sourceHead) differences.push(`the target's log ends at position ${head}, the source's at ${sourceHead}`);
  return { copied, resumedAt: targetHead + 1, denialsCopied, verdict, differences };
}

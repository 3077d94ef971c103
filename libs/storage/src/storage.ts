import { resolve } from 'node:path';
import { StorageConfig } from '@loanflow/config';
import { Clock, EventStore, openEventStoreDb, openPostgres, openSqlite, PostgresEventStore, SqliteEventStore } from '@loanflow/event-store';
import { AccessAuditLog } from './access-audit';
import { Checkpoints, FollowerFailures } from './checkpoints';
import { Lease, PostgresLease, ProcessLease } from './lease';
import { openPostgresReadModels, openSqliteReadModels, ReadModelDb } from './read-model-db';

/** The configured log and the read-model database beside it, opened and migrated. */
export interface Storage {
  eventStore: EventStore;
  readModels: ReadModelDb;
  accessAudit: AccessAuditLog;
  checkpoints: Checkpoints;
  /** Followers of the log stopped on an event: what readiness reports. */
  failures: FollowerFailures;
  /** A lease for the one active follower doing `job` on this log. */
  lease(job: string): Lease;
  /** Where the log is, for people: a path or a URL without its password. */
  describe: string;
  close(): Promise<void>;
}

const withoutPassword = (url: string) => {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
};

/**
 * Read models live in the log's own database when it is SQLite or PostgreSQL, and in PostgreSQL
 * (`READ_MODEL_URL`) when the log is EventStoreDB. `writes: false` opens a KurrentDB log to read
 * only (any server version, no writer lease); the other logs ignore it.
 */
export async function openStorage(config: StorageConfig, options: { clock: Clock; writes?: boolean }): Promise<Storage> {
  const storeOptions = { clock: options.clock, maxBatch: config.groupCommitMaxBatch };
  const readModelUrl =
    config.eventStore === 'postgres' ? config.databaseUrl : config.eventStore === 'eventstoredb' ? config.readModelUrl : undefined;
  const eventStore: EventStore =
    config.eventStore === 'postgres'
      ? new PostgresEventStore(await openPostgres(config.databaseUrl!), storeOptions)
      : config.eventStore === 'eventstoredb'
        ? await openEventStoreDb(config.eventStoreUrl!, {
            clock: options.clock,
            writes: options.writes,
            // One process writes the log at a time (it hands out the positions); the others' appends are refused until they hold this.
            lease: new PostgresLease(config.readModelUrl!, 'eventstoredb-writer'),
          })
        : new SqliteEventStore(openSqlite(config.sqlitePath), storeOptions);
  let readModels: ReadModelDb;
  try {
    readModels = readModelUrl ? await openPostgresReadModels(readModelUrl) : await openSqliteReadModels(openSqlite(config.sqlitePath));
  } catch (error) {
    await eventStore.close();
    throw error;
  }
  return {
    eventStore,
    readModels,
    describe:
      config.eventStore === 'postgres'
        ? `${withoutPassword(config.databaseUrl!)} (PostgreSQL)`
        : config.eventStore === 'eventstoredb'
          ? `${withoutPassword(config.eventStoreUrl!)} (KurrentDB), read models in ${withoutPassword(config.readModelUrl!)}`
          : `${resolve(config.sqlitePath)} (SQLite, WAL, synchronous=FULL)`,
    accessAudit: new AccessAuditLog(readModels),
    checkpoints: new Checkpoints(readModels),
    failures: new FollowerFailures(readModels),
    lease: (job) => (readModelUrl ? new PostgresLease(readModelUrl, job) : new ProcessLease()),
    close: async () => {
      await eventStore.close();
      await readModels.destroy();
    },
  };
}

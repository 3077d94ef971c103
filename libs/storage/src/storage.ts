import { resolve } from 'node:path';
import { embeddedSecret, StorageConfig } from '@loanflow/config';
import {
  Clock,
  EventStore,
  openEventStoreDb,
  openPostgres,
  openSqlite,
  PostgresEventStore,
  SqliteEventStore,
  startWalCheckpointer,
  WalCheckpointer,
} from '@loanflow/event-store';
import { AccessAuditLog } from './access-audit';
import { Checkpoints, FollowerFailures } from './checkpoints';
import { Lease, PostgresLease, ProcessLease } from './lease';
import { parsePersonalDataKey, PersonalDataStore, requirePersonalDataSealed } from './personal-data';
import { openPostgresReadModels, openSqliteReadModels, ReadModelDb } from './read-model-db';

/** The configured log and the read-model database beside it, opened and migrated. */
export interface Storage {
  eventStore: EventStore;
  readModels: ReadModelDb;
  accessAudit: AccessAuditLog;
  /** Borrowers' personal data, sealed out of the log. */
  personalData: PersonalDataStore;
  checkpoints: Checkpoints;
  /** Followers of the log stopped on an event: what readiness reports. */
  failures: FollowerFailures;
  /** A lease for the one active follower doing `job` on this log. */
  lease(job: string): Lease;
  /** The clock the stores were given: operational times (checkpoints, failures) come from it too. */
  clock: Clock;
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

/** The cooperative's personal-data key: configured, or the embedded default's own file; null for a server-backed log without one. */
function personalDataKeyOf(config: StorageConfig): Buffer | null {
  if (config.personalDataKey) return parsePersonalDataKey(config.personalDataKey);
  return config.eventStore === 'sqlite' ? parsePersonalDataKey(embeddedSecret(config.sqlitePath, 'personal-data-key').secret) : null;
}

/**
 * Read models live in the log's own database when it is SQLite or PostgreSQL, and in PostgreSQL
 * (`READ_MODEL_URL`) when the log is EventStoreDB. `writes: false` opens a KurrentDB log to read
 * only (any server version, no writer lease); the other logs ignore it. A log still holding
 * personal data in clear is refused unless `clearPersonalData: 'allow'` (the migration that seals it).
 */
export async function openStorage(
  config: StorageConfig,
  options: { clock: Clock; writes?: boolean; clearPersonalData?: 'refuse' | 'allow' },
): Promise<Storage> {
  const personalDataKey = personalDataKeyOf(config);
  const storeOptions = { clock: options.clock, maxBatch: config.groupCommitMaxBatch };
  const readModelUrl =
    config.eventStore === 'postgres' ? config.databaseUrl : config.eventStore === 'eventstoredb' ? config.readModelUrl : undefined;
  // The embedded log's connection: the WAL checkpointer takes its checkpoints, and the read models'.
  const logDb = config.eventStore === 'sqlite' ? openSqlite(config.sqlitePath) : null;
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
        : new SqliteEventStore(logDb!, storeOptions);
  let readModels: ReadModelDb | undefined;
  let checkpointer: WalCheckpointer | null = null;
  try {
    if (logDb) {
      const readModelDb = openSqlite(config.sqlitePath);
      readModels = await openSqliteReadModels(readModelDb);
      checkpointer = startWalCheckpointer(config.sqlitePath, [logDb, readModelDb]);
    } else readModels = await openPostgresReadModels(readModelUrl!);
    if (options.clearPersonalData !== 'allow') await requirePersonalDataSealed(eventStore, readModels);
  } catch (error) {
    await checkpointer?.stop();
    await readModels?.destroy();
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
    personalData: new PersonalDataStore(readModels, personalDataKey, options.clock),
    clock: options.clock,
    checkpoints: new Checkpoints(readModels, options.clock),
    failures: new FollowerFailures(readModels),
    lease: (job) => (readModelUrl ? new PostgresLease(readModelUrl, job) : new ProcessLease()),
    close: async () => {
      await checkpointer?.stop();
      await eventStore.close();
      await readModels!.destroy();
    },
  };
}

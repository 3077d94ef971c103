import type Database from 'better-sqlite3';
import { Generated, Kysely, sql, Migration, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool } from 'pg';

/**
 * The read-model database: every table a query answers from, written through Kysely so the
 * same code runs on the embedded SQLite file and on PostgreSQL. (The event store adapters keep
 * their own hand-written SQL; they are the only writers of the log.)
 */
export interface ReadModelTables {
  /** How far each follower of the log (the Kafka relay, projections) has got: the last position it finished. */
  checkpoints: {
    name: string;
    position: number;
    updated_at: string;
  };
  /** A follower of the log that stopped on an event it could not handle, until it handles it. */
  follower_failures: {
    name: string;
    position: number;
    event_type: string;
    error: string;
    failed_at: string;
  };
  access_audit: {
    id: Generated<number>;
    at: string;
    actor_id: string;
    action: string;
    resource_type: string;
    resource_id: string;
    rule_code: string;
    detail: string;
  };
  /** Each subject's data key, wrapped under the cooperative's key; null once erased. */
  personal_keys: {
    subject_id: string;
    wrapped_key: string | null;
    created_at: string;
    erased_at: string | null;
  };
  /** Personal data sealed under their subject's key, named by the reference the log keeps. */
  personal_records: {
    ref: string;
    subject_id: string;
    sealed: string;
    created_at: string;
  };
  /** Who read whose personal data, when and why. */
  personal_reads: {
    id: Generated<number>;
    at: string;
    actor_id: string;
    subject_id: string;
    purpose: string;
  };
  /** Facts about the log as a whole, e.g. that it holds no personal data in clear. */
  log_properties: {
    name: string;
    value: string;
  };
  /**
   * Records the seal-personal-data migration rewrote, by position and event id with their new
   * stream and hash: an auditor holding the old log matches the two. The old hashes and stream
   * names are not kept here: they were computed over the personal data in clear, so anyone could
   * test a guessed name or number against them.
   */
  log_rewrites: {
    global_position: number;
    event_id: string;
    stream_id: string;
    hash: string;
    reason: string;
  };
}

export type ReadModelDb = Kysely<ReadModelTables>;
export type ReadModelDialect = 'sqlite' | 'postgres';

/** Schema versions of the read models, applied in order by Kysely's migrator at start. */
const migrations = (dialect: ReadModelDialect): Record<string, Migration> => ({
  '0001_access_audit': {
    // The embedded log's first schema already made this table; `ifNotExists` adopts it as it is.
    up: async (db) => {
      await db.schema
        .createTable('access_audit')
        .ifNotExists()
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('rule_code', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('access_audit_resource').ifNotExists().on('access_audit').column('resource_id').execute();
    },
  },
  '0002_checkpoints': {
    up: async (db) => {
      await db.schema
        .createTable('checkpoints')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('position', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0003_follower_failures': {
    up: async (db) => {
      await db.schema
        .createTable('follower_failures')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('position', 'bigint', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('failed_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0004_personal_data': {
    up: async (db) => {
      await db.schema
        .createTable('personal_keys')
        .addColumn('subject_id', 'text', (c) => c.primaryKey())
        .addColumn('wrapped_key', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('erased_at', 'text')
        .execute();
      await db.schema
        .createTable('personal_records')
        .addColumn('ref', 'text', (c) => c.primaryKey())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('sealed', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('personal_records_subject').on('personal_records').column('subject_id').execute();
      await db.schema
        .createTable('personal_reads')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('personal_reads_subject').on('personal_reads').column('subject_id').execute();
      await db.schema
        .createTable('log_properties')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('log_rewrites')
        .addColumn('global_position', 'bigint', (c) => c.primaryKey())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('stream_id', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .execute();
    },
  },
});

export async function migrateReadModels(db: ReadModelDb, dialect: ReadModelDialect): Promise<void> {
  // Kysely looks for its bookkeeping tables in `public` unless told: name the schema the connection works in.
  const schema =
    dialect === 'postgres' ? (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0].schema : undefined;
  const migrator = new Migrator({
    db,
    ...(schema ? { migrationTableSchema: schema } : {}),
    provider: { getMigrations: async () => migrations(dialect) },
    migrationTableName: 'read_model_migrations',
    migrationLockTableName: 'read_model_migrations_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

const sqliteHandles = new WeakMap<ReadModelDb, Database.Database>();

/**
 * The SQLite handle under a read-model database, for bulk writers (the projection runner) that
 * write through prepared statements in one synchronous transaction; undefined on PostgreSQL.
 */
export function sqliteHandleOf(db: ReadModelDb): Database.Database | undefined {
  return sqliteHandles.get(db);
}

/** Read models on a SQLite handle of their own (never the event store's, whose transactions are synchronous). */
export async function openSqliteReadModels(database: Database.Database): Promise<ReadModelDb> {
  const db = new Kysely<ReadModelTables>({ dialect: new SqliteDialect({ database }) });
  await migrateReadModels(db, 'sqlite');
  sqliteHandles.set(db, database);
  return db;
}

export async function openPostgresReadModels(url: string): Promise<ReadModelDb> {
  const db = new Kysely<ReadModelTables>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: url, max: 10 }) }) });
  try {
    await migrateReadModels(db, 'postgres');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

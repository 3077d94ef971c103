import { Pool, PoolConfig } from 'pg';

/**
 * Schema versions of the log, applied in order at start. `event_store_migrations` records what
 * ran; an advisory lock makes concurrent starts (api replicas and a worker) apply each once.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE events (
     global_position BIGINT PRIMARY KEY,
     event_id        UUID NOT NULL UNIQUE,
     stream_id       TEXT NOT NULL,
     stream_version  INTEGER NOT NULL,
     type            TEXT NOT NULL,
     schema_version  INTEGER NOT NULL,
     -- json keeps the text as written (jsonb would reorder keys and refuse \\u0000); hashes use canonical JSON anyway
     data            JSON NOT NULL,
     metadata        JSON NOT NULL,
     prev_hash       TEXT NOT NULL,
     hash            TEXT NOT NULL,
     UNIQUE (stream_id, stream_version)
   );
   CREATE TABLE streams (
     stream_id TEXT PRIMARY KEY,
     version   INTEGER NOT NULL,
     hash      TEXT NOT NULL
   );
   CREATE TABLE commands (
     command_id    TEXT PRIMARY KEY,
     stream_id     TEXT NOT NULL,
     fingerprint   TEXT,
     first_version INTEGER NOT NULL,
     last_version  INTEGER NOT NULL,
     last_position BIGINT NOT NULL
   );
   CREATE INDEX commands_last_position ON commands (last_position);
   CREATE TABLE log_head (
     id       INTEGER PRIMARY KEY CHECK (id = 1),
     position BIGINT NOT NULL
   );
   INSERT INTO log_head (id, position) VALUES (1, -1);`,
];

/** Any number: every process that migrates this schema takes the same lock. */
const MIGRATION_LOCK = 7_310_001;

export async function migratePostgresLog(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS event_store_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ v: number }>('SELECT COALESCE(MAX(version), 0) AS v FROM event_store_migrations');
    for (let v = rows[0].v; v < MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v]);
      await client.query('INSERT INTO event_store_migrations (version) VALUES ($1)', [v + 1]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** A pool on `DATABASE_URL` with the log's schema in place. */
export async function openPostgres(url: string, config: PoolConfig = {}): Promise<Pool> {
  const pool = new Pool({ connectionString: url, max: 10, ...config });
  try {
    await migratePostgresLog(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}

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
  // One round trip for a batch whose streams' heads the writer already knows (it read them to
  // decide): under the head lock, check that every stream is where the writer assumed, that no
  // command id was seen and that the log's last recording time is not after the writer's, then
  // write it all, positions taken from the head. NULL when an assumption failed: the writer then
  // takes the full path, which reads and decides again.
  `CREATE FUNCTION loanflow_append(
     assumed_stream TEXT[], assumed_version INTEGER[], assumed_hash TEXT[], command_ids TEXT[],
     e_id UUID[], e_stream TEXT[], e_version INTEGER[], e_type TEXT[], e_schema INTEGER[], e_data JSON[], e_meta JSON[],
     e_prev TEXT[], e_hash TEXT[],
     h_stream TEXT[], h_version INTEGER[], h_hash TEXT[],
     c_id TEXT[], c_stream TEXT[], c_fingerprint TEXT[], c_first INTEGER[], c_last INTEGER[], c_offset BIGINT[],
     recorded_at TEXT
   ) RETURNS BIGINT LANGUAGE plpgsql AS $fn$
   DECLARE
     base BIGINT;
     last BIGINT;
     cur_version INTEGER;
     cur_hash TEXT;
     k INTEGER;
   BEGIN
     SELECT position + 1 INTO base FROM log_head WHERE id = 1 FOR UPDATE;
     -- One key lookup per stream and per command id: never a scan, whatever the planner knows of the tables.
     FOR k IN 1 .. coalesce(cardinality(assumed_stream), 0) LOOP
       SELECT version, hash INTO cur_version, cur_hash FROM streams WHERE stream_id = assumed_stream[k];
       IF coalesce(cur_version, -1) <> assumed_version[k] OR (assumed_hash[k] IS NOT NULL AND cur_hash IS DISTINCT FROM assumed_hash[k]) THEN
         RETURN NULL;
       END IF;
     END LOOP;
     FOR k IN 1 .. coalesce(cardinality(command_ids), 0) LOOP
       IF EXISTS (SELECT 1 FROM commands WHERE command_id = command_ids[k]) THEN
         RETURN NULL;
       END IF;
     END LOOP;
     -- Recording times never go backwards along the log (the writer took its time before the lock).
     IF EXISTS (SELECT 1 FROM events WHERE global_position = base - 1 AND metadata->>'recordedAt' > recorded_at) THEN
       RETURN NULL;
     END IF;
     last := base + cardinality(e_id) - 1;
     INSERT INTO events (global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, prev_hash, hash)
       SELECT base + n - 1, i, s, v, t, sv, d, m, p, h
       FROM unnest(e_id, e_stream, e_version, e_type, e_schema, e_data, e_meta, e_prev, e_hash) WITH ORDINALITY AS x(i, s, v, t, sv, d, m, p, h, n);
     INSERT INTO streams (stream_id, version, hash) SELECT * FROM unnest(h_stream, h_version, h_hash)
       ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, hash = excluded.hash;
     INSERT INTO commands (command_id, stream_id, fingerprint, first_version, last_version, last_position)
       SELECT i, s, f, a, b, base + o FROM unnest(c_id, c_stream, c_fingerprint, c_first, c_last, c_offset) AS x(i, s, f, a, b, o);
     UPDATE log_head SET position = last WHERE id = 1;
     PERFORM pg_notify('loanflow_events', last::text);
     RETURN base;
   END
   $fn$;`,
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

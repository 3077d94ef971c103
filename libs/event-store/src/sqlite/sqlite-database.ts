import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Schema versions, applied in order; `PRAGMA user_version` records the last one applied. */
const MIGRATIONS: string[] = [
  `CREATE TABLE events (
     global_position INTEGER PRIMARY KEY,
     event_id        TEXT NOT NULL UNIQUE,
     stream_id       TEXT NOT NULL,
     stream_version  INTEGER NOT NULL,
     type            TEXT NOT NULL,
     schema_version  INTEGER NOT NULL,
     data            TEXT NOT NULL,
     metadata        TEXT NOT NULL,
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
     last_position INTEGER NOT NULL
   );
   CREATE TABLE access_audit (
     id            INTEGER PRIMARY KEY AUTOINCREMENT,
     at            TEXT NOT NULL,
     actor_id      TEXT NOT NULL,
     action        TEXT NOT NULL,
     resource_type TEXT NOT NULL,
     resource_id   TEXT NOT NULL,
     rule_code     TEXT NOT NULL,
     detail        TEXT NOT NULL
   );
   CREATE INDEX access_audit_resource ON access_audit (resource_id);`,
];

/**
 * Opens (creating if needed) the embedded database: WAL so readers never block the writer,
 * synchronous=FULL so a commit that returned survives a power cut. The log holds personal data:
 * a directory made for it is its owner's alone (0700), and the file, its WAL and shared-memory
 * files are readable by their owner only (0600), whatever the umask.
 */
export function openSqlite(path: string): Database.Database {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, 'a', 0o600));
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const applied = db.pragma('user_version', { simple: true }) as number;
  db.transaction(() => {
    for (let v = applied; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
  // SQLite makes the WAL and shared-memory files with the database's permissions; a file made by an older version is narrowed here.
  if (path !== ':memory:') for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
  return db;
}

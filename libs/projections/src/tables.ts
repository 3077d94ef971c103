import type Database from 'better-sqlite3';
import { Kysely, sql, Transaction } from 'kysely';
import { ColumnType, Row, TableSpec } from './projection';

// Projection tables are named at run time, so they are written through an untyped Kysely.
export type AnyDb = Kysely<any> | Transaction<any>;

const SQL_TYPE: Record<ColumnType, string> = { text: 'text', integer: 'integer', bigint: 'bigint', json: 'text' };

export async function createTable(db: AnyDb, spec: TableSpec): Promise<void> {
  let create = db.schema.createTable(spec.name).ifNotExists();
  for (const [column, type] of Object.entries(spec.columns)) create = create.addColumn(column, sql.raw(SQL_TYPE[type as ColumnType]));
  await create.addPrimaryKeyConstraint(`${spec.name}_pk`, spec.primaryKey as any).execute();
}

/** Secondary indexes: a rebuild creates them once its rows are in, far cheaper than keeping them up to date row by row. */
export async function createIndexes(db: AnyDb, spec: TableSpec): Promise<void> {
  for (const columns of spec.indexes ?? [])
    await db.schema
      .createIndex(`${spec.name}_${columns.join('_')}`)
      .ifNotExists()
      .on(spec.name)
      .columns(columns)
      .execute();
}

export async function dropTable(db: AnyDb, spec: TableSpec): Promise<void> {
  await db.schema.dropTable(spec.name).ifExists().execute();
}

/** A row as the database stores it: JSON columns as text. */
export function toColumns(spec: TableSpec, row: Row): Row {
  const out: Row = {};
  for (const [column, type] of Object.entries(spec.columns)) {
    const value = row[column] ?? null;
    out[column] = type === 'json' && value !== null ? JSON.stringify(value) : value;
  }
  return out;
}

/** The columns whose stored value differs between two versions of a row (JSON columns compared as stored). */
export function changedColumns(spec: TableSpec, before: Row, after: Row): string[] {
  const changed: string[] = [];
  for (const [column, type] of Object.entries(spec.columns)) {
    const was = before[column] ?? null;
    const is = after[column] ?? null;
    if (was === is || (type === 'json' && was !== null && is !== null && JSON.stringify(was) === JSON.stringify(is))) continue;
    changed.push(column);
  }
  return changed;
}

/** A stored row as the projection wrote it: numbers as numbers (PostgreSQL returns bigint as text), JSON parsed. */
export function fromColumns(spec: TableSpec, stored: Row): Row {
  const out: Row = {};
  for (const [column, type] of Object.entries(spec.columns)) {
    const value = stored[column];
    out[column] =
      value === null || value === undefined
        ? null
        : type === 'json'
          ? JSON.parse(value as string)
          : type === 'integer' || type === 'bigint'
            ? Number(value)
            : value;
  }
  return out;
}

// SQLite allows 32,766 parameters in one statement; PostgreSQL 65,535.
const MAX_PARAMETERS = 30_000;

/** Writes rows (insert or replace by primary key) in as few statements as the parameter limit allows. */
export async function upsertRows(db: AnyDb, spec: TableSpec, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(spec.columns);
  const others = columns.filter((c) => !spec.primaryKey.includes(c));
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement).map((r) => toColumns(spec, r));
    let insert = db.insertInto(spec.name).values(chunk);
    insert = spec.appendOnly
      ? insert.onConflict((c) => c.columns(spec.primaryKey).doNothing())
      : insert.onConflict((c) =>
          others.length === 0
            ? c.columns(spec.primaryKey).doNothing()
            : c.columns(spec.primaryKey).doUpdateSet(Object.fromEntries(others.map((o) => [o, sql.ref(`excluded.${o}`)])) as any),
        );
    await insert.execute();
  }
}

/** The statement that writes one row by primary key, with named parameters (`@column`). */
export function upsertSql(spec: TableSpec): string {
  const columns = Object.keys(spec.columns);
  const others = columns.filter((c) => !spec.primaryKey.includes(c));
  const onConflict =
    spec.appendOnly || others.length === 0 ? 'do nothing' : `do update set ${others.map((c) => `"${c}" = excluded."${c}"`).join(', ')}`;
  return `insert into "${spec.name}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')}) on conflict (${spec.primaryKey.map((c) => `"${c}"`).join(', ')}) ${onConflict}`;
}

/**
 * The statement that sets only the named columns of one row by primary key (named parameters): an
 * index none of whose columns is named is left alone, where an upsert setting every column
 * rewrites every index of the table (4 µs a row against 24 on the loans list's seven indexes).
 */
export function updateSql(spec: TableSpec, columns: readonly string[]): string {
  return `update "${spec.name}" set ${columns.map((c) => `"${c}" = @${c}`).join(', ')} where ${spec.primaryKey.map((c) => `"${c}" = @${c}`).join(' and ')}`;
}

export function deleteSql(spec: TableSpec): string {
  return `delete from "${spec.name}" where ${spec.primaryKey.map((c) => `"${c}" = ?`).join(' and ')}`;
}

const prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** A prepared statement, prepared once per SQLite handle. */
export function statement(db: Database.Database, text: string): Database.Statement {
  let cache = prepared.get(db);
  if (!cache) prepared.set(db, (cache = new Map()));
  let stmt = cache.get(text);
  if (!stmt) cache.set(text, (stmt = db.prepare(text)));
  return stmt;
}

export async function deleteRows(db: AnyDb, spec: TableSpec, rows: Row[]): Promise<void> {
  for (const row of rows) {
    let remove = db.deleteFrom(spec.name);
    for (const column of spec.primaryKey) remove = remove.where(column, '=', row[column] as any);
    await remove.execute();
  }
}

/** A table's rows, or the first `limit` of them; or the one whose primary key has the values `key`. */
export async function readTable(db: AnyDb, spec: TableSpec, limit?: number, key?: unknown[]): Promise<Row[]> {
  let query = db.selectFrom(spec.name).selectAll();
  if (key) spec.primaryKey.forEach((column, i) => (query = query.where(column, '=', key[i] as any)));
  if (limit !== undefined) query = query.limit(limit);
  return (await query.execute()).map((r) => fromColumns(spec, r));
}

/** The statement that reads one row by primary key, with positional parameters. */
export function selectSql(spec: TableSpec): string {
  return `select * from "${spec.name}" where ${spec.primaryKey.map((c) => `"${c}" = ?`).join(' and ')}`;
}

import { RecordedEvent } from '@loanflow/event-store';

/** Column types every read-model database stores alike: money and positions are bigint, booleans 0/1. */
export type ColumnType = 'text' | 'integer' | 'bigint' | 'json';

export type Row = Record<string, unknown>;

/** A read-model table: its columns, primary key and indexes. The runner creates it from this. */
export interface TableSpec<R extends Row = Row> {
  name: string;
  columns: { [C in keyof R & string]: ColumnType };
  primaryKey: (keyof R & string)[];
  indexes?: (keyof R & string)[][];
  /** The row's key as the projection's `keys` names it. */
  keyOf(row: R): string;
  /**
   * Rows the projection reads back while it evolves are kept in memory by the one active runner;
   * an append-only table (each row written once) is not, and its `evolve` always gets null.
   */
  appendOnly?: boolean;
}

/** Reads other rows of the same projection, as they stand after every earlier event; and the cooperative's calendar. */
export interface Lookup {
  get<R extends Row>(table: string, key: string): R | null;
  /** The business date of an instant in the cooperative's time zone: never the instant's UTC date. */
  businessDate(instant: string): string;
}

/**
 * How one table follows the log: which rows an event touches, and the pure step from a row (or
 * nothing) and an event to the new row (or nothing, to delete it).
 */
export interface TableProjection<R extends Row = Row> {
  table: TableSpec<R>;
  keys(event: RecordedEvent, lookup: Lookup): readonly string[];
  evolve(row: R | null, event: RecordedEvent, key: string, lookup: Lookup): R | null;
}

/**
 * A projection: tables fed together from the log, with one checkpoint. Raising `version` (a new
 * column, a changed rule) makes every runner drop its tables and rebuild them from position 0.
 */
export interface Projection {
  name: string;
  version: number;
  /** Applied in this order for each event, so a later table may look up an earlier one's new row. */
  tables: TableProjection<any>[];
}

export const checkpointName = (p: Pick<Projection, 'name' | 'version'>) => `projection:${p.name}:v${p.version}`;

/** The data of an event with the fields every projection reads. */
export const dataOf = <T = Record<string, any>>(event: RecordedEvent) => event.data as T;

import { ReadModelDb } from '@loanflow/storage';
import { Kysely } from 'kysely';

/** Projection tables are named at run time: queries read them through an untyped Kysely. */
export const untyped = (db: ReadModelDb) => db as unknown as Kysely<any>;

/** A share as a fraction with six decimals; null when there is nothing to divide by. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1_000_000) / 1_000_000;
}

/** Sums and counts come back as text from PostgreSQL (bigint, numeric) and as numbers from SQLite. */
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

import { Projection } from '@loanflow/projections';
import { ReadModelDb } from '@loanflow/storage';
import { Kysely } from 'kysely';

/** Every row of every projection table, in primary-key order: two dumps compare equal when the tables are. */
export async function dumpReadModels(db: ReadModelDb, projections: readonly Projection[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const p of projections)
    for (const { table } of p.tables) {
      let q = (db as unknown as Kysely<any>).selectFrom(table.name).selectAll();
      for (const column of table.primaryKey) q = q.orderBy(column);
      out[table.name] = await q.execute();
    }
  return out;
}

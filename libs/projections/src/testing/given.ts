import { RecordedEvent } from '@loanflow/event-store';
import { Lookup, Projection, Row } from '../projection';

/**
 * The rows a projection holds after the events, folded as the runner folds them: for each event,
 * each table in order, each key; tables the runner keeps in memory are read back by `lookup` and
 * passed to `evolve`, append-only ones are not (evolve gets null, the first row written stays).
 */
export function given(projection: Projection, events: readonly RecordedEvent[]) {
  const stored = new Map<string, Map<string, Row>>();
  const kept = new Map<string, Map<string, Row>>();
  for (const { table } of projection.tables) {
    stored.set(table.name, new Map());
    if (!table.appendOnly) kept.set(table.name, stored.get(table.name)!);
  }
  const lookup: Lookup = {
    get: <R extends Row>(table: string, key: string) => {
      const rows = kept.get(table);
      if (!rows) throw new Error(`projection ${projection.name} keeps no table ${table} in memory`);
      return (rows.get(key) as R | undefined) ?? null;
    },
  };
  for (const event of events)
    for (const { table, keys, evolve } of projection.tables) {
      const rows = stored.get(table.name)!;
      for (const key of keys(event, lookup)) {
        const before = table.appendOnly ? null : (rows.get(key) ?? null);
        const after = evolve(before, event, key, lookup);
        if (after === before) continue;
        // The runner keeps rows by `key` and reloads them by `keyOf`: the two must agree.
        if (after && table.keyOf(after) !== key) throw new Error(`${table.name}: keyOf gives ${table.keyOf(after)} for key ${key}`);
        if (table.appendOnly) {
          if (after && !rows.has(key)) rows.set(key, after);
        } else if (after) rows.set(key, after);
        else rows.delete(key);
      }
    }
  const table = (name: string) => {
    const rows = stored.get(name);
    if (!rows) throw new Error(`projection ${projection.name} has no table ${name}`);
    return rows;
  };
  return {
    rows: <R extends Row = Row>(name: string) => [...table(name).values()] as R[],
    row: <R extends Row = Row>(name: string, key: string) => (table(name).get(key) as R | undefined) ?? null,
    /** Every table, each sorted by key: what the database should hold. */
    all: () =>
      Object.fromEntries(
        projection.tables.map(({ table: spec }) => [spec.name, [...table(spec.name).values()].sort(byKey(spec.keyOf))]),
      ) as Record<string, Row[]>,
  };
}

export const byKey = (keyOf: (r: any) => string) => (a: Row, b: Row) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0);

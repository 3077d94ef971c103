import { currentSchemaVersion } from '@loanflow/domain';
import { businessDate } from '@loanflow/config';
import { RecordedEvent } from '@loanflow/event-store';
import { Lookup, Projection, Row } from '../projection';

/**
 * The rows a projection holds after the events, folded as the runner folds them: for each event,
 * each table in order, each key; tables the runner keeps in memory are read back by `lookup` and
 * passed to `evolve`, append-only ones are not (evolve gets null, the first row written stays).
 */
export function given(projection: Projection, events: readonly RecordedEvent[], timeZone = 'Asia/Shanghai') {
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
    businessDate: (instant) => businessDate(new Date(instant), timeZone),
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

/** An event as a spec writes it: any type, any data. */
export type AnyEvent = { type: string; data: object };

export interface HistoryOptions {
  /** Who acted when an entry names nobody. */
  actorOf?: (event: AnyEvent) => string;
  /** When the event at a position occurred and was recorded. */
  times: (position: number) => { occurredAt: string; recordedAt: string };
}

/** A history in commit order as a store records it: global positions from 0, versions counted per stream. */
export function history(
  entries: readonly [streamId: string, event: AnyEvent, actorId?: string][],
  options: HistoryOptions,
): RecordedEvent[] {
  const versions = new Map<string, number>();
  return entries.map(([streamId, event, actorId], position) => {
    const version = (versions.get(streamId) ?? -1) + 1;
    versions.set(streamId, version);
    return {
      eventId: `event-${position}`,
      streamId,
      streamVersion: version,
      globalPosition: position,
      type: event.type,
      // As the command loop records it now, unless the entry says which older shape it is in.
      schemaVersion: (event as { schemaVersion?: number }).schemaVersion ?? currentSchemaVersion(event.type),
      data: event.data as Record<string, unknown>,
      metadata: {
        actorId: actorId ?? options.actorOf?.(event) ?? 'x',
        commandId: `command-${position}`,
        correlationId: `command-${position}`,
        causationId: null,
        ...options.times(position),
      },
      prevHash: `hash-${position - 1}`,
      hash: `hash-${position}`,
    };
  });
}

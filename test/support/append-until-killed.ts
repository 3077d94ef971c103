import { EventStore, openPostgres, openSqlite, PostgresEventStore, SqliteEventStore, systemClock } from '@loanflow/event-store';

/** `sqlite:<path>` or a PostgreSQL URL. */
export async function openStore(spec: string): Promise<EventStore> {
  return spec.startsWith('sqlite:')
    ? new SqliteEventStore(openSqlite(spec.slice('sqlite:'.length)), { clock: systemClock })
    : new PostgresEventStore(await openPostgres(spec), { clock: systemClock });
}

/**
 * Appends two events at a time to ten streams, twenty commands in flight (so group commits carry
 * several), until killed, printing `ack <stream> <version>` after each commit returns.
 */
async function main(spec: string) {
  const store = await openStore(spec);
  // A restarted writer resumes from the heads the log recorded: it trusts nothing else.
  const versions = new Array<number>(10).fill(-1);
  for (const head of await store.streamHeads()) versions[Number(head.streamId.slice('loan-'.length))] = head.version;
  let next = 0;
  const writer = async (s: number) => {
    for (;;) {
      const i = next++;
      const result = await store.append(
        `loan-${s}`,
        [
          { type: 'RepaymentReceived', data: { n: i } },
          { type: 'InspectionRecorded', data: { n: i } },
        ],
        {
          expectedVersion: versions[s],
          metadata: {
            actorId: 'crash',
            commandId: `${process.pid}-${i}`,
            correlationId: `${process.pid}-${i}`,
            causationId: null,
            occurredAt: new Date().toISOString(),
          },
        },
      );
      versions[s] = result.lastVersion;
      process.stdout.write(`ack loan-${s} ${result.lastVersion}\n`);
    }
  };
  await Promise.all(versions.map((_, s) => writer(s)));
}

if (require.main === module) void main(process.argv[2]);

import { openSqlite, SqliteEventStore } from '@loanflow/event-store';

/** Appends two events at a time to ten streams until killed, printing `ack <stream> <version>` after each commit returns. */
async function main(path: string) {
  const store = new SqliteEventStore(openSqlite(path));
  // A restarted writer resumes from the heads the log recorded: it trusts nothing else.
  const versions = new Array<number>(10).fill(-1);
  for (const head of await store.streamHeads()) versions[Number(head.streamId.slice('loan-'.length))] = head.version;
  for (let i = 0; ; i++) {
    const s = i % versions.length;
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
}

void main(process.argv[2]);

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '../contract.spec-suite';
import { openSqlite } from './sqlite-database';
import { SqliteEventStore } from './sqlite-event-store';

const dir = mkdtempSync(join(tmpdir(), 'loanflow-contract-'));
let n = 0;

eventStoreContract('sqlite (file, WAL, synchronous=FULL)', async () => new SqliteEventStore(openSqlite(join(dir, `store-${n++}.db`))));

describe('sqlite store specifics', () => {
  it('opens an existing file without re-running migrations and keeps its events', async () => {
    const path = join(dir, 'reopen.db');
    const first = new SqliteEventStore(openSqlite(path));
    await first.append('s-1', [{ type: 'A', data: {} }], {
      expectedVersion: -1,
      metadata: { actorId: 'a', commandId: 'c1', correlationId: 'c1', causationId: null, occurredAt: '2026-01-01T00:00:00.000Z' },
    });
    await first.close();
    const db = openSqlite(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    const again = new SqliteEventStore(db);
    expect((await again.readStream('s-1')).map((e) => e.type)).toEqual(['A']);
    await again.close();
  });
});

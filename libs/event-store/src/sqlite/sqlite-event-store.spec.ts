import { systemClock } from '../clock';
import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { eventStoreContract } from '../contract.spec-suite';
import { openSqlite } from './sqlite-database';
import { SqliteEventStore } from './sqlite-event-store';

const dir = mkdtempSync(join(tmpdir(), 'loanflow-contract-'));
let n = 0;

eventStoreContract(
  'sqlite (file, WAL, synchronous=FULL)',
  async () => new SqliteEventStore(openSqlite(join(dir, `store-${n++}.db`)), { clock: systemClock }),
);

describe('sqlite store specifics', () => {
  it('opens an existing file without re-running migrations and keeps its events', async () => {
    const path = join(dir, 'reopen.db');
    const first = new SqliteEventStore(openSqlite(path), { clock: systemClock });
    await first.append('s-1', [{ type: 'A', data: {} }], {
      expectedVersion: -1,
      metadata: { actorId: 'a', commandId: 'c1', correlationId: 'c1', causationId: null, occurredAt: '2026-01-01T00:00:00.000Z' },
    });
    await first.close();
    const db = openSqlite(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    const again = new SqliteEventStore(db, { clock: systemClock });
    expect((await again.readStream('s-1')).map((e) => e.type)).toEqual(['A']);
    await again.close();
  });

  it('makes a directory of its own for the log (0700), and the file, its WAL and shared memory its owner’s alone (0600), whatever the umask', async () => {
    const path = join(dir, 'private', 'nested', 'log.db');
    const umask = process.umask(0o000);
    try {
      const store = new SqliteEventStore(openSqlite(path), { clock: systemClock });
      await store.append('s-1', [{ type: 'A', data: {} }], {
        expectedVersion: -1,
        metadata: { actorId: 'a', commandId: 'c1', correlationId: 'c1', causationId: null, occurredAt: '2026-01-01T00:00:00.000Z' },
      });
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect([file, statSync(file).mode & 0o777]).toEqual([file, 0o600]);
      expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
      await store.close();
    } finally {
      process.umask(umask);
    }
    // A file an older version left readable by others is narrowed when opened.
    chmodSync(path, 0o644);
    openSqlite(path).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

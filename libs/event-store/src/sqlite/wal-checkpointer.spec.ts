import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from './sqlite-database';
import { startWalCheckpointer } from './wal-checkpointer';

/** Runs the project's TypeScript in a child process, as the crash tests do. */
const REGISTER = join(__dirname, '../../../../test/support/ts-register.js');
const child = (path: string) => `
  const { openSqlite } = require(${JSON.stringify(join(__dirname, 'sqlite-database.ts'))});
  const { startWalCheckpointer } = require(${JSON.stringify(join(__dirname, 'wal-checkpointer.ts'))});
  const db = openSqlite(${JSON.stringify(path)});
  const checkpointer = startWalCheckpointer(${JSON.stringify(path)}, [db]);
  checkpointer.stop().then(() => { db.close(); console.log('stopped'); });
`;

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** About 8 MB in one transaction: some 2,000 pages in the WAL, twice what makes a commit checkpoint by itself. */
function writeMegabytes(db: ReturnType<typeof openSqlite>): void {
  db.exec('CREATE TABLE IF NOT EXISTS filler (n INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 2_000; i++) insert.run('x'.repeat(4_000));
  })();
}

describe('the WAL checkpointer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loanflow-wal-'));

  it('takes the checkpoints from the connections and makes them on its own thread', async () => {
    const path = join(dir, 'with.db');
    const db = openSqlite(path);
    const checkpointer = startWalCheckpointer(path, [db], { everyMs: 20 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = statSync(path).size;
    writeMegabytes(db);
    await settle(500);
    // The pages are in the database file: the thread copied them there.
    expect(statSync(path).size).toBeGreaterThan(before + 7_000_000);
    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
    db.close();
  });

  it('(a connection that does not checkpoint, with no thread, leaves them in the WAL)', async () => {
    const path = join(dir, 'without.db');
    const db = openSqlite(path);
    db.pragma('wal_autocheckpoint = 0');
    const before = statSync(path).size;
    writeMegabytes(db);
    await settle(500);
    expect(statSync(path).size).toBe(before);
    db.close();
  });

  it('is waited for when stopped, by a process with nothing else left to do', () => {
    // A child with only the checkpointer to stop: without the wait, it would end before its last line.
    const path = join(dir, 'child.db');
    const output = execFileSync(process.execPath, ['--require', REGISTER, '--eval', child(path)], { encoding: 'utf8' });
    expect(output.trim()).toBe('stopped');
  });

  it('gives the checkpoints back to the connections when its thread fails', async () => {
    const db = openSqlite(join(dir, 'fails.db'));
    // No such file for the thread to open.
    const reason = await new Promise<string>((onFallback) =>
      startWalCheckpointer(join(dir, 'missing', 'nothing.db'), [db], { everyMs: 20, onFallback }),
    );
    expect(reason).toMatch(/the checkpoint thread stopped \(Cannot open database/);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
    db.close();
  });
});

import { openSqlite, SqliteEventStore, verifyLog } from '@loanflow/event-store';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A process appending to the embedded log is killed with SIGKILL mid-flight, three times over.
 * Every commit it acknowledged is there, no half-written command is, and every chain verifies.
 */
describe('a crash while appending leaves the log consistent', () => {
  it('keeps every acknowledged append and only whole commands, across repeated kills', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'loanflow-crash-')), 'crash.db');
    const acked = new Map<string, number>();
    for (let round = 0; round < 3; round++) {
      const child = spawn(
        process.execPath,
        ['--require', join(__dirname, 'support', 'ts-register.js'), join(__dirname, 'support', 'append-until-killed.ts'), path],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let buffer = '';
      let count = 0;
      await new Promise<void>((done, fail) => {
        child.on('exit', (code, signal) => (signal === 'SIGKILL' ? done() : fail(new Error(`child ended by itself: ${code}`))));
        child.stdout.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          const lines = buffer.split('\n');
          buffer = lines.pop()!;
          for (const line of lines) {
            const [, stream, version] = line.split(' ');
            acked.set(stream, Number(version));
            if (++count === 150) child.kill('SIGKILL');
          }
        });
      });
    }
    const store = new SqliteEventStore(openSqlite(path));
    const verdict = await verifyLog(store);
    expect(verdict.breaks).toEqual([]);
    for (const [stream, version] of acked) {
      const events = await store.readStream(stream);
      expect(events.length).toBeGreaterThanOrEqual(version + 1);
      // Each command appended two events: a stream never ends half-way through one.
      expect(events.length % 2).toBe(0);
    }
    await store.close();
  });
});

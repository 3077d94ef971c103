import { EventStore, verifyLog } from '@loanflow/event-store';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openStore } from './append-until-killed';

/**
 * Kills a process appending to the store with SIGKILL mid-flight, `rounds` times over, then checks
 * the log: every commit it acknowledged is there, no half-written command is, every chain verifies.
 */
export async function expectCrashesLeaveTheLogConsistent(spec: string, rounds: number): Promise<void> {
  const acked = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    const child = spawn(
      process.execPath,
      ['--require', join(__dirname, 'ts-register.js'), join(__dirname, 'append-until-killed.ts'), spec],
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
          acked.set(stream, Math.max(acked.get(stream) ?? -1, Number(version)));
          if (++count === 150) child.kill('SIGKILL');
        }
      });
    });
  }
  const store: EventStore = await openStore(spec);
  try {
    expect((await verifyLog(store)).breaks).toEqual([]);
    for (const [stream, version] of acked) {
      const events = await store.readStream(stream);
      expect(events.length).toBeGreaterThanOrEqual(version + 1);
      // Each command appended two events: a stream never ends half-way through one.
      expect(events.length % 2).toBe(0);
    }
  } finally {
    await store.close();
  }
}

import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';

/**
 * The thread's whole program: its own connection to the file, a PASSIVE checkpoint (it never waits
 * for a reader or a writer) every `everyMs`. Kept as text so the thread needs no file of its own,
 * from the build or from TypeScript sources alike.
 */
const PROGRAM = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ failed: String(error && error.message || error) });
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  /** Stops the thread; the connections given checkpoint by themselves again. */
  stop(): Promise<void>;
}

/**
 * Moves the WAL's checkpoints off the serving thread. A checkpoint copies the pages committed since
 * the last one into the database file and syncs it: tens of milliseconds after a projection's large
 * write, and SQLite runs it inside whichever commit crosses the threshold, a command's append
 * included, holding the event loop meanwhile. Here the given connections stop checkpointing
 * (`wal_autocheckpoint = 0`) and a thread with its own connection checkpoints every `everyMs`.
 * Should the thread fail, the connections take their checkpoints back (and `onFallback` says why).
 */
export function startWalCheckpointer(
  path: string,
  connections: Database.Database[],
  {
    everyMs = 100,
    onFallback = (reason: string) => process.emitWarning(`SQLite WAL checkpoints are back on the serving thread: ${reason}`),
  } = {},
): WalCheckpointer {
  const worker = new Worker(PROGRAM, { eval: true, workerData: { path, everyMs, driver: require.resolve('better-sqlite3') } });
  // Each connection's own threshold, given back as it was when the thread stops or fails.
  const thresholds = connections.map((c) => c.pragma('wal_autocheckpoint', { simple: true }) as number);
  for (const c of connections) c.pragma('wal_autocheckpoint = 0');
  let stopped = false;
  /** Once: the connections checkpoint by themselves again. */
  const giveBack = (): boolean => {
    if (stopped) return false;
    stopped = true;
    connections.forEach((c, i) => c.open && c.pragma(`wal_autocheckpoint = ${thresholds[i]}`));
    return true;
  };
  const takeBack = (reason: string) => {
    if (!giveBack()) return;
    void worker.terminate();
    onFallback(reason);
  };
  worker.on('message', (m: { failed?: string }) => m.failed && takeBack(`the checkpoint thread failed (${m.failed})`));
  worker.on('error', (error) => takeBack(`the checkpoint thread stopped (${error.message})`));
  worker.on('exit', (code) => code !== 0 && takeBack(`the checkpoint thread exited with code ${code}`));
  // The thread alone never keeps a process alive.
  worker.unref();
  return {
    stop: async () => {
      if (!giveBack()) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      // Held until it has closed its connection: a process with nothing else to do waits for it.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}

/**
 * Catch-up: every projection a new version (no checkpoint: the whole scaled demo log to project
 * again) while the api answers commands, two ways: in the api's own process (the embedded default),
 * and in a worker process beside the api (the production shape). Prints the catch-up rate and the
 * latency of the commands answered meanwhile (p50, p99, max).
 */
import { residentIdFor } from '@loanflow/domain/borrower/sample-identities';
import { openSqlite } from '@loanflow/event-store';
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { application, benchApp } from './app';
import { scaledLog } from './projections';

export interface CatchUpFigures {
  /** Where the projections ran: the api's process, or a worker beside it. */
  where: 'api' | 'worker';
  behind: number;
  /** Commands sent per second, whatever the answers' pace (an open loop: a slow answer does not slow the arrivals). */
  offered: number;
  /** Events projected per second while catching up. */
  rate: number;
  commands: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  max: number;
}

/** A busy union's counters: commands a second arriving at the api while it catches up. */
const OFFERED = Number(process.env.BENCH_CATCHUP_COMMANDS ?? 30);

/** A copy of the scaled log whose projections have no checkpoint: the commands written meanwhile must not change the kept log. */
async function behindCopy(dir: string, log: (line: string) => void): Promise<{ path: string; behind: number }> {
  const scaled = await scaledLog(log);
  const source = openSqlite(scaled.path);
  source.pragma('wal_checkpoint(TRUNCATE)');
  source.close();
  const path = join(dir, 'catch-up.db');
  copyFileSync(scaled.path, path);
  const db = openSqlite(path);
  db.prepare(`delete from checkpoints where name like 'projection:%'`).run();
  const behind = (db.prepare('select coalesce(max(global_position), -1) + 1 as n from events').get() as { n: number }).n;
  db.close();
  return { path, behind };
}

/** The lowest projection checkpoint in the file, read on one connection: every projection has written every event up to it (-1 before any). */
function checkpointsOf(path: string): { projected(): number; close(): void } {
  const db = openSqlite(path);
  const query = db.prepare(`select position from checkpoints where name like 'projection:%'`);
  return {
    projected: () => {
      const rows = query.all() as { position: number }[];
      return rows.length < 3 ? -1 : Math.min(...rows.map((r) => Number(r.position)));
    },
    close: () => db.close(),
  };
}

export async function catchUpBench(dir: string, where: 'api' | 'worker', log: (line: string) => void): Promise<CatchUpFigures> {
  const { path, behind } = await behindCopy(dir, log);
  const checkpoints = checkpointsOf(path);
  let worker: ReturnType<typeof spawn> | null = null;
  if (where === 'worker') {
    const port = await freePort();
    worker = spawn(process.execPath, [...process.execArgv, join(__dirname, '../apps/worker/src/main.js')], {
      env: { ...process.env, SQLITE_PATH: path, BUSINESS_TIME_ZONE: 'Asia/Shanghai', WORKER_PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise((_, reject) => worker!.once('exit', (code) => reject(new Error(`the worker exited (${code})`))));
    // The worker holds the projections' lease once it has written its first batch.
    while (checkpoints.projected() < 0) await Promise.race([new Promise((r) => setTimeout(r, 100)), exited]);
    exited.catch(() => undefined);
  }
  log(`starting the api ${behind} events behind, projections in the ${where}`);
  const { auth, call, close } = await benchApp(path);
  const started = performance.now();
  const admin = auth('root', true);
  await call('POST', '/staff', admin, { staffId: 'bench-ana', name: 'ana', branchId: 'BENCH' });
  await call('POST', '/staff/bench-ana/posts', admin, { post: 'investigation', branchId: 'BENCH' });
  const ana = auth('bench-ana');
  const latencies: number[] = [];
  const timed = async (method: string, route: string, body: unknown) => {
    const t = performance.now();
    await call(method, route, ana, body);
    latencies.push(performance.now() - t);
  };
  let position = -1;
  const poll = setInterval(() => (position = checkpoints.projected()), 250);
  // A borrower, a loan and its investigation (acts that do not wait for the read models), one
  // such walk started every 3/OFFERED seconds, so OFFERED commands a second arrive.
  const walk = async (i: number) => {
    await timed('POST', '/borrowers', {
      borrowerId: `BB-${i}`,
      name: `b${i}`,
      kind: 'household',
      village: 'v',
      sector: 'grain',
      // Seeds far past the demo's own (it numbers its borrowers from 1): nobody's number twice.
      identityNumber: residentIdFor(1_000_000 + i),
    });
    await timed('POST', '/loans', application(`BL-${i}`, `BB-${i}`, 'BENCH'));
    await timed('POST', `/loans/BL-${i}/investigation`, { recommendation: 'decline', findings: 'no statements yet', riskPoints: [] });
  };
  const walks: Promise<void>[] = [];
  for (let i = 0; position < behind - 1; i++) {
    walks.push(walk(i));
    if (i % 500 === 0) log(`  projected to ${position} of ${behind}, ${latencies.length} commands answered`);
    await new Promise((r) => setTimeout(r, 3_000 / OFFERED));
  }
  await Promise.all(walks);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(poll);
  checkpoints.close();
  await close();
  if (worker) {
    worker.kill('SIGTERM');
    await new Promise((r) => worker!.once('exit', r));
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * q) - 1)] * 10) / 10;
  return {
    where,
    behind,
    offered: OFFERED,
    rate: Math.round(behind / seconds),
    commands: latencies.length,
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

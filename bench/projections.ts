/**
 * Projections on the demo cooperative scaled to ≥ BENCH_SCALE events (default 1,000,000):
 * rebuild events/s of every projection against a raw scan of the same log (readAll, which parses
 * every event's JSON: the physical limit of any follower), and the p95 latency of each report.
 */
import {
  CommandRecord,
  eventHash,
  EventStore,
  GENESIS_HASH,
  openSqlite,
  RecordedEvent,
  SqliteEventStore,
  systemClock,
} from '@loanflow/event-store';
import {
  listLoans,
  maturityReport,
  performanceReport,
  portfolioReport,
  complianceReport,
  riskBoard,
  warnings,
  ProjectionRunner,
  PROJECTIONS,
} from '@loanflow/projections';
import { addMonths, DEFAULT_POLICY_SETTINGS, DEFAULT_WARNING_RULES, lastDayOfMonth, SYSTEM_CLASSIFIER } from '@loanflow/domain';
import { openSqliteReadModels, ReadModelDb } from '@loanflow/storage';
import { Kysely } from 'kysely';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemo, demoOptions } from '../apps/cli/src/demo';

/** `BENCH_SCALE`: the events the demo is scaled to (default 1,000,000; the figure is 20,000,000). */
const TARGET_EVENTS = Number(process.env.BENCH_SCALE ?? process.env.BENCH_PROJECTION_EVENTS ?? 1_000_000);
const REPORT_RUNS = Number(process.env.BENCH_REPORT_RUNS ?? 30);
const BATCH = 10_000;

export interface ProjectionFigures {
  demoEvents: number;
  copies: number;
  events: number;
  scan: number;
  rebuild: number;
  /** Peak resident set size of the process during the rebuild, MB. */
  rebuildRss: number;
  /** p95 milliseconds per report. */
  reports: Record<string, number>;
}

const ID_STREAMS = ['loan-', 'borrower-', 'staff-', 'branch-'];

/**
 * The same cooperative `copies` times over, each copy's ids suffixed, interleaved event by event so
 * dates stay in order: recorded as the store records them (ids, versions, positions, hash chains,
 * one command record per event), written through the store's import in batches.
 */
export async function scale(source: EventStore, target: SqliteEventStore, copies: number, log: (line: string) => void): Promise<number> {
  const events: RecordedEvent[] = [];
  for (let from = 0; ;) {
    const batch = await source.readAll(from, BATCH);
    if (batch.length === 0) break;
    events.push(...batch);
    from = batch[batch.length - 1].globalPosition + 1;
  }
  const ids = new Set<string>();
  for (const e of events) {
    const prefix = ID_STREAMS.find((p) => e.streamId.startsWith(p));
    if (prefix) ids.add(e.streamId.slice(prefix.length));
    ids.add(e.metadata.actorId);
  }
  // End of day acts as the system in every copy.
  ids.delete(SYSTEM_CLASSIFIER);
  const rename = (value: unknown, suffix: string): unknown =>
    typeof value === 'string'
      ? ids.has(value)
        ? `${value}${suffix}`
        : value
      : Array.isArray(value)
        ? value.map((v) => rename(v, suffix))
        : value && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rename(v, suffix)]))
          : value;
  const streamOf = (streamId: string, suffix: string) =>
    ID_STREAMS.some((p) => streamId.startsWith(p)) ? `${streamId}${suffix}` : streamId;
  const heads = new Map<string, { version: number; hash: string }>();
  let position = (await target.headPosition()) + 1;
  let recorded: RecordedEvent[] = [];
  let commands: CommandRecord[] = [];
  const started = performance.now();
  const flush = async () => {
    await target.importRecorded(recorded, commands);
    recorded = [];
    commands = [];
  };
  for (const e of events) {
    for (let k = 0; k < copies; k++) {
      const suffix = k === 0 ? '' : `.c${k}`;
      const streamId = streamOf(e.streamId, suffix);
      const head = heads.get(streamId) ?? { version: -1, hash: GENESIS_HASH };
      const event: Omit<RecordedEvent, 'hash'> = {
        eventId: k === 0 ? e.eventId : randomUUID(),
        streamId,
        streamVersion: head.version + 1,
        globalPosition: position++,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: rename(e.data, suffix) as Record<string, unknown>,
        metadata: {
          ...e.metadata,
          actorId: rename(e.metadata.actorId, suffix) as string,
          commandId: `${e.metadata.commandId}${suffix}:${e.globalPosition}`,
        },
        prevHash: head.hash,
      };
      const hash = eventHash(event);
      heads.set(streamId, { version: event.streamVersion, hash });
      recorded.push({ ...event, hash });
      commands.push({
        commandId: event.metadata.commandId,
        streamId,
        fingerprint: null,
        firstVersion: event.streamVersion,
        lastVersion: event.streamVersion,
        lastPosition: event.globalPosition,
      });
      if (recorded.length === BATCH) await flush();
    }
    if (position % 1_000_000 < copies)
      log(`  ${position} events scaled (${Math.round(position / ((performance.now() - started) / 1000))} events/s)`);
  }
  await flush();
  return position;
}

async function rawScan(store: EventStore): Promise<number> {
  let count = 0;
  for (let from = 0; ;) {
    const batch = await store.readAll(from, BATCH);
    if (batch.length === 0) break;
    count += batch.length;
    from = batch[batch.length - 1].globalPosition + 1;
  }
  return count;
}

async function p95(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < REPORT_RUNS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.ceil(times.length * 0.95) - 1] * 10) / 10;
}

async function reportLatencies(db: ReadModelDb): Promise<Record<string, number>> {
  const any = db as unknown as Kysely<any>;
  const last = await any
    .selectFrom('rm_loans')
    .select(['disbursed_on', 'branch_id', 'officer_id', 'loan_id'])
    .where('disbursed_on', 'is not', null)
    .orderBy('disbursed_on', 'desc')
    .limit(1)
    .executeTakeFirst();
  const lastDate: string = last?.disbursed_on ?? '2026-11-01';
  const branch: string = last?.branch_id ?? 'BR-01';
  const officerId: string = last?.officer_id ?? '';
  // The dashboard's loan search as someone types all but the last two characters of an id.
  const searched: string = (last?.loan_id ?? 'L-00').slice(0, -2);
  // The twelve whole months up to the last disbursement's month.
  const yearStart = addMonths(`${lastDate.slice(0, 7)}-01`, -11);
  const monthEnd = lastDayOfMonth(lastDate.slice(0, 7));
  return {
    'GET /loans?status=active&branchId': await p95(() => listLoans(db, { status: 'active', branchId: branch })),
    'GET /loans?category=substandard': await p95(() => listLoans(db, { category: 'substandard' })),
    'GET /loans?search= (id prefix, 10 matches)': await p95(() => listLoans(db, { search: searched }, 1, 10)),
    'GET /reports/maturities (month, one branch)': await p95(() => maturityReport(db, lastDate.slice(0, 7), lastDate, branch)),
    'GET /reports/maturities (month, all branches)': await p95(() => maturityReport(db, lastDate.slice(0, 7), lastDate)),
    'GET /reports/performance (12 months, by officer)': await p95(() => performanceReport(db, yearStart, monthEnd, 'officer')),
    'GET /reports/performance (12 months, by branch)': await p95(() => performanceReport(db, yearStart, monthEnd, 'branch')),
    'GET /reports/portfolio': await p95(() => portfolioReport(db, [])),
    'GET /compliance/violations': await p95(() =>
      complianceReport(db, DEFAULT_POLICY_SETTINGS, { asOf: lastDate, timeZone: 'Asia/Shanghai' }),
    ),
    'GET /reports/risk-board': await p95(() => riskBoard(db, [], DEFAULT_WARNING_RULES, { asOf: lastDate })),
    'GET /reports/warnings (one officer)': await p95(() => warnings(db, DEFAULT_WARNING_RULES, { asOf: lastDate, officerId })),
    'GET /reports/warnings (all, red)': await p95(() => warnings(db, DEFAULT_WARNING_RULES, { asOf: lastDate, level: 'red' })),
  };
}

/** The highest resident set size seen while `work` runs, sampled every 50 ms, in MB. */
async function peakRss<T>(work: () => Promise<T>): Promise<[T, number]> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const result = await work();
    return [result, Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20)];
  } finally {
    clearInterval(timer);
  }
}

/**
 * The demo scaled to `BENCH_SCALE` events: its path and make-up. The demo (as `npm run demo` builds
 * it) and its scaled log are kept in `BENCH_DATA` (default a folder in the system's temporary
 * directory) and reused by later runs: scaling to 20 million events takes minutes, a rebuild is
 * measured on it as often as wanted.
 */
export async function scaledLog(log: (line: string) => void): Promise<{ path: string; demoEvents: number; copies: number }> {
  const data = process.env.BENCH_DATA || join(tmpdir(), 'loanflow-bench-data');
  mkdirSync(data, { recursive: true });
  const demoPath = process.env.BENCH_DEMO_DB || join(data, 'demo.db');
  if (!existsSync(`${demoPath}.complete`)) {
    log(`building the demo cooperative in ${demoPath}`);
    await buildDemo(
      { ...demoOptions([], {}), db: demoPath, force: true, env: { ...process.env, JWT_SECRET: 'bench-secret-0123456789abcdef0123456789' } },
      () => undefined,
    );
    writeFileSync(`${demoPath}.complete`, '');
  }
  const demo = new SqliteEventStore(openSqlite(demoPath), { clock: systemClock });
  const demoEvents = (await demo.headPosition()) + 1;
  const copies = Math.max(1, Math.ceil(TARGET_EVENTS / demoEvents));
  const path = join(data, `scaled-${demoEvents}x${copies}.db`);
  if (!existsSync(`${path}.complete`)) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    log(`scaling ${demoEvents} demo events ×${copies} into ${path}`);
    const target = new SqliteEventStore(openSqlite(path), { clock: systemClock });
    await scale(demo, target, copies, log);
    await target.close();
    writeFileSync(`${path}.complete`, '');
  } else log(`reusing ${path}`);
  await demo.close();
  return { path, demoEvents, copies };
}

export async function projectionBench(log: (line: string) => void): Promise<ProjectionFigures> {
  const { path: scaledPath, demoEvents, copies } = await scaledLog(log);
  const store = new SqliteEventStore(openSqlite(scaledPath), { clock: systemClock });
  const events = (await store.headPosition()) + 1;

  log(`raw scan of ${events} events`);
  const scanStarted = performance.now();
  if ((await rawScan(store)) !== events) throw new Error('the raw scan did not read every event');
  const scanMs = performance.now() - scanStarted;

  const readModels = await openSqliteReadModels(openSqlite(scaledPath));
  const runner = new ProjectionRunner(store, readModels, PROJECTIONS, {
    batchSize: BATCH,
    businessTimeZone: 'Asia/Shanghai',
    clock: systemClock,
    onProgress: ({ position, head, seconds }) => {
      if (Math.floor(position / 1_000_000) !== Math.floor((position - BATCH) / 1_000_000))
        log(
          `  rebuilt to ${position} of ${head} (${Math.round(position / seconds)} events/s, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB)`,
        );
    },
  });
  log('rebuilding every projection');
  const rebuildStarted = performance.now();
  const [rebuilt, rss] = await peakRss(() => runner.rebuild());
  const rebuildMs = performance.now() - rebuildStarted;
  if (rebuilt !== events) throw new Error(`the rebuild read ${rebuilt} of ${events} events`);
  log('timing the reports');
  const reports = await reportLatencies(readModels);
  await readModels.destroy();
  await store.close();
  return {
    demoEvents,
    copies,
    events,
    scan: Math.round((events * 1000) / scanMs),
    rebuild: Math.round((events * 1000) / rebuildMs),
    rebuildRss: rss,
    reports,
  };
}

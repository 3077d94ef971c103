/**
 * Projections on the demo cooperative scaled to ≥ BENCH_PROJECTION_EVENTS events (default 1,000,000):
 * rebuild events/s of every projection against a raw scan of the same log (readAll, which parses
 * every event's JSON: the physical limit of any follower), and the p95 latency of each report.
 */
import { EventStore, openSqlite, RecordedEvent, SqliteEventStore, systemClock } from '@loanflow/event-store';
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
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildDemo, demoOptions } from '../apps/cli/src/demo';

const TARGET_EVENTS = Number(process.env.BENCH_PROJECTION_EVENTS ?? 1_000_000);
const REPORT_RUNS = Number(process.env.BENCH_REPORT_RUNS ?? 30);
const BATCH = 10_000;

export interface ProjectionFigures {
  demoEvents: number;
  copies: number;
  events: number;
  scan: number;
  rebuild: number;
  /** p95 milliseconds per report. */
  reports: Record<string, number>;
}

const ID_STREAMS = ['loan-', 'borrower-', 'staff-', 'branch-'];

/** The same cooperative `copies` times over, each copy's ids suffixed, interleaved event by event so dates stay in order. */
export async function scale(source: EventStore, target: EventStore, copies: number): Promise<number> {
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
  let appended = 0;
  // Appends run 64 at a time (group commit); one stream's events stay in order because each copy is its own stream.
  const inFlight = new Set<Promise<unknown>>();
  const lastOf = new Map<string, Promise<unknown>>();
  for (const e of events)
    for (let k = 0; k < copies; k++) {
      const suffix = k === 0 ? '' : `.c${k}`;
      const streamId = streamOf(e.streamId, suffix);
      const before = lastOf.get(streamId) ?? Promise.resolve();
      const append = before.then(() =>
        target.append(
          streamId,
          [{ type: e.type, data: rename(e.data, suffix) as Record<string, unknown>, schemaVersion: e.schemaVersion }],
          {
            expectedVersion: 'any',
            metadata: {
              ...e.metadata,
              actorId: rename(e.metadata.actorId, suffix) as string,
              commandId: `${e.metadata.commandId}${suffix}:${e.streamVersion}`,
            },
          },
        ),
      );
      lastOf.set(streamId, append);
      inFlight.add(append);
      void append.finally(() => inFlight.delete(append));
      appended++;
      if (inFlight.size >= 64) await Promise.race(inFlight);
    }
  await Promise.all(inFlight);
  return appended;
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

export async function projectionBench(dir: string, log: (line: string) => void): Promise<ProjectionFigures> {
  const demoPath = process.env.BENCH_DEMO_DB || join(dir, 'demo.db');
  if (!existsSync(demoPath)) {
    log(`building the demo cooperative in ${demoPath} (set BENCH_DEMO_DB to reuse one)`);
    // The default demo, as `npm run demo` builds it.
    await buildDemo(
      { ...demoOptions([], {}), db: demoPath, force: true, env: { ...process.env, JWT_SECRET: 'bench-secret-0123456789abcdef0123456789' } },
      () => undefined,
    );
  }
  const demo = new SqliteEventStore(openSqlite(demoPath), { clock: systemClock });
  const demoEvents = (await demo.headPosition()) + 1;
  const copies = Math.max(1, Math.ceil(TARGET_EVENTS / demoEvents));
  const scaledPath = join(dir, 'scaled.db');
  const store = new SqliteEventStore(openSqlite(scaledPath), { clock: systemClock });
  log(`scaling ${demoEvents} demo events ×${copies} into ${scaledPath}`);
  await scale(demo, store, copies);
  await demo.close();
  const events = (await store.headPosition()) + 1;

  const scanStarted = performance.now();
  if ((await rawScan(store)) !== events) throw new Error('the raw scan did not read every event');
  const scanMs = performance.now() - scanStarted;

  const readModels = await openSqliteReadModels(openSqlite(scaledPath));
  const runner = new ProjectionRunner(store, readModels, PROJECTIONS, {
    batchSize: BATCH,
    businessTimeZone: 'Asia/Shanghai',
    clock: systemClock,
  });
  const rebuildStarted = performance.now();
  const rebuilt = await runner.rebuild();
  const rebuildMs = performance.now() - rebuildStarted;
  if (rebuilt !== events) throw new Error(`the rebuild read ${rebuilt} of ${events} events`);
  const reports = await reportLatencies(readModels);
  await readModels.destroy();
  await store.close();
  return {
    demoEvents,
    copies,
    events,
    scan: Math.round((events * 1000) / scanMs),
    rebuild: Math.round((events * 1000) / rebuildMs),
    reports,
  };
}

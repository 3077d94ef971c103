/**
 * `npm run bench`: the figures of the durable stores and the HTTP command path.
 *  1. single-event durable appends from 50 concurrent clients, one commit each vs group commit,
 *     on SQLite (WAL, synchronous=FULL) and PostgreSQL: appends/s side by side and the ratio; and
 *     group commit with every append conditional on two other streams (the read set an act carries:
 *     the actor's staff record and a configuration), against plain group commit
 *  2. the whole command path apply → investigate → examine → approve → disburse over HTTP,
 *     against an empty route of the same app (same auth, pipes, filter): requests/s and ratio.
 *  3. the Kafka relay against a bare kafkajs producer sending the same records: events/s and ratio
 *     (KAFKA_BROKERS, default 127.0.0.1:9092; skipped with the reason when no broker answers).
 *  4. projections: rebuild events/s of every read model against a raw scan of the same log, and
 *     the p95 latency of each report, on the demo cooperative scaled to ≥ 1,000,000 events.
 *  5. dashboard: the built bundle's size (raw and gzip), and the time from navigation to the risk
 *     board's first render in Chromium on the demo cooperative (skipped with the reason without Chromium).
 * Loopback only; bounded by count. Prints figures; asserts nothing.
 */
import { DEFAULT_GROUP_COMMIT_MAX_BATCH } from '@loanflow/config';
import { EventStore, openPostgres, openSqlite, PostgresEventStore, SqliteEventStore, systemClock } from '@loanflow/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { Kafka, logLevel, Message, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGGREGATES, KafkaRecord, KafkaRelay, toKafkaRecord, topicOf } from '@loanflow/messaging';
import { Checkpoints, openSqliteReadModels } from '@loanflow/storage';
import { application, benchApp } from './app';
import { catchUpBench } from './catchup';
import { dashboardBench } from './dashboard';
import { projectionBench } from './projections';

const APPENDS = Number(process.env.BENCH_APPENDS ?? 4_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const LOANS = Number(process.env.BENCH_LOANS ?? 300);
const EMPTY_REQUESTS = Number(process.env.BENCH_EMPTY ?? 3_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const HTTP_ROUNDS = 3;
const DATABASE_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const KAFKA_BROKERS = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
const RELAY_EVENTS = Number(process.env.BENCH_RELAY_EVENTS ?? 20_000);
const RELAY_BATCH = 1_000;
const RELAY_ROUNDS = Number(process.env.BENCH_RELAY_ROUNDS ?? 5);

const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);

const benchMetadata = (commandId: string) => ({
  actorId: 'bench',
  commandId,
  correlationId: commandId,
  causationId: null,
  occurredAt: new Date().toISOString(),
});

/**
 * `CLIENTS` clients, each appending one event at a time to its own stream until `count` are in:
 * appends/s. With `readSet`, each append is conditional on two other streams staying where they are.
 */
async function concurrentAppends(store: EventStore, count: number, readSet = false): Promise<number> {
  let next = 0;
  const read = ['staff-bench', 'config-bench'];
  if (readSet)
    for (const streamId of read)
      await store.append(streamId, [{ type: 'Seeded', data: {} }], { expectedVersion: -1, metadata: benchMetadata(`seed-${streamId}`) });
  const conditions = readSet ? { readSet: read.map((streamId) => ({ streamId, version: 0 })) } : {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let version = -1; next < count; version++) {
        const i = next++;
        await store.append(`loan-${client}`, [{ type: 'RepaymentReceived', data: { loanId: `${client}`, amount: 10_000 + i } }], {
          expectedVersion: version,
          metadata: benchMetadata(`c-${i}`),
          ...conditions,
        });
      }
    }),
  );
  const ms = performance.now() - started;
  await store.close();
  return rate(count, ms);
}

/** Group commit runs four times as many appends: at its rate a short run would mostly measure start-up. */
const GROUPED_APPENDS = APPENDS * 4;

interface GroupCommitFigures {
  single: number;
  grouped: number;
  /** Group commit, every append carrying a read set of two streams. */
  readSet: number;
}

async function sqliteGroupCommit(dir: string): Promise<GroupCommitFigures> {
  // A first run warms the JIT for both paths.
  await concurrentAppends(new SqliteEventStore(openSqlite(join(dir, 'warm-up.db')), { clock: systemClock }), APPENDS);
  return {
    single: await concurrentAppends(new SqliteEventStore(openSqlite(join(dir, 'single.db')), { clock: systemClock, maxBatch: 1 }), APPENDS),
    grouped: await concurrentAppends(
      new SqliteEventStore(openSqlite(join(dir, 'grouped.db')), { clock: systemClock, maxBatch: DEFAULT_GROUP_COMMIT_MAX_BATCH }),
      GROUPED_APPENDS,
    ),
    readSet: await concurrentAppends(
      new SqliteEventStore(openSqlite(join(dir, 'read-set.db')), { clock: systemClock, maxBatch: DEFAULT_GROUP_COMMIT_MAX_BATCH }),
      GROUPED_APPENDS,
      true,
    ),
  };
}

/** The same on PostgreSQL, each run in a schema of its own that is dropped afterwards; why not, when no server answers. */
async function postgresGroupCommit(): Promise<GroupCommitFigures | string> {
  const admin = new Client({ connectionString: DATABASE_URL });
  try {
    await admin.connect();
  } catch (error) {
    return `PostgreSQL not reachable at ${DATABASE_URL}: ${(error as Error).message}`;
  }
  const schema = `bench_${Date.now().toString(36)}`;
  const inSchema = (name: string) => {
    const url = new URL(DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}_${name}`);
    return url.toString();
  };
  try {
    await admin.query(`CREATE SCHEMA ${schema}_single; CREATE SCHEMA ${schema}_grouped; CREATE SCHEMA ${schema}_readset`);
    return {
      single: await concurrentAppends(
        new PostgresEventStore(await openPostgres(inSchema('single')), { clock: systemClock, maxBatch: 1 }),
        APPENDS,
      ),
      grouped: await concurrentAppends(
        new PostgresEventStore(await openPostgres(inSchema('grouped')), { clock: systemClock, maxBatch: DEFAULT_GROUP_COMMIT_MAX_BATCH }),
        GROUPED_APPENDS,
      ),
      readSet: await concurrentAppends(
        new PostgresEventStore(await openPostgres(inSchema('readset')), { clock: systemClock, maxBatch: DEFAULT_GROUP_COMMIT_MAX_BATCH }),
        GROUPED_APPENDS,
        true,
      ),
    };
  } finally {
    await admin.query(
      `DROP SCHEMA IF EXISTS ${schema}_single CASCADE; DROP SCHEMA IF EXISTS ${schema}_grouped CASCADE; DROP SCHEMA IF EXISTS ${schema}_readset CASCADE`,
    );
    await admin.end();
  }
}

async function httpPath(dir: string) {
  const { auth, call, close } = await benchApp(join(dir, 'http.db'));
  const admin = auth('root', true);
  const staff: [string, string, number?][] = [
    ['ana', 'investigation'],
    ['bo', 'examination'],
    ['cy', 'approval', 1_000_000_000],
    ['dan', 'disbursement'],
  ];
  for (const [id, post, approvalLimit] of staff) {
    await call('POST', '/staff', admin, { staffId: id, name: id, branchId: 'BR' });
    await call('POST', `/staff/${id}/posts`, admin, { post, branchId: 'BR', ...(approvalLimit ? { approvalLimit } : {}) });
  }
  const [ana, bo, cy, dan] = staff.map(([id]) => auth(id));
  await call('POST', '/borrowers', ana, {
    borrowerId: 'B',
    name: 'b',
    kind: 'household',
    village: 'v',
    sector: 'grain',
    identityNumber: '11010519491231002X',
  });

  const terms = { amount: 5_000_000, termMonths: 12, annualRateBps: 600 };
  const oneLoan = async (n: number) => {
    const id = `L-${n}`;
    await call('POST', '/loans', ana, application(id, 'B', 'BR'));
    await call('POST', `/loans/${id}/investigation`, ana, {
      recommendation: 'approve',
      findings: 'ok',
      riskPoints: [],
      proposedTerms: terms,
    });
    await call('POST', `/loans/${id}/examination`, bo, { opinion: 'pass', comments: 'ok', riskPoints: [] });
    await call('POST', `/loans/${id}/approval`, cy, { decision: 'approve', terms, comments: 'ok' });
    await call('POST', `/loans/${id}/disbursement`, dan, { amount: 5_000_000 });
  };
  const inParallel = async (count: number, task: (i: number) => Promise<unknown>) => {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) await task(next++);
      }),
    );
    return performance.now() - started;
  };
  await inParallel(20, () => call('GET', '/bench/empty', ana)); // warm-up
  await inParallel(10, (i) => oneLoan(LOANS + i));
  // The two alternate, a third of each per round, and the medians are taken: the machine's noise hits both alike.
  const rounds: { empty: number; commands: number }[] = [];
  for (let round = 0, loan = 0; round < HTTP_ROUNDS; round++) {
    const empties = Math.ceil(EMPTY_REQUESTS / HTTP_ROUNDS);
    const loans = Math.ceil(LOANS / HTTP_ROUNDS);
    const emptyMs = await inParallel(empties, () => call('GET', '/bench/empty', ana));
    const first = loan;
    loan += loans;
    const commandMs = await inParallel(loans, (i) => oneLoan(first + i));
    rounds.push({ empty: rate(empties, emptyMs), commands: rate(loans * 5, commandMs) });
  }
  await close();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const commands = median(rounds.map((r) => r.commands));
  return {
    empty: median(rounds.map((r) => r.empty)),
    commands,
    loans: Math.round(commands / 5),
    ratio: median(rounds.map((r) => r.commands / r.empty)),
  };
}

interface RelayFigures {
  bare: number;
  relay: number;
  ratio: number;
}

/**
 * The relay against a bare kafkajs producer sending the very same records (built beforehand)
 * with the same batching, producer settings and acks, each into topics of its own.
 */
async function relayVersusProducer(dir: string): Promise<RelayFigures | string> {
  const kafka = new Kafka({ clientId: 'loanflow-bench', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    return `Kafka not reachable at ${KAFKA_BROKERS.join(',')}: ${(error as Error).message}`;
  }
  const path = join(dir, 'relay.db');
  const store = new SqliteEventStore(openSqlite(path), { clock: systemClock });
  const heads = new Array<number>(200).fill(-1);
  await Promise.all(
    Array.from({ length: 200 }, async (_, loan) => {
      for (let i = loan; i < RELAY_EVENTS; i += 200) {
        await store.append(
          `loan-L-${loan}`,
          [{ type: 'RepaymentReceived', data: { loanId: `L-${loan}`, amount: 10_000 + i, paidOn: '2026-03-02' } }],
          { expectedVersion: heads[loan]++, metadata: benchMetadata(`r-${i}`) },
        );
      }
    }),
  );
  const readModels = await openSqliteReadModels(openSqlite(path));
  const created: string[] = [];
  const freshTopics = async (prefix: string) => {
    const topics = AGGREGATES.map((a) => ({ topic: topicOf(a, prefix), numPartitions: 3, replicationFactor: 1 }));
    await admin.createTopics({ waitForLeaders: true, topics });
    created.push(...topics.map((t) => t.topic));
  };
  // Both are timed from the broker's acknowledgement of the first batch to that of the last: steady
  // throughput, without connecting, creating topics or a cold JIT in either figure.
  const steady = RELAY_EVENTS - RELAY_BATCH;

  const bare = async (prefix: string) => {
    await freshTopics(prefix);
    const batches: KafkaRecord[][] = [];
    for (let from = 0; from < RELAY_EVENTS; from += RELAY_BATCH) {
      batches.push((await store.readAll(from, RELAY_BATCH)).map((e) => toKafkaRecord(e, { topicPrefix: prefix, source: '/loanflow' })));
    }
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    let started = 0;
    for (const batch of batches) {
      const byTopic = new Map<string, Message[]>();
      for (const { topic, ...message } of batch) (byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!).push(message);
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      started ||= performance.now();
    }
    const ms = performance.now() - started;
    await producer.disconnect();
    return rate(steady, ms);
  };

  const relayed = async (prefix: string) => {
    await freshTopics(prefix);
    const relay = new KafkaRelay(store, new Checkpoints(readModels, systemClock), kafka, {
      topicPrefix: prefix,
      source: '/loanflow',
      partitions: 3,
      replicationFactor: 1,
      batchSize: RELAY_BATCH,
      name: prefix,
    });
    const acknowledged = async (position: number) => {
      while (relay.status.checkpoint < position) await new Promise((r) => setTimeout(r, 1));
      return performance.now();
    };
    relay.start();
    const started = await acknowledged(RELAY_BATCH - 1);
    const ms = (await acknowledged(RELAY_EVENTS - 1)) - started;
    await relay.stop();
    return rate(steady, ms);
  };

  // The machine is shared with the broker: alternate the two, several rounds, and take medians.
  const run = `bench${Date.now().toString(36)}`;
  const figures: RelayFigures[] = [];
  try {
    for (let round = 0; round < RELAY_ROUNDS; round++) {
      const measured = { bare: await bare(`${run}-b${round}`), relay: await relayed(`${run}-r${round}`) };
      figures.push({ ...measured, ratio: measured.relay / measured.bare });
    }
  } finally {
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
    await readModels.destroy();
    await store.close();
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    bare: median(figures.map((f) => f.bare)),
    relay: median(figures.map((f) => f.relay)),
    ratio: median(figures.map((f) => f.relay / f.bare)),
  };
}

/** `BENCH_ONLY=store,http,kafka,projections,catchup,dashboard` (default all): the parts to run. */
const ONLY = new Set((process.env.BENCH_ONLY || 'store,http,kafka,projections,catchup,dashboard').split(','));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'loanflow-bench-'));
  try {
    const lines = [`loanflow bench  (node ${process.version}, data in ${dir})`];
    if (ONLY.has('store')) {
      const sqlite = await sqliteGroupCommit(dir);
      const postgres = await postgresGroupCommit();
      const groupLine = (name: string, f: GroupCommitFigures | string) =>
        typeof f === 'string'
          ? `${name.padEnd(38)} skipped: ${f}`
          : `${name.padEnd(38)} ${String(f.single).padStart(7)} appends/s   ${String(f.grouped).padStart(7)} appends/s   ${(f.grouped / f.single).toFixed(1)}x` +
            `   ${String(f.readSet).padStart(7)} appends/s   ${(f.readSet / f.grouped).toFixed(2)}x`;
      lines.push(
        `durable single-event appends from ${CLIENTS} concurrent clients (${APPENDS} appends one commit each, ${GROUPED_APPENDS} with group commit)`,
        `${'store'.padEnd(38)} ${'one commit each'.padStart(17)}   ${'group commit'.padStart(17)}   ratio   ${'+ read set of 2'.padStart(17)}   vs group commit`,
        groupLine('SQLite (WAL, synchronous=FULL)', sqlite),
        groupLine('PostgreSQL (synchronous_commit=on)', postgres),
      );
    }
    if (ONLY.has('http')) {
      const http = await httpPath(dir);
      lines.push(
        `http    empty route (auth + pipes + filter, no store)               ${http.empty} req/s   (${EMPTY_REQUESTS} requests, ${CONCURRENCY} clients)`,
        `http    command path apply→investigate→examine→approve→disburse     ${http.commands} commands/s = ${http.loans} loans/s   (${LOANS} loans)`,
        `ratio   command path / empty route                                  ${http.ratio.toFixed(3)}   (medians of ${HTTP_ROUNDS} alternating rounds)`,
      );
    }
    if (ONLY.has('kafka')) {
      const kafka = await relayVersusProducer(dir);
      lines.push(
        typeof kafka === 'string'
          ? `kafka   skipped: ${kafka}`
          : `kafka   bare kafkajs producer ${kafka.bare} events/s   relay (log → CloudEvents → Kafka, checkpointed) ${kafka.relay} events/s   ratio ${kafka.ratio.toFixed(2)}   (medians of ${RELAY_ROUNDS} alternating rounds of ${RELAY_EVENTS} events, batches of ${RELAY_BATCH})`,
      );
    }
    if (ONLY.has('projections')) {
      const p = await projectionBench((line) => console.error(line));
      lines.push(
        `projections on the demo cooperative (${p.demoEvents} events) ×${p.copies} = ${p.events} events, SQLite`,
        `        raw scan (readAll + JSON.parse) ${p.scan} events/s   rebuild of every projection ${p.rebuild} events/s   ratio ${(p.rebuild / p.scan).toFixed(2)}   peak rss ${p.rebuildRss} MB`,
        ...Object.entries(p.reports).map(([report, ms]) => `        p95 ${String(ms).padStart(7)} ms   ${report}`),
      );
    }
    if (ONLY.has('catchup')) {
      // `BENCH_CATCHUP=api` or `worker` (default both): where the projections catch up.
      for (const where of (process.env.BENCH_CATCHUP || 'api,worker').split(',') as ('api' | 'worker')[]) {
        const c = await catchUpBench(dir, where, (line) => console.error(line));
        lines.push(
          `catch-up of every projection from position 0 (${c.behind} events behind), projecting in the ${where}: ${c.rate} events/s;` +
            ` ${c.commands} commands answered meanwhile by the api (register, apply, investigate; ${c.offered} a second arriving): p50 ${c.p50} ms   p99 ${c.p99} ms   max ${c.max} ms`,
        );
      }
    }
    if (ONLY.has('dashboard')) {
      const d = await dashboardBench(dir, (line) => console.error(line));
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
      lines.push(
        ...(typeof d === 'string'
          ? [`dashboard skipped: ${d}`]
          : [
              `dashboard bundle ${kb(d.files.reduce((n, f) => n + f.bytes, 0))} (gzip ${kb(d.files.reduce((n, f) => n + f.gzip, 0))}): ${d.files.map((f) => `${f.name} ${kb(f.bytes)} / ${kb(f.gzip)}`).join(', ')}`,
              `dashboard risk board on the demo (${d.demoEvents} events), ms from navigation: first load chart ${d.cold.chart.toFixed(0)} board ${d.cold.board.toFixed(0)};` +
                ` reloads median chart ${d.warm.chart.median.toFixed(0)} board ${d.warm.board.median.toFixed(0)}, p95 chart ${d.warm.chart.p95.toFixed(0)} board ${d.warm.board.p95.toFixed(0)}`,
            ]),
      );
    }
    console.log(lines.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();

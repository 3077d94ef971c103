import {
  EventStore,
  openPostgres,
  openSqlite,
  PostgresEventStore,
  RecordedEvent,
  SqliteEventStore,
  systemClock,
} from '@loanflow/event-store';
import { Checkpoints, openPostgresReadModels, openSqliteReadModels, PostgresLease, ReadModelDb } from '@loanflow/storage';
import { Kafka as CloudEventsKafka, KafkaMessage } from 'cloudevents';
import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE } from '../../../apps/api/src/common/tokens';
import { ADMIN, advance, staffBranch, startApp, testConfig } from '../../../test/support/app';
import { freshSchema } from '../../../test/support/postgres';
import { Consumed, consumeAll, freshTopicPrefix, relayingTo, TEST_KAFKA_BROKERS, testKafka } from '../../../test/support/kafka';
import { AGGREGATES, isPublished, topicOf } from './cloud-event';
import { KafkaRelay, RELAY_CHECKPOINT } from './relay';

const root = join(__dirname, '..', '..', '..');
const sqlitePath = () => join(mkdtempSync(join(tmpdir(), 'loanflow-relay-')), 'log.db');
const topics = (prefix: string) => AGGREGATES.map((a) => topicOf(a, prefix));

const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Appends `count` one-event commands over `loans` loan streams and a few staff and borrower streams, in random order. */
async function appendRandom(store: EventStore, count: number, loans: number, tag: string) {
  const heads = new Map((await store.streamHeads()).map((h) => [h.streamId, h.version]));
  const streams = [
    ...Array.from({ length: loans }, (_, i) => `loan-L-${i}`),
    ...Array.from({ length: 5 }, (_, i) => `staff-s${i}`),
    ...Array.from({ length: 5 }, (_, i) => `borrower-B-${i}`),
  ];
  for (let i = 0; i < count; i++) {
    const streamId = streams[randomInt(streams.length)];
    const version = heads.get(streamId) ?? -1;
    const { lastVersion } = await store.append(streamId, [{ type: 'Tick', data: { n: i, tag } }], {
      expectedVersion: version,
      metadata: {
        actorId: 'ana',
        commandId: `${tag}-${i}`,
        correlationId: `${tag}-${i}`,
        causationId: null,
        occurredAt: new Date().toISOString(),
      },
    });
    heads.set(streamId, lastVersion);
  }
}

/**
 * What downstream must see: after dropping repeats of a `ce_id`, exactly the log's published
 * events (none of an internal stream), and per key exactly the stream's order; every record a
 * valid CloudEvent in binary mode.
 */
function expectExactlyTheLog(records: Consumed[], everything: RecordedEvent[], prefix: string) {
  const log = everything.filter((e) => isPublished(e.streamId));
  expect(records.filter((r) => isInternalKey(r.key))).toEqual([]);
  const seen = new Set<string>();
  const perKey = new Map<string, string[]>();
  for (const r of records) {
    const id = r.headers.ce_id;
    if (seen.has(id)) continue;
    seen.add(id);
    perKey.set(r.key, [...(perKey.get(r.key) ?? []), id]);
  }
  expect(seen.size).toBe(log.length);
  expect([...seen].sort()).toEqual(log.map((e) => e.eventId).sort());
  const streams = new Map<string, RecordedEvent[]>();
  for (const e of log) streams.set(e.streamId, [...(streams.get(e.streamId) ?? []), e]);
  for (const [streamId, events] of streams) expect(perKey.get(streamId)).toEqual(events.map((e) => e.eventId));
  const byId = new Map(log.map((e) => [e.eventId, e]));
  for (const r of records) {
    const event = CloudEventsKafka.toEvent({
      headers: r.headers,
      key: r.key,
      value: r.value,
      body: r.value,
    } as KafkaMessage<string>) as unknown as {
      validate(): boolean;
      id: string;
      subject: string;
      type: string;
      data: unknown;
      globalposition: string;
    };
    expect(event.validate()).toBe(true);
    const original = byId.get(event.id)!;
    expect(r.topic).toBe(topicOf(original.streamId.split('-')[0] as (typeof AGGREGATES)[number], prefix));
    expect([event.subject, event.type, event.globalposition]).toEqual([
      original.streamId,
      `loanflow.${r.topic.split('.')[1]}.Tick.v1`,
      String(original.globalPosition),
    ]);
    expect(event.data).toEqual(original.data);
  }
}

/**
 * Appends `count` records to internal streams, as the registry keeps them: identity-number
 * reservations (a stream per digest) and administrators recognised (a stream per id).
 */
async function appendInternal(store: EventStore, count: number, tag: string) {
  for (let i = 0; i < count; i++) {
    const [streamId, type, data]: [string, string, Record<string, string>] =
      i % 2 === 0
        ? [
            `identity-${createHash('sha256').update(`${tag}-${i}`).digest('hex')}`,
            'IdentityNumberReserved',
            { borrowerId: `B-${tag}-${i}` },
          ]
        : [`admin-${tag}-${i}`, 'AdministratorRecognised', { adminId: `${tag}-${i}` }];
    await store.append(streamId, [{ type, data: { ...data, at: new Date().toISOString() } }], {
      expectedVersion: -1,
      metadata: {
        actorId: 'system',
        commandId: `registry-${tag}-${i}`,
        correlationId: `registry-${tag}-${i}`,
        causationId: null,
        occurredAt: new Date().toISOString(),
      },
    });
  }
}

const isInternalKey = (key: string) => key.startsWith('identity-') || key.startsWith('admin-');

const distinctIds = (n: number) => (records: Consumed[]) => new Set(records.map((r) => r.headers.ce_id)).size >= n;

describe('the Kafka relay against a real broker', () => {
  const logs: [string, () => Promise<{ store: EventStore; readModels: ReadModelDb }>][] = [
    [
      'SQLite',
      async () => {
        const path = sqlitePath();
        return {
          store: new SqliteEventStore(openSqlite(path), { clock: systemClock }),
          readModels: await openSqliteReadModels(openSqlite(path)),
        };
      },
    ],
    [
      'PostgreSQL',
      async () => {
        const { url } = await freshSchema('e2e');
        return {
          store: new PostgresEventStore(await openPostgres(url), { clock: systemClock }),
          readModels: await openPostgresReadModels(url),
        };
      },
    ],
  ];

  it.each(logs)(
    'publishes 5,000 events over 200 loans from a %s log: every event once, in stream order per key, as valid CloudEvents',
    async (_, open) => {
      const { store, readModels } = await open();
      const checkpoints = new Checkpoints(readModels, systemClock);
      await appendRandom(store, 5_000, 200, 'bulk');
      const prefix = freshTopicPrefix();
      const relay = new KafkaRelay(store, checkpoints, testKafka(), {
        topicPrefix: prefix,
        source: '/loanflow',
        partitions: 3,
        replicationFactor: 1,
      });
      relay.start();
      await until('the broker acknowledged the whole log', () => relay.status.checkpoint === 4_999);
      await relay.stop();
      expect(await checkpoints.get(RELAY_CHECKPOINT)).toBe(4_999);

      const records = await consumeAll(topics(prefix), distinctIds(5_000));
      expectExactlyTheLog(records, await store.readAll(0, 10_000), prefix);
      await store.close();
      await readModels.destroy();
    },
  );

  it('survives five SIGKILLs of the worker while events keep coming: duplicates at most, never a gap', async () => {
    const path = sqlitePath();
    const store = new SqliteEventStore(openSqlite(path), { clock: systemClock });
    const checkpoints = new Checkpoints(await openSqliteReadModels(openSqlite(path)), systemClock);
    const prefix = freshTopicPrefix();
    const env = {
      ...process.env,
      EVENT_STORE: 'sqlite',
      SQLITE_PATH: path,
      KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
    };
    const worker = () =>
      spawn(
        process.execPath,
        ['--require', join(root, 'test', 'support', 'ts-register.js'), join(root, 'apps', 'worker', 'src', 'main.ts')],
        {
          env,
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
    const exited = (child: ChildProcess) =>
      new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, signal) => resolve(signal)));

    let writing = true;
    let round = 0;
    const writer = (async () => {
      while (writing) {
        await appendRandom(store, 20, 50, `w${round++}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const kills: number[] = [];
    for (let i = 0; i < 5; i++) {
      const child = worker();
      const before = await checkpoints.get(RELAY_CHECKPOINT);
      // Kill it once it has relayed something in this life (so kills land mid-stream), after a random while.
      await until('the worker relays', async () => (await checkpoints.get(RELAY_CHECKPOINT)) > before, 90_000);
      await new Promise((r) => setTimeout(r, randomInt(50, 1_500)));
      child.kill('SIGKILL');
      expect(await exited(child)).toBe('SIGKILL');
      kills.push(await checkpoints.get(RELAY_CHECKPOINT));
    }
    writing = false;
    await writer;
    const head = await store.headPosition();
    const last = worker();
    await until('the restarted worker catches up', async () => (await checkpoints.get(RELAY_CHECKPOINT)) === head, 90_000);
    last.kill('SIGTERM');
    await exited(last);
    expect(kills.every((k, i) => i === 0 || k >= kills[i - 1])).toBe(true);
    expect(kills[4]).toBeLessThan(head);

    const records = await consumeAll(topics(prefix), distinctIds(head + 1), 90_000);
    expectExactlyTheLog(records, await store.readAll(0, 1_000_000), prefix);
    await store.close();
  });

  it('keeps internal streams in the log: never published, yet the checkpoint passes them', async () => {
    const path = sqlitePath();
    const store = new SqliteEventStore(openSqlite(path), { clock: systemClock });
    const checkpoints = new Checkpoints(await openSqliteReadModels(openSqlite(path)), systemClock);
    await appendRandom(store, 40, 5, 'before');
    // More internal records in a row than a batch holds: whole batches with nothing to send.
    await appendInternal(store, 25, 'run');
    for (let i = 0; i < 4; i++) {
      await appendRandom(store, 10, 5, `mixed${i}`);
      await appendInternal(store, 3, `mixed${i}`);
    }
    await appendRandom(store, 5, 5, 'after');
    const head = await store.headPosition();
    const log = await store.readAll(0, 1_000);
    const published = log.filter((e) => isPublished(e.streamId));
    expect(log.length - published.length).toBe(37);

    const prefix = freshTopicPrefix();
    const relay = new KafkaRelay(store, checkpoints, testKafka(), {
      topicPrefix: prefix,
      source: '/loanflow',
      partitions: 3,
      replicationFactor: 1,
      batchSize: 10,
    });
    relay.start();
    await until('the checkpoint passed the whole log, internal records included', () => relay.status.checkpoint === head);
    expect(relay.status).toMatchObject({ failures: 0, lastError: null });
    // An internal run at the head is passed as well.
    await appendInternal(store, 12, 'tail');
    await until('the checkpoint passed the internal tail', () => relay.status.checkpoint === head + 12);
    await relay.stop();
    expect(await checkpoints.get(RELAY_CHECKPOINT)).toBe(head + 12);

    const records = await consumeAll(topics(prefix), distinctIds(published.length));
    expectExactlyTheLog(records, await store.readAll(0, 1_000), prefix);
    // Positions increase across the topics, with gaps where the log holds what is not published.
    const positions = [...new Set(records.map((r) => Number(r.headers.ce_globalposition)))].sort((a, b) => a - b);
    expect(positions).toEqual(published.map((e) => e.globalPosition));
    expect(positions.some((p, i) => i > 0 && p > positions[i - 1] + 1)).toBe(true);
    await store.close();
  });

  it('lets one relay of a PostgreSQL log work while a second stands by, and hands over when the first stops', async () => {
    const { url } = await freshSchema('e2e');
    const store = new PostgresEventStore(await openPostgres(url), { clock: systemClock });
    const readModels = await openPostgresReadModels(url);
    const prefix = freshTopicPrefix();
    const relay = () =>
      new KafkaRelay(store, new Checkpoints(readModels, systemClock), testKafka(), {
        topicPrefix: prefix,
        source: '/loanflow',
        partitions: 3,
        replicationFactor: 1,
        builderThread: false,
        lease: new PostgresLease(url, RELAY_CHECKPOINT),
      });
    await appendRandom(store, 1_000, 50, 'first');
    const [a, b] = [relay(), relay()];
    a.start();
    await until('the first relay is active', () => a.status.checkpoint === 999);
    b.start();
    await until('the second relay stands by', () => b.status.standby);
    await appendRandom(store, 200, 50, 'second');
    await until('the active relay publishes what came next', () => a.status.checkpoint === 1_199);
    expect(b.status).toMatchObject({ standby: true, checkpoint: -1 });

    await a.stop();
    await appendRandom(store, 300, 50, 'third');
    await until('the second relay took over and caught up', () => b.status.checkpoint === 1_499, 30_000);
    expect(b.status.standby).toBe(false);
    await b.stop();

    // A clean hand-over re-sends nothing: every event is on Kafka exactly once.
    const records = await consumeAll(topics(prefix), distinctIds(1_500));
    expect(records).toHaveLength(1_500);
    expectExactlyTheLog(records, await store.readAll(0, 10_000), prefix);
    await store.close();
    await readModels.destroy();
  });

  it('retries with backoff while the broker is away and catches up when it is back', async () => {
    const path = sqlitePath();
    const store = new SqliteEventStore(openSqlite(path), { clock: systemClock });
    const checkpoints = new Checkpoints(await openSqliteReadModels(openSqlite(path)), systemClock);
    await appendRandom(store, 300, 20, 'away');
    let brokerBack = false;
    const kafka = testKafka(async () => (brokerBack ? TEST_KAFKA_BROKERS : ['127.0.0.1:1']));
    const prefix = freshTopicPrefix();
    const relay = new KafkaRelay(store, checkpoints, kafka, {
      topicPrefix: prefix,
      source: '/loanflow',
      partitions: 1,
      replicationFactor: 1,
    });
    relay.start();
    await until('two attempts failed', () => relay.status.failures >= 2);
    expect(relay.status.lastError).toBeTruthy();
    expect(relay.status.checkpoint).toBe(-1);
    brokerBack = true;
    await until('the relay caught up', () => relay.status.checkpoint === 299);
    expect(relay.status).toMatchObject({ failures: 0, lastError: null, builder: 'inline' });
    await relay.stop();
    expectExactlyTheLog(await consumeAll(topics(prefix), distinctIds(300)), await store.readAll(0, 1_000), prefix);
    await store.close();
  });

  it('runs inside the embedded api, which reports the relay lag on /health and to Prometheus', async () => {
    const prefix = freshTopicPrefix();
    const t = await startApp('2026-03-02T09:00:00.000Z', testConfig({ kafka: relayingTo(prefix, '/coop-7') }));
    // The app relays to Kafka: it is closed whatever the assertions say, or its connections keep Jest running.
    try {
      await staffBranch(t);
      await advance(t, 'L-1', 'active');
      const head = (await t.http.get('/health').expect(200)).body.eventStore.headPosition;
      await until('the relay reports no lag', async () => (await t.http.get('/health')).body.relay.lag === 0);
      expect((await t.http.get('/health')).body.relay).toEqual({ checkpoint: head, lag: 0, failures: 0, lastError: null });
      const metrics = await t.http.get('/metrics').set(t.as(ADMIN, true)).expect(200);
      expect(metrics.text).toContain('loanflow_relay_lag_events 0');
      expect(metrics.text).toContain(`loanflow_event_log_head_position ${head}`);
      // The administrator's record and the borrower's identity-number reservation stay in the log.
      const log = await t.app.get<EventStore>(EVENT_STORE).readAll(0, 10_000);
      const published = log.filter((e) => isPublished(e.streamId));
      expect(log.filter((e) => !isPublished(e.streamId)).map((e) => e.streamId.split('-')[0])).toEqual(
        expect.arrayContaining(['admin', 'identity']),
      );
      const records = await consumeAll(topics(prefix), distinctIds(published.length));
      expect(records.filter((r) => isInternalKey(r.key))).toEqual([]);
      expect([...new Set(records.map((r) => r.headers.ce_id))].sort()).toEqual(published.map((e) => e.eventId).sort());
      const loan = records.filter((r) => r.key === 'loan-L-1').map((r) => r.headers.ce_type);
      expect(loan).toEqual([
        'loanflow.loan.LoanApplied.v1',
        'loanflow.loan.InvestigationCompleted.v1',
        'loanflow.loan.ExaminationCompleted.v1',
        'loanflow.loan.LoanApproved.v1',
        // Recorded at LoanDisbursed's current schema version (the interest terms of money by the day).
        'loanflow.loan.LoanDisbursed.v2',
      ]);
      expect(records.find((r) => r.key === 'loan-L-1')!.headers).toMatchObject({
        ce_source: '/coop-7',
        ce_actorid: 'ana',
        'content-type': 'application/json',
      });
    } finally {
      await t.close();
    }
  });
});

import { AppendWaiters } from '../append-waiters';
import { Client, Pool, PoolClient } from 'pg';
import { AppendRequest, continuedHeads, GroupCommitter, keysOf, planBatch, replayResult, StoreOptions } from '../append-batch';
import {
  AppendOptions,
  AppendResult,
  CommandRecord,
  EventStore,
  EventToAppend,
  LogCopy,
  RecordedEvent,
  StreamHead,
} from '../event-store.port';
import { DEFAULT_GROUP_COMMIT_MAX_BATCH } from '@loanflow/config';
import { CommandRow, EventRow, toCommand, toEvent } from '../rows';

const CHANNEL = 'loanflow_events';
/** Stream heads remembered from reads and appends, for appends in one round trip. */
const HEAD_CACHE = 50_000;

type Assumed = { version: number; hash: string | null };

/** A batch's rows as one array per column (the statements unnest them), in the order of the tables' columns. */
const eventColumns = (events: RecordedEvent[]) => [
  events.map((e) => e.eventId),
  events.map((e) => e.streamId),
  events.map((e) => e.streamVersion),
  events.map((e) => e.type),
  events.map((e) => e.schemaVersion),
  events.map((e) => JSON.stringify(e.data)),
  events.map((e) => JSON.stringify(e.metadata)),
  events.map((e) => e.prevHash),
  events.map((e) => e.hash),
];
const headColumns = (heads: StreamHead[]) => [heads.map((h) => h.streamId), heads.map((h) => h.version), heads.map((h) => h.hash)];
const commandColumns = (commands: CommandRecord[]) => [
  commands.map((c) => c.commandId),
  commands.map((c) => c.streamId),
  commands.map((c) => c.fingerprint),
  commands.map((c) => c.firstVersion),
  commands.map((c) => c.lastVersion),
  commands.map((c) => c.lastPosition),
];
/** A waiting reader also polls, in case the notification connection is down. */
const POLL_MS = 1_000;

/**
 * The event log on PostgreSQL.
 *
 * Global order: every write transaction first locks the single `log_head` row and takes its
 * positions from it, so positions are handed out one transaction at a time and a transaction
 * can only take positions after the one before it has committed. PostgreSQL makes a commit
 * visible before it releases the committer's locks, so whatever a reader sees is always a
 * gapless prefix of the log: `readAll(from)` can trust "position >= from" and never skips an
 * event that commits late. We chose this over the transaction-id (xid8 + snapshot xmin) scheme
 * because it keeps the port's plain gapless positions, which the hash-chain verifier, numeric
 * checkpoints and migrate-log rely on, and readers need no snapshot arithmetic. Its price, one
 * writing transaction at a time across all processes, is what group commit pays back: each
 * transaction carries every append that queued while the previous one was committing.
 */
export class PostgresEventStore implements EventStore, LogCopy {
  private readonly waiters: AppendWaiters;
  private readonly committer: GroupCommitter<AppendRequest, AppendResult>;
  private readonly clock: () => Date;
  /** Heads as this process last saw them (version -1: no such stream); the database checks them before use. */
  private readonly heads = new Map<string, Assumed>();
  private listener: Client | null = null;
  private listening: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    options: StoreOptions,
  ) {
    this.clock = options.clock;
    this.waiters = new AppendWaiters(() => this.headPosition(), POLL_MS);
    this.committer = new GroupCommitter(
      async (batch) => (await this.appendAssumed(batch)) ?? this.inTransaction((c) => this.commitBatch(c, batch)),
      options.maxBatch ?? DEFAULT_GROUP_COMMIT_MAX_BATCH,
    );
  }

  private async inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Takes the log's head lock: from here to COMMIT no other writer can take a position. */
  private async lockHead(client: PoolClient): Promise<number> {
    const { rows } = await client.query<{ position: string }>('SELECT position FROM log_head WHERE id = 1 FOR UPDATE');
    return Number(rows[0].position);
  }

  private remember(streamId: string, head: Assumed): void {
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > HEAD_CACHE) this.heads.delete(this.heads.keys().next().value!);
  }

  /**
   * What a batch assumes of its streams: the heads this process last saw, or none for a stream it
   * creates. Null when a stream it writes on top of is unknown here: the full path reads it.
   */
  private assume(requests: AppendRequest[]): Map<string, Assumed> | null {
    const assumed = new Map<string, Assumed>();
    const written = new Set<string>();
    for (const { streamId, options } of requests) {
      for (const w of [{ streamId, expectedVersion: options.expectedVersion }, ...(options.alongside ?? [])]) {
        written.add(w.streamId);
        if (assumed.has(w.streamId)) continue;
        const known = this.heads.get(w.streamId);
        if (known) assumed.set(w.streamId, known);
        else if (w.expectedVersion === -1) assumed.set(w.streamId, { version: -1, hash: null });
        else return null;
      }
      for (const r of options.readSet ?? [])
        if (!assumed.has(r.streamId)) assumed.set(r.streamId, this.heads.get(r.streamId) ?? { version: r.version, hash: null });
    }
    for (const id of written) {
      const a = assumed.get(id)!;
      if (a.version >= 0 && a.hash === null) return null;
    }
    return assumed;
  }

  /**
   * The batch in one statement (`loanflow_append`, its own transaction): planned here on the heads
   * this process knows, checked and written by the database under the head lock. Null when it does
   * not apply (an unknown head, a refusal, a command seen before) or an assumption failed: then the
   * full path decides on what the database holds.
   */
  private async appendAssumed(requests: AppendRequest[]): Promise<AppendResult[] | null> {
    const assumed = this.assume(requests);
    if (!assumed) return null;
    const known = new Map<string, { version: number; hash: string }>();
    for (const [id, a] of assumed) if (a.version >= 0) known.set(id, { version: a.version, hash: a.hash ?? '' });
    const recordedAt = this.clock().toISOString();
    const plan = planBatch(requests, { commands: new Map(), heads: known, nextPosition: 0, recordedAt });
    if (plan.events.length === 0 || plan.outcomes.some((o) => !('result' in o))) return null;
    const { events, heads, commands } = plan;
    const { rows } = await this.pool.query<{ base: string | null }>(
      `SELECT loanflow_append($1::text[], $2::int[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::int[], $8::text[], $9::int[],
         $10::json[], $11::json[], $12::text[], $13::text[], $14::text[], $15::int[], $16::text[], $17::text[], $18::text[], $19::text[],
         $20::int[], $21::int[], $22::bigint[], $23::text) AS base`,
      [
        [...assumed.keys()],
        [...assumed.values()].map((a) => a.version),
        [...assumed.values()].map((a) => a.hash),
        [...new Set(requests.map((r) => r.options.metadata.commandId))],
        ...eventColumns(events),
        ...headColumns(heads),
        // Positions planned from 0: the function adds the head it takes.
        ...commandColumns(commands),
        recordedAt,
      ],
    );
    if (rows[0].base === null) {
      for (const id of assumed.keys()) this.heads.delete(id);
      return null;
    }
    // Planned from position 0: the database took them from its head.
    const base = Number(rows[0].base);
    for (const e of events) e.globalPosition += base;
    const results = plan.outcomes.map((o) => (o as { result: AppendResult }).result);
    for (const r of results) r.lastPosition += base;
    for (const h of heads) this.remember(h.streamId, { version: h.version, hash: h.hash });
    return results;
  }

  private async commitBatch(client: PoolClient, requests: AppendRequest[]): Promise<(AppendResult | Error)[]> {
    const head = await this.lockHead(client);
    const { commandIds, streamIds } = keysOf(requests);
    const [commands, heads] = await Promise.all([
      client.query<CommandRow>('SELECT * FROM commands WHERE command_id = ANY($1)', [commandIds]),
      client.query<StreamHead>('SELECT stream_id AS "streamId", version, hash FROM streams WHERE stream_id = ANY($1)', [streamIds]),
    ]);
    const plan = planBatch(requests, {
      commands: new Map(commands.rows.map((r) => [r.command_id, toCommand(r)])),
      heads: new Map(heads.rows.map((h) => [h.streamId, h])),
      nextPosition: head + 1,
      recordedAt: this.clock().toISOString(),
    });
    if (plan.events.length > 0) await this.write(client, plan.events, plan.heads, plan.commands);
    for (const h of heads.rows) this.remember(h.streamId, { version: h.version, hash: h.hash });
    for (const h of plan.heads) this.remember(h.streamId, { version: h.version, hash: h.hash });
    const outcomes: (AppendResult | Error)[] = [];
    for (const o of plan.outcomes) {
      if ('refused' in o) outcomes.push(o.refused);
      else if ('result' in o) outcomes.push(o.result);
      else outcomes.push(replayResult(o.replay, await this.range(client, o.replay.streamId, o.replay.firstVersion, o.replay.lastVersion)));
    }
    return outcomes;
  }

  /** Rows of one batch in one statement per table; advances the head and tells listeners at commit. */
  private async write(client: PoolClient, events: RecordedEvent[], heads: StreamHead[], commands: CommandRecord[]): Promise<void> {
    const last = events[events.length - 1].globalPosition;
    await client.query(
      `INSERT INTO events (global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::int[], $5::text[], $6::int[], $7::json[], $8::json[], $9::text[], $10::text[])`,
      [events.map((e) => e.globalPosition), ...eventColumns(events)],
    );
    await client.query(
      `INSERT INTO streams (stream_id, version, hash) SELECT * FROM unnest($1::text[], $2::int[], $3::text[])
       ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, hash = excluded.hash`,
      headColumns(heads),
    );
    if (commands.length > 0) {
      await client.query(
        `INSERT INTO commands (command_id, stream_id, fingerprint, first_version, last_version, last_position)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::bigint[])`,
        commandColumns(commands),
      );
    }
    await client.query('UPDATE log_head SET position = $1 WHERE id = 1', [last]);
    await client.query('SELECT pg_notify($1, $2)', [CHANNEL, String(last)]);
  }

  private async range(client: PoolClient | Pool, streamId: string, from: number, to: number): Promise<RecordedEvent[]> {
    const { rows } = await client.query<EventRow>(
      'SELECT * FROM events WHERE stream_id = $1 AND stream_version BETWEEN $2 AND $3 ORDER BY stream_version',
      [streamId, from, to],
    );
    return rows.map(toEvent);
  }

  async append(streamId: string, events: EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    const result = await this.committer.submit({ streamId, events, options });
    if (!result.duplicate) this.waiters.notify(result.lastPosition);
    return result;
  }

  async readStream(streamId: string, fromVersion = 0): Promise<RecordedEvent[]> {
    const events = await this.range(this.pool, streamId, fromVersion, 2 ** 31 - 1);
    // What a decision read is what its append will assume: the stream's head, or no stream at all.
    const last = events[events.length - 1];
    if (last) this.remember(streamId, { version: last.streamVersion, hash: last.hash });
    else if (fromVersion === 0) this.remember(streamId, { version: -1, hash: null });
    return events;
  }

  async readAll(fromPosition: number, limit: number): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>('SELECT * FROM events WHERE global_position >= $1 ORDER BY global_position LIMIT $2', [
      fromPosition,
      limit,
    ]);
    return rows.map(toEvent);
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>('SELECT position FROM log_head WHERE id = 1');
    return Number(rows[0].position);
  }

  /** One connection of its own (never one the pool needs) LISTENs for the commits of every process writing this log. */
  private listen(): Promise<void> {
    this.listening ??= (async () => {
      const client = new Client(this.pool.options);
      client.on('notification', (n) => this.waiters.notify(Number(n.payload)));
      client.on('error', () => {
        this.listener = null;
        this.listening = null;
        void client.end().catch(() => undefined);
      });
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.listener = client;
    })().catch(() => {
      this.listening = null;
    });
    return this.listening;
  }

  async waitForEvents(afterPosition: number, timeoutMs: number): Promise<boolean> {
    await this.listen();
    return this.waiters.wait(afterPosition, timeoutMs);
  }

  async findCommand(commandId: string): Promise<CommandRecord | null> {
    const { rows } = await this.pool.query<CommandRow>('SELECT * FROM commands WHERE command_id = $1', [commandId]);
    return rows[0] ? toCommand(rows[0]) : null;
  }

  async streamHeads(): Promise<StreamHead[]> {
    const { rows } = await this.pool.query<StreamHead>(
      'SELECT stream_id AS "streamId", version, hash FROM streams ORDER BY stream_id COLLATE "C"',
    );
    return rows;
  }

  async streamHead(streamId: string): Promise<StreamHead | null> {
    const { rows } = await this.pool.query<StreamHead>('SELECT stream_id AS "streamId", version, hash FROM streams WHERE stream_id = $1', [
      streamId,
    ]);
    return rows[0] ?? null;
  }

  async commandsIn(fromPosition: number, toPosition: number): Promise<CommandRecord[]> {
    const { rows } = await this.pool.query<CommandRow>(
      'SELECT * FROM commands WHERE last_position BETWEEN $1 AND $2 ORDER BY last_position, command_id',
      [fromPosition, toPosition],
    );
    return rows.map(toCommand);
  }

  async importRecorded(events: RecordedEvent[], commands: CommandRecord[]): Promise<void> {
    if (events.length === 0) return;
    this.heads.clear();
    await this.inTransaction(async (client) => {
      const head = await this.lockHead(client);
      const { rows } = await client.query<StreamHead>(
        'SELECT stream_id AS "streamId", version, hash FROM streams WHERE stream_id = ANY($1)',
        [[...new Set(events.map((e) => e.streamId))]],
      );
      const heads = continuedHeads(head, new Map(rows.map((h) => [h.streamId, h])), events);
      await this.write(client, events, heads, commands);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiters.close();
    await this.listening;
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}

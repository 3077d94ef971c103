import { EventStore } from '@loanflow/event-store';
import { Checkpoints, Lease, ProcessLease } from '@loanflow/storage';
import { Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { AGGREGATES, isPublished, topicOf } from './cloud-event';
import { inlineBuilder, RecordBuilder, threadBuilder, threadCanLoad } from './record-builder';

export interface RelayOptions {
  topicPrefix: string;
  source: string;
  partitions: number;
  replicationFactor: number;
  /** Most events read from the log and sent to the broker in one batch. */
  batchSize?: number;
  /** The checkpoint's name: one per relay of a log. */
  name?: string;
  /** Held while relaying: a second relay of the same log stands by (default: this process's own). */
  lease?: Lease;
  /** Build records on a worker thread (the default, where one can load the builder), or on the relay's own thread. */
  builderThread?: boolean | { execArgv: string[] };
  log?: (line: string, level: 'info' | 'warn') => void;
}

export const RELAY_CHECKPOINT = 'kafka-relay';
const DEFAULT_BATCH = 1_000;
/** How long an idle relay waits for new events before looking again (and noticing a stop). */
const IDLE_WAIT_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** How often a relay on standby tries the lease. */
const LEASE_RETRY_MS = 2_000;

export interface RelayStatus {
  /** The last position the broker acknowledged, -1 before the first. */
  checkpoint: number;
  /** Failed attempts in a row; 0 while the broker accepts. */
  failures: number;
  lastError: string | null;
  /** True while another relay holds the lease and this one waits to take over. */
  standby: boolean;
  /** Where records are built: on a worker thread, or inline on the relay's thread. */
  builder: 'thread' | 'inline' | null;
}

/**
 * Follows the global log from its checkpoint and publishes every event of a published aggregate
 * to Kafka (the log is the outbox; internal streams stay in it, and the checkpoint passes them).
 * Each batch goes out with an idempotent producer and acks from all in-sync replicas; only then
 * does the checkpoint advance, so a crash at any point re-sends (consumers dedupe on `ce_id`) but
 * never skips. Per stream the order is the log's: one key per stream, one
 * partition per key, one request in flight. When the broker is away it retries with
 * exponential backoff and resumes from the checkpoint.
 */
export class KafkaRelay {
  private readonly name: string;
  private readonly batchSize: number;
  private readonly log: (line: string, level: 'info' | 'warn') => void;
  private producer: Producer | null = null;
  private builder: RecordBuilder | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private running: Promise<void> | null = null;
  readonly status: RelayStatus = { checkpoint: -1, failures: 0, lastError: null, standby: false, builder: null };
  private readonly lease: Lease;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: Checkpoints,
    private readonly kafka: Kafka,
    private readonly options: RelayOptions,
  ) {
    this.name = options.name ?? RELAY_CHECKPOINT;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH;
    this.log = options.log ?? (() => undefined);
    this.lease = options.lease ?? new ProcessLease();
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Finishes the batch in flight (its checkpoint included) and disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (!(await this.lease.acquire())) {
          if (!this.status.standby) this.log('another relay of this log is active; standing by', 'info');
          this.status.standby = true;
          await this.pause(LEASE_RETRY_MS);
          continue;
        }
        if (this.status.standby) this.log('took over the relay', 'info');
        this.status.standby = false;
        await this.connect();
        await this.pump();
      } catch (error) {
        this.status.failures++;
        this.status.lastError = (error as Error).message;
        const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(this.status.failures, 10));
        this.log(`${this.status.lastError}; retrying in ${delay} ms (attempt ${this.status.failures})`, 'warn');
        await this.disconnect();
        await this.pause(delay);
      }
    }
    await this.disconnect();
    await this.lease.release();
  }

  /** Creates missing topics, then connects the producer. */
  private async connect(): Promise<void> {
    if (this.producer) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = AGGREGATES.map((a) => topicOf(a, this.options.topicPrefix)).filter((t) => !existing.has(t));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: this.options.partitions,
            replicationFactor: this.options.replicationFactor,
          })),
        });
        this.log(`created ${missing.join(', ')}`, 'info');
      }
    } finally {
      await admin.disconnect();
    }
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    this.producer = producer;
    const { builderThread = true, topicPrefix, source } = this.options;
    const execArgv = typeof builderThread === 'object' ? builderThread.execArgv : undefined;
    this.status.builder = builderThread && threadCanLoad(execArgv) ? 'thread' : 'inline';
    this.builder =
      this.status.builder === 'thread' ? threadBuilder({ topicPrefix, source }, execArgv) : inlineBuilder({ topicPrefix, source });
  }

  private async disconnect(): Promise<void> {
    const [producer, builder] = [this.producer, this.builder];
    this.producer = null;
    this.builder = null;
    await producer?.disconnect().catch(() => undefined);
    await builder?.close();
  }

  /** Starts preparing the batch after `position`; if the relay stops meanwhile, its failure is nobody's to report. */
  private ahead(position: number) {
    const batch = this.prepare(position);
    batch.catch(() => undefined);
    return batch;
  }

  /**
   * The published events after `position` as Kafka messages grouped by topic, in log order. The
   * internal ones (see `isPublished`) are left out, but `last` is the whole batch's: the
   * checkpoint passes them too.
   */
  private async prepare(position: number) {
    const events = await this.store.readAll(position + 1, this.batchSize);
    const published = events.filter((e) => isPublished(e.streamId));
    const byTopic = new Map<string, Message[]>();
    for (const { topic, ...message } of published.length > 0 ? await this.builder!.build(published) : []) {
      (byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!).push(message);
    }
    return {
      last: events.length > 0 ? events[events.length - 1].globalPosition : position,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    };
  }

  /** Sends batch after batch; the next one is read and built while the broker acknowledges the one before. */
  private async pump(): Promise<void> {
    let position = await this.checkpoints.get(this.name);
    this.status.checkpoint = position;
    let next = this.ahead(position);
    while (!this.stopping) {
      if (!this.lease.held) throw new Error('lost the relay lease; acquiring it again');
      const batch = await next;
      if (batch.last === position) {
        await Promise.race([this.store.waitForEvents(position, IDLE_WAIT_MS), new Promise<void>((r) => (this.wake = r))]);
        next = this.ahead(position);
        continue;
      }
      // A batch of internal events only has nothing to send; its checkpoint still advances.
      const sent =
        batch.topicMessages.length > 0 ? this.producer!.sendBatch({ acks: -1, topicMessages: batch.topicMessages }) : Promise.resolve();
      next = this.ahead(batch.last);
      await sent;
      position = batch.last;
      await this.checkpoints.set(this.name, position);
      this.status.checkpoint = position;
      this.status.failures = 0;
      this.status.lastError = null;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

import { RecordedEvent } from '@loanflow/event-store';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { KafkaRecord, RecordOptions, toKafkaRecord } from './cloud-event';

/** Turns recorded events into Kafka records, here or on a thread of its own. */
export interface RecordBuilder {
  build(events: RecordedEvent[]): Promise<KafkaRecord[]>;
  close(): Promise<void>;
}

export function inlineBuilder(options: RecordOptions): RecordBuilder {
  return { build: async (events) => events.map((e) => toKafkaRecord(e, options)), close: async () => undefined };
}

/**
 * Whether a worker thread can load the builder: always from the build, and from TypeScript
 * sources when given a loader, or when this process runs with one (threads inherit execArgv).
 */
export function threadCanLoad(execArgv?: string[]): boolean {
  return extname(__filename) !== '.ts' || execArgv !== undefined || typeof require.extensions?.['.ts'] === 'function';
}

/**
 * Builds records on a worker thread. The CloudEvents SDK's serialisation costs about as much CPU
 * per record as kafkajs' own encoding, and both would share the event loop: on a thread of its own
 * the relay's main thread is left to the producer, which then runs as fast as a bare one.
 * `execArgv` is for running from TypeScript sources (tests pass their loader).
 */
export function threadBuilder(options: RecordOptions, execArgv?: string[]): RecordBuilder {
  const worker = new Worker(join(__dirname, `record-builder.worker${extname(__filename)}`), {
    workerData: options,
    ...(execArgv ? { execArgv } : {}),
  });
  const pending = new Map<number, { resolve: (records: KafkaRecord[]) => void; reject: (error: Error) => void }>();
  let next = 0;
  let failure: Error | null = null;
  const failAll = (error: Error) => {
    failure = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', ({ id, records }: { id: number; records: KafkaRecord[] }) => {
    pending.get(id)?.resolve(records);
    pending.delete(id);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the record builder thread exited with code ${code}`)));
  return {
    build: (events) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        const id = next++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, events });
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}

import type { RecordedEvent } from '@loanflow/event-store';
import { parentPort, workerData } from 'node:worker_threads';
import { RecordOptions, toKafkaRecord } from './cloud-event';

// The relay's builder thread: events in, Kafka records out, each answer tagged with its request.
const options = workerData as RecordOptions;
parentPort!.on('message', ({ id, events }: { id: number; events: RecordedEvent[] }) =>
  parentPort!.postMessage({ id, records: events.map((e) => toKafkaRecord(e, options)) }),
);

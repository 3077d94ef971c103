import { canonicalJson } from '@loanflow/event-store';
import { createHash, randomBytes } from 'node:crypto';
import { Kafka, KafkaMessage, logLevel } from 'kafkajs';

/** The broker the integration suites use; `.ci/run` starts it with deploy/kafka/kafka.sh. */
export const TEST_KAFKA_BROKERS = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');

export const testKafka = (brokers: string[] | (() => Promise<string[]>) = TEST_KAFKA_BROKERS) =>
  new Kafka({ clientId: 'loanflow-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 } });

/** Topics of their own for each test, so runs never read each other's records. */
export const freshTopicPrefix = () => `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

export interface Consumed {
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: string;
}

const text = (v: Buffer | string | (Buffer | string)[] | undefined) =>
  v === undefined ? '' : Array.isArray(v) ? v.join(',') : v.toString();

/**
 * Reads the topics from the beginning with a fresh consumer group until `done` says it has
 * enough (or `timeoutMs` passes), and returns every record in the order each partition gave it.
 */
export async function consumeAll(topics: string[], done: (records: Consumed[]) => boolean, timeoutMs = 60_000): Promise<Consumed[]> {
  const consumer = testKafka().consumer({ groupId: `check-${freshTopicPrefix()}`, maxWaitTimeInMs: 200 });
  const records: Consumed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed ${records.length} records before the timeout`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ topic, message }: { topic: string; message: KafkaMessage }) => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = text(value);
            records.push({ topic, key: text(message.key ?? undefined), headers, value: text(message.value ?? undefined) });
            if (done(records)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** The api relaying to the test broker, on topics of its own: a test app's `kafka` configuration. */
export const relayingTo = (topicPrefix: string, source: string) => ({
  brokers: TEST_KAFKA_BROKERS,
  clientId: 'loanflow-test',
  topicPrefix,
  partitions: 1,
  replicationFactor: 1,
  source,
});

/**
 * A record's hash as a consumer recomputes it from the record alone (the AsyncAPI document's
 * recipe): the recorded version and data when the record carries them, else its type's and value.
 */
export function recomputedHash(headers: Record<string, string>, value: string): string {
  const [, , type, version] = headers.ce_type.split('.');
  const body = canonicalJson({
    eventId: headers.ce_id,
    streamId: headers.ce_subject,
    streamVersion: Number(headers.ce_streamversion),
    type,
    schemaVersion: Number(headers.ce_recordedversion ?? version.slice(1)),
    data: JSON.parse(headers.ce_recordeddata ?? value),
    metadata: {
      actorId: headers.ce_actorid,
      commandId: headers.ce_commandid,
      correlationId: headers.ce_correlationid,
      causationId: headers.ce_causationid ?? null,
      occurredAt: headers.ce_time,
      recordedAt: headers.ce_recordedat,
    },
    prevHash: headers.ce_prevhash,
  });
  return createHash('sha256').update(headers.ce_prevhash, 'utf8').update(body, 'utf8').digest('hex');
}

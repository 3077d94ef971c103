import { randomBytes } from 'node:crypto';
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

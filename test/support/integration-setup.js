/**
 * Before the integration suites: both servers (and, under CI, Chromium) must answer (a missing one fails the run, it is
 * never skipped), and what earlier runs left behind (test schemas, test topics) is dropped.
 */
const { existsSync } = require('node:fs');
const { Client } = require('pg');
const { Kafka, logLevel } = require('kafkajs');

const TEST_SCHEMA = /^(contract|reopen|order|e2e|migrate)_[a-z0-9]+_[0-9a-f]{6}$/;
const TEST_TOPIC = /^t[a-z0-9]+[0-9a-f]{6}\.(loan|borrower|staff|config)\.events$/;

module.exports = async function integrationSetup() {
  // The dashboard's browser suite: outside CI it reports itself skipped without Chromium; in CI that is a failure.
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (process.env.CI === 'true' && !existsSync(chromium))
    throw new Error(`Chromium is not at ${chromium} (apt-get install -y chromium fonts-wqy-zenhei, or set CHROMIUM_PATH)`);

  const url = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${url} (start it, or set TEST_DATABASE_URL): ${error.message}`);
  }
  try {
    const { rows } = await client.query('SELECT nspname FROM pg_namespace');
    for (const { nspname } of rows) if (TEST_SCHEMA.test(nspname)) await client.query(`DROP SCHEMA ${nspname} CASCADE`);
  } finally {
    await client.end();
  }

  const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
  const admin = new Kafka({ clientId: 'loanflow-test-setup', brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  try {
    await admin.connect();
    const stale = (await admin.listTopics()).filter((t) => TEST_TOPIC.test(t));
    if (stale.length > 0) await admin.deleteTopics({ topics: stale });
  } catch (error) {
    throw new Error(`Kafka is not reachable at ${brokers.join(',')} (bash deploy/kafka/kafka.sh start): ${error.message}`);
  } finally {
    await admin.disconnect();
  }
};

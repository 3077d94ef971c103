import { Logger } from '@nestjs/common';
import { Logger as PinoLogger } from 'nestjs-pino';
import { NestFactory } from '@nestjs/core';
import { loadBusinessTimeZone, loadKafkaConfig, loadStorageConfig, loadWorkerPort } from '@loanflow/config';
import { serveOperations } from '@loanflow/operations';
import { Storage } from '@loanflow/storage';
import { STORAGE, WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const logger = new Logger('worker');
  const storage = { ...loadStorageConfig(), businessTimeZone: loadBusinessTimeZone() };
  // A KurrentDB log has one writer, the api, which then does the worker's jobs (end of day and the
  // system's reactions write the log): a worker would only stand in its way.
  if (storage.eventStore === 'eventstoredb')
    throw new Error(
      "EVENT_STORE=eventstoredb: the api writes the log and does the worker's jobs itself; run no worker (deploy/PRODUCTION.md)",
    );
  const kafka = loadKafkaConfig() ?? null;
  const operations = loadWorkerPort();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(storage, kafka, process.env.LOG_LEVEL ?? 'info'), {
    abortOnError: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  await app.init();
  const server = await serveOperations(app.get<Storage>(STORAGE), {
    ...operations,
    relayed: kafka !== null,
    eventStore: storage.eventStore,
  });
  // The worker's shutdown (SIGTERM) ends the process; this listener does not hold it open.
  server.unref();
  logger.log(`health and metrics at http://${operations.host}:${operations.port}/health and /metrics`);
  logger.log(`projecting the ${storage.eventStore} log into read models; end of day nightly at 00:30 ${storage.businessTimeZone}`);
  logger.log(
    kafka
      ? `relaying it to Kafka at ${kafka.brokers.join(',')} (topics ${kafka.topicPrefix}.<aggregate>.events)`
      : 'Kafka relay off: set KAFKA_BROKERS to publish the log',
  );
}

bootstrap().catch((error: Error) => {
  new Logger('worker').error(`cannot start: ${error.message}`);
  process.exit(1);
});

import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadKafkaConfig, loadStorageConfig } from '@loanflow/config';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const logger = new Logger('worker');
  const storage = loadStorageConfig();
  const kafka = loadKafkaConfig();
  if (!kafka) throw new Error('nothing to run: set KAFKA_BROKERS for the Kafka relay');
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(storage, kafka), { abortOnError: false });
  app.enableShutdownHooks();
  await app.init();
  logger.log(
    `relaying the ${storage.eventStore} log to Kafka at ${kafka.brokers.join(',')} (topics ${kafka.topicPrefix}.<aggregate>.events)`,
  );
}

bootstrap().catch((error: Error) => {
  new Logger('worker').error(`cannot start: ${error.message}`);
  process.exit(1);
});

import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { KafkaConfig } from '@loanflow/config';
import { Storage } from '@loanflow/storage';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaRelay, RELAY_CHECKPOINT } from './relay';

export function kafkaClient(config: KafkaConfig): Kafka {
  return new Kafka({ clientId: config.clientId, brokers: config.brokers, logLevel: logLevel.WARN });
}

/** Runs the relay for the life of the process that hosts it: the worker, or the embedded api. */
export class RelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('relay');
  readonly relay: KafkaRelay;

  constructor(storage: Storage, config: KafkaConfig) {
    this.relay = new KafkaRelay(storage.eventStore, storage.checkpoints, kafkaClient(config), {
      ...config,
      lease: storage.lease(RELAY_CHECKPOINT),
      log: (line, level) => (level === 'warn' ? this.logger.warn(line) : this.logger.log(line)),
    });
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}

import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { KafkaConfig, StorageConfig } from '@loanflow/config';
import { RelayService } from '@loanflow/messaging';
import { openStorage, Storage } from '@loanflow/storage';

const STORAGE = Symbol('STORAGE');

/** The worker: follows the log and does what needs no request. Today that is the Kafka relay. */
@Module({})
export class WorkerModule implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  static forRoot(storage: StorageConfig, kafka: KafkaConfig): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: STORAGE, useFactory: () => openStorage(storage) },
        { provide: RelayService, useFactory: (s: Storage) => new RelayService(s, kafka), inject: [STORAGE] },
      ],
    };
  }

  // Nest stops providers before their module: the relay has finished its batch when the storage closes.
  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}

import { systemClock } from '@loanflow/event-store';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { CommandLoop } from '@loanflow/commands';
import { KafkaConfig, StorageConfig } from '@loanflow/config';
import { RelayService } from '@loanflow/messaging';
import { EndOfDayService, ProjectionService } from '@loanflow/projections';
import { openStorage, Storage } from '@loanflow/storage';
import { LoggerModule } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';

export const STORAGE = Symbol('STORAGE');

/** The worker: follows the log and does what needs no request: projections, end of day and, when configured, the Kafka relay. */
@Module({})
export class WorkerModule implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  static forRoot(storage: StorageConfig & { businessTimeZone: string }, kafka: KafkaConfig | null, logLevel = 'info'): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ScheduleModule.forRoot(),
        // The worker's messages as JSON lines, like the api's log.
        LoggerModule.forRoot({ pinoHttp: { level: logLevel, base: { service: 'loanflow-worker' }, timestamp: stdTimeFunctions.isoTime } }),
      ],
      providers: [
        { provide: STORAGE, useFactory: () => openStorage(storage, { clock: systemClock }) },
        {
          provide: CommandLoop,
          useFactory: (s: Storage) => new CommandLoop(s.eventStore, systemClock, storage.businessTimeZone, s.personalData),
          inject: [STORAGE],
        },
        {
          provide: ProjectionService,
          useFactory: (s: Storage, loop: CommandLoop) => new ProjectionService(s, loop, storage.businessTimeZone),
          inject: [STORAGE, CommandLoop],
        },
        {
          provide: EndOfDayService,
          useFactory: (s: Storage, loop: CommandLoop, p: ProjectionService, r: SchedulerRegistry) =>
            new EndOfDayService(s, loop, p, r, { clock: systemClock, timeZone: storage.businessTimeZone }),
          inject: [STORAGE, CommandLoop, ProjectionService, SchedulerRegistry],
        },
        ...(kafka ? [{ provide: RelayService, useFactory: (s: Storage) => new RelayService(s, kafka), inject: [STORAGE] }] : []),
      ],
    };
  }

  // Nest stops providers before their module: the relay and the projections have finished their batch when the storage closes.
  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}

import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { JwtModule } from '@nestjs/jwt';
import { LoanflowConfig } from '@loanflow/config';
import { RelayService } from '@loanflow/messaging';
import { EndOfDayService, ProjectionService } from '@loanflow/projections';
import { openStorage, Storage } from '@loanflow/storage';
import { DashboardController } from './auth/dashboard.controller';
import { MeController } from './auth/me.controller';
import { AuthGuard } from './auth/auth.guard';
import { BorrowersController } from './borrowers/borrowers.controller';
import { BorrowersHandler } from './borrowers/borrowers.handler';
import { Aggregates } from './common/aggregates';
import { Authorizer } from './common/authorizer';
import { ConfigController } from './config/config.controller';
import { ConfigHandler } from './config/config.handler';
import { EtagInterceptor } from './common/etag.interceptor';
import { ProblemFilter } from './common/problem.filter';
import { ACCESS_AUDIT, Clock, CLOCK, CONFIG, EVENT_STORE, READ_MODELS, STORAGE } from './common/tokens';
import { validationPipe } from './common/validation';
import { AsyncApiController } from './health/asyncapi.controller';
import { HealthController } from './health/health.controller';
import { LoansController } from './loans/loans.controller';
import { LoansHandler } from './loans/loans.handler';
import { LoanContext } from './loans/loan-context';
import { ReportsController } from './reports/reports.controller';
import { StaffController } from './staff/staff.controller';
import { StaffHandler } from './staff/staff.handler';

export interface AppOptions {
  /** Tests move time; production reads the system clock. */
  clock?: Clock;
}

@Module({})
export class AppModule implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  static forRoot(config: LoanflowConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), JwtModule.register({}), ScheduleModule.forRoot()],
      controllers: [
        HealthController,
        AsyncApiController,
        StaffController,
        BorrowersController,
        LoansController,
        ConfigController,
        ReportsController,
        MeController,
        DashboardController,
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: CLOCK, useValue: options.clock ?? (() => new Date()) },
        { provide: STORAGE, useFactory: (clock: Clock) => openStorage(config, { clock }), inject: [CLOCK] },
        { provide: EVENT_STORE, useFactory: (s: Storage) => s.eventStore, inject: [STORAGE] },
        { provide: READ_MODELS, useFactory: (s: Storage) => s.readModels, inject: [STORAGE] },
        { provide: ACCESS_AUDIT, useFactory: (s: Storage) => s.accessAudit, inject: [STORAGE] },
        // Every api process can project; one at a time does (the lease), the worker included.
        { provide: ProjectionService, useFactory: (s: Storage, clock: Clock) => new ProjectionService(s, clock), inject: [STORAGE, CLOCK] },
        {
          provide: EndOfDayService,
          useFactory: (s: Storage, p: ProjectionService, r: SchedulerRegistry, clock: Clock) =>
            new EndOfDayService(s, p, r, { timeZone: config.businessTimeZone, clock, schedule: options.clock === undefined }),
          inject: [STORAGE, ProjectionService, SchedulerRegistry, CLOCK],
        },
        // Embedded, the api is the only process: it relays to Kafka itself. Server-backed, the worker does.
        ...(config.kafka && config.eventStore === 'sqlite'
          ? [{ provide: RelayService, useFactory: (s: Storage) => new RelayService(s, config.kafka!), inject: [STORAGE] }]
          : []),
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useValue: validationPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: EtagInterceptor },
        Aggregates,
        Authorizer,
        StaffHandler,
        BorrowersHandler,
        LoansHandler,
        LoanContext,
        ConfigHandler,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}

import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandLoop } from '@loanflow/commands';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { JwtModule } from '@nestjs/jwt';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { destination, stdTimeFunctions } from 'pino';
import { LoanflowConfig } from '@loanflow/config';
import { systemClock } from '@loanflow/event-store';
import { RelayService } from '@loanflow/messaging';
import { EndOfDayService, ProjectionService } from '@loanflow/projections';
import { openStorage, Storage } from '@loanflow/storage';
import { DashboardController } from './auth/dashboard.controller';
import { MeController } from './auth/me.controller';
import { AuthGuard } from './auth/auth.guard';
import { BorrowersController } from './borrowers/borrowers.controller';
import { BusinessDayController } from './business-day/business-day.controller';
import { BorrowersHandler } from './borrowers/borrowers.handler';
import { Aggregates } from './common/aggregates';
import { Authorizer } from './common/authorizer';
import { ConfigController } from './config/config.controller';
import { ConfigHandler } from './config/config.handler';
import { EtagInterceptor } from './common/etag.interceptor';
import { ProblemFilter } from './common/problem.filter';
import { correlationIdOf } from './common/correlation';
import { ACCESS_AUDIT, PERSONAL_DATA, Clock, CLOCK, CONFIG, EVENT_STORE, READ_MODELS, STORAGE } from './common/tokens';
import { RequestPipe } from './common/validation';
import { AsyncApiController } from './health/asyncapi.controller';
import { HealthController, Metrics } from './health/health.controller';
import { LoansController } from './loans/loans.controller';
import { LoansHandler } from './loans/loans.handler';
import { LoanContext } from './loans/loan-context';
import { ReportsController } from './reports/reports.controller';
import { StaffController } from './staff/staff.controller';
import { StaffHandler } from './staff/staff.handler';

export interface AppOptions {
  /** Tests move time; production reads the system clock. */
  clock?: Clock;
  /**
   * Whether end of day runs by itself (at start for the days missed, then nightly): by default only
   * on the system clock; an app on a moved clock (tests, the demo) closes its days when told.
   */
  endOfDay?: 'scheduled' | 'on-request';
  /** Where the JSON log lines go (standard output by default) and from which level; tests capture or silence them. */
  log?: { level?: string; destination?: NodeJS.WritableStream };
}

/**
 * Structured logs (pino): one JSON line per request once answered, with its correlation id (the one
 * the request's events carry), the actor, the method, the path, the status and the time taken; and
 * the service's own messages. Never a header: tokens stay out of the log.
 */
function logging(config: LoanflowConfig, options: AppOptions) {
  return LoggerModule.forRoot({
    pinoHttp: [
      {
        level: options.log?.level ?? config.logLevel ?? 'info',
        base: { service: 'loanflow-api' },
        timestamp: stdTimeFunctions.isoTime,
        genReqId: (req: IncomingMessage, res: ServerResponse) => {
          const id = correlationIdOf(req);
          res.setHeader('X-Correlation-Id', id);
          return id;
        },
        serializers: {
          req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
        // The correlation id is bound once, under its own name, to every line of the request; the
        // actor is known only once the guard ran, so it is added to the line that closes the request.
        quietReqLogger: true,
        customAttributeKeys: { reqId: 'correlationId' },
        customProps: (req: IncomingMessage & { actor?: { id: string } }) => (req.actor ? { actorId: req.actor.id } : {}),
        customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
          error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      },
      options.log?.destination ?? destination(1),
    ],
  });
}

@Module({})
export class AppModule implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  static forRoot(config: LoanflowConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        logging(config, options),
        CqrsModule.forRoot(),
        JwtModule.register({}),
        ScheduleModule.forRoot(),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [
        HealthController,
        AsyncApiController,
        StaffController,
        BorrowersController,
        LoansController,
        ConfigController,
        ReportsController,
        MeController,
        BusinessDayController,
        DashboardController,
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        { provide: STORAGE, useFactory: (clock: Clock) => openStorage(config, { clock }), inject: [CLOCK] },
        { provide: EVENT_STORE, useFactory: (s: Storage) => s.eventStore, inject: [STORAGE] },
        { provide: READ_MODELS, useFactory: (s: Storage) => s.readModels, inject: [STORAGE] },
        { provide: ACCESS_AUDIT, useFactory: (s: Storage) => s.accessAudit, inject: [STORAGE] },
        { provide: PERSONAL_DATA, useFactory: (s: Storage) => s.personalData, inject: [STORAGE] },
        // The one command loop every writer of this process goes through.
        {
          provide: CommandLoop,
          useFactory: (s: Storage, clock: Clock) => new CommandLoop(s.eventStore, clock, config.businessTimeZone, s.personalData),
          inject: [STORAGE, CLOCK],
        },
        // Every api process can project; one at a time does (the lease), the worker included.
        {
          provide: ProjectionService,
          useFactory: (s: Storage, loop: CommandLoop) => new ProjectionService(s, loop, config.businessTimeZone),
          inject: [STORAGE, CommandLoop],
        },
        {
          provide: EndOfDayService,
          useFactory: (s: Storage, loop: CommandLoop, p: ProjectionService, r: SchedulerRegistry, clock: Clock) =>
            new EndOfDayService(s, loop, p, r, {
              timeZone: config.businessTimeZone,
              clock,
              schedule: (options.endOfDay ?? (options.clock === undefined ? 'scheduled' : 'on-request')) === 'scheduled',
            }),
          inject: [STORAGE, CommandLoop, ProjectionService, SchedulerRegistry, CLOCK],
        },
        // Where the api is the only process (the embedded file; KurrentDB, whose log has one writer) it relays to Kafka
        // itself; on PostgreSQL the worker does.
        ...(config.kafka && config.eventStore !== 'postgres'
          ? [{ provide: RelayService, useFactory: (s: Storage) => new RelayService(s, config.kafka!), inject: [STORAGE] }]
          : []),
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useClass: RequestPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: EtagInterceptor },
        Aggregates,
        Authorizer,
        Metrics,
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

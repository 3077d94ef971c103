import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { JwtModule } from '@nestjs/jwt';
import { LoanflowConfig } from '@loanflow/config';
import { EventStore, openSqlite, SqliteAccessAudit, SqliteEventStore } from '@loanflow/event-store';
import type Database from 'better-sqlite3';
import { AuthGuard } from './auth/auth.guard';
import { BorrowersController, BorrowersHandler } from './borrowers/borrowers';
import { Aggregates } from './common/aggregates';
import { Authorizer } from './common/authorizer';
import { EtagInterceptor } from './common/etag.interceptor';
import { ProblemFilter } from './common/problem.filter';
import { ACCESS_AUDIT, Clock, CLOCK, CONFIG, EVENT_STORE } from './common/tokens';
import { validationPipe } from './common/validation';
import { HealthController } from './health/health.controller';
import { LoansController } from './loans/loans.controller';
import { LoansHandler } from './loans/loans.handler';
import { StaffController } from './staff/staff.controller';
import { StaffHandler } from './staff/staff.handler';

const SQLITE = Symbol('SQLITE');

export interface AppOptions {
  /** Tests move time; production reads the system clock. */
  clock?: Clock;
}

@Module({})
export class AppModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(config: LoanflowConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), JwtModule.register({})],
      controllers: [HealthController, StaffController, BorrowersController, LoansController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: CLOCK, useValue: options.clock ?? (() => new Date()) },
        { provide: SQLITE, useFactory: () => openSqlite(config.sqlitePath) },
        {
          provide: EVENT_STORE,
          useFactory: (db: Database.Database, clock: Clock) => new SqliteEventStore(db, clock),
          inject: [SQLITE, CLOCK],
        },
        { provide: ACCESS_AUDIT, useFactory: (db: Database.Database) => new SqliteAccessAudit(db), inject: [SQLITE] },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useValue: validationPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: EtagInterceptor },
        Aggregates,
        Authorizer,
        StaffHandler,
        BorrowersHandler,
        LoansHandler,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

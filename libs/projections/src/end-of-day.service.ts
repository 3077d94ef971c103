import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { businessDate } from '@loanflow/config';
import { CommandLoop } from '@loanflow/commands';
import { addDays } from '@loanflow/domain';
import { Storage } from '@loanflow/storage';
import { CronJob } from 'cron';
import { BusinessDayStatus, EndOfDay, EndOfDayResult } from './end-of-day';
import { ProjectionService } from './projection.service';

/** End of day runs in the process that follows the log; asked of another, it is refused. */
export class NotFollowingTheLog extends Error {
  constructor() {
    super('this process does not follow the log (another holds the projections lease): the days are closed there');
    this.name = 'NotFollowingTheLog';
  }
}

/**
 * End of day in the process that hosts the projections: on demand up to a date, at start and
 * every night at 00:30 in the cooperative's time zone up to the day just ended (closing every day
 * missed before it, in order), by whichever process holds the projections' lease.
 */
export class EndOfDayService implements OnApplicationBootstrap {
  private readonly logger = new Logger('end-of-day');
  private readonly endOfDay: EndOfDay;
  private readonly clock: () => Date;
  /** One run at a time in this process: the nightly job, a catch-up at start and a request queue behind each other. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    storage: Storage,
    loop: CommandLoop,
    private readonly projections: ProjectionService,
    private readonly scheduler: SchedulerRegistry,
    /** `schedule: false` leaves the nightly run and the catch-up at start out: an app on a moved clock (tests, the demo) closes its days itself. */
    private readonly options: { timeZone: string; clock: () => Date; schedule?: boolean },
  ) {
    this.clock = options.clock;
    this.endOfDay = new EndOfDay(storage.eventStore, storage.readModels, projections.runner, loop, this.clock, options.timeZone);
  }

  onApplicationBootstrap(): void {
    if (this.options.schedule === false) return;
    const job = CronJob.from({ cronTime: '30 0 * * *', onTick: () => this.nightly(), timeZone: this.options.timeZone });
    this.scheduler.addCronJob('end-of-day', job);
    job.start();
    // Nights the service was down are closed now, in order, without holding up the start, once this
    // process knows whether it is the one following the log.
    void this.projections.started.then(() => this.nightly());
  }

  status(): Promise<BusinessDayStatus> {
    return this.endOfDay.status();
  }

  /** Closes every open day up to `date` (yesterday when not given), in order. */
  closeThrough(date?: string, onDay?: (result: EndOfDayResult) => void): Promise<EndOfDayResult[]> {
    const run = this.queue.then(() => {
      if (!this.projections.active) throw new NotFollowingTheLog();
      return this.endOfDay.closeThrough(date ?? this.yesterday(), onDay);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private yesterday(): string {
    return addDays(businessDate(this.clock(), this.options.timeZone), -1);
  }

  private async nightly(): Promise<void> {
    if (!this.projections.active) return;
    const through = this.yesterday();
    try {
      const closed = await this.closeThrough(through, (r) =>
        this.logger.log(
          `end of day ${r.date}: ${r.classified} loans classified, ${r.signals} loans' warnings reviewed, ${r.reminders} branches reminded`,
        ),
      );
      if (closed.length > 1) this.logger.log(`closed ${closed.length} business days, ${closed[0].date} to ${through}`);
    } catch (error) {
      this.logger.error(`end of day up to ${through} failed: ${(error as Error).message}; run it again with: npm run cli -- eod`);
    }
  }
}

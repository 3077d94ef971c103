import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { businessDate } from '@loanflow/config';
import { addDays } from '@loanflow/domain';
import { Storage } from '@loanflow/storage';
import { CronJob } from 'cron';
import { EndOfDay, EndOfDayResult } from './end-of-day';
import { ProjectionService } from './projection.service';

/**
 * End of day in the process that hosts the projections: on demand for a date, and every night
 * at 00:30 in the cooperative's time zone for the day just ended, by whichever process holds
 * the projections' lease (a second replica's run would append nothing anyway).
 */
export class EndOfDayService implements OnApplicationBootstrap {
  private readonly logger = new Logger('end-of-day');
  private readonly endOfDay: EndOfDay;

  constructor(
    storage: Storage,
    private readonly projections: ProjectionService,
    private readonly scheduler: SchedulerRegistry,
    /** `schedule: false` leaves the nightly run out: an app on a moved clock (tests, the demo) closes its days itself. */
    private readonly options: { timeZone: string; clock?: () => Date; schedule?: boolean },
  ) {
    this.endOfDay = new EndOfDay(storage.eventStore, storage.readModels, projections.runner, options.clock);
  }

  onApplicationBootstrap(): void {
    if (this.options.schedule === false) return;
    const job = CronJob.from({ cronTime: '30 0 * * *', onTick: () => this.nightly(), timeZone: this.options.timeZone });
    this.scheduler.addCronJob('end-of-day', job);
    job.start();
  }

  run(date: string): Promise<EndOfDayResult> {
    return this.endOfDay.run(date);
  }

  private async nightly(): Promise<void> {
    if (!this.projections.active) return;
    const now = (this.options.clock ?? (() => new Date()))();
    const yesterday = addDays(businessDate(now, this.options.timeZone), -1);
    try {
      const result = await this.run(yesterday);
      this.logger.log(
        `end of day ${result.date}: ${result.classified} loans classified, ${result.signals} loans' warnings reviewed, ${result.reminders} branches reminded`,
      );
    } catch (error) {
      this.logger.error(
        `end of day ${yesterday} failed: ${(error as Error).message}; run it again with: npm run cli -- eod --date ${yesterday}`,
      );
    }
  }
}

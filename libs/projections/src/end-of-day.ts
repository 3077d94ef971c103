import {
  branchDecider,
  BranchCommand,
  Command,
  Decider,
  LoanCommand,
  BranchEvent,
  fold,
  isFirstBusinessDayOfMonth,
  LoanEvent,
  loanDecider,
  SYSTEM_CLASSIFIER,
} from '@loanflow/domain';
import { EventStore, EventToAppend, WrongExpectedVersion } from '@loanflow/event-store';
import { ReadModelDb } from '@loanflow/storage';
import { maturingByBranch, overdueInstalments } from './loans/queries';
import { untyped } from './queries';
import { ProjectionRunner } from './runner';

export interface EndOfDayResult {
  date: string;
  /** Loans whose category changed. */
  classified: number;
  /** Branches that were sent the month's maturity reminders. */
  reminders: number;
}

/**
 * The end-of-day run for one business date: classifies every loan whose days past due (or a
 * person's judgement) demand another category, and on the first business day of a month issues
 * each branch its maturity reminders. The read models say which loans to look at; each loan's
 * own stream and decider decide. Idempotent per date: every append carries a command id made of
 * the date and the stream, so a second run appends nothing.
 */
export class EndOfDay {
  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelDb,
    private readonly runner: ProjectionRunner,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async run(date: string): Promise<EndOfDayResult> {
    await this.runner.catchUp();
    // Loans overdue now, and loans classified worse than normal that may have caught up.
    const overdue = new Set((await overdueInstalments(this.readModels, date)).map((i) => i.loan_id));
    const classifiedWorse = await untyped(this.readModels)
      .selectFrom('rm_loans')
      .select('loan_id')
      .where('status', '=', 'active')
      .where('category', '!=', 'normal')
      .execute();
    const candidates = [...new Set([...overdue, ...classifiedWorse.map((r) => r.loan_id as string)])].sort();
    let classified = 0;
    for (const loanId of candidates) {
      const appended = await this.decideAndAppend(`loan-${loanId}`, loanDecider, date, (now): LoanCommand => ({
        type: 'ClassifyAtEndOfDay',
        data: { asOf: date, now },
      }));
      if (appended) classified += 1;
    }

    let reminders = 0;
    if (isFirstBusinessDayOfMonth(date)) {
      const month = date.slice(0, 7);
      for (const branch of await maturingByBranch(this.readModels, month)) {
        const officers = branch.officers.map((o) => ({ officerId: o.officerId, loans: o.loans }));
        const appended = await this.decideAndAppend(`branch-${branch.branchId}`, branchDecider, date, (now): BranchCommand => ({
          type: 'IssueMaturityReminders',
          data: { branchId: branch.branchId, month, issuedOn: date, officers, now },
        }));
        if (appended) reminders += 1;
      }
    }
    return { date, classified, reminders };
  }

  /** Load, decide, append as the system; a concurrent write to the stream is retried on the new state. */
  private async decideAndAppend<C extends Command, S, E extends LoanEvent | BranchEvent>(
    streamId: string,
    decider: Decider<C, S, E>,
    date: string,
    command: (now: string) => C,
  ): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const recorded = await this.store.readStream(streamId);
      const state = fold(
        decider,
        recorded.map((e) => ({ type: e.type, data: e.data }) as E),
      );
      const now = this.clock().toISOString();
      const events = decider.decide(command(now), state);
      if (events.length === 0) return false;
      try {
        const result = await this.store.append(streamId, events as unknown as EventToAppend[], {
          expectedVersion: recorded.length - 1,
          metadata: {
            actorId: SYSTEM_CLASSIFIER,
            commandId: `eod:${date}:${streamId}`,
            correlationId: `eod:${date}`,
            causationId: null,
            occurredAt: now,
          },
        });
        return !result.duplicate;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion) || attempt >= 3) throw error;
      }
    }
  }
}

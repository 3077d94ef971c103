import {
  branchDecider,
  BranchCommand,
  Command,
  Decider,
  LoanCommand,
  BranchEvent,
  desiredSignals,
  signalChanges,
  isFirstBusinessDayOfMonth,
  LoanEvent,
  loanDecider,
} from '@loanflow/domain';
import { EventStore } from '@loanflow/event-store';
import { ReadModelDb } from '@loanflow/storage';
import { maturingByBranch, overdueInstalments } from './loans/queries';
import { untyped } from './queries';
import { loadWarningRules } from './config-reader';
import { riskFacts } from './risk/queries';
import { ProjectionRunner } from './runner';
import { decideAndAppendAsSystem } from './system-append';

export interface EndOfDayResult {
  date: string;
  /** Loans whose category changed. */
  classified: number;
  /** Branches that were sent the month's maturity reminders. */
  reminders: number;
  /** Loans whose warning signals were raised, escalated or resolved. */
  signals: number;
}

/**
 * The end-of-day run for one business date: classifies every loan whose days past due (or a
 * person's judgement) demand another category, then raises and resolves each active loan's
 * warning signals as the warning rules in force want them, and on the first business day of a
 * month issues each branch its maturity reminders. The read models say which loans to look at;
 * each loan's own stream and decider decide. Idempotent per date: every append carries a command
 * id made of the date, the step and the stream, so a second run appends nothing.
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

    // The warning rules read the categories just set.
    const { rules } = await loadWarningRules(this.store);
    await this.runner.catchUp();
    let signals = 0;
    for (const review of await riskFacts(this.readModels, rules, date)) {
      const desired = desiredSignals(rules, review.facts);
      const { stale, fresh } = signalChanges(review.open, desired);
      if (stale.length === 0 && fresh.length === 0) continue;
      const appended = await this.decideAndAppend(
        `loan-${review.loanId}`,
        loanDecider,
        date,
        (now): LoanCommand => ({ type: 'ReviewRiskSignals', data: { asOf: date, now, desired } }),
        'signals',
      );
      if (appended) signals += 1;
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
    return { date, classified, reminders, signals };
  }

  /** Load, decide, append as the system; a second step on the same stream and date names itself in the command id. */
  private decideAndAppend<C extends Command, S, E extends LoanEvent | BranchEvent>(
    streamId: string,
    decider: Decider<C, S, E>,
    date: string,
    command: (now: string) => C,
    step?: string,
  ): Promise<boolean> {
    return decideAndAppendAsSystem(this.store, this.clock, streamId, decider, command, {
      commandId: step ? `eod:${date}:${step}:${streamId}` : `eod:${date}:${streamId}`,
      correlationId: `eod:${date}`,
      causationId: null,
    });
  }
}

import { businessDate } from '@loanflow/config';
import { CommandLoop, Envelope, storeReader } from '@loanflow/commands';
import {
  addDays,
  BranchCommand,
  branchDecider,
  businessDaysDecider,
  closingProblem,
  daysBetween,
  DAY_CLOSINGS_STREAM,
  DayResult,
  decideBranch,
  decideBusinessDays,
  decideLoan,
  desiredSignals,
  isFirstBusinessDayOfMonth,
  loanDecider,
  signalChanges,
  SYSTEM_CLASSIFIER,
} from '@loanflow/domain';
import { EventStore } from '@loanflow/event-store';
import { ReadModelDb } from '@loanflow/storage';
import { maturingByBranch, overdueInstalments } from './loans/queries';
import { untyped } from './queries';
import { loadWarningRules } from './config-reader';
import { riskFacts } from './risk/queries';
import { ProjectionRunner } from './runner';

export type EndOfDayResult = DayResult;

/** Where the business days stand: what GET /business-day shows. */
export interface BusinessDayStatus {
  timeZone: string;
  /** The cooperative's date now. */
  today: string;
  /** The last day closed; null before the first. */
  lastClosed: string | null;
  /** The days over and not yet closed, oldest first: what the next run closes. */
  open: { from: string; to: string; days: number } | null;
}

/**
 * End of day: closes the cooperative's business days one at a time, in order, each once it is
 * over. For a day it classifies every loan whose days past due (or a person's judgement) demand
 * another category, raises and resolves each active loan's warning signals as the warning rules
 * in force want them, and on the first business day of a month issues each branch its maturity
 * reminders; then it records the day as closed. The read models say which loans to look at; each
 * loan's own stream and decider decide, through the command loop. Every append carries a command
 * id made of the date, the step and the stream, so a day interrupted half way is finished, never
 * done twice. Days missed (the service was down) are closed in order before a later one.
 */
export class EndOfDay {
  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelDb,
    private readonly runner: ProjectionRunner,
    private readonly loop: CommandLoop,
    private readonly clock: () => Date,
    private readonly timeZone: string,
  ) {}

  private today(): string {
    return businessDate(this.clock(), this.timeZone);
  }

  async status(): Promise<BusinessDayStatus> {
    const today = this.today();
    const { lastClosed } = await this.days();
    const from = await this.firstOpen(lastClosed);
    const to = addDays(today, -1);
    const open = from !== null && from <= to ? { from, to, days: daysBetween(from, to) + 1 } : null;
    return { timeZone: this.timeZone, today, lastClosed, open };
  }

  private async days() {
    return (await storeReader(this.store).read(DAY_CLOSINGS_STREAM, businessDaysDecider)).state;
  }

  /**
   * The first day not closed yet: the day after the last closed, or before any was, the first day of
   * the cooperative's business (the date of the log's first event); null while the log is empty.
   */
  private async firstOpen(lastClosed: string | null): Promise<string | null> {
    if (lastClosed) return addDays(lastClosed, 1);
    const [first] = await this.store.readAll(0, 1);
    return first ? businessDate(new Date(first.metadata.occurredAt), this.timeZone) : null;
  }

  /**
   * Closes every open day up to `date`, in order: refused for a day not over yet and for one
   * before the last closed day; the last closed day again is a no-op (no days closed).
   */
  async closeThrough(date: string, onDay?: (result: EndOfDayResult) => void): Promise<EndOfDayResult[]> {
    const state = await this.days();
    if (date === state.lastClosed) return [];
    const problem = closingProblem(state, date, this.today());
    // A later day than the next open one is what this closes up to, in order.
    if (problem && problem.code !== 'EARLIER_DAY_OPEN') throw problem;
    const results: EndOfDayResult[] = [];
    // Before anything happened there is no day to close (a first start writes nothing to an empty log).
    for (let day = await this.firstOpen(state.lastClosed); day !== null && day <= date; day = addDays(day, 1)) {
      const result = await this.close(day);
      results.push(result);
      onDay?.(result);
    }
    return results;
  }

  private envelope(date: string, stream: string, step?: string): Envelope {
    return {
      actorId: SYSTEM_CLASSIFIER,
      commandId: step ? `eod:${date}:${step}:${stream}` : `eod:${date}:${stream}`,
      correlationId: `eod:${date}`,
    };
  }

  /** One business day: its steps, then the record that it is closed. */
  private async close(date: string): Promise<EndOfDayResult> {
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
      const stream = `loan-${loanId}`;
      const recorded = await this.loop.run(stream, loanDecider, this.envelope(date, stream), (state, { now }) =>
        decideLoan({ type: 'ClassifyAtEndOfDay', data: { asOf: date, now } }, state),
      );
      if (recorded.appended) classified += 1;
    }

    // The warning rules read the categories just set.
    const { rules } = await loadWarningRules(this.store);
    await this.runner.catchUp();
    let signals = 0;
    for (const review of await riskFacts(this.readModels, rules, date)) {
      const desired = desiredSignals(rules, review.facts);
      const { stale, fresh } = signalChanges(review.open, desired);
      if (stale.length === 0 && fresh.length === 0) continue;
      const stream = `loan-${review.loanId}`;
      const recorded = await this.loop.run(stream, loanDecider, this.envelope(date, stream, 'signals'), (state, { now }) =>
        decideLoan({ type: 'ReviewRiskSignals', data: { asOf: date, now, desired } }, state),
      );
      if (recorded.appended) signals += 1;
    }

    let reminders = 0;
    if (isFirstBusinessDayOfMonth(date)) {
      const month = date.slice(0, 7);
      for (const branch of await maturingByBranch(this.readModels, month)) {
        const officers = branch.officers.map((o) => ({ officerId: o.officerId, loans: o.loans }));
        const stream = `branch-${branch.branchId}`;
        const command = (now: string): BranchCommand => ({
          type: 'IssueMaturityReminders',
          data: { branchId: branch.branchId, month, issuedOn: date, officers, now },
        });
        const recorded = await this.loop.run(stream, branchDecider, this.envelope(date, stream), (state, { now }) =>
          decideBranch(command(now), state),
        );
        if (recorded.appended) reminders += 1;
      }
    }
    const result = { date, classified, signals, reminders };
    await this.loop.run(DAY_CLOSINGS_STREAM, businessDaysDecider, this.envelope(date, DAY_CLOSINGS_STREAM), (state, { now, today }) =>
      decideBusinessDays({ type: 'CloseBusinessDay', data: { ...result, now, today } }, state),
    );
    return result;
  }
}

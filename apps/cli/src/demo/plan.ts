import { calendarOf } from './calendar';
import { MIN_STAFF_PER_BRANCH } from './cooperative';
import { drawCooperative } from './draw';
import { DemoAct, Progress, walk } from './walk';

export { DemoFailure, PHASES } from './walk';
export type { DemoAct, Phase, Progress } from './walk';

/**
 * The demo as a plan: from the seed and the calendar to every act the cooperative's people make,
 * dated, in order, nothing sent. Pure: no clock (`today` is the caller's), no I/O, no framework;
 * the same input gives a deep-equal plan, which is plain data (JSON and back gives it again).
 *
 * Where an act depends on what the app holds, the plan works it out itself when it can: a loan's
 * money (what a teller is paid, when a loan closes, a written-off claim) comes from folding the
 * loan's own acts with the domain's decider (books.ts), as the app will. What end of day decides,
 * a loan's category and the numbers of its warning signals, no act of the plan's makes, so the
 * plan cannot know it: those few acts read the loan first and their bodies are worked out from the
 * answer by a pure function named in the act (derive.ts); none of them changes what comes after.
 */
export interface DemoPlanInput {
  seed: number;
  /** Loans applied for over the period. */
  loans: number;
  months: number;
  branches: number;
  staff: number;
  /**
   * First calendar date, YYYY-MM-DD; by default `months` before today. The calendar ends the day
   * before today at the latest, every day of it closed, so the demo's data is current when it is done.
   */
  start?: string;
  /** The business date today at the cooperative: the calendar ends the day before at the latest. */
  today: string;
}

export interface DemoPlan {
  seed: number;
  /** The first calendar date, and the day after the last. */
  start: string;
  end: string;
  /** The business days, each closed by end of day after its acts. */
  days: string[];
  branches: string[];
  staff: number;
  /** Borrowers registered within the period. */
  borrowers: number;
  /** Who reads the reports after the last day: the head of the first branch. */
  viewer: string;
  acts: DemoAct[];
  progress: Progress[];
  /** The loans' statuses when every act is made: what the app's log must then show. */
  loansByStatus: Record<string, number>;
}

export function planDemo(input: DemoPlanInput): DemoPlan {
  if (input.staff < input.branches * MIN_STAFF_PER_BRANCH)
    throw new Error(`${input.branches} branches need at least ${input.branches * MIN_STAFF_PER_BRANCH} staff`);
  const calendar = calendarOf(input.months, input.start, input.today);
  const cooperative = drawCooperative(input, calendar.days);
  const walked = walk(cooperative, calendar, input.seed, input.months);
  const loansByStatus: Record<string, number> = {};
  for (const { status } of cooperative.loans) if (status !== 'planned') loansByStatus[status] = (loansByStatus[status] ?? 0) + 1;
  return {
    seed: input.seed,
    start: calendar.start,
    end: calendar.end,
    days: calendar.days,
    branches: cooperative.branches,
    staff: cooperative.people.length,
    borrowers: walked.borrowers,
    viewer: [...cooperative.seniors][0],
    acts: walked.acts,
    progress: walked.progress,
    loansByStatus,
  };
}

import { Command, Decider, Event } from '../decider';
import { Cents } from '../money';
import { Category } from '../rules/classification';

/** One loan falling due in the month, as its account officer is reminded of it. */
export interface MaturingLoan {
  loanId: string;
  borrowerId: string;
  maturityDate: string;
  principalOutstanding: Cents;
  interestOutstanding: Cents;
  category: Category;
}

export type MaturityReminders = {
  branchId: string;
  /** YYYY-MM */
  month: string;
  /** The business date the reminders went out. */
  issuedOn: string;
  officers: { officerId: string; loans: MaturingLoan[] }[];
};

/** At the start of a month, a branch's loans falling due that month, per account officer. Stream `branch-<branchId>`. */
export type MaturityRemindersIssued = Event<'MaturityRemindersIssued', MaturityReminders & { at: string }>;
export type BranchEvent = MaturityRemindersIssued;

export type IssueMaturityReminders = Command<'IssueMaturityReminders', MaturityReminders & { now: string }>;
export type BranchCommand = IssueMaturityReminders;

export interface Branch {
  branchId: string | null;
  monthsIssued: string[];
}

export const initialBranch: Branch = { branchId: null, monthsIssued: [] };

export function evolveBranch(state: Branch, event: BranchEvent): Branch {
  const { branchId, month } = event.data;
  return { branchId, monthsIssued: state.monthsIssued.includes(month) ? state.monthsIssued : [...state.monthsIssued, month] };
}

/** Once per branch and month: a second run for the same month (a retried job) records nothing. */
export function decideBranch(command: BranchCommand, state: Branch): BranchEvent[] {
  const { now, ...reminders } = command.data;
  if (state.monthsIssued.includes(reminders.month)) return [];
  return [{ type: 'MaturityRemindersIssued', data: { ...reminders, at: now } }];
}

export const branchDecider: Decider<BranchCommand, Branch, BranchEvent> = {
  initialState: initialBranch,
  evolve: evolveBranch,
  decide: decideBranch,
};

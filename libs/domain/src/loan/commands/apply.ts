import { Acting, Command } from '../../decider';
import { IllegalState } from '../../errors';
import { Application, LoanApplied } from '../events';
import { Loan } from '../state';

export type ApplyForLoan = Command<'ApplyForLoan', Application & Acting>;

export function applyForLoan(c: ApplyForLoan, s: Loan): [LoanApplied] {
  if (s.status !== 'none') throw new IllegalState('LOAN_EXISTS', `loan ${c.data.loanId} already exists`);
  const { by, now, today, ...application } = c.data;
  return [{ type: 'LoanApplied', data: { ...application, officerId: by, appliedOn: today, at: now } }];
}

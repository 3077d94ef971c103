import { Command } from '../../decider';
import { IllegalState } from '../../errors';
import { Cents } from '../../money';
import { RepaymentMethod } from '../../rules/schedule';
import { LoanApplied, Security } from '../events';
import { Loan } from '../state';
import { Acting } from './guards';

export type ApplyForLoan = Command<
  'ApplyForLoan',
  {
    loanId: string;
    borrowerId: string;
    branchId: string;
    purpose: string;
    sector: string;
    agricultural: boolean;
    security: Security;
    amount: Cents;
    termMonths: number;
    repayment: RepaymentMethod;
  } & Acting
>;

export function applyForLoan(c: ApplyForLoan, s: Loan): [LoanApplied] {
  if (s.status !== 'none') throw new IllegalState('LOAN_EXISTS', `loan ${c.data.loanId} already exists`);
  const { by, now, today, ...application } = c.data;
  return [{ type: 'LoanApplied', data: { ...application, officerId: by, appliedOn: today, at: now } }];
}

import { IllegalState, NotFound, RuleViolated } from '../../errors';
import { Loan, LoanStatus } from '../state';

export function requireStatus(state: Loan, expected: LoanStatus, doing: string): void {
  if (state.status === 'none') throw new NotFound('LOAN_NOT_FOUND', 'no such loan');
  if (state.status !== expected)
    throw new IllegalState('WRONG_LOAN_STATE', `loan ${state.loanId} is ${state.status}, not ${expected}: it cannot be ${doing}`);
}

/** A business date may be today or earlier, never later than the day the command is made. */
export function requireNotInFuture(isoDate: string, today: string, field: string): void {
  if (isoDate > today) throw new RuleViolated('DATE_IN_FUTURE', `${field} ${isoDate} is after today (${today})`);
}

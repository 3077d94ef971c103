import { Acting, Command } from '../../decider';
import { RuleViolated } from '../../errors';
import { Cents, formatCents } from '../../money';
import { daysPastDue } from '../../rules/classification';
import { Allocation, LoanClosed, RepaymentReceived, RiskSignalResolved } from '../events';
import { evolveLoan, Loan, openSignals, ScheduledInstalment } from '../state';
import { requireNotInFuture, requireStatus } from './guards';
import { resolve } from './signals';

export type ReceiveRepayment = Command<'ReceiveRepayment', { amount: Cents; paidOn?: string } & Acting>;

/** Settles instalments in schedule order, each one's interest before its principal. */
export function allocate(schedule: readonly ScheduledInstalment[], amount: Cents): Allocation[] {
  const allocations: Allocation[] = [];
  let left = amount;
  for (const i of schedule) {
    if (left === 0) break;
    const interest = Math.min(left, i.interest - i.interestPaid);
    left -= interest;
    const principal = Math.min(left, i.principal - i.principalPaid);
    left -= principal;
    if (interest > 0 || principal > 0) allocations.push({ n: i.n, interest, principal });
  }
  return allocations;
}

/**
 * A payment that brings the loan up to date resolves its late-repayment signals; one that repays it
 * in full closes it and resolves every open signal.
 */
export function receiveRepayment(c: ReceiveRepayment, s: Loan): (RepaymentReceived | RiskSignalResolved | LoanClosed)[] {
  requireStatus(s, 'active', 'repaid');
  const { amount, by, now, today } = c.data;
  const paidOn = c.data.paidOn ?? today;
  requireNotInFuture(paidOn, today, 'paidOn');
  if (paidOn < s.disbursement!.disbursedOn)
    throw new RuleViolated('DATE_BEFORE_DISBURSEMENT', `paidOn ${paidOn} is before the disbursement on ${s.disbursement!.disbursedOn}`);
  const owed = s.outstanding.principal + s.outstanding.interest;
  if (amount > owed) throw new RuleViolated('OVERPAYMENT', `${formatCents(amount)} is more than the ${formatCents(owed)} still owed`);
  const allocations = allocate(s.schedule, amount);
  const interest = allocations.reduce((sum, a) => sum + a.interest, 0);
  const principal = allocations.reduce((sum, a) => sum + a.principal, 0);
  const loanId = s.loanId!;
  const received: RepaymentReceived = {
    type: 'RepaymentReceived',
    data: { loanId, receivedBy: by, amount, paidOn, interest, principal, allocations, at: now },
  };
  if (amount === owed) {
    const open = openSignals(s).map((x) => x.signalId);
    return [
      received,
      ...resolve(s, open, 'repaid in full', by, today, now),
      { type: 'LoanClosed', data: { loanId, closedOn: paidOn, at: now } },
    ];
  }
  const late = openSignals(s).filter((x) => x.rule === 'late_repayment');
  if (late.length === 0 || daysPastDue(evolveLoan(s, received).schedule, today) > 0) return [received];
  return [
    received,
    ...resolve(
      s,
      late.map((x) => x.signalId),
      `brought up to date on ${paidOn}`,
      by,
      today,
      now,
    ),
  ];
}

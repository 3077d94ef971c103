import { Acting, Command } from '../../decider';
import { RuleViolated } from '../../errors';
import { Cents, formatCents } from '../../money';
import { daysPastDue } from '../../rules/classification';
import { LoanClosed, RepaymentReceived, RiskSignalResolved } from '../events';
import { positionOn, settle } from '../ledger';
import { bookOf, evolveLoan, Loan, openSignals } from '../state';
import { requireNotInFuture, requireStatus } from './guards';
import { resolve } from './signals';

export type ReceiveRepayment = Command<'ReceiveRepayment', { amount: Cents; paidOn?: string } & Acting>;

/** A money event is dated no earlier than the loan's last one: interest to that day is already struck. */
export function requireNotBeforeStruck(s: Loan, date: string, field: string): void {
  const struck = s.accrual!.struckOn;
  if (date < struck)
    throw new RuleViolated(
      'DATE_BEFORE_LAST_PAYMENT',
      `${field} ${date} is before ${struck}, the date the loan's interest was last worked out to (its disbursement or last payment)`,
    );
}

/**
 * A payment settles, in order: penalty and compound interest, interest due, principal due, the
 * interest accrued to its date, then principal early (which re-plans the instalments to come). It
 * never pays interest for a day after its date. One that brings the loan up to date resolves its
 * late-repayment signals; one that pays it off closes it and resolves every open signal.
 */
export function receiveRepayment(c: ReceiveRepayment, s: Loan): (RepaymentReceived | RiskSignalResolved | LoanClosed)[] {
  requireStatus(s, 'active', 'repaid');
  const { amount, by, now, today } = c.data;
  if (!Number.isInteger(amount) || amount < 1)
    throw new RuleViolated('AMOUNT_INVALID', 'a repayment is a whole number of cents, at least 1');
  const paidOn = c.data.paidOn ?? today;
  requireNotInFuture(paidOn, today, 'paidOn');
  if (paidOn < s.disbursement!.disbursedOn)
    throw new RuleViolated('DATE_BEFORE_DISBURSEMENT', `paidOn ${paidOn} is before the disbursement on ${s.disbursement!.disbursedOn}`);
  requireNotBeforeStruck(s, paidOn, 'paidOn');
  const book = bookOf(s);
  const { payoff } = positionOn(book, paidOn);
  if (amount > payoff)
    throw new RuleViolated(
      'OVERPAYMENT',
      `${formatCents(amount)} is more than the ${formatCents(payoff)} paying the loan off on ${paidOn} costs`,
    );
  const parts = settle(book, amount, paidOn);
  const interest = parts.allocations.reduce((sum, a) => sum + a.interest, 0);
  const principal = parts.allocations.reduce((sum, a) => sum + a.principal, 0) + parts.principalEarly;
  const loanId = s.loanId!;
  const received: RepaymentReceived = {
    type: 'RepaymentReceived',
    data: {
      loanId,
      receivedBy: by,
      amount,
      paidOn,
      interest,
      principal,
      allocations: parts.allocations,
      penalty: parts.penalty,
      compound: parts.compound,
      principalEarly: parts.principalEarly,
      ...(parts.rescheduled ? { rescheduled: parts.rescheduled } : {}),
      at: now,
    },
  };
  if (amount === payoff) {
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

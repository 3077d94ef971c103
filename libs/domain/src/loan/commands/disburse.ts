import { Acting, Command } from '../../decider';
import { RuleViolated } from '../../errors';
import { Cents, formatCents } from '../../money';
import { maturityDate, repaymentSchedule } from '../../rules/schedule';
import { LoanDisbursed } from '../events';
import { Loan } from '../state';
import { requireNotInFuture, requireStatus } from './guards';

export type DisburseLoan = Command<'DisburseLoan', { amount: Cents; disbursedOn?: string; riskPoints?: string[] } & Acting>;

export function disburseLoan(c: DisburseLoan, s: Loan): [LoanDisbursed] {
  requireStatus(s, 'approved', 'disbursed');
  const { amount, by, now, today } = c.data;
  const disbursedOn = c.data.disbursedOn ?? today;
  const terms = s.approvedTerms!;
  if (amount > terms.amount)
    throw new RuleViolated('ABOVE_APPROVED_AMOUNT', `disbursing ${formatCents(amount)} is above the ${formatCents(terms.amount)} approved`);
  requireNotInFuture(disbursedOn, today, 'disbursedOn');
  if (disbursedOn < s.approvedOn!)
    throw new RuleViolated('DATE_BEFORE_APPROVAL', `disbursedOn ${disbursedOn} is before the approval on ${s.approvedOn}`);
  const repayment = s.requested!.repayment;
  const schedule = repaymentSchedule({
    amount,
    termMonths: terms.termMonths,
    annualRateBps: terms.annualRateBps,
    method: repayment,
    disbursedOn,
  });
  return [
    {
      type: 'LoanDisbursed',
      data: {
        loanId: s.loanId!,
        disbursedBy: by,
        amount,
        disbursedOn,
        annualRateBps: terms.annualRateBps,
        termMonths: terms.termMonths,
        repayment,
        maturityDate: maturityDate(disbursedOn, terms.termMonths),
        schedule,
        riskPoints: c.data.riskPoints ?? [],
        at: now,
      },
    },
  ];
}

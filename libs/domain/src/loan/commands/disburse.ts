import { MoneyRules } from '../../config/money';
import { Acting, Command } from '../../decider';
import { RuleViolated } from '../../errors';
import { Cents, formatCents } from '../../money';
import { maturityDate, repaymentSchedule } from '../../rules/schedule';
import { LoanDisbursed } from '../events';
import { Loan } from '../state';
import { requireNotInFuture, requireStatus } from './guards';

/** The money rules in force when the money is paid out (supplied by the handler), with their stream's version. */
export type MoneyRulesInForce = Pick<MoneyRules, 'dayCount' | 'penaltySurchargeBps'> & { version: number };

export type DisburseLoan = Command<
  'DisburseLoan',
  { amount: Cents; disbursedOn?: string; riskPoints?: string[]; moneyRules: MoneyRulesInForce } & Acting
>;

/** Pays the loan out: its schedule and how its interest accrues are fixed here, under the money rules in force. */
export function disburseLoan(c: DisburseLoan, s: Loan): [LoanDisbursed] {
  requireStatus(s, 'approved', 'disbursed');
  const { amount, by, now, today, moneyRules } = c.data;
  const disbursedOn = c.data.disbursedOn ?? today;
  const terms = s.approvedTerms!;
  if (amount > terms.amount)
    throw new RuleViolated('ABOVE_APPROVED_AMOUNT', `disbursing ${formatCents(amount)} is above the ${formatCents(terms.amount)} approved`);
  requireNotInFuture(disbursedOn, today, 'disbursedOn');
  if (disbursedOn < s.approvedOn!)
    throw new RuleViolated('DATE_BEFORE_APPROVAL', `disbursedOn ${disbursedOn} is before the approval on ${s.approvedOn}`);
  const repayment = s.requested!.repayment;
  const dayCount = terms.dayCount ?? moneyRules.dayCount;
  const schedule = repaymentSchedule({
    amount,
    termMonths: terms.termMonths,
    annualRateBps: terms.annualRateBps,
    method: repayment,
    disbursedOn,
    dayCount,
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
        dayCount,
        penaltySurchargeBps: moneyRules.penaltySurchargeBps,
        earlyRepayment: terms.earlyRepayment ?? 'shorten_term',
        moneyRulesVersion: moneyRules.version,
        at: now,
      },
    },
  ];
}

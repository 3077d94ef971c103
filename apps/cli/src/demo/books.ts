import { DEFAULT_MONEY_RULES, initialLoan, Loan, LoanCommand, loanDecider, RepaymentMethod, Terms } from '@loanflow/domain';

/**
 * A loan's money as the app will hold it, worked out ahead by the domain's own decider: the plan
 * folds in the acts it makes on the loan once it is paid out (payments, an extension, a demand for
 * early recovery, a write-off, recoveries), so what a teller pays, when a loan closes and what a
 * written-off claim holds are the plan's to know without asking the app. End of day's
 * classifications and warning signals are not folded in: they move no money, and what an act
 * reads of them is worked out from the app's answer when the act is sent (derive.ts).
 */
const midnight = (date: string) => `${date}T00:00:00.000Z`;

function fold(state: Loan, command: LoanCommand): Loan {
  return loanDecider.decide(command, state).reduce(loanDecider.evolve, state);
}

/** Paid out today on the approved terms, under the money rules in force: the demo never changes them. */
export function paidOut(loanId: string, repayment: RepaymentMethod, terms: Terms, by: string, today: string): Loan {
  const approved: Loan = {
    ...initialLoan,
    loanId,
    status: 'approved',
    requested: { amount: terms.amount, termMonths: terms.termMonths, repayment },
    approvedTerms: terms,
    approvedOn: today,
  };
  const { dayCount, penaltySurchargeBps } = DEFAULT_MONEY_RULES;
  return fold(approved, {
    type: 'DisburseLoan',
    data: { amount: terms.amount, moneyRules: { dayCount, penaltySurchargeBps, version: 0 }, by, now: midnight(today), today },
  });
}

export const repaid = (s: Loan, amount: number, paidOn: string, by: string, today: string) =>
  fold(s, { type: 'ReceiveRepayment', data: { amount, paidOn, by, now: midnight(today), today } });

export const extended = (s: Loan, months: number, reason: string, by: string, today: string) =>
  fold(s, { type: 'ExtendLoan', data: { months, reason, by, now: midnight(today), today } });

export const recoveryDemanded = (s: Loan, dueOn: string, reason: string, by: string, today: string) =>
  fold(s, { type: 'DemandEarlyRecovery', data: { dueOn, reason, by, now: midnight(today), today } });

/** Written off after the inspector's review classified it loss (which end of day never improves on). */
export const writtenOff = (s: Loan, by: string, today: string) =>
  fold({ ...s, category: 'loss' }, { type: 'WriteOffLoan', data: { reason: 'loss', by, now: midnight(today), today } });

export const recovered = (s: Loan, amount: number, by: string, today: string) =>
  fold(s, { type: 'RecordRecovery', data: { amount, by, now: midnight(today), today } });

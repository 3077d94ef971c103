import { LoanDisbursed, LoanEvent } from '../loan/events';
import { repaymentSchedule } from '../rules/schedule';
import { upcast } from '../upcasters';

/**
 * One loan's history in its usual order, for given/when/then specs: ana applies and
 * investigates, bo examines, cy approves 12,000.00 for 12 months at 6%.
 */
export const at = '2026-03-02T09:00:00.000Z';
export const today = '2026-03-02';
export const terms = { amount: 1_200_000, termMonths: 12, annualRateBps: 600 };
/** The default money rules, as the handler passes them when none were set (version -1). */
export const moneyRules = { dayCount: 'ACT/360' as const, penaltySurchargeBps: 5_000, version: -1 };
/** One approver at the branch whose limit covers every fixture loan, and the default committee rule. */
export const authority = { approvers: [{ staffId: 'cy', limit: 10_000_000 }], committee: { size: 3, majority: 2 } };

export const applied: LoanEvent = {
  type: 'LoanApplied',
  data: {
    loanId: 'L',
    borrowerId: 'B',
    branchId: 'BR',
    officerId: 'ana',
    purpose: 'p',
    sector: 's',
    agricultural: true,
    security: 'credit',
    amount: 1_200_000,
    termMonths: 12,
    repayment: 'equal_principal',
    appliedOn: today,
    at,
  },
};
export const investigated: LoanEvent = {
  type: 'InvestigationCompleted',
  data: { loanId: 'L', investigatorId: 'ana', recommendation: 'approve', findings: 'f', riskPoints: [], proposedTerms: terms, at },
};
export const examined: LoanEvent = {
  type: 'ExaminationCompleted',
  data: { loanId: 'L', examinerId: 'bo', opinion: 'pass', comments: 'c', riskPoints: [], at },
};
export const approved: LoanEvent = {
  type: 'LoanApproved',
  data: { loanId: 'L', approverId: 'cy', terms, comments: 'c', approvedOn: today, at },
};

/**
 * dan pays out the 12,000.00 on 2026-03-02: twelve instalments of 1,000.00 principal plus interest
 * on the balance by the day, ACT/360 (the first, 31 days: 12,000 x 6% x 31 / 360 = 62.00), due on
 * the 2nd of each month from 2026-04-02 to 2027-03-02.
 */
export const disbursed: LoanEvent = {
  type: 'LoanDisbursed',
  data: {
    loanId: 'L',
    disbursedBy: 'dan',
    amount: 1_200_000,
    disbursedOn: today,
    annualRateBps: 600,
    termMonths: 12,
    repayment: 'equal_principal',
    maturityDate: '2027-03-02',
    schedule: repaymentSchedule({ ...terms, method: 'equal_principal', disbursedOn: today, dayCount: 'ACT/360' }),
    dayCount: 'ACT/360',
    penaltySurchargeBps: 5_000,
    earlyRepayment: 'shorten_term',
    moneyRulesVersion: -1,
    at,
  },
};

/** The history of the loan once paid out. */
export const active: LoanEvent[] = [applied, investigated, examined, approved, disbursed];

/**
 * The same loan as recorded before interest accrued by the day (schema version 1), read through
 * the upcaster: its schedule has a month's interest on the balance (60.00, 55.00, ... 5.00) and it
 * reads as 30/360 with no penalty interest.
 */
const {
  dayCount: _day,
  penaltySurchargeBps: _penalty,
  earlyRepayment: _early,
  moneyRulesVersion: _rules,
  ...recordedBefore
} = (disbursed as LoanDisbursed).data;
export const disbursedMonthly = upcast({
  type: 'LoanDisbursed',
  schemaVersion: 1,
  data: {
    ...recordedBefore,
    schedule: repaymentSchedule({ ...terms, method: 'equal_principal', disbursedOn: today, dayCount: '30/360' }),
  },
}) as unknown as LoanEvent;
